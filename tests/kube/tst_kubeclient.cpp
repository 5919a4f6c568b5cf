// KubeClient against a scripted local HTTP server: request building, credentials and
// the 401 retry, errors as values, list parsing with malformed and hostile bodies,
// streams with and without a read buffer bound (StreamReadLimit's Qt workarounds).

#include "fakehttpserver.h"
#include "testcredentials.h"

#include "kube/kubeclient.h"
#include "kube/streamreadlimit.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QScopeGuard>
#include <QTest>
#include <QThread>
#include <QTimer>

namespace {

const QByteArray Secret = "s3cr3t-t0ken-value";

QByteArray loadPodJson(const QString &name)
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/pods/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file.fileName()));
    return file.readAll();
}

QByteArray podList(const QList<QByteArray> &items, const QByteArray &resourceVersion = "100")
{
    QByteArray body = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":")"
        + resourceVersion + R"("},"items":[)";
    for (qsizetype i = 0; i < items.size(); ++i)
        body += (i ? "," : "") + items[i];
    return body + "]}";
}

QByteArray statusBody(int code, const QByteArray &reason, const QByteArray &message)
{
    return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")" + message
        + R"(","reason":")" + reason + R"(","code":)" + QByteArray::number(code) + "}";
}

// Answers every request by opening a stream (chunked) with `body` as its first chunk.
FakeHttpServer::Handler openStream(const QByteArray &body)
{
    return [body](const FakeRequest &, QTcpSocket *) {
        FakeResponse response;
        response.stream = true;
        response.body = body;
        return response;
    };
}

// A followed pod log, at most `readBufferBytes` of it waiting for us.
HttpRequest boundedLogRequest(qint64 readBufferBytes)
{
    HttpRequest request;
    request.path = "api/v1/namespaces/x/pods/x/log";
    request.timeoutMs = 0;
    request.readBufferBytes = readBufferBytes;
    return request;
}

template<typename T> struct Waiter
{
    std::optional<T> value;
    std::function<void(const T &)> callback()
    {
        return [this](const T &result) {
            value = result;
        };
    }
};

} // namespace

class TestKubeClient : public QObject
{
    Q_OBJECT

    FakeHttpServer *m_server = nullptr;
    std::shared_ptr<TestCredentials> m_credentials;
    std::unique_ptr<KubeClient> m_client;

    void makeClient(std::shared_ptr<TestCredentials> credentials, const QString &prefix = {})
    {
        m_credentials = credentials;
        ClusterAccess access;
        access.target.contextName = "unit";
        access.target.server = m_server->url();
        if (!prefix.isEmpty())
            access.target.server.setPath(prefix);
        access.credentials = credentials;
        m_client = std::make_unique<KubeClient>(access);
    }

    HttpResult get(const QString &path)
    {
        Waiter<HttpResult> waiter;
        m_client->get(path, this, waiter.callback());
        if (!QTest::qWaitFor([&] { return waiter.value.has_value(); }, 10000))
            qFatal("no answer");
        return *waiter.value;
    }

private slots:
    void init()
    {
        m_server = new FakeHttpServer(this);
        QVERIFY(m_server->listen());
        makeClient(TestCredentials::token(Secret));
    }

    void cleanup()
    {
        m_client.reset();
        delete m_server;
    }

