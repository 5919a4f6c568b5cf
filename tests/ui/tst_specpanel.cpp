// The Spec tab and where its directory comes from: SpecRootMap from the user's choice
// (QSettings, per context + namespace + suite) and from Skaffold sessions (run id, or the
// deployment their status check named; the stand-in skaffold serves the real event API),
// and SpecPanel following the failure list of a real Jest log.
#include "failurelistmodel.h"
#include "logmodel.h"
#include "skaffold/skaffoldsession.h"
#include "skaffold/skaffoldsessions.h"
#include "specpanel.h"
#include "specrootmap.h"
#include "specviewer.h"

#include <QDir>
#include <QFile>
#include <QFileSystemModel>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextLayout>
#include <QTest>
#include <QTreeView>

namespace {

const QString StandIn = QStringLiteral(KASSERT_TESTS_DIR "/fixtures/skaffold/skaffold");

QList<LogLine> sample(const QString &name)
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/logs/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file.fileName()));
    QList<LogLine> lines;
    for (const QString &line : QString::fromUtf8(file.readAll()).split('\n'))
        lines.append({QDateTime(), line});
    return lines;
}

// A spec directory as a developer has it: skaffold.yaml, kustomization, specs/*.spec.js.
void writeSpecDirectory(const QString &root, const QStringList &specs)
{
    QDir(root).mkpath("specs");
    QDir(root).mkpath("node_modules/jest");
    for (const QString &name : QStringList{"skaffold.yaml", "kustomization.yaml"} + specs) {
        QFile file(root + '/' + name);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 1; i <= 40; ++i)
            file.write(QString("// %1 line %2\n").arg(name).arg(i).toUtf8());
    }
    QFile binary(root + "/specs/image.png");
    QVERIFY(binary.open(QIODevice::WriteOnly));
    binary.write("\x89PNG");
}

} // namespace

class TestSpecPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_tmp.isValid());
    }

    void userRootsArePerContextNamespaceAndSuite()
    {
        SpecRootMap map;
        QSignalSpy changed(&map, &SpecRootMap::changed);
        const SuiteKey checkout{"shop", "checkout"};
        QCOMPARE(map.rootFor("kind-dev", checkout, {}).source, SpecRootMap::Source::None);
        map.setUserRoot("kind-dev", checkout, m_tmp.path() + "/./checkout/");
        QCOMPARE(changed.size(), 1);
        const SpecRootMap::Root root = map.rootFor("kind-dev", checkout, {});
        QCOMPARE(root.source, SpecRootMap::Source::User);
        QCOMPARE(root.directory, m_tmp.path() + "/checkout");
        // Another context, namespace or suite knows nothing of it.
        QVERIFY(map.rootFor("prod", checkout, {}).directory.isEmpty());
        QVERIFY(map.rootFor("kind-dev", {"other", "checkout"}, {}).directory.isEmpty());
        QVERIFY(map.rootFor("kind-dev", {"shop", "payments"}, {}).directory.isEmpty());

        // Remembered: a new map (a restart) reads it back from the settings.
        SpecRootMap later;
        QCOMPARE(later.rootFor("kind-dev", checkout, {}).directory, m_tmp.path() + "/checkout");
        later.setUserRoot("kind-dev", checkout, {});
        QVERIFY(map.rootFor("kind-dev", checkout, {}).directory.isEmpty());
    }

    void settingsKeysSurviveOddNames()
    {
        // '/' is QSettings' group separator; names must not make groups or collide.
        const QString a = SpecRootMap::settingsKey("arn:aws:eks:eu-1:1:cluster/prod", {"a/b", "c"});
        const QString b = SpecRootMap::settingsKey("arn:aws:eks:eu-1:1:cluster/prod", {"a", "b/c"});
        QCOMPARE(a.count('/'), 3);
        QVERIFY(a != b);
        SpecRootMap map;
        map.setUserRoot("ctx/with/slashes", {"ns", "s/1"}, "/srv/specs");
        QCOMPARE(map.userRoot("ctx/with/slashes", {"ns", "s/1"}), "/srv/specs");
        QVERIFY(map.userRoot("ctx/with/slashes", {"ns", "s"}).isEmpty());
    }

    void skaffoldSessionMapsWhatItDeployed()
    {
        const QString specDir = m_tmp.filePath("deployed");
        writeSpecDirectory(specDir, {"specs/kassert.spec.js"});
        SkaffoldSessions sessions;
        sessions.setProgram(StandIn);
        SpecRootMap map;
        map.setSessions(&sessions);
        QSignalSpy changed(&map, &SpecRootMap::changed);

        SkaffoldLaunch launch;
        launch.mode = SkaffoldMode::Dev;
        launch.specDir = specDir;
        launch.kubeContext = "kind-dev";
        launch.nameSpace = "assert";
        SkaffoldSession *session = sessions.start(launch);
        QVERIFY(session);
        // The stand-in's status check names deployment/kassert-spec; its metaEvent the run id.
        QTRY_VERIFY_WITH_TIMEOUT(!session->runId().isEmpty(), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(session->resources().contains("deployment/kassert-spec"), 15000);
        QVERIFY(changed.size() > 0);

        // By deployment name, in the session's namespace only.
        SpecRootMap::Root root = map.rootFor("kind-dev", {"assert", "kassert-spec"}, {});
        QCOMPARE(root.source, SpecRootMap::Source::Skaffold);
        QCOMPARE(root.directory, specDir);
        QVERIFY(map.rootFor("kind-dev", {"elsewhere", "kassert-spec"}, {}).directory.isEmpty());
        QVERIFY(map.rootFor("kind-dev", {"assert", "kassert"}, {}).directory.isEmpty());
        // By the run id on the run's pod, whatever the workload is called.
        root = map.rootFor("kind-dev", {"assert", "renamed-by-kustomize"}, session->runId());
        QCOMPARE(root.directory, specDir);
        QVERIFY(map.rootFor("kind-dev", {"assert", "renamed-by-kustomize"}, "another-run").directory.isEmpty());
        // The user's choice wins over Skaffold's.
        map.setUserRoot("kind-dev", {"assert", "kassert-spec"}, m_tmp.path());
        QCOMPARE(map.rootFor("kind-dev", {"assert", "kassert-spec"}, {}).source, SpecRootMap::Source::User);
        map.setUserRoot("kind-dev", {"assert", "kassert-spec"}, {});

        // A finished session still maps what it deployed; a removed one does not.
        session->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!session->isLive(), 15000);
        QCOMPARE(map.rootFor("kind-dev", {"assert", "kassert-spec"}, {}).directory, specDir);
        changed.clear();
        sessions.remove(session);
        QCOMPARE(changed.size(), 1);
        QVERIFY(map.rootFor("kind-dev", {"assert", "kassert-spec"}, {}).directory.isEmpty());
    }

    void workloadNamesFromResourceStrings_data()
    {
        QTest::addColumn<QString>("launchNamespace");
        QTest::addColumn<QString>("suiteNamespace");
        QTest::addColumn<QString>("suiteName");
        QTest::addColumn<bool>("mapped");
        QTest::newRow("same namespace") << "assert" << "assert" << "kassert-spec" << true;
        QTest::newRow("other namespace") << "assert" << "prod" << "kassert-spec" << false;
        QTest::newRow("context's namespace") << "" << "whatever" << "kassert-spec" << true;
        QTest::newRow("prefix of the name") << "assert" << "assert" << "kassert" << false;
        QTest::newRow("empty name") << "assert" << "assert" << "" << false;
    }
    void workloadNamesFromResourceStrings()
    {
        QFETCH(QString, launchNamespace);
        QFETCH(QString, suiteNamespace);
        QFETCH(QString, suiteName);
        QFETCH(bool, mapped);
        SkaffoldSessions sessions;
        sessions.setProgram(StandIn);
        SkaffoldLaunch launch;
        launch.mode = SkaffoldMode::Run;
        launch.specDir = QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/valid");
        launch.nameSpace = launchNamespace;
        SkaffoldSession *session = sessions.start(launch);
        QVERIFY(session);
        QTRY_VERIFY_WITH_TIMEOUT(session->state() == SkaffoldSession::State::Finished, 15000);
        QVERIFY2(session->resources().contains("deployment/kassert-spec"),
                 qPrintable(QStringList(session->resources().keys()).join(", ") + " / " + session->exitText()
                            + " / events " + QString::number(session->recentEvents().size())));
        QCOMPARE(sessions.specDirForWorkload(suiteNamespace, suiteName).isEmpty(), !mapped);
    }

    void panelFollowsFailuresUntilAFileIsPicked()
    {
        const QString root = m_tmp.filePath("checkout-specs");
        writeSpecDirectory(root, {"specs/checkout.spec.js", "specs/inventory.spec.js"});
        LogModel log;
        FailureListModel failures;
        failures.setLogModel(&log);
        SpecPanel panel;
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setFailures(&failures);

        // No directory: the viewer is empty and the panel says what to do.
        panel.setSpecRoot({}, {}, "shop/checkout");
        QVERIFY(panel.statusText().contains("shop/checkout"));
        QVERIFY(!panel.fileList()->isVisible());

        panel.setSpecRoot(root, "set by you", "shop/checkout");
        QVERIFY(panel.fileList()->isVisible());
        QVERIFY(panel.findChild<QLabel *>("specRootLabel")->text().contains("set by you"));
        log.appendLines(sample("failing-plain.log"));
        QTRY_VERIFY(failures.rowCount() >= 2);
        // The first failure with a frame: /app/specs/checkout.spec.js:13:…
        const JestFailure first = failures.failures().first();
        QTRY_COMPARE(panel.viewer()->currentFile(), QDir::cleanPath(root + "/specs/checkout.spec.js"));
        QCOMPARE(panel.viewer()->currentLine(), first.line);
        QCOMPARE(panel.viewer()->textCursor().blockNumber(), first.line - 1);
        QCOMPARE(panel.viewer()->syntaxName(), QString("JavaScript"));
        QVERIFY(panel.followsFailures());

        // The file list shows the spec directory (spec-like files only), current file selected.
        auto *files = qobject_cast<QFileSystemModel *>(panel.fileList()->model());
        QVERIFY(files);
        QTRY_VERIFY(files->rowCount(panel.fileList()->rootIndex()) >= 3); // node_modules, specs, yamls
        const QModelIndex current = panel.fileList()->currentIndex();
        QCOMPARE(files->filePath(current), QDir::cleanPath(root + "/specs/checkout.spec.js"));
        const QModelIndex specs = files->index(root + "/specs");
        QTRY_COMPARE(files->rowCount(specs), 2); // image.png is filtered out

        // Picking a file: the viewer stays there when the next iteration's failures come.
        const QModelIndex yaml = files->index(root + "/skaffold.yaml");
        QVERIFY(yaml.isValid());
        panel.fileList()->setFocus();
        panel.fileList()->setCurrentIndex(yaml);
        QTest::keyClick(panel.fileList(), Qt::Key_Return);
        QVERIFY2(panel.viewer()->currentFile() == QDir::cleanPath(root + "/skaffold.yaml"),
                 qPrintable(panel.viewer()->currentFile() + " | " + panel.statusText() + " | "
                            + files->filePath(panel.fileList()->currentIndex())));
        QCOMPARE(panel.viewer()->syntaxName(), QString("YAML"));
        QVERIFY(!panel.followsFailures());
        log.appendLines(sample("failing-plain.log"));
        QCOMPARE(panel.viewer()->currentFile(), QDir::cleanPath(root + "/skaffold.yaml"));

        // A frame chosen elsewhere opens, and a missing one says so without crashing.
        QVERIFY(panel.openFrame("/usr/src/app/specs/inventory.spec.js", 7).isEmpty());
        QCOMPARE(panel.viewer()->currentLine(), 7);
        QVERIFY(!panel.openFrame("specs/missing.spec.js", 3).isEmpty());
        QVERIFY(panel.statusText().contains("missing.spec.js"));
        QVERIFY(!panel.openFrame("../../../etc/passwd", 1).isEmpty());
        QVERIFY(!panel.openFrame("/etc/passwd", 1).isEmpty());

        // Another run (a reset of the failure list) follows failures again.
        log.clear();
        log.appendLines(sample("failing-plain.log"));
        QTRY_COMPARE(panel.viewer()->currentFile(), QDir::cleanPath(root + "/specs/checkout.spec.js"));
        QVERIFY(panel.followsFailures());
    }

    // The highlighting theme follows the palette: another colour for the same comment.
    void paletteChangeSwitchesTheme()
    {
        SpecPanel panel;
        QPalette dark = panel.palette();
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
        const QString root = m_tmp.filePath("theme");
        writeSpecDirectory(root, {"specs/a.spec.js"});
        panel.setSpecRoot(root, {});
        QVERIFY(panel.openFrame("specs/a.spec.js", 2).isEmpty());
        const QColor lightText = panel.viewer()->document()->firstBlock().layout()->formats().value(0).format.foreground().color();
        panel.viewer()->setPalette(dark);
        const QColor darkText = panel.viewer()->document()->firstBlock().layout()->formats().value(0).format.foreground().color();
        QVERIFY2(lightText != darkText, qPrintable(lightText.name() + " " + darkText.name()));
    }
};

QTEST_MAIN(TestSpecPanel)
#include "tst_specpanel.moc"
