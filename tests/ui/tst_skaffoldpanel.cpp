#include "skaffold/recentspecdirectories.h"
#include "skaffold/skaffoldsession.h"
#include "skaffold/skaffoldsessions.h"
#include "logview.h"
#include "skaffoldpanel.h"

#include <QComboBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {
const QString StandIn = QStringLiteral(KASSERT_TESTS_DIR "/fixtures/skaffold/skaffold");
QString spec(const char *name)
{
    return QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/") + name;
}
} // namespace

class TestSkaffoldPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;

private slots:
    void brokenSpecDisablesRunButtons()
    {
        QSettings settings(m_tmp.filePath("a.ini"), QSettings::IniFormat);
        SkaffoldSessions sessions;
        SkaffoldPanel panel(&sessions, settings);
        QVERIFY(!panel.devButton()->isEnabled());
        QVERIFY(!panel.runButton()->isEnabled());

        panel.openSpecDirectory(spec("malformed"));
        QVERIFY(!panel.devButton()->isEnabled());
        QVERIFY(!panel.runButton()->isEnabled());
        QCOMPARE(panel.specDirectory().errors.size(), 1);

        panel.openSpecDirectory(spec("profiles"));
        QVERIFY(panel.devButton()->isEnabled());
        QVERIFY(panel.runButton()->isEnabled());
        QCOMPARE(panel.profileBox()->count(), 4); // (no profile), ci, minikube, helm
        QCOMPARE(panel.profileBox()->itemData(1).toString(), QString("ci"));

        // Both were remembered, newest first.
        QCOMPARE(
            RecentSpecDirectories(settings).list(), (QStringList { spec("profiles"), spec("malformed") }));
    }

    void devSessionFromTheButtons()
    {
        QSettings settings(m_tmp.filePath("b.ini"), QSettings::IniFormat);
        SkaffoldSessions sessions;
        sessions.setProgram(StandIn);
        SkaffoldPanel panel(&sessions, settings);
        panel.setClusterTarget("kind-dev", "assert");
        panel.openSpecDirectory(spec("profiles"));
        panel.profileBox()->setCurrentIndex(1);
        // Only the spec chooser until there is a session: the dock stays small.
        panel.show();
        QVERIFY(!panel.console()->isVisible());
        QVERIFY(!panel.stopButton()->isVisible());
        QSignalSpy started(&panel, &SkaffoldPanel::sessionStarted);
        QTest::mouseClick(panel.devButton(), Qt::LeftButton);
        QCOMPARE(started.size(), 1);
        QVERIFY(panel.console()->isVisible());
        QVERIFY(panel.stopButton()->isVisible());
        SkaffoldSession *session = panel.currentSession();
        QVERIFY(session);
        QCOMPARE(session->launch().profile, QString("ci"));
        QCOMPARE(session->launch().kubeContext, QString("kind-dev"));
        QVERIFY(!panel.devButton()->isEnabled()); // one session per directory

        QTRY_VERIFY_WITH_TIMEOUT(panel.consoleText().contains("Watching for changes..."), 15000);
        QVERIFY(panel.consoleText().startsWith("kassert: skaffold dev -f "));
        QVERIFY(panel.stopButton()->isEnabled());
        QTest::mouseClick(panel.stopButton(), Qt::LeftButton);
        QCOMPARE(panel.stopButton()->text(), QString("Kill now"));
        QTRY_COMPARE_WITH_TIMEOUT(session->exit(), SkaffoldSession::Exit::Stopped, 15000);
        QVERIFY(panel.consoleText().contains("Cleaning up..."));
        QVERIFY(panel.devButton()->isEnabled());
        QVERIFY(!panel.stopButton()->isEnabled());
        sessions.remove(session);
        QVERIFY(!panel.console()->isVisible()); // the last session went
    }

    void firstBuildFailureShowsSuggestions()
    {
        QSettings settings(m_tmp.filePath("c.ini"), QSettings::IniFormat);
        SkaffoldSessions sessions;
        sessions.setProgram(StandIn);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SKAFFOLD_FAKE_SCENARIO", "build-fail");
        sessions.setProcessEnvironment(env);
        SkaffoldPanel panel(&sessions, settings);
        panel.openSpecDirectory(spec("valid"));
        QTest::mouseClick(panel.runButton(), Qt::LeftButton);
        SkaffoldSession *session = panel.currentSession();
        QVERIFY(session);
        QTRY_COMPARE_WITH_TIMEOUT(session->state(), SkaffoldSession::State::Finished, 15000);
        QVERIFY(!panel.errorLabel()->isHidden());
        QVERIFY2(
            panel.errorLabel()->text().contains("BUILD_USER_ERROR"), qPrintable(panel.errorLabel()->text()));
        QVERIFY(panel.errorLabel()->text().contains("Fix the Dockerfile and try again"));
    }
};

QTEST_MAIN(TestSkaffoldPanel)
#include "tst_skaffoldpanel.moc"
