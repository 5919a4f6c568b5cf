#include "skaffold/recentspecdirectories.h"
#include "skaffold/specdirectory.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

namespace {

QString dataDir(const QString &name)
{
    return QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/") + name;
}

QStringList imagesOf(const SpecDirectory &spec)
{
    QStringList images;
    for (const SkaffoldConfig &config : spec.configs) {
        for (const SkaffoldArtifact &artifact : config.artifacts)
            images << artifact.image + '@' + artifact.context;
    }
    return images;
}

QList<int> errorLines(const SpecDirectory &spec)
{
    QList<int> lines;
    for (const SpecIssue &issue : spec.errors)
        lines << issue.line;
    return lines;
}

} // namespace

class TestSpecDirectory : public QObject
{
    Q_OBJECT

private slots:
    void readsDirectories_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<bool>("runnable");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("profiles");
        QTest::addColumn<QStringList>("images");
        QTest::addColumn<QStringList>("deployKinds");
        QTest::addColumn<bool>("hasKustomization");
        QTest::addColumn<QList<int>>("errorLines");
        QTest::addColumn<int>("warnings");

        QTest::newRow("valid") << "valid" << true << "checkout-specs" << QStringList {}
                               << QStringList { "checkout-specs@." } << QStringList { "kubectl", "kustomize" }
                               << true << QList<int> {} << 0;
        QTest::newRow("profiles") << "profiles" << true << "payments-specs"
                                  << QStringList { "ci", "minikube", "helm" }
                                  << QStringList { "payments-specs@.", "payments-fixtures@fixtures" }
                                  << QStringList { "kubectl", "kustomize" } << true << QList<int> {} << 0;
        QTest::newRow("multi-document") << "multidoc" << true << "backend" << QStringList { "ci", "debug" }
                                        << QStringList { "backend-specs@backend", "frontend-specs@frontend" }
                                        << QStringList { "rawYaml", "helm" } << true << QList<int> {} << 0;
        QTest::newRow("malformed") << "malformed" << false << "malformed" << QStringList {} << QStringList {}
                                   << QStringList {} << true << QList<int> { 5 } << 0;
        QTest::newRow("no kustomization")
            << "nokustomization" << true << "lonely-specs" << QStringList {}
            << QStringList { "lonely-specs@." } << QStringList { "kubectl", "kustomize" } << false
            << QList<int> {} << 1;
        QTest::newRow("wrong types") << "wrongtypes" << false << "wrongtypes" << QStringList {}
                                     << QStringList { "ok-image@." } << QStringList {} << false
                                     << QList<int> { 4, 5, 9, 10, 12 } << 0;
        QTest::newRow("empty file") << "empty" << false << "empty" << QStringList {} << QStringList {}
                                    << QStringList {} << false << QList<int> { 0 } << 0;
        QTest::newRow("not skaffold")
            << "notskaffold" << false << "not-a-skaffold-config" << QStringList {} << QStringList {}
            << QStringList {} << false << QList<int> { 1, 2 } << 0;
    }

    void readsDirectories()
    {
        QFETCH(QString, dir);
        QFETCH(bool, runnable);
        QFETCH(QString, name);
        QFETCH(QStringList, profiles);
        QFETCH(QStringList, images);
        QFETCH(QStringList, deployKinds);
        QFETCH(bool, hasKustomization);
        QFETCH(QList<int>, errorLines);
        QFETCH(int, warnings);

        const SpecDirectory spec = readSpecDirectory(dataDir(dir));
        QCOMPARE(spec.path, dataDir(dir));
        QCOMPARE(spec.skaffoldFile, dataDir(dir) + "/skaffold.yaml");
        QCOMPARE(::errorLines(spec), errorLines);
        for (const SpecIssue &issue : spec.errors) {
            QCOMPARE(issue.file, spec.skaffoldFile);
            QVERIFY(!issue.message.isEmpty());
            QVERIFY2(issue.toString().startsWith(spec.skaffoldFile), qPrintable(issue.toString()));
        }
        QCOMPARE(spec.isRunnable(), runnable);
        QCOMPARE(spec.displayName(), name);
        QCOMPARE(spec.profiles(), profiles);
        QCOMPARE(imagesOf(spec), images);
        QCOMPARE(spec.deployKinds(), deployKinds);
        QCOMPARE(spec.hasKustomization, hasKustomization);
        QCOMPARE(spec.warnings.size(), warnings);
    }

    void malformedNamesFileAndLine()
    {
        const SpecDirectory spec = readSpecDirectory(dataDir("malformed"));
        QCOMPARE(spec.errors.size(), 1);
        const QString text = spec.errors.first().toString();
        QVERIFY2(
            text.startsWith(dataDir("malformed") + "/skaffold.yaml:5: malformed YAML"), qPrintable(text));
    }

    void wrongTypesSayWhichField()
    {
        const SpecDirectory spec = readSpecDirectory(dataDir("wrongtypes"));
        QStringList messages;
        for (const SpecIssue &issue : spec.errors)
            messages << issue.message;
        QVERIFY2(messages.at(0).contains("metadata.name"), qPrintable(messages.at(0)));
        QVERIFY2(messages.at(1).contains("profiles"), qPrintable(messages.at(1)));
        QVERIFY2(messages.at(2).contains("no image"), qPrintable(messages.at(2)));
        QVERIFY2(messages.at(4).contains("deploy"), qPrintable(messages.at(4)));
    }

    void missingFileAndDirectory()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        SpecDirectory spec = readSpecDirectory(tmp.path());
        QVERIFY(!spec.isRunnable());
        QCOMPARE(spec.errors.size(), 1);
        QCOMPARE(spec.errors.first().file, tmp.path() + "/skaffold.yaml");
        QVERIFY(spec.errors.first().message.contains("not found"));

        spec = readSpecDirectory(tmp.path() + "/does-not-exist");
        QVERIFY(!spec.isRunnable());
        QCOMPARE(spec.errors.first().file, tmp.path() + "/does-not-exist");
    }

    void hostileInput_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("runnable");

        QTest::newRow("truncated") << QByteArray(
            "apiVersion: skaffold/v4beta11\nbuild:\n  artifacts:\n    - image: \"unterminated")
                                   << false;
        QTest::newRow("deep nesting") << QByteArray(200000, '[') << false;
        QTest::newRow("binary") << QByteArray("\x00\x01\xff\xfe garbage \x80\x81", 14) << false;
        QTest::newRow("scalar document") << QByteArray("just a string\n") << false;
        QTest::newRow("alias bomb") << QByteArray(
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "apiVersion: skaffold/v4beta11\nprofiles: [*d]\n")
                                    << false;
        QTest::newRow("duplicate modules")
            << QByteArray("apiVersion: skaffold/v4beta11\nmetadata: {name: m}\n---\n"
                          "apiVersion: skaffold/v4beta11\nmetadata: {name: m}\n")
            << false;
        QTest::newRow("duplicate profile")
            << QByteArray("apiVersion: skaffold/v4beta11\nprofiles:\n- name: a\n- name: a\n") << false;
        QTest::newRow("only separators") << QByteArray("---\n---\n") << false;
        QTest::newRow("minimal") << QByteArray("apiVersion: skaffold/v4beta11\n") << true;
    }

    void hostileInput()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, runnable);
        SpecDirectory spec;
        parseSkaffoldYaml(text, "/x/skaffold.yaml", spec);
        QCOMPARE(spec.isRunnable(), runnable);
        if (!runnable) {
            QVERIFY(!spec.errors.isEmpty());
            QCOMPARE(spec.errors.first().file, QString("/x/skaffold.yaml"));
        }
    }

    void hugeFileIsRefused()
    {
        QTemporaryDir tmp;
        QFile file(tmp.filePath("skaffold.yaml"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("apiVersion: skaffold/v4beta11\n# ");
        file.write(QByteArray(MaxSkaffoldYamlBytes, 'x'));
        file.close();
        const SpecDirectory spec = readSpecDirectory(tmp.path());
        QVERIFY(!spec.isRunnable());
        QVERIFY2(spec.errors.first().message.contains("too large"), qPrintable(spec.errors.first().message));
    }

    void recentDirectories()
    {
        QTemporaryDir tmp;
        QSettings settings(tmp.filePath("settings.ini"), QSettings::IniFormat);
        RecentSpecDirectories recent(settings, 3);
        QVERIFY(recent.list().isEmpty());
        recent.add("/a/b/../c");
        recent.add("/d");
        recent.add("/a/c/");
        QCOMPARE(recent.list(), (QStringList { "/a/c", "/d" }));
        recent.add("/e");
        recent.add("/f");
        QCOMPARE(recent.list(), (QStringList { "/f", "/e", "/a/c" }));
        recent.add("");
        recent.remove("/e");
        QCOMPARE(recent.list(), (QStringList { "/f", "/a/c" }));

        // A hand-edited settings file: wrong type, blanks, duplicates, too many entries.
        settings.setValue(
            RecentSpecDirectories::SettingsKey, QStringList { "/x", "", "/x", "/y", "/z", "/w" });
        QCOMPARE(recent.list(), (QStringList { "/x", "/y", "/z" }));
        // An INI file holding a single path reads back as a plain string.
        settings.setValue(RecentSpecDirectories::SettingsKey, QString("/only"));
        QCOMPARE(recent.list(), QStringList { "/only" });
        recent.clear();
        QVERIFY(recent.list().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSpecDirectory)
#include "tst_specdirectory.moc"