    void sendsBearerTokenAndAccept()
    {
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) { return FakeResponse { 200, "{}" }; });
        const HttpResult result = get("api/v1/namespaces/default/pods");
        QVERIFY(result.ok());
        QCOMPARE(m_server->requests.size(), 1);
        const FakeRequest &request = m_server->requests.first();
        QCOMPARE(request.method, "GET");
        QCOMPARE(request.url.path(), "/api/v1/namespaces/default/pods");
        QCOMPARE(request.header("Authorization"), "Bearer " + Secret);
        QCOMPARE(request.header("Accept"), "application/json");
        QVERIFY(request.header("User-Agent").startsWith("kassert/"));
    }

    void basicAuth()
    {
        Credential basic;
        basic.basicUser = "admin";
        basic.basicPassword = "pa:ss";
        makeClient(std::make_shared<TestCredentials>(QList<Credential> { basic }));
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) { return FakeResponse { 200, "{}" }; });
        QVERIFY(get("version").ok());
        QCOMPARE(m_server->requests.first().header("Authorization"),
            "Basic " + QByteArray("admin:pa:ss").toBase64());
    }

    void serverPathPrefixAndStrictQueryEncoding()
    {
        makeClient(TestCredentials::token(Secret), "/k8s/clusters/c-1/");
        HttpRequest request;
        request.path = "/api/v1/pods";
        request.query.addQueryItem("labelSelector", "app in (a,b),tier!=web+x");
        request.query.addQueryItem("q", "rate(x[5m]) + 1 & 2 = 3%");
        const QUrl url = m_client->urlFor(request);
        QCOMPARE(url.path(), "/k8s/clusters/c-1/api/v1/pods");
        const QByteArray encoded = url.toEncoded();
        QVERIFY2(encoded.contains("labelSelector=app%20in%20%28a%2Cb%29%2Ctier%21%3Dweb%2Bx"),
            encoded.constData());
        QVERIFY2(
            encoded.contains("q=rate%28x%5B5m%5D%29%20%2B%201%20%26%202%20%3D%203%25"), encoded.constData());

        m_server->setHandler([](const FakeRequest &, QTcpSocket *) { return FakeResponse { 200, "{}" }; });
        Waiter<HttpResult> waiter;
        m_client->send(request, this, waiter.callback());
        QTRY_VERIFY(waiter.value.has_value());
        const FakeRequest &seen = m_server->requests.first();
        QCOMPARE(seen.query("labelSelector"), "app in (a,b),tier!=web+x");
        QCOMPARE(seen.query("q"), "rate(x[5m]) + 1 & 2 = 3%");
    }

    void proxyPaths()
    {
        HttpRequest inner;
        inner.verb = "POST";
        inner.path = "/rerun";
        inner.body = "{}";
        const HttpRequest pod = KubeClient::podProxyRequest("shop", "specs-abc", 9091, inner);
        QCOMPARE(pod.path, "api/v1/namespaces/shop/pods/specs-abc:9091/proxy/rerun");
        QCOMPARE(pod.verb, "POST");
        QCOMPARE(pod.body, "{}");
        inner.path = "api/v1/query";
        inner.query.addQueryItem("query", "up");
        const HttpRequest service
            = KubeClient::serviceProxyRequest("monitoring", "prometheus-operated", "web", inner);
        QCOMPARE(
            service.path, "api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/api/v1/query");
        QCOMPARE(service.query.queryItemValue("query"), "up");
    }

    void statusErrorIsAValue_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("message");
        QTest::newRow("forbidden") << 403
                                   << statusBody(
                                          403, "Forbidden", "pods is forbidden: User \\\"x\\\" cannot list")
                                   << "Forbidden"
                                   << "pods is forbidden: User \"x\" cannot list";
        QTest::newRow("not found") << 404 << statusBody(404, "NotFound", "pods \\\"nope\\\" not found")
                                   << "NotFound"
                                   << "pods \"nope\" not found";
        QTest::newRow("html") << 502 << QByteArray("<html><h1>502 Bad Gateway</h1></html>") << "Bad Gateway"
                              << "502 Bad Gateway";
        QTest::newRow("empty") << 500 << QByteArray() << "Internal Server Error"
                               << "";
    }

    void statusErrorIsAValue()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, reason);
        QFETCH(QString, message);
        m_server->setHandler([&](const FakeRequest &, QTcpSocket *) {
            return FakeResponse { status, body };
        });
        const HttpResult result = get("api/v1/namespaces/x/pods/nope");
        QCOMPARE(result.error.kind, HttpError::Kind::Http);
        QCOMPARE(result.error.httpStatus, status);
        QCOMPARE(result.error.reason, reason);
        QCOMPARE(result.error.message, message);
        QCOMPARE(result.body, body);
        QVERIFY(result.error.toString().startsWith(m_client->describe()));
        QVERIFY(!result.error.toString().contains(QString::fromLatin1(Secret)));
    }

    void unauthorizedRetriesOnceWithAFreshCredential()
    {
        makeClient(TestCredentials::token(Secret, "fresh-token"));
        m_server->setHandler([](const FakeRequest &request, QTcpSocket *) {
            if (request.header("Authorization") == "Bearer fresh-token")
                return FakeResponse { 200, R"({"ok":true})" };
            return FakeResponse { 401, statusBody(401, "Unauthorized", "Unauthorized") };
        });
        const HttpResult result = get("api/v1/pods");
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.body, R"({"ok":true})");
        QCOMPARE(m_server->requests.size(), 2);
        QCOMPARE(m_credentials->invalidated, 1);
        QCOMPARE(m_credentials->lastRejected, Secret);
    }

    void unauthorizedWithoutRefreshIsReported()
    {
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) {
            return FakeResponse { 401, statusBody(401, "Unauthorized", "Unauthorized") };
        });
        const HttpResult result = get("api/v1/pods");
        QCOMPARE(result.error.kind, HttpError::Kind::Http);
        QCOMPARE(result.error.httpStatus, 401);
        QCOMPARE(result.error.reason, "Unauthorized");
        QCOMPARE(m_server->requests.size(), 1); // invalidate() said a retry would not help
        QVERIFY(!result.error.toString().contains(QString::fromLatin1(Secret)));
    }

    void unauthorizedTwiceRetriesOnlyOnce()
    {
        makeClient(TestCredentials::token(Secret, "also-bad"));
        m_credentials->refreshHelps = true;
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) {
            return FakeResponse { 401, statusBody(401, "Unauthorized", "Unauthorized") };
        });
        const HttpResult result = get("api/v1/pods");
        QCOMPARE(result.error.httpStatus, 401);
        QCOMPARE(m_server->requests.size(), 2);
    }

    void postBodyIsResentOnRetry()
    {
        makeClient(TestCredentials::token(Secret, "fresh-token"));
        m_server->setHandler([](const FakeRequest &request, QTcpSocket *) {
            if (request.header("Authorization") == "Bearer fresh-token")
                return FakeResponse { 200, "rerun started" };
            return FakeResponse { 401, statusBody(401, "Unauthorized", "Unauthorized") };
        });
        HttpRequest inner;
        inner.verb = "POST";
        inner.path = "rerun";
        inner.body = R"({"why":"test"})";
        inner.contentType = "application/json";
        Waiter<HttpResult> waiter;
        m_client->podProxy("shop", "specs-abc", 9091, inner, this, waiter.callback());
        QTRY_VERIFY(waiter.value.has_value());
        QVERIFY(waiter.value->ok());
        QCOMPARE(m_server->requests.size(), 2);
        for (const FakeRequest &request : std::as_const(m_server->requests)) {
            QCOMPARE(request.method, "POST");
            QCOMPARE(request.url.path(), "/api/v1/namespaces/shop/pods/specs-abc:9091/proxy/rerun");
            QCOMPARE(request.body, R"({"why":"test"})");
            QCOMPARE(request.header("Content-Type"), "application/json");
        }
    }

    void credentialFailureIsAnAuthError()
    {
        m_credentials->failWith = "exec plugin \"gke-gcloud-auth-plugin\" not found";
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) { return FakeResponse { 200, "{}" }; });
        const HttpResult result = get("api/v1/pods");
        QCOMPARE(result.error.kind, HttpError::Kind::Auth);
        QVERIFY(result.error.message.contains("gke-gcloud-auth-plugin"));
        QCOMPARE(m_server->requests.size(), 0);
    }

    void refusedConnectionIsANetworkError()
    {
        const QUrl url = m_server->url();
        delete m_server; // nothing listens on its port any more
        m_server = new FakeHttpServer(this);
        ClusterAccess access;
        access.target.contextName = "gone";
        access.target.server = url;
        access.credentials = TestCredentials::token(Secret);
        KubeClient client(access);
        Waiter<HttpResult> waiter;
        client.get("version", this, waiter.callback());
        QTRY_VERIFY_WITH_TIMEOUT(waiter.value.has_value(), 10000);
        QCOMPARE(waiter.value->error.kind, HttpError::Kind::Network);
        QVERIFY(!waiter.value->error.message.isEmpty());
        QVERIFY(waiter.value->error.toString().contains("(context gone)"));
    }

    void destroyedContextIsNotCalled()
    {
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) { return FakeResponse { 200, "{}" }; });
        bool called = false;
        auto *context = new QObject;
        m_client->get("version", context, [&](const HttpResult &) { called = true; });
        delete context;
        QTRY_COMPARE(m_server->requests.size(), 1);
        QTest::qWait(100);
        QVERIFY(!called);
    }

    void listPodsParsesAndSkipsBadItems()
    {
        const QByteArray badItem
            = R"({"metadata":{"name":"broken","namespace":"shop","labels":"not-a-map"}})";
        m_server->setHandler([&](const FakeRequest &, QTcpSocket *) {
            return FakeResponse { 200,
                podList({ loadPodJson("running.json"), badItem, loadPodJson("pending.json") }, "4242") };
        });
        Waiter<PodListResult> waiter;
        m_client->listPods("shop", "kubernetes-assert=metrics", this, waiter.callback(), "0");
        QTRY_VERIFY(waiter.value.has_value());
        const PodListResult &list = *waiter.value;
        QVERIFY2(!list.error.isError(), qPrintable(list.error.toString()));
        QCOMPARE(list.resourceVersion, "4242");
        QCOMPARE(list.pods.size(), 2);
        QCOMPARE(list.pods.first().name, "checkout-specs-7d9f8b6c5d-x2k9p");
        QCOMPARE(list.skipped.size(), 1);
        QVERIFY2(list.skipped.first().contains("shop/broken"), qPrintable(list.skipped.first()));
        const FakeRequest &request = m_server->requests.first();
        QCOMPARE(request.url.path(), "/api/v1/namespaces/shop/pods");
        QCOMPARE(request.query("labelSelector"), "kubernetes-assert=metrics");
        QCOMPARE(request.query("resourceVersion"), "0");
    }

    void listPodsAllNamespacesWithoutResourceVersion()
    {
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) {
            return FakeResponse { 200,
                R"({"kind":"PodList","metadata":{"resourceVersion":"7"},"items":null})" };
        });
        Waiter<PodListResult> waiter;
        m_client->listPods({}, {}, this, waiter.callback());
        QTRY_VERIFY(waiter.value.has_value());
        QVERIFY(!waiter.value->error.isError());
        QVERIFY(waiter.value->pods.isEmpty());
        QCOMPARE(m_server->requests.first().url.path(), "/api/v1/pods");
        QVERIFY(!m_server->requests.first().hasQuery("resourceVersion"));
        QVERIFY(!m_server->requests.first().hasQuery("labelSelector"));
    }

    void listPodsMalformed_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("html") << QByteArray("<html>hello</html>");
        QTest::newRow("truncated") << podList({ loadPodJson("running.json") }).chopped(20);
        QTest::newRow("items not an array") << QByteArray(R"({"items":{"a":1}})");
        QTest::newRow("array root") << QByteArray("[]");
        QTest::newRow("nul bytes") << QByteArray("\0\0\0{", 4);
    }

    void listPodsMalformed()
    {
        QFETCH(QByteArray, body);
        m_server->setHandler([&](const FakeRequest &, QTcpSocket *) { return FakeResponse { 200, body }; });
        Waiter<PodListResult> waiter;
        m_client->listPods({}, {}, this, waiter.callback());
        QTRY_VERIFY(waiter.value.has_value());
        QCOMPARE(waiter.value->error.kind, HttpError::Kind::Protocol);
        QVERIFY(waiter.value->error.message.startsWith("pod list: "));
        QVERIFY(waiter.value->pods.isEmpty());
    }

    void listPodsHuge()
    {
        // Five thousand pods in one list: parsed, nothing lost.
        const QJsonObject templ = QJsonDocument::fromJson(loadPodJson("running.json")).object();
        QJsonArray items;
        for (int i = 0; i < 5000; ++i) {
            QJsonObject pod = templ;
            QJsonObject metadata = pod.value("metadata").toObject();
            metadata.insert("name", QStringLiteral("pod-%1").arg(i));
            pod.insert("metadata", metadata);
            items.append(pod);
        }
        QJsonObject root { { "kind", "PodList" }, { "metadata", QJsonObject { { "resourceVersion", "9" } } },
            { "items", items } };
        const QByteArray body = QJsonDocument(root).toJson(QJsonDocument::Compact);
        m_server->setHandler([&](const FakeRequest &, QTcpSocket *) { return FakeResponse { 200, body }; });
        Waiter<PodListResult> waiter;
        m_client->listPods({}, {}, this, waiter.callback());
        QTRY_VERIFY_WITH_TIMEOUT(waiter.value.has_value(), 20000);
        QVERIFY(!waiter.value->error.isError());
        QCOMPARE(waiter.value->pods.size(), 5000);
        QCOMPARE(waiter.value->pods.last().name, "pod-4999");
    }

    void oversizedResponseIsAProtocolError()
    {
        m_client->setMaxResponseBytes(1024 * 1024);
        const QByteArray body(3 * 1024 * 1024, 'x');
        m_server->setHandler([&](const FakeRequest &, QTcpSocket *) { return FakeResponse { 200, body }; });
        const HttpResult result = get("api/v1/pods");
        QCOMPARE(result.error.kind, HttpError::Kind::Protocol);
        QCOMPARE(result.error.message, "response larger than 1048576 bytes");
        QVERIFY(result.body.size() <= 1024 * 1024);
    }

    void getPodWrongShape()
    {
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) {
            return FakeResponse { 200, R"({"metadata":{"name":5}})" };
        });
        Waiter<PodResult> waiter;
        m_client->getPod("shop", "x", this, waiter.callback());
        QTRY_VERIFY(waiter.value.has_value());
        QCOMPARE(waiter.value->error.kind, HttpError::Kind::Protocol);
        QVERIFY(!waiter.value->pod);
    }

    void deletePodAlreadyGoneIsSuccess()
    {
        m_server->setHandler([](const FakeRequest &request, QTcpSocket *) {
            if (request.url.path().endsWith("/gone"))
                return FakeResponse { 404, statusBody(404, "NotFound", "pods \\\"gone\\\" not found") };
            return FakeResponse { 200, R"({"kind":"Pod","metadata":{"name":"here"}})" };
        });
        Waiter<DeleteResult> gone;
        m_client->deletePod("shop", "gone", this, gone.callback());
        Waiter<DeleteResult> here;
        m_client->deletePod("shop", "here", this, here.callback());
        QTRY_VERIFY(gone.value && here.value);
        QVERIFY(gone.value->alreadyGone);
        QVERIFY(!gone.value->error.isError());
        QVERIFY(!here.value->alreadyGone);
        QVERIFY(!here.value->error.isError());
        QCOMPARE(m_server->requests.first().method, "DELETE");
    }

    void deletePodForbiddenIsAnError()
    {
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) {
            return FakeResponse { 403, statusBody(403, "Forbidden", "pods \\\"x\\\" is forbidden") };
        });
        Waiter<DeleteResult> waiter;
        m_client->deletePod("shop", "x", this, waiter.callback());
        QTRY_VERIFY(waiter.value.has_value());
        QCOMPARE(waiter.value->error.httpStatus, 403);
        QVERIFY(!waiter.value->alreadyGone);
    }

    void listServices()
    {
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) {
            return FakeResponse {
                200, R"({"kind":"ServiceList","metadata":{"resourceVersion":"3"},"items":[
                {"metadata":{"name":"prometheus-operated","namespace":"monitoring","labels":{"operated-prometheus":"true"}},
                 "spec":{"ports":[{"name":"web","port":9090,"protocol":"TCP"}]}},
                {"metadata":{"name":"bad","namespace":"monitoring"},"spec":{"ports":[{"name":"web","port":"x"}]}}]})"
            };
        });
        Waiter<ServiceListResult> waiter;
        m_client->listServices({}, "operated-prometheus=true", this, waiter.callback());
        QTRY_VERIFY(waiter.value.has_value());
        QVERIFY(!waiter.value->error.isError());
        QCOMPARE(waiter.value->services.size(), 1);
        const ServiceInfo &service = waiter.value->services.first();
        QCOMPARE(service.nameSpace, "monitoring");
        QCOMPARE(service.labels.value("operated-prometheus"), "true");
        QCOMPARE(service.ports.size(), 1);
        QCOMPARE(service.ports.first().name, "web");
        QCOMPARE(service.ports.first().port, 9090);
        QCOMPARE(waiter.value->skipped.size(), 1);
        QVERIFY(waiter.value->skipped.first().contains("spec.ports[0].port"));
        QCOMPARE(m_server->requests.first().url.path(), "/api/v1/services");
    }

    void streamDeliversChunksAndAbortStopsIt()
    {
        m_server->setHandler(openStream("first\n"));
        QByteArray received;
        bool finished = false;
        HttpRequest request;
        request.path = "api/v1/pods";
        request.timeoutMs = 0;
        QPointer<KubeStream> stream = m_client->stream(request, this,
            { [&](const QByteArray &chunk) { received += chunk; },
                [&](const HttpResult &) {
                    finished = true;
                } });
        QTRY_COMPARE(received, "first\n");
        FakeHttpServer::sendChunk(m_server->lastStream(), "second\n");
        QTRY_COMPARE(received, "first\nsecond\n");
        QVERIFY(stream);
        stream->abort();
        QTest::qWait(50);
        QVERIFY(!finished);
        QVERIFY(!stream);
    }

    void streamErrorBodyIsNotAChunk()
    {
        m_server->setHandler([](const FakeRequest &, QTcpSocket *) {
            return FakeResponse { 400,
                statusBody(400, "BadRequest", "a container name must be specified for pod x") };
        });
        QByteArray received;
        std::optional<HttpResult> outcome;
        HttpRequest request;
        request.path = "api/v1/namespaces/x/pods/x/log";
        m_client->stream(request, this,
            { [&](const QByteArray &chunk) { received += chunk; },
                [&](const HttpResult &r) {
                    outcome = r;
                } });
        QTRY_VERIFY(outcome.has_value());
        QVERIFY(received.isEmpty());
        QCOMPARE(outcome->error.httpStatus, 400);
        QCOMPARE(outcome->error.reason, "BadRequest");
        QCOMPARE(outcome->error.message, "a container name must be specified for pod x");
    }

    void streamCutIsANetworkError()
    {
        m_server->setHandler(openStream("partial"));
        std::optional<HttpResult> outcome;
        HttpRequest request;
        request.path = "api/v1/pods";
        m_client->stream(request, this,
            { [](const QByteArray &) {},
                [&](const HttpResult &r) {
                    outcome = r;
                } });
        QTRY_COMPARE(m_server->streams.size(), 1);
        QTest::qWait(50);
        m_server->cutStreams();
        QTRY_VERIFY(outcome.has_value());
        QVERIFY(outcome->error.isError());
    }

    // A bounded stream read slower than its server sends: Qt stops and starts reading
    // many times, and every byte still arrives, in order. The server runs on a thread of
    // its own so that it writes while we are busy. What the bound saves is measured, not
    // asserted (bench_logingest): Qt takes all the kernel has buffered whenever it reads,
    // and the kernel's buffers may grow to tens of MiB, so no byte figure holds here.
    void boundedStreamReadSlowlyLosesNothing()
    {
        const qsizetype total = 24 * 1024 * 1024;
        QByteArray log(total, 'x');
        for (qsizetype i = 0; i < total; i += 4096)
            log[i] = char('a' + (i / 4096) % 26);
        QThread serverThread;
        serverThread.start();
        FakeHttpServer *server = nullptr; // made on its thread, with every member
        QUrl url;
        auto *serverThreadContext = new QObject;
        serverThreadContext->moveToThread(&serverThread);
        connect(&serverThread, &QThread::finished, serverThreadContext, &QObject::deleteLater);
        QMetaObject::invokeMethod(serverThreadContext, [&] {
            server = new FakeHttpServer;
            if (server->listen())
                url = server->url();
            server->setHandler([&](const FakeRequest &, QTcpSocket *socket) {
                QTimer::singleShot(0, socket, [socket, &log] { FakeHttpServer::sendChunk(socket, log); });
                FakeResponse response;
                response.stream = true;
                return response;
            });
        }, Qt::BlockingQueuedConnection);
        const auto stopServer = qScopeGuard([&] {
            QMetaObject::invokeMethod(server, [server] { delete server; }, Qt::BlockingQueuedConnection);
            serverThread.quit();
            serverThread.wait();
        });
        QVERIFY(url.isValid());
        ClusterAccess access;
        access.target.contextName = "unit";
        access.target.server = url;
        KubeClient client(access);

        QByteArray received;
        std::optional<HttpResult> outcome;
        const HttpRequest request = boundedLogRequest(256 * 1024);
        client.stream(request, this,
            { [&](const QByteArray &chunk) {
                 received += chunk;
                 if (received.size() < total / 4)
                     QThread::msleep(2); // slower than the server for a while
             },
                [&](const HttpResult &result) { outcome = result; } });
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), total, 20000);
        QVERIFY(!outcome.has_value()); // the server has not ended the stream
        QVERIFY(received == log);
    }

    // Qt can stop reading a bounded reply for good once its buffer has been taken, even
    // after the server cut the connection: the stream must still end (and resume upstream).
    void boundedStreamCutWhileQtHoldsDataStillEnds()
    {
        const QByteArray longLine(2500000, 'x');
        m_server->setHandler([&longLine](const FakeRequest &, QTcpSocket *socket) {
            QPointer<QTcpSocket> guard = socket;
            QTimer::singleShot(10, socket, [guard] {
                if (guard)
                    guard->abort();
            });
            FakeResponse response;
            response.stream = true;
            response.body = longLine;
            return response;
        });
        qint64 received = 0;
        std::optional<HttpResult> outcome;
        const HttpRequest request = boundedLogRequest(1024 * 1024);
        m_client->stream(request, this,
            { [&](const QByteArray &chunk) { received += chunk.size(); },
                [&](const HttpResult &result) { outcome = result; } });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 5000);
        QCOMPARE(outcome->error.kind, HttpError::Kind::Network);
        QVERIFY(received > 0);
        QVERIFY(received <= longLine.size());
    }

    // The other side of the cut above: a bounded stream that is quiet for a while (its
    // reply woken up several times) and then ends normally is a clean end.
    void boundedQuietStreamEndsCleanly()
    {
        m_server->setHandler(openStream("first\n"));
        QByteArray received;
        std::optional<HttpResult> outcome;
        const HttpRequest request = boundedLogRequest(1024 * 1024);
        m_client->stream(request, this,
            { [&](const QByteArray &chunk) { received += chunk; },
                [&](const HttpResult &result) { outcome = result; } });
        QTRY_COMPARE(received, "first\n");
        // Woken up at 200 and 600 ms after the data; ends well clear of both.
        QTest::qWait(StreamReadLimit::FirstNudgeMs * 2 + StreamReadLimit::NudgeEffectMs + 250);
        QVERIFY(!outcome.has_value());
        FakeHttpServer::sendChunk(m_server->lastStream(), "second\n");
        QTRY_COMPARE(received, "first\nsecond\n");
        // Ends between the first nudge's effect window (200-350 ms) and the second nudge (600 ms).
        const int firstWindowEnd = StreamReadLimit::FirstNudgeMs + StreamReadLimit::NudgeEffectMs;
        QTest::qWait((firstWindowEnd + 3 * StreamReadLimit::FirstNudgeMs) / 2);
        FakeHttpServer::endStream(m_server->lastStream());
        QTRY_VERIFY(outcome.has_value());
        QVERIFY2(!outcome->error.isError(), qPrintable(outcome->error.toString()));
    }

    void insecureTargetCarriesAWarning()
    {
        ClusterAccess access;
        access.target.contextName = "lab";
        access.target.server = QUrl("https://10.0.0.1:6443");
        access.target.insecureSkipTlsVerify = true;
        KubeClient client(access);
        QCOMPARE(client.target().warnings.size(), 1);
        QVERIFY(client.target().warnings.first().contains("TLS verification is off"));
    }
};

QTEST_GUILESS_MAIN(TestKubeClient)
#include "tst_kubeclient.moc"
