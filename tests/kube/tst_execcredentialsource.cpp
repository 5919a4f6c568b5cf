#include "credentialtesting.h"
#include "kube/clusteraccessbuilder.h"
#include "kube/execcredentialsource.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kData = QStringLiteral(KASSERT_TESTS_DIR "/data/kubeconfig");
const QString kPlugin = kData + "/plugins/credential-plugin.py";
const QString kV1 = "client.authentication.k8s.io/v1";
const QString kV1Beta1 = "client.authentication.k8s.io/v1beta1";

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace

class TestExecCredentialSource : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_log;
    LogCapture m_logs;

    ExecPluginConfig config(const QStringList &args, const QString &apiVersion = kV1)
    {
        ExecPluginConfig config;
        config.exec.command = kPlugin;
        config.exec.args = args;
        config.exec.apiVersion = apiVersion;
        config.exec.interactiveMode = "Never";
        config.field = "/cfg/config: users[1].user.exec";
        return config;
    }

    std::unique_ptr<ExecCredentialSource> source(
        const ExecPluginConfig &config, QProcessEnvironment env = QProcessEnvironment::systemEnvironment())
    {
        env.insert("KASSERT_PLUGIN_LOG", m_log);
        auto source = std::make_unique<ExecCredentialSource>(config);
        source->setEnvironment(env);
        return source;
    }

    QList<QJsonObject> runs() const
    {
        QList<QJsonObject> entries;
        const QList<QByteArray> lines = readAll(m_log).split('\n');
        for (const QByteArray &line : lines) {
            if (!line.isEmpty())
                entries.append(QJsonDocument::fromJson(line).object());
        }
        return entries;
    }

    // No message logged and no error text may contain a plugin-issued secret.
    void verifyNoSecretIn(const CredentialResult &result)
    {
        QVERIFY2(!result.error.contains("secret-token"), qPrintable(result.error));
        QVERIFY2(!result.userHint.contains("secret-token"), qPrintable(result.userHint));
        for (const QString &message : LogCapture::messages())
            QVERIFY2(
                !message.contains("secret-token") && !message.contains("PRIVATE KEY"), qPrintable(message));
    }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_log = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction())
            + QString::fromLatin1(QTest::currentDataTag()) + ".log");
        QFile::remove(m_log);
    }

    void tokenV1AndV1beta1_data()
    {
        QTest::addColumn<QString>("apiVersion");
        QTest::newRow("v1") << kV1;
        QTest::newRow("v1beta1") << kV1Beta1;
    }

    void tokenV1AndV1beta1()
    {
        QFETCH(QString, apiVersion);
        ExecPluginConfig cfg = config({ "token", "--flag", "two words" }, apiVersion);
        cfg.exec.env
            = { { "PLUGIN_FOO", "bar" }, { "PLUGIN_EMPTY", "" }, { "PLUGIN_OVERRIDE", "from-kubeconfig" } };
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("KASSERT_PARENT", "inherited");
        env.insert("PLUGIN_OVERRIDE", "from-parent");
        auto plugin = source(cfg, env);
        const CredentialResult result = obtainNow(*plugin);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(result.credential.bearerToken, "secret-token-1");
        QVERIFY(!result.credential.expiresAt.isValid());

        const QList<QJsonObject> log = runs();
        QCOMPARE(log.size(), 1);
        const QJsonObject run = log.first();
        QCOMPARE(run.value("args").toArray(), QJsonArray({ "token", "--flag", "two words" }));
        const QJsonObject runEnv = run.value("env").toObject();
        QCOMPARE(runEnv.value("PLUGIN_FOO").toString(), "bar");
        QCOMPARE(runEnv.value("PLUGIN_EMPTY").toString(), "");
        QVERIFY(runEnv.value("PLUGIN_EMPTY").isString());
        QCOMPARE(runEnv.value("KASSERT_PARENT").toString(), "inherited");
        QCOMPARE(runEnv.value("PLUGIN_OVERRIDE").toString(), "from-kubeconfig");
        // No stdin: the plugin reads end-of-file at once and has no terminal.
        QCOMPARE(run.value("stdin").toString(), "");
        QCOMPARE(run.value("isatty").toBool(), false);
        const QJsonObject expectedInfo { { "apiVersion", apiVersion }, { "kind", "ExecCredential" },
            { "spec", QJsonObject { { "interactive", false } } } };
        QCOMPARE(run.value("info").toObject(), expectedInfo);
        verifyNoSecretIn(result);
    }

    void shellPluginOnPath()
    {
        // A bare command is looked up on the parent's PATH.
        ExecPluginConfig cfg = config({}, kV1Beta1);
        cfg.exec.command = "token.sh";
        cfg.exec.interactiveMode.clear(); // optional in v1beta1
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PATH", "/nonexistent:" + kData + "/plugins:" + env.value("PATH"));
        auto plugin = source(cfg, env);
        const CredentialResult result = obtainNow(*plugin);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(result.credential.bearerToken, "secret-token-from-sh");
    }

    void clientCertificate_data()
    {
        QTest::addColumn<QString>("cert");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QSsl::KeyAlgorithm>("algorithm");
        QTest::newRow("rsa") << "client-rsa.crt"
                             << "client-rsa.key" << QSsl::Rsa;
        QTest::newRow("ec") << "client-ec.crt"
                            << "client-ec.key" << QSsl::Ec;
    }

    void clientCertificate()
    {
        QFETCH(QString, cert);
        QFETCH(QString, key);
        QFETCH(QSsl::KeyAlgorithm, algorithm);
        auto plugin = source(config({ "cert", kData + "/certs/" + cert, kData + "/certs/" + key }));
        const CredentialResult result = obtainNow(*plugin);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QVERIFY(result.credential.bearerToken.isEmpty());
        QVERIFY(!result.credential.clientCertificate.isNull());
        QCOMPARE(result.credential.clientCertificate,
            QSslCertificate::fromPath(kData + "/certs/" + cert).constFirst());
        QCOMPARE(result.credential.clientKey.algorithm(), algorithm);
        verifyNoSecretIn(result);
    }

    void expiryAndRerun()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PLUGIN_EXPIRY", "2030-01-01T00:00:00.123456789Z");
        auto plugin = source(config({ "token" }), env);
        QDateTime now(QDate(2029, 12, 31), QTime(23, 0), QTimeZone::UTC);
        plugin->setClock([&now] { return now; });

        CredentialResult result = obtainNow(*plugin);
        QCOMPARE(result.credential.bearerToken, "secret-token-1");
        QCOMPARE(
            result.credential.expiresAt, QDateTime(QDate(2030, 1, 1), QTime(0, 0, 0, 123), QTimeZone::UTC));
        // Still valid: served from the cache, the plugin does not run again.
        now = now.addSecs(30 * 60);
        QCOMPARE(obtainNow(*plugin).credential.bearerToken, "secret-token-1");
        QCOMPARE(runs().size(), 1);
        // Expired: the next obtain() runs the plugin.
        now = QDateTime(QDate(2030, 1, 1), QTime(0, 0, 1), QTimeZone::UTC);
        QCOMPARE(obtainNow(*plugin).credential.bearerToken, "secret-token-2");
        QCOMPARE(runs().size(), 2);
    }

    void noExpiryCachesForever()
    {
        auto plugin = source(config({ "token" }));
        QDateTime now = QDateTime::currentDateTimeUtc();
        plugin->setClock([&now] { return now; });
        QCOMPARE(obtainNow(*plugin).credential.bearerToken, "secret-token-1");
        now = now.addYears(10);
        QCOMPARE(obtainNow(*plugin).credential.bearerToken, "secret-token-1");
        QCOMPARE(runs().size(), 1);
    }

    void invalidate()
    {
        auto plugin = source(config({ "token" }));
        const Credential first = obtainNow(*plugin).credential;
        QCOMPARE(first.bearerToken, "secret-token-1");
        QVERIFY(plugin->invalidate(first));
        const Credential second = obtainNow(*plugin).credential;
        QCOMPARE(second.bearerToken, "secret-token-2");
        // A late 401 for the old credential must not throw away the fresh one.
        QVERIFY(plugin->invalidate(first));
        QCOMPARE(obtainNow(*plugin).credential.bearerToken, "secret-token-2");
        QCOMPARE(runs().size(), 2);
    }

    void concurrentObtainSharesOneRun()
    {
        auto plugin = source(config({ "token" }));
        QObject contextA;
        QObject contextB;
        QList<QByteArray> tokens;
        plugin->obtain(
            &contextA, [&](const CredentialResult &r) { tokens.append(r.credential.bearerToken); });
        plugin->obtain(
            &contextB, [&](const CredentialResult &r) { tokens.append(r.credential.bearerToken); });
        {
            // A caller that goes away before the answer is not called back.
            QObject gone;
            plugin->obtain(
                &gone, [&](const CredentialResult &) { tokens.append("called after destruction"); });
        }
        QVERIFY(tokens.isEmpty()); // asynchronous: nothing yet
        QTRY_COMPARE_WITH_TIMEOUT(tokens.size(), 2, 20000);
        QCOMPARE(tokens, (QList<QByteArray> { "secret-token-1", "secret-token-1" }));
        QCoreApplication::processEvents();
        QCOMPARE(tokens.size(), 2);
        QCOMPARE(runs().size(), 1);
    }

    void missingCommand()
    {
        ExecPluginConfig cfg = config({});
        cfg.exec.command = "kassert-no-such-plugin";
        cfg.exec.installHint = "Install it with: brew install kassert-no-such-plugin";
        QProcessEnvironment env;
        env.insert("PATH", kData + "/plugins:/nonexistent");
        auto plugin = source(cfg, env);
        const CredentialResult result = obtainNow(*plugin);
        QCOMPARE(result.error,
            "exec plugin \"kassert-no-such-plugin\" (/cfg/config: users[1].user.exec): command "
            "not found on PATH\n\nInstall it with: brew install kassert-no-such-plugin");
        QCOMPARE(result.userHint, cfg.exec.installHint);
        QVERIFY(result.credential.isEmpty());

        cfg.exec.command = kData + "/plugins/missing.py";
        cfg.exec.installHint.clear();
        const CredentialResult byPath = obtainNow(*source(cfg));
        QCOMPARE(byPath.error,
            "exec plugin \"" + cfg.exec.command + "\" (/cfg/config: users[1].user.exec): command not found");
    }

    void notExecutable()
    {
        ExecPluginConfig cfg = config({});
        cfg.exec.command = kData + "/certs/ca.pem";
        const CredentialResult result = obtainNow(*source(cfg));
        QVERIFY2(result.error.endsWith("command not found"), qPrintable(result.error));
    }

    void interactiveAlways()
    {
        ExecPluginConfig cfg = config({ "token" });
        cfg.exec.interactiveMode = "Always";
        const CredentialResult result = obtainNow(*source(cfg));
        QVERIFY2(
            result.error.startsWith("/cfg/config: users[1].user.exec.interactiveMode: Always: the plugin "
                                    "needs a terminal"),
            qPrintable(result.error));
        QVERIFY(runs().isEmpty()); // never started
    }

    void timeLimit()
    {
        auto plugin = source(config({ "slow" }));
        plugin->setTimeLimit(std::chrono::milliseconds(300));
        const CredentialResult result = obtainNow(*plugin);
        QCOMPARE(result.error,
            "exec plugin \"" + kPlugin
                + "\" (/cfg/config: users[1].user.exec): did not finish within 0.3 s and was "
                  "stopped");
        QVERIFY(result.credential.isEmpty());
    }

    void failureShowsStderr()
    {
        const CredentialResult result = obtainNow(*source(config({ "fail", "--password=hunter2" })));
        const QString stderrText = "error: you are not logged in; run `corp-login --cluster dev` first";
        QCOMPARE(result.error,
            "exec plugin \"" + kPlugin
                + "\" (/cfg/config: users[1].user.exec): failed with "
                  "exit code 3: "
                + stderrText);
        QCOMPARE(result.userHint, stderrText);
        // Arguments may hold secrets: never in the error.
        QVERIFY(!result.error.contains("hunter2"));
    }

    void crash()
    {
        const CredentialResult result = obtainNow(*source(config({ "crash" })));
        QVERIFY2(
            result.error.endsWith("(/cfg/config: users[1].user.exec): crashed"), qPrintable(result.error));
    }

    void badOutput_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("garbage") << "garbage"
                                 << "the output is not JSON (unterminated object at offset ";
        QTest::newRow("empty") << "empty"
                               << "the output is not JSON (";
        QTest::newRow("wrong-api")
            << "wrong-api"
            << "the plugin returned apiVersion \"client.authentication.k8s.io/v1beta1\", but "
               "the kubeconfig asks for \"client.authentication.k8s.io/v1\"";
        QTest::newRow("wrong-kind") << "wrong-kind"
                                    << "the output has kind \"Secret\", expected ExecCredential";
        QTest::newRow("no-status") << "no-status"
                                   << "the output has no status";
        QTest::newRow("empty-status")
            << "empty-status"
            << "the plugin returned neither a token nor a client certificate and key";
        QTest::newRow("only-cert")
            << "only-cert"
            << "the plugin returned only one of clientCertificateData and clientKeyData; both "
               "are needed";
        QTest::newRow("bad-expiry") << "bad-expiry"
                                    << "status.expirationTimestamp \"next tuesday\" is not an RFC 3339 time";
        QTest::newRow("huge") << "huge"
                              << "wrote more than 4 MiB to stdout and was stopped";
    }

    void badOutput()
    {
        QFETCH(QString, mode);
        QFETCH(QString, expected);
        QStringList args { mode };
        if (mode == "only-cert")
            args << kData + "/certs/client-ec.crt";
        auto plugin = source(config(args));
        const CredentialResult result = obtainNow(*plugin);
        const QString prefix = "exec plugin \"" + kPlugin + "\" (/cfg/config: users[1].user.exec): ";
        QVERIFY2(result.error.startsWith(prefix + expected), qPrintable(result.error));
        QVERIFY(result.credential.isEmpty());
        verifyNoSecretIn(result);
        // A failure is not cached: the next obtain() tries again.
        obtainNow(*plugin);
        QCOMPARE(runs().size(), 2);
    }

    void parseOutputDirect_data()
    {
        QTest::addColumn<QByteArray>("output");
        QTest::addColumn<QString>("expected");
        const QByteArray head = R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)";
        QTest::newRow("array") << QByteArray("[1,2]") << "the output is not a JSON object";
        QTest::newRow("token-number") << head + R"("status":{"token":42}})"
                                      << "status.token is not a string";
        QTest::newRow("token-newline") << head + R"("status":{"token":"a\r\nX-Evil: 1"}})"
                                       << "status.token contains control characters";
        QTest::newRow("bad-cert") << head
                + R"("status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n","clientKeyData":"x"}})"
                                  << "status.clientCertificateData is not a PEM certificate";
        QTest::newRow("no-offset")
            << head + R"("status":{"token":"t","expirationTimestamp":"2030-01-01T00:00:00"}})"
            << "status.expirationTimestamp \"2030-01-01T00:00:00\" is not an RFC 3339 time";
        QTest::newRow("truncated") << head.left(40) << "the output is not JSON";
        QTest::newRow("status-string") << head + R"("status":"ok"})"
                                       << "the output has no status";
    }

    void parseOutputDirect()
    {
        QFETCH(QByteArray, output);
        QFETCH(QString, expected);
        const CredentialResult result = ExecCredentialSource::parseOutput(output, kV1, "plugin");
        QVERIFY2(result.error.startsWith("plugin: " + expected), qPrintable(result.error));
        QVERIFY(result.credential.isEmpty());
    }

    void parseOutputOffsets()
    {
        const QByteArray output
            = R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
              R"("status":{"token":"t","expirationTimestamp":"2030-06-01T12:00:00+02:00"}})";
        const CredentialResult result = ExecCredentialSource::parseOutput(output, kV1, "plugin");
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(result.credential.expiresAt, QDateTime(QDate(2030, 6, 1), QTime(10, 0), QTimeZone::UTC));
    }

    void clusterInfoThroughBuilder()
    {
        // End to end: a kubeconfig with provideClusterInfo, built into a ClusterAccess, and
        // what the plugin receives in KUBERNETES_EXEC_INFO.
        const QByteArray ca = readAll(kData + "/certs/ca.pem");
        const QByteArray yaml = "current-context: c\n"
                                "clusters:\n- name: k\n  cluster:\n    server: https://10.1.2.3:6443\n"
                                "    tls-server-name: api.internal\n    certificate-authority: "
            + (kData + "/certs/ca.pem").toUtf8()
            + "\n    proxy-url: http://proxy.corp:3128\n    extensions:\n"
              "    - name: client.authentication.k8s.io/exec\n      extension: {audience: dev, n: 2}\n"
              "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
              "      interactiveMode: IfAvailable\n      provideClusterInfo: true\n      command: "
            + kPlugin.toUtf8()
            + "\n      args: [token]\n"
              "contexts:\n- name: c\n  context: {cluster: k, user: u}\n";
        const auto loaded = KubeconfigLoader::parse(yaml, "/cfg/config");
        QVERIFY2(loaded.config, qPrintable(loaded.error));
        ClusterAccessBuilder::Options options;
        options.environment.insert("KASSERT_PLUGIN_LOG", m_log);
        const ClusterAccessResult built = ClusterAccessBuilder::build(*loaded.config, options);
        QVERIFY2(built.access, qPrintable(built.error));
        const CredentialResult result = obtainNow(*built.access->credentials);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(result.credential.bearerToken, "secret-token-1");
        const QJsonObject info = runs().value(0).value("info").toObject();
        const QJsonObject expectedCluster { { "server", "https://10.1.2.3:6443" },
            { "tls-server-name", "api.internal" },
            { "certificate-authority-data", QString::fromLatin1(ca.toBase64()) },
            { "proxy-url", "http://proxy.corp:3128" },
            { "config", QJsonObject { { "audience", "dev" }, { "n", 2 } } } };
        QCOMPARE(info.value("spec").toObject().value("cluster").toObject(), expectedCluster);
        QCOMPARE(info.value("spec").toObject().value("interactive"), QJsonValue(false));
    }

    void callbackDestroysSource()
    {
        // KubeContexts may drop the old ClusterAccess (and this source) from the callback.
        auto owned = std::make_shared<ExecCredentialSource>(config({ "fail" }));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("KASSERT_PLUGIN_LOG", m_log);
        owned->setEnvironment(env);
        QObject context;
        bool called = false;
        owned->obtain(&context, [&](const CredentialResult &result) {
            called = true;
            QVERIFY(!result.error.isEmpty());
            owned.reset();
        });
        QTRY_VERIFY_WITH_TIMEOUT(called, 20000);
        QVERIFY(!owned);
        QCoreApplication::processEvents(); // the QProcess is deleted later, without a crash
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }

    void sourceDestroyedWhileRunning()
    {
        auto plugin = source(config({ "slow" }));
        bool called = false;
        QObject context;
        plugin->obtain(&context, [&](const CredentialResult &) { called = true; });
        QTRY_VERIFY_WITH_TIMEOUT(!runs().isEmpty(), 20000); // the plugin is running
        plugin.reset();
        QCoreApplication::processEvents();
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestExecCredentialSource)
#include "tst_execcredentialsource.moc"
