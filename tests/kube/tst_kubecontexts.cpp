#include "kube/kubecontexts.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

QByteArray twoContexts(const QByteArray &devServer = "https://dev.example:6443")
{
    return "current-context: dev\n"
           "clusters:\n"
           "- name: dev\n  cluster: {server: '"
        + devServer
        + "'}\n"
          "- name: prod\n  cluster: {server: 'https://prod.example'}\n"
          "users:\n- name: me\n  user: {token: SECRET-token}\n"
          "contexts:\n"
          "- name: dev\n  context: {cluster: dev, user: me, namespace: team-dev}\n"
          "- name: prod\n  context: {cluster: prod, user: me}\n";
}

} // namespace

class TestKubeContexts : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_main;
    QString m_extra;

    KubeconfigLoader::Options options() const
    {
        KubeconfigLoader::Options options;
        options.kubeconfigEnv = m_main + ':' + m_extra;
        options.homeDir = "/nonexistent-home";
        return options;
    }

private slots:
    void init()
    {
        m_main = m_dir.filePath("main.yaml");
        m_extra = m_dir.filePath("extra.yaml");
        QVERIFY(writeFile(m_main, twoContexts()));
        QFile::remove(m_extra);
    }

    void startWithCurrentContext()
    {
        KubeContexts contexts(options());
        QSignalSpy listed(&contexts, &KubeContexts::contextsChanged);
        QSignalSpy switched(&contexts, &KubeContexts::switched);
        QVERIFY(contexts.start());
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().at(0).toStringList(), (QStringList { "dev", "prod" }));
        QCOMPARE(listed.first().at(1).toString(), "dev");
        QCOMPARE(switched.size(), 1);
        const ClusterAccess access = switched.first().at(0).value<ClusterAccess>();
        QCOMPARE(access.target.contextName, "dev");
        QCOMPARE(access.target.server, QUrl("https://dev.example:6443"));
        QCOMPARE(access.target.defaultNamespace, "team-dev");
        QVERIFY(access.credentials);
        QCOMPARE(contexts.activeContext(), "dev");
        QCOMPARE(contexts.nameSpace(), "team-dev");
        QVERIFY(contexts.access());
    }

    void startWithExplicitContextAndNamespace()
    {
        KubeContexts contexts(options());
        contexts.setNamespaceOverride("from-flag");
        QSignalSpy switched(&contexts, &KubeContexts::switched);
        QVERIFY(contexts.start("prod"));
        QCOMPARE(contexts.activeContext(), "prod");
        QCOMPARE(contexts.nameSpace(), "from-flag");
        QCOMPARE(switched.first().at(0).value<ClusterAccess>().target.defaultNamespace, "from-flag");
    }

    void switching()
    {
        KubeContexts contexts(options());
        QVERIFY(contexts.start());
        QSignalSpy switched(&contexts, &KubeContexts::switched);
        QSignalSpy failed(&contexts, &KubeContexts::switchFailed);
        QSignalSpy namespaces(&contexts, &KubeContexts::namespaceChanged);

        QVERIFY(contexts.switchContext("prod"));
        QCOMPARE(switched.size(), 1);
        QCOMPARE(switched.first().at(0).value<ClusterAccess>().target.server, QUrl("https://prod.example"));
        QCOMPARE(namespaces.size(), 1);
        QCOMPARE(namespaces.first().at(0).toString(), "default");

        // Switching to the active context again does nothing.
        QVERIFY(contexts.switchContext("prod"));
        QCOMPARE(switched.size(), 1);

        QVERIFY(!contexts.switchContext("nope"));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(0).toString(), "nope");
        QCOMPARE(failed.first().at(1).toString(), "context \"nope\" is not defined in " + m_main);
        QCOMPARE(contexts.activeContext(), "nope");
        QVERIFY(!contexts.access());
        QCOMPARE(contexts.lastError(), failed.first().at(1).toString());

        QVERIFY(contexts.switchContext("dev"));
        QCOMPARE(switched.size(), 2);
        QCOMPARE(contexts.nameSpace(), "team-dev");
        QVERIFY(contexts.lastError().isEmpty());
    }

    void namespaceOverrideAtRuntime()
    {
        KubeContexts contexts(options());
        QVERIFY(contexts.start());
        QSignalSpy namespaces(&contexts, &KubeContexts::namespaceChanged);
        contexts.setNamespaceOverride("other");
        QCOMPARE(namespaces.size(), 1);
        QCOMPARE(namespaces.first().at(0).toString(), "other");
        QCOMPARE(contexts.access()->target.defaultNamespace, "other");
        contexts.setNamespaceOverride("other");
        QCOMPARE(namespaces.size(), 1);
        contexts.setNamespaceOverride(QString());
        QCOMPARE(namespaces.size(), 2);
        QCOMPARE(contexts.nameSpace(), "team-dev");
    }

    void reload()
    {
        KubeContexts contexts(options());
        QVERIFY(contexts.start());
        QSignalSpy switched(&contexts, &KubeContexts::switched);
        QSignalSpy listed(&contexts, &KubeContexts::contextsChanged);
        QSignalSpy failed(&contexts, &KubeContexts::switchFailed);
        QSignalSpy loadFailed(&contexts, &KubeContexts::loadFailed);

        // Unchanged definition: the running access is kept.
        QVERIFY(contexts.reload());
        QCOMPARE(listed.size(), 1);
        QCOMPARE(switched.size(), 0);

        // A new file in KUBECONFIG adds contexts; the active one is untouched.
        QVERIFY(writeFile(m_extra, "contexts:\n- name: staging\n  context: {cluster: prod}\n"));
        QVERIFY(contexts.reload());
        QCOMPARE(listed.last().at(0).toStringList(), (QStringList { "dev", "prod", "staging" }));
        QCOMPARE(switched.size(), 0);

        // The active context's cluster changed: a fresh access.
        QVERIFY(writeFile(m_main, twoContexts("https://dev2.example:6443")));
        QVERIFY(contexts.reload());
        QCOMPARE(switched.size(), 1);
        QCOMPARE(
            switched.last().at(0).value<ClusterAccess>().target.server, QUrl("https://dev2.example:6443"));

        // The active context's namespace changed: a fresh access and the new namespace.
        QSignalSpy namespaces(&contexts, &KubeContexts::namespaceChanged);
        QByteArray moved = twoContexts("https://dev2.example:6443");
        moved.replace("namespace: team-dev", "namespace: team-moved");
        QVERIFY(writeFile(m_main, moved));
        QVERIFY(contexts.reload());
        QCOMPARE(switched.size(), 2);
        QCOMPARE(switched.last().at(0).value<ClusterAccess>().target.defaultNamespace, "team-moved");
        QCOMPARE(namespaces.size(), 1);
        QCOMPARE(namespaces.first().at(0).toString(), "team-moved");

        // A broken file: the error, and the previous config stays.
        QVERIFY(writeFile(m_main, "clusters: [\n"));
        QVERIFY(!contexts.reload());
        QCOMPARE(loadFailed.size(), 1);
        QVERIFY2(loadFailed.first().at(0).toString().startsWith(m_main + ": line "),
            qPrintable(contexts.lastError()));
        QCOMPARE(contexts.contextNames(), (QStringList { "dev", "prod", "staging" }));
        QVERIFY(contexts.access());

        // The active context disappeared.
        QVERIFY(writeFile(m_main, "contexts:\n- name: prod\n  context: {cluster: prod}\n"));
        QVERIFY(writeFile(m_extra, ""));
        QVERIFY(!contexts.reload());
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(0).toString(), "dev");
        QVERIFY(failed.first().at(1).toString().startsWith("context \"dev\" is not defined in " + m_main));
        QVERIFY(!contexts.access());
    }

    void watchFiles()
    {
        KubeContexts contexts(options());
        contexts.setWatchFiles(true);
        QVERIFY(contexts.start());
        QSignalSpy switched(&contexts, &KubeContexts::switched);
        QSignalSpy listed(&contexts, &KubeContexts::contextsChanged);

        // Edited in place: the active context's cluster changed.
        QVERIFY(writeFile(m_main, twoContexts("https://edited.example")));
        QTRY_COMPARE_WITH_TIMEOUT(switched.size(), 1, 10000);
        QCOMPARE(switched.last().at(0).value<ClusterAccess>().target.server, QUrl("https://edited.example"));

        // A KUBECONFIG file that did not exist appears.
        QVERIFY(writeFile(m_extra, "contexts:\n- name: staging\n  context: {cluster: prod}\n"));
        QTRY_VERIFY_WITH_TIMEOUT(contexts.contextNames().contains("staging"), 10000);

        // Replaced by rename, as editors and kubectl do.
        const QString temporary = m_dir.filePath("main.yaml.tmp");
        QVERIFY(writeFile(temporary, twoContexts("https://renamed.example")));
        QVERIFY(QFile::remove(m_main));
        QVERIFY(QFile::rename(temporary, m_main));
        QTRY_COMPARE_WITH_TIMEOUT(switched.size(), 2, 10000);
        QCOMPARE(switched.last().at(0).value<ClusterAccess>().target.server, QUrl("https://renamed.example"));

        // Touching a file without changing it, or another file in the directory, does nothing.
        const qsizetype listedBefore = listed.size();
        QVERIFY(writeFile(m_main, twoContexts("https://renamed.example")));
        QVERIFY(writeFile(m_dir.filePath("unrelated.txt"), "x"));
        QTest::qWait(800);
        QCOMPARE(listed.size(), listedBefore);
        QCOMPARE(switched.size(), 2);

        // Still watched after the rename: a later in-place edit is seen.
        QVERIFY(writeFile(m_main, twoContexts("https://again.example")));
        QTRY_COMPARE_WITH_TIMEOUT(switched.size(), 3, 10000);
    }

    void noConfigAtAll()
    {
        KubeconfigLoader::Options none;
        none.kubeconfigEnv = m_dir.filePath("missing-1") + ':' + m_dir.filePath("missing-2");
        KubeContexts contexts(none);
        QSignalSpy failed(&contexts, &KubeContexts::switchFailed);
        QVERIFY(!contexts.start());
        QCOMPARE(failed.size(), 1);
        QCOMPARE(contexts.lastError(),
            "no kubeconfig found: set KUBECONFIG, create ~/.kube/config or pass --kubeconfig");

        KubeconfigLoader::Options explicitMissing;
        explicitMissing.explicitPath = m_dir.filePath("missing-explicit");
        KubeContexts other(explicitMissing);
        QSignalSpy loadFailed(&other, &KubeContexts::loadFailed);
        QVERIFY(!other.start());
        QCOMPARE(loadFailed.size(), 1);
        QCOMPARE(other.lastError(), m_dir.filePath("missing-explicit") + ": file does not exist");
    }
};

QTEST_GUILESS_MAIN(TestKubeContexts)
#include "tst_kubecontexts.moc"
