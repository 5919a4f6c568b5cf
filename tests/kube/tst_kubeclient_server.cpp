// KubeClient and the proxy endpoints against the test Kubernetes API server (HTTPS):
// token and client-certificate auth, a bad token, a wrong CA, tls-server-name, pod
// proxy metrics and rerun, service proxy to a local HTTP server, delete pod.

#include "fakehttpserver.h"
#include "testapiserver.h"
#include "testcredentials.h"

#include "kube/clusteraccessbuilder.h"
#include "kube/kubeclient.h"
#include "kube/kubeconfig.h"
#include "kube/kubeendpoints.h"

#include <QJsonArray>
#include <QTest>

namespace {

QList<QSslCertificate> certificatesFrom(const QString &path)
{
    return QSslCertificate::fromPath(path);
}

template<typename T>
std::optional<T> await(const std::function<void(std::function<void(const T &)>)> &call, int timeoutMs = 15000)
{
    std::optional<T> value;
    call([&value](const T &result) { value = result; });
    if (!QTest::qWaitFor([&] { return value.has_value(); }, timeoutMs))
        qWarning("no answer within %d ms", timeoutMs);
    return value;
}

} // namespace

class TestKubeClientServer : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    QString m_pod;

    ClusterAccess access(std::shared_ptr<CredentialSource> credentials) const
    {
        ClusterAccess result;
        result.target.contextName = "test-token";
        result.target.server = m_server.url();
        result.target.caCertificates = certificatesFrom(m_server.caPath());
        result.credentials = std::move(credentials);
        return result;
    }

    std::optional<PodListResult> listPods(KubeClient &client, const QString &nameSpace = "int")
    {
        return await<PodListResult>(
            [&](auto done) { client.listPods(nameSpace, "kubernetes-assert=metrics", this, done); });
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        m_pod = m_server.addSuite("int", "cart", "passing", 0, &error);
        QVERIFY2(!m_pod.isEmpty(), qPrintable(error));
        QVERIFY(!m_server.addSuite("int", "checkout", "failing", 0, &error).isEmpty());
    }

    void cleanupTestCase() { m_server.stop(); }

    void tokenAuthListsWhatTheServerHas()
    {
        KubeClient client(access(TestCredentials::token(m_server.token())));
        const auto list = listPods(client);
        QVERIFY(list);
        QVERIFY2(!list->error.isError(), qPrintable(list->error.toString()));
        QVERIFY(list->skipped.isEmpty());
        QStringList names;
        for (const PodInfo &pod : list->pods)
            names.append(pod.name);
        QStringList expected;
        for (const QJsonValue &pod : m_server.control("state").value("pods").toArray()) {
            if (pod.toObject().value("namespace").toString() == "int")
                expected.append(pod.toObject().value("pod").toString());
        }
        names.sort();
        expected.sort();
        QCOMPARE(names, expected);
        QVERIFY(!list->resourceVersion.isEmpty());
    }

    void clientCertificateAuth()
    {
        KubeClient client(
            access(TestCredentials::clientCertificate(m_server.clientCertPath(), m_server.clientKeyPath())));
        const auto list = listPods(client);
        QVERIFY(list);
        QVERIFY2(!list->error.isError(), qPrintable(list->error.toString()));
        QCOMPARE(list->pods.size(), 2);
    }

    // The whole chain: the server's kubeconfig, the kubeconfig layer's ClusterAccess
    // and credential sources, then KubeClient.
    void throughTheKubeconfig_data()
    {
        QTest::addColumn<QString>("context");
        QTest::newRow("token") << "test-token";
        QTest::newRow("client certificate") << "test-cert";
    }

    void throughTheKubeconfig()
    {
        QFETCH(QString, context);
        const KubeconfigResult config = KubeconfigLoader::parseFile(m_server.kubeconfigPath());
        QVERIFY2(config.config, qPrintable(config.error));
        ClusterAccessBuilder::Options options;
        options.contextName = context;
        const ClusterAccessResult built = ClusterAccessBuilder::build(*config.config, options);
        QVERIFY2(built.access, qPrintable(built.error));
        KubeClient client(*built.access);
        QCOMPARE(client.describe(), m_server.url().toString() + " (context " + context + ")");
        const auto list = listPods(client);
        QVERIFY(list);
        QVERIFY2(!list->error.isError(), qPrintable(list->error.toString()));
        QCOMPARE(list->pods.size(), 2);
    }

    void badTokenIsUnauthorized()
    {
        const QByteArray bad = "not-the-token-0123456789";
        KubeClient client(access(TestCredentials::token(bad)));
        const auto list = listPods(client);
        QVERIFY(list);
        QCOMPARE(list->error.kind, HttpError::Kind::Http);
        QCOMPARE(list->error.httpStatus, 401);
        QCOMPARE(list->error.reason, "Unauthorized");
        QCOMPARE(list->error.message, "Unauthorized");
        const QString text = list->error.toString();
        QVERIFY2(text.startsWith(m_server.url().toString()), qPrintable(text));
        QVERIFY(!text.contains(QString::fromLatin1(bad)));
    }

    void noCredentialsIsForbidden()
    {
        KubeClient client(access(nullptr));
        const auto list = listPods(client);
        QVERIFY(list);
        QCOMPARE(list->error.httpStatus, 403);
        QCOMPARE(list->error.reason, "Forbidden");
        QVERIFY2(list->error.message.contains("system:anonymous"), qPrintable(list->error.message));
    }

    void wrongCaIsATlsError()
    {
        ClusterAccess wrong = access(TestCredentials::token(m_server.token()));
        // The client certificate is not the CA that signed the server's certificate.
        wrong.target.caCertificates = certificatesFrom(m_server.clientCertPath());
        KubeClient client(wrong);
        const auto list = listPods(client);
        QVERIFY(list);
        QCOMPARE(list->error.kind, HttpError::Kind::Tls);
        QVERIFY2(list->error.message.contains("certificate", Qt::CaseInsensitive),
            qPrintable(list->error.message));
        QVERIFY(!list->error.toString().contains(QString::fromLatin1(m_server.token())));
    }

    void insecureSkipsVerification()
    {
        ClusterAccess insecure = access(TestCredentials::token(m_server.token()));
        insecure.target.caCertificates = certificatesFrom(m_server.clientCertPath());
        insecure.target.insecureSkipTlsVerify = true;
        KubeClient client(insecure);
        const auto list = listPods(client);
        QVERIFY(list);
        QVERIFY2(!list->error.isError(), qPrintable(list->error.toString()));
        QCOMPARE(client.target().warnings.size(), 1);
    }

    void tlsServerName()
    {
        ClusterAccess named = access(TestCredentials::token(m_server.token()));
        named.target.tlsServerName = "localhost"; // in the certificate's SANs
        KubeClient good(named);
        const auto ok = listPods(good);
        QVERIFY(ok);
        QVERIFY2(!ok->error.isError(), qPrintable(ok->error.toString()));

        named.target.tlsServerName = "api.example.invalid";
        KubeClient bad(named);
        const auto mismatch = listPods(bad);
        QVERIFY(mismatch);
        QCOMPARE(mismatch->error.kind, HttpError::Kind::Tls);
    }

    void podProxyMetricsAndRerun()
    {
        KubeClient client(access(TestCredentials::token(m_server.token())));
        PodProxyEndpoint endpoint(&client, "int", m_pod, 9091);
        QVERIFY(endpoint.describe().startsWith("pod int/" + m_pod + ":9091 via https://127.0.0.1:"));
        HttpRequest metrics;
        metrics.path = "metrics";
        metrics.accept = "text/plain";
        const auto scraped = await<HttpResult>([&](auto done) { endpoint.send(metrics, this, done); });
        QVERIFY(scraped);
        QVERIFY2(scraped->ok(), qPrintable(scraped->error.toString()));
        QVERIFY(scraped->body.contains("# TYPE assertions_failed gauge"));

        auto iterationOf = [this] {
            for (const QJsonValue &pod : m_server.control("state").value("pods").toArray()) {
                if (pod.toObject().value("pod").toString() == m_pod)
                    return pod.toObject().value("iteration").toInt();
            }
            return -1;
        };
        const int before = iterationOf();
        HttpRequest rerun;
        rerun.verb = "POST";
        rerun.path = "rerun";
        rerun.contentType = "application/json";
        rerun.body = "{}";
        const auto answered
            = await<HttpResult>([&](auto done) { client.podProxy("int", m_pod, 9091, rerun, this, done); });
        QVERIFY(answered);
        QVERIFY2(answered->ok(), qPrintable(answered->error.toString()));
        QTRY_COMPARE(iterationOf(), before + 1);
    }

    void podProxyErrorsNameTheRoute()
    {
        KubeClient client(access(TestCredentials::token(m_server.token())));
        PodProxyEndpoint endpoint(&client, "int", m_pod, 8080);
        HttpRequest metrics;
        metrics.path = "metrics";
        const auto result = await<HttpResult>([&](auto done) { endpoint.send(metrics, this, done); });
        QVERIFY(result);
        QCOMPARE(result->error.httpStatus, 503);
        QVERIFY2(result->error.message.contains("connection refused"), qPrintable(result->error.message));
        QVERIFY(result->error.toString().startsWith(endpoint.describe()));
    }

    void serviceProxyToALocalServer()
    {
        FakeHttpServer target;
        QVERIFY(target.listen());
        target.setHandler([](const FakeRequest &request, QTcpSocket *) {
            return FakeResponse { 200,
                "{\"status\":\"success\",\"echo\":\"" + request.method + " " + request.url.path().toUtf8()
                    + "\"}" };
        });
        QString error;
        m_server.control("add-service",
            QJsonObject { { "namespace", "monitoring" }, { "name", "prometheus-operated" },
                { "labels", QJsonObject { { "operated-prometheus", "true" } } },
                { "ports", QJsonArray { QJsonObject { { "name", "web" }, { "port", 9090 } } } },
                { "target", target.url().toString() } },
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        KubeClient client(access(TestCredentials::token(m_server.token())));
        const auto services = await<ServiceListResult>(
            [&](auto done) { client.listServices({}, "operated-prometheus=true", this, done); });
        QVERIFY(services);
        QCOMPARE(services->services.size(), 1);
        QCOMPARE(services->services.first().ports.first().name, "web");

        ServiceProxyEndpoint endpoint(&client, "monitoring", "prometheus-operated", "web");
        HttpRequest query;
        query.verb = "POST";
        query.path = "api/v1/query";
        query.query.addQueryItem("query", "sum(assertions_failed) + 1");
        query.contentType = "application/x-www-form-urlencoded";
        query.body = "query=up";
        const auto answered = await<HttpResult>([&](auto done) { endpoint.send(query, this, done); });
        QVERIFY(answered);
        QVERIFY2(answered->ok(), qPrintable(answered->error.toString()));
        QCOMPARE(answered->body, "{\"status\":\"success\",\"echo\":\"POST /api/v1/query\"}");
        QCOMPARE(target.requests.size(), 1);
        QCOMPARE(target.requests.first().query("query"), "sum(assertions_failed) + 1");
        QCOMPARE(target.requests.first().body, "query=up");

        ServiceProxyEndpoint missing(&client, "monitoring", "alertmanager-operated", "web");
        const auto none = await<HttpResult>([&](auto done) { missing.send(HttpRequest {}, this, done); });
        QVERIFY(none);
        QVERIFY(none->error.isError());
        QVERIFY(none->error.toString().startsWith("service monitoring/alertmanager-operated:web via "));
    }

    void restrictedUserCannotDelete()
    {
        KubeClient client(access(TestCredentials::token(m_server.restrictedToken())));
        const auto deleted
            = await<DeleteResult>([&](auto done) { client.deletePod("int", m_pod, this, done); });
        QVERIFY(deleted);
        QCOMPARE(deleted->error.httpStatus, 403);
        QCOMPARE(deleted->error.reason, "Forbidden");
        QVERIFY(!deleted->alreadyGone);
    }

    void deletePodThenAlreadyGone()
    {
        QString error;
        const QString pod = m_server.addSuite("del", "gone", "passing", 0, &error);
        QVERIFY2(!pod.isEmpty(), qPrintable(error));
        KubeClient client(access(TestCredentials::token(m_server.token())));
        const auto deleted
            = await<DeleteResult>([&](auto done) { client.deletePod("del", pod, this, done); });
        QVERIFY(deleted);
        QVERIFY2(!deleted->error.isError(), qPrintable(deleted->error.toString()));
        QVERIFY(!deleted->alreadyGone);
        // Once the pod has terminated, deleting it again is "already gone".
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            const auto again
                = await<DeleteResult>([&](auto done) { client.deletePod("del", pod, this, done); });
            return again && again->alreadyGone && !again->error.isError();
        }()),
            10000);
        const auto missing = await<PodResult>([&](auto done) { client.getPod("del", pod, this, done); });
        QVERIFY(missing);
        QCOMPARE(missing->error.httpStatus, 404);
        QCOMPARE(missing->error.reason, "NotFound");
    }
};

QTEST_GUILESS_MAIN(TestKubeClientServer)
#include "tst_kubeclient_server.moc"
