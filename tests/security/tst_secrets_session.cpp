// Secrets never reach a log line or an error text, end to end: a ClusterSession connects
// to the test API server with each kind of credential (token, basic auth, exec plugin,
// client certificate and key), both accepted and refused (401, 403, a TLS failure), and
// does what a user does (rerun). Every message logged (any category, debug included),
// every connection status and every action result is then searched for each secret, in
// the forms it travels in (raw, base64, a PEM key's body).
//
// The unit tests in tests/kube check the pieces (builder, exec source, client) against
// fakes; this one checks the whole path against a real HTTPS server.
#include "session/clustersession.h"
#include "suites/suitetracker.h"
#include "testapiserver.h"

#include <QFile>
#include <QLoggingCategory>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace std::chrono_literals;

namespace {

QMutex messagesMutex;
QStringList messages;

void captureMessage(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    const QMutexLocker lock(&messagesMutex);
    messages << QString::fromLatin1(context.category ? context.category : "") + ": " + message;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &data, QFileDevice::Permissions permissions = {})
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size())
        return false;
    file.close();
    return permissions == QFileDevice::Permissions() || file.setPermissions(permissions);
}

// The lines of a PEM block between its BEGIN and END lines: any of them in a text
// means (part of) the key leaked.
QList<QByteArray> pemBody(const QByteArray &pem)
{
    QList<QByteArray> body;
    for (const QByteArray &line : pem.split('\n')) {
        if (!line.startsWith("-----") && line.trimmed().size() >= 16)
            body << line.trimmed();
    }
    return body;
}

} // namespace

