// From kubeconfig to requests: ClusterAccess built from kubeconfig files by
// ClusterAccessBuilder / KubeContexts, used by KubeClient against the test Kubernetes API
// server. Every auth kind the server knows (token, tokenFile, client certificate, exec
// plugin token and certificate, anonymous), a 401 that makes the exec plugin run again,
// a wrong CA and insecure-skip-tls-verify.

#include "testapiserver.h"

#include "kube/clusteraccessbuilder.h"
#include "kube/kubeclient.h"
#include "kube/kubecontexts.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kData = QStringLiteral(KASSERT_TESTS_DIR "/data/kubeconfig");
const QString kPlugin = kData + "/plugins/credential-plugin.py";

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

int lineCount(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return int(file.readAll().count('\n'));
}

} // namespace

class TestKubeconfigApiServer : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    QTemporaryDir m_dir;

    // A kubeconfig for the test server with the given cluster and user lines.
    QByteArray kubeconfig(const QByteArray &clusterLines, const QByteArray &userLines) const
    {
        return "current-context: c\nclusters:\n- name: k\n  cluster:\n    server: "
            + m_server.url().toString().toUtf8() + "\n" + clusterLines + "users:\n- name: u\n  user:\n"
            + userLines + "contexts:\n- name: c\n  context: {cluster: k, user: u}\n";
    }

    QByteArray trustServer() const
    {
        return "    certificate-authority: " + m_server.caPath().toUtf8() + "\n";
    }

    ClusterAccessResult build(const QByteArray &yaml, const QString &name = "config")
    {
        const QString path = m_dir.filePath(name);
        if (!writeFile(path, yaml))
            return { std::nullopt, "cannot write " + path };
        const auto loaded = KubeconfigLoader::parseFile(path);
        if (!loaded.config)
            return { std::nullopt, loaded.error };
        ClusterAccessBuilder::Options options;
        options.environment.insert("KASSERT_PLUGIN_LOG", m_dir.filePath(name + ".log"));
        return ClusterAccessBuilder::build(*loaded.config, options);
    }

    HttpResult get(const ClusterAccess &access, const QString &path)
    {
        KubeClient client(access);
        std::optional<HttpResult> result;
        client.get(path, this, [&result](const HttpResult &r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
            qFatal("no answer for %s", qPrintable(path));
        return *result;
    }

    static const char *describe(const HttpResult &result) { return qPrintable(result.error.toString()); }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
    }

    void cleanupTestCase() { m_server.stop(); }

    void serverKubeconfig_data()
    {
        QTest::addColumn<QString>("context");
        QTest::newRow("token") << "test-token";
        QTest::newRow("client-certificate") << "test-cert";
    }

    void serverKubeconfig()
    {
        // The kubeconfig the server writes, as kubectl would use it.
        QFETCH(QString, context);
        KubeconfigLoader::Options options;
        options.explicitPath = m_server.kubeconfigPath();
        KubeContexts contexts(options);
        contexts.setEnvironment(QProcessEnvironment());
        QVERIFY2(contexts.start(context), qPrintable(contexts.lastError()));
        QVERIFY(contexts.contextNames().contains("test-token"));
        QVERIFY(contexts.contextNames().contains("test-cert"));
        const HttpResult result = get(*contexts.access(), "api/v1/namespaces/default/pods");
        QVERIFY2(result.ok(), describe(result));
        QCOMPARE(result.status, 200);
    }

    void tokenFileReRead()
    {
        const QString tokenPath = m_dir.filePath("token");
        QVERIFY(writeFile(tokenPath, m_server.token() + "\n"));
        const auto built = build(kubeconfig(trustServer(), "    tokenFile: " + tokenPath.toUtf8() + "\n"));
        QVERIFY2(built.access, qPrintable(built.error));
        QVERIFY2(get(*built.access, "api/v1/pods").ok(), "first token refused");
        // A rotated (here: revoked) token is used at once: the file is read per request.
        QVERIFY(writeFile(tokenPath, "revoked-token"));
        const HttpResult refused = get(*built.access, "api/v1/pods");
        QCOMPARE(refused.error.kind, HttpError::Kind::Http);
        QCOMPARE(refused.error.httpStatus, 401);
        QVERIFY(!refused.error.toString().contains("revoked-token"));
        QVERIFY(writeFile(tokenPath, m_server.token()));
        QVERIFY(get(*built.access, "api/v1/pods").ok());
    }

    void execPluginToken()
    {
        const auto built = build(
            kubeconfig(trustServer(),
                "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      interactiveMode: Never\n"
                "      command: "
                    + kPlugin.toUtf8()
                    + "\n      args: [env-token]\n      env:\n      - name: PLUGIN_TOKEN\n        value: "
                    + m_server.token() + "\n"),
            "exec-token");
        QVERIFY2(built.access, qPrintable(built.error));
        const HttpResult result = get(*built.access, "api/v1/pods");
        QVERIFY2(result.ok(), describe(result));
        QCOMPARE(lineCount(m_dir.filePath("exec-token.log")), 1);
    }

    void execPluginRunsAgainAfter401()
    {
        const auto built
            = build(kubeconfig(trustServer(),
                        "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: "
                            + kPlugin.toUtf8()
                            + "\n      args: [stale-then-env]\n      env:\n      - name: PLUGIN_TOKEN\n      "
                              "  value: "
                            + m_server.token() + "\n"),
                "exec-stale");
        QVERIFY2(built.access, qPrintable(built.error));
        // First run: a stale token, 401; KubeClient invalidates it, the plugin runs again
        // and the request is retried once with the fresh token.
        const HttpResult result = get(*built.access, "api/v1/pods");
        QVERIFY2(result.ok(), describe(result));
        QCOMPARE(lineCount(m_dir.filePath("exec-stale.log")), 2);
    }

    void execPluginClientCertificate()
    {
        const auto built
            = build(kubeconfig(trustServer(),
                        "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                        "      interactiveMode: IfAvailable\n      command: "
                            + kPlugin.toUtf8() + "\n      args: [cert, " + m_server.clientCertPath().toUtf8()
                            + ", " + m_server.clientKeyPath().toUtf8() + "]\n"),
                "exec-cert");
        QVERIFY2(built.access, qPrintable(built.error));
        const HttpResult result = get(*built.access, "api/v1/pods");
        QVERIFY2(result.ok(), describe(result));
    }

    void clientCertificateData()
    {
        QFile cert(m_server.clientCertPath());
        QFile key(m_server.clientKeyPath());
        QVERIFY(cert.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
        const auto built = build(kubeconfig(trustServer(),
            "    client-certificate-data: " + cert.readAll().toBase64()
                + "\n    client-key-data: " + key.readAll().toBase64() + "\n"));
        QVERIFY2(built.access, qPrintable(built.error));
        const HttpResult result = get(*built.access, "api/v1/pods");
        QVERIFY2(result.ok(), describe(result));
    }

    void wrongCa()
    {
        const auto built
            = build(kubeconfig("    certificate-authority: " + (kData + "/certs/ca.pem").toUtf8() + "\n",
                "    token: " + m_server.token() + "\n"));
        QVERIFY2(built.access, qPrintable(built.error));
        const HttpResult result = get(*built.access, "api/v1/pods");
        QCOMPARE(result.error.kind, HttpError::Kind::Tls);
        QVERIFY(!result.error.toString().contains(QString::fromUtf8(m_server.token())));
    }

    void insecureSkipTlsVerify()
    {
        const auto built = build(
            kubeconfig("    insecure-skip-tls-verify: true\n", "    token: " + m_server.token() + "\n"));
        QVERIFY2(built.access, qPrintable(built.error));
        QCOMPARE(built.access->target.warnings.size(), 1);
        const HttpResult result = get(*built.access, "api/v1/pods");
        QVERIFY2(result.ok(), describe(result));
    }

    void anonymous()
    {
        const QByteArray yaml = "current-context: c\nclusters:\n- name: k\n  cluster:\n    server: "
            + m_server.url().toString().toUtf8() + "\n" + trustServer()
            + "contexts:\n- name: c\n  context: {cluster: k}\n";
        const auto built = build(yaml);
        QVERIFY2(built.access, qPrintable(built.error));
        QVERIFY2(get(*built.access, "version").ok(), "anonymous /version refused");
        QCOMPARE(get(*built.access, "api/v1/pods").error.httpStatus, 403);
    }
};

QTEST_GUILESS_MAIN(TestKubeconfigApiServer)
#include "tst_kubeconfig_apiserver.moc"
