#include "awaitcallback.h"
#include "http/directendpoint.h"
#include "testhttpserver.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using Response = TestHttpServer::Response;

class TestDirectEndpoint : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestHttpServer> m_server;

    HttpResult exchange(DirectEndpoint &endpoint, const HttpRequest &request)
    {
        return awaitCallback<HttpResult>([&](auto done) { endpoint.send(request, this, done); });
    }

    HttpRequest get(const QString &path, int timeoutMs = 10000)
    {
        HttpRequest request;
        request.path = path;
        request.timeoutMs = timeoutMs;
        return request;
    }

private slots:
    void init()
    {
        m_server = std::make_unique<TestHttpServer>();
        QVERIFY(m_server->start());
    }

    void pathsAndQueriesStayUnderTheBase()
    {
        DirectEndpoint endpoint(QUrl("https://example.test:8443/prefix/proxy/"));
        HttpRequest request = get("api/v1/query");
        request.query.setQuery("query=up%2B1");
        QCOMPARE(endpoint.urlFor(request).toString(QUrl::FullyEncoded),
            "https://example.test:8443/prefix/proxy/api/v1/query?query=up%2B1");
        QCOMPARE(
            endpoint.urlFor(get("/-/ready")).toString(), "https://example.test:8443/prefix/proxy/-/ready");
        DirectEndpoint noSlash(QUrl("http://127.0.0.1:9090"));
        QCOMPARE(noSlash.urlFor(get("api/v2/alerts")).toString(), "http://127.0.0.1:9090/api/v2/alerts");
        DirectEndpoint withUser(QUrl("http://user:pw@127.0.0.1:9090/x?secret=1"));
        QCOMPARE(withUser.describe(), "http://127.0.0.1:9090/x");
    }

    void successCarriesBodyStatusAndHeaders()
    {
        m_server->setResponse(
            { 200, "application/json", "{\"ok\":true}", { { "X-Test", "yes" } }, false, false, -1 });
        DirectEndpoint endpoint(QUrl(m_server->baseUrl()));
        const HttpResult result = exchange(endpoint, get("api/v1/status/buildinfo"));
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.status, 200);
        QCOMPARE(result.body, "{\"ok\":true}");
        QCOMPARE(result.header("x-test"), "yes");
        QCOMPARE(m_server->requests().size(), 1);
        QCOMPARE(m_server->requests().first().path, "/api/v1/status/buildinfo");
        QCOMPARE(m_server->requests().first().header("Accept"), "application/json");
        QVERIFY(m_server->requests().first().header("Authorization").isEmpty());
    }

    void postSendsBodyAndContentType()
    {
        m_server->setResponse({ 200, "application/json", "{}", {}, false, false, -1 });
        DirectEndpoint endpoint(QUrl(m_server->baseUrl()));
        HttpRequest request = get("api/v2/silences");
        request.verb = "POST";
        request.contentType = "application/json";
        request.body = "{\"comment\":\"x\"}";
        QVERIFY(exchange(endpoint, request).ok());
        const TestHttpServer::Request seen = m_server->requests().value(0);
        QCOMPARE(seen.method, "POST");
        QCOMPARE(seen.body, "{\"comment\":\"x\"}");
        QCOMPARE(seen.header("Content-Type"), "application/json");
    }

    void httpErrorKeepsStatusAndSanitizedBody()
    {
        QByteArray body = "<html>\n<title>502 Bad Gateway</title>\x01\x02" + QByteArray(500, 'x') + "</html>";
        m_server->setResponse({ 502, "text/html", body, {}, false, false, -1 });
        DirectEndpoint endpoint(QUrl(m_server->baseUrl()));
        const HttpResult result = exchange(endpoint, get("api/v1/query"));
        QCOMPARE(result.error.kind, HttpError::Kind::Http);
        QCOMPARE(result.error.httpStatus, 502);
        QCOMPARE(result.body, body); // clients may still read an error envelope
        QVERIFY(result.error.message.startsWith("<html> <title>502 Bad Gateway</title>??xxx"));
        QVERIFY(result.error.message.size() <= 201);
        QVERIFY(!result.error.message.contains('\n'));
        QVERIFY2(
            result.error.toString().startsWith(QString::fromLatin1(m_server->baseUrl().chopped(1)) + ": 502"),
            qPrintable(result.error.toString()));
    }

    void bearerTokenIsSentButNeverShown()
    {
        const QByteArray token = "s3cr3t-t0ken-value";
        m_server->setHandler([](const TestHttpServer::Request &request) {
            // A hostile or careless proxy echoing the credentials back.
            return Response { 401, "text/plain", "denied for " + request.header("Authorization"), {}, false,
                false, -1 };
        });
        DirectEndpoint::Options options;
        options.bearerToken = token;
        DirectEndpoint endpoint(QUrl(m_server->baseUrl()), options);
        const HttpResult result = exchange(endpoint, get("api/v1/query"));
        QCOMPARE(m_server->requests().value(0).header("Authorization"), "Bearer " + token);
        QCOMPARE(result.error.httpStatus, 401);
        QVERIFY(!result.error.toString().contains(QString::fromLatin1(token)));
        QVERIFY(result.error.message.contains("<redacted>"));
        QVERIFY(!endpoint.describe().contains(QString::fromLatin1(token)));
    }

    void echoedTokenAtTheCutIsNotHalfShown()
    {
        const QByteArray token = "abcdefghij0123456789-secret";
        m_server->setHandler([](const TestHttpServer::Request &request) {
            return Response { 403, "text/plain", QByteArray(190, 'x') + request.header("Authorization"), {},
                false, false, -1 };
        });
        DirectEndpoint::Options options;
        options.bearerToken = token;
        DirectEndpoint endpoint(QUrl(m_server->baseUrl()), options);
        const HttpResult result = exchange(endpoint, get("api/v1/query"));
        QCOMPARE(result.error.httpStatus, 403);
        QVERIFY2(!result.error.message.contains("abcdefghij"), qPrintable(result.error.message));
    }

    void responseOverTheCapIsAnError()
    {
        m_server->setResponse(
            { 200, "application/json", QByteArray(3 * 1024 * 1024, 'a'), {}, false, false, -1 });
        DirectEndpoint::Options options;
        options.maxResponseBytes = 1024 * 1024;
        DirectEndpoint endpoint(QUrl(m_server->baseUrl()), options);
        const HttpResult result = exchange(endpoint, get("metrics"));
        QCOMPARE(result.error.kind, HttpError::Kind::Protocol);
        QCOMPARE(result.error.message, "response too large");
        QVERIFY(result.body.isEmpty());
    }

    void refusedConnection()
    {
        const QUrl url(m_server->baseUrl());
        m_server->stop();
        DirectEndpoint endpoint(url);
        const HttpResult result = exchange(endpoint, get("api/v1/query"));
        QCOMPARE(result.error.kind, HttpError::Kind::Network);
        QCOMPARE(result.error.message, "connection refused");
        QCOMPARE(result.error.endpoint, endpoint.describe());
    }

    void droppedConnection()
    {
        m_server->setResponse({ 200, {}, {}, {}, false, true, -1 });
        DirectEndpoint endpoint(QUrl(m_server->baseUrl()));
        const HttpResult result = exchange(endpoint, get("api/v1/query"));
        QCOMPARE(result.error.kind, HttpError::Kind::Network);
    }

    void truncatedBodyIsAnError()
    {
        m_server->setResponse({ 200, "application/json", "{\"status\":\"succ", {}, false, false, 5000 });
        DirectEndpoint endpoint(QUrl(m_server->baseUrl()));
        const HttpResult result = exchange(endpoint, get("api/v1/query"));
        QVERIFY(result.error.isError());
    }

    void silentServerTimesOut()
    {
        m_server->setResponse({ 200, {}, {}, {}, true, false, -1 });
        DirectEndpoint endpoint(QUrl(m_server->baseUrl()));
        const HttpResult result = exchange(endpoint, get("api/v1/query", 300));
        QCOMPARE(result.error.kind, HttpError::Kind::Timeout);
    }

    void destroyedContextIsNeverCalled()
    {
        m_server->setResponse({ 200, {}, {}, {}, true, false, -1 });
        DirectEndpoint endpoint(QUrl(m_server->baseUrl()));
        bool called = false;
        auto context = std::make_unique<QObject>();
        endpoint.send(get("api/v1/query"), context.get(), [&](const HttpResult &) { called = true; });
        QTRY_COMPARE_WITH_TIMEOUT(m_server->requests().size(), 1, 10000);
        context.reset();
        QTest::qWait(100);
        QVERIFY(!called);
        // The abandoned reply is freed, not left to the network manager's end.
        QTRY_COMPARE_WITH_TIMEOUT(endpoint.pendingReplies(), 0, 5000);
    }
};

QTEST_GUILESS_MAIN(TestDirectEndpoint)
#include "tst_directendpoint.moc"