class TestSecretsSession : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    QTemporaryDir m_tmp;
    QList<QByteArray> m_keyBody;
    QByteArray m_keyData; // client.key as kubeconfig's client-key-data (base64)

    QByteArray kubeconfig(const QByteArray &userBlock, const QByteArray &caPath) const
    {
        return "apiVersion: v1\nkind: Config\n"
               "clusters:\n- name: test\n  cluster:\n    server: "
            + m_server.url().toString().toUtf8() + "\n    certificate-authority: " + caPath
            + "\n"
              "contexts:\n- name: ctx\n  context: {cluster: test, user: u, namespace: qa}\n"
              "current-context: ctx\n"
              "users:\n- name: u\n  user:\n"
            + userBlock;
    }

    QByteArray execBlock(const QByteArray &token)
    {
        const QString plugin = m_tmp.filePath("plugin-" + QString::number(qHash(token)));
        const QByteArray script = "#!/bin/sh\n"
                                  "cat <<'EOF'\n"
                                  "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                                  "\"status\":{\"token\":\""
            + token + "\"}}\nEOF\n";
        if (!writeFile(plugin, script, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
            return {};
        // The plugin is handed a secret in its arguments too, as real plugins often are.
        return "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: " + plugin.toUtf8()
            + "\n      args: [--password, SECRET-exec-arg]\n      interactiveMode: Never\n";
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        QVERIFY2(!m_server.addSuite("qa", "fail", "failing", 0, &error).isEmpty(), qPrintable(error));
        const QByteArray key = readFile(m_server.clientKeyPath());
        m_keyBody = pemBody(key);
        QVERIFY(m_keyBody.size() >= 3);
        m_keyData = key.toBase64();
        // Every message of every category, debug included, goes to the capture.
        QLoggingCategory::setFilterRules("*.debug=true\nqt.*.debug=false");
        qInstallMessageHandler(captureMessage);
    }

    void cleanupTestCase() { qInstallMessageHandler(nullptr); }

    void noSecretInLogsOrErrors_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QList<QByteArray>>("secrets");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("expectedError"); // part of the cluster error when refused

        const QByteArray ca = m_server.caPath().toUtf8();
        const QByteArray token = m_server.token();
        const QByteArray restricted = m_server.restrictedToken();
        const QByteArray wrongCa = m_server.clientCertPath().toUtf8(); // a certificate, not the server's CA

        QTest::newRow("token") << kubeconfig("    token: " + token + "\n", ca) << QList<QByteArray>{token} << true
                               << QString();
        QTest::newRow("token-401") << kubeconfig("    token: SECRET-refused-token-1234\n", ca)
                                   << QList<QByteArray>{"SECRET-refused-token-1234"} << false << "401";
        // Pods may be listed; proxies (Prometheus discovery, rerun) answer 403.
        QTest::newRow("token-403") << kubeconfig("    token: " + restricted + "\n", ca)
                                   << QList<QByteArray>{restricted} << true << QString();
        QTest::newRow("token-tls") << kubeconfig("    token: " + token + "\n", wrongCa) << QList<QByteArray>{token}
                                   << false << QString();
        const QByteArray basicSecrets = "alice:SECRET-basic-password";
        QTest::newRow("basic-401") << kubeconfig("    username: alice\n    password: SECRET-basic-password\n", ca)
                                   << QList<QByteArray>{"SECRET-basic-password", basicSecrets.toBase64()} << false
                                   << "401";
        QTest::newRow("exec") << kubeconfig(execBlock(token), ca) << QList<QByteArray>{token, "SECRET-exec-arg"}
                              << true << QString();
        QTest::newRow("exec-401") << kubeconfig(execBlock("SECRET-exec-token-5678"), ca)
                                  << QList<QByteArray>{"SECRET-exec-token-5678", "SECRET-exec-arg"} << false << "401";
        const QByteArray certBlock = "    client-certificate-data: " + readFile(m_server.clientCertPath()).toBase64()
            + "\n    client-key-data: " + m_keyData + "\n";
        QList<QByteArray> keySecrets = m_keyBody;
        keySecrets << m_keyData.left(64) << m_keyData.right(64);
        QTest::newRow("client-cert") << kubeconfig(certBlock, ca) << keySecrets << true << QString();
        QTest::newRow("client-cert-tls") << kubeconfig(certBlock, wrongCa) << keySecrets << false << QString();
        // A key file that is not a key: its contents must not be quoted either.
        const QString badKey = m_tmp.filePath("bad.key");
        QVERIFY(writeFile(badKey, "-----BEGIN PRIVATE KEY-----\nSECRETbrokenKEYmaterialSECRET\n-----END PRIVATE KEY-----\n"));
        QTest::newRow("client-key-broken")
            << kubeconfig("    client-certificate: " + m_server.clientCertPath().toUtf8() + "\n    client-key: "
                              + badKey.toUtf8() + "\n",
                   ca)
            << QList<QByteArray>{"SECRETbrokenKEYmaterialSECRET"} << false << QString();
    }

    void noSecretInLogsOrErrors()
    {
        QFETCH(QByteArray, config);
        QFETCH(QList<QByteArray>, secrets);
        QFETCH(bool, accepted);
        QFETCH(QString, expectedError);
        {
            const QMutexLocker lock(&messagesMutex);
            messages.clear();
        }
        const QString path = m_tmp.filePath(QString(QTest::currentDataTag()) + ".kubeconfig");
        QVERIFY(writeFile(path, config));

        ClusterSession::Options options;
        options.kubeconfig = path;
        options.nameSpace = "qa";
        options.scrapeInterval = 200ms;
        options.prometheusInterval = 300ms;
        options.alertmanagerInterval = 300ms;
        ClusterSession session(options);
        QStringList texts;
        connect(&session, &ClusterSession::statusChanged, this,
            [&texts](ClusterSession::Link, const ConnectionStatus &status) {
                texts << status.endpoint << status.summary << status.error;
            });
        session.start();
        using Health = ConnectionStatus::Health;
        const auto cluster = [&session] { return session.status(ClusterSession::Link::Cluster); };
        if (accepted) {
            QTRY_VERIFY2_WITH_TIMEOUT(cluster().health == Health::Ok, qPrintable(cluster().error), 30000);
            QTRY_VERIFY_WITH_TIMEOUT(session.tracker()->suite({"qa", "fail"}) != nullptr, 20000);
            // An action through the pod proxy: done for the admin, 403 for the restricted user.
            std::optional<ClusterSession::ActionResult> result;
            connect(&session, &ClusterSession::rerunFinished, this,
                [&result](const SuiteKey &, const ClusterSession::ActionResult &r) { result = r; });
            session.rerun({"qa", "fail"});
            QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30000);
            texts << result->message;
            if (QByteArray(QTest::currentDataTag()) == "token-403")
                QVERIFY2(!result->ok && result->message.contains("403"), qPrintable(result->message));
        } else {
            QTRY_VERIFY2_WITH_TIMEOUT(!cluster().error.isEmpty(), qPrintable(cluster().summary), 30000);
            QVERIFY(cluster().health != Health::Ok);
            QVERIFY2(cluster().error.contains(expectedError), qPrintable(cluster().error));
            // Let it retry once, so the retry path's texts are searched too.
            QTest::qWait(1500);
        }
        // Let Prometheus/Alertmanager discovery (through the API server) fail or settle.
        if (accepted) {
            QTRY_VERIFY_WITH_TIMEOUT(session.status(ClusterSession::Link::Prometheus).health != Health::Unknown
                    && session.status(ClusterSession::Link::Prometheus).health != Health::Connecting,
                20000);
        }
        for (const auto link : {ClusterSession::Link::Cluster, ClusterSession::Link::Prometheus,
                 ClusterSession::Link::Alertmanager}) {
            texts << session.endpointDescription(link) << session.status(link).error << session.status(link).summary;
        }
        QVERIFY(!texts.join("").isEmpty());
        {
            const QMutexLocker lock(&messagesMutex);
            texts += messages;
        }
        for (const QString &text : std::as_const(texts)) {
            for (const QByteArray &secret : std::as_const(secrets))
                QVERIFY2(!text.contains(QString::fromLatin1(secret)), qPrintable(text));
            QVERIFY2(!text.contains("PRIVATE KEY"), qPrintable(text));
        }
    }
};

QTEST_GUILESS_MAIN(TestSecretsSession)
#include "tst_secrets_session.moc"
