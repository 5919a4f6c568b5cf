#include "awaitcallback.h"
#include "http/directendpoint.h"
#include "monitoring/prometheusclient.h"
#include "testdata.h"
#include "testhttpserver.h"

#include <QTest>
#include <QUrlQuery>

#include <cmath>
#include <memory>
#include <optional>

using namespace std::chrono_literals;
using Response = TestHttpServer::Response;

namespace {

Response json(const QByteArray &body, int status = 200)
{
    return Response { status, "application/json", body, {}, false, false, -1 };
}

} // namespace

class TestPrometheusClient : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestHttpServer> m_server;
    std::unique_ptr<PrometheusClient> m_client;

    PromQueryResult runQuery(const QString &promql)
    {
        return awaitCallback<PromQueryResult>([&](auto done) { m_client->query(promql, QDateTime(), done); });
    }

    void makeClient(DirectEndpoint::Options options = {})
    {
        m_client = std::make_unique<PrometheusClient>(
            std::make_shared<DirectEndpoint>(QUrl(m_server->baseUrl()), options));
        m_client->setTimeout(2s);
    }

private slots:
    void init()
    {
        m_server = std::make_unique<TestHttpServer>();
        QVERIFY(m_server->start());
        makeClient();
    }

    void instantQueryParsesVectorAndSpecialValues()
    {
        m_server->setResponse(json(monitoringData("prom-snapshot-vector.json")));
        const PromQueryResult result = runQuery("assertions_failed");
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.resultType, "vector");
        QCOMPARE(result.vector.size(), 5);
        const PromSample first = result.vector.first();
        QCOMPARE(first.labels.value("pod"), "checkout-7d9f8b6c5d-x2x4q");
        QCOMPARE(first.labels.value("job"), "metrics");
        QCOMPARE(first.value, 2.0);
        QCOMPARE(first.time.toMSecsSinceEpoch(), Q_INT64_C(1714557600123));
        QVERIFY(std::isnan(result.vector.at(2).value));
        QVERIFY(std::isinf(result.vector.at(3).value) && result.vector.at(3).value > 0);
        QVERIFY(std::isinf(result.vector.at(4).value) && result.vector.at(4).value < 0);
        QVERIFY(result.warnings.isEmpty());
    }

    void queryTextSurvivesEncoding()
    {
        m_server->setResponse(json(monitoringData("prom-snapshot-vector.json")));
        const QString promql
            = "sum by (namespace, pod) (assertions_failed{job=~\"metrics|a&b\"}) + 1 / 2 % 3";
        QVERIFY(runQuery(promql).ok());
        const TestHttpServer::Request seen = m_server->requests().value(0);
        QCOMPARE(seen.method, "GET");
        QCOMPARE(seen.path, "/api/v1/query");
        QVERIFY(seen.rawQuery.contains("%2B")); // '+' would be a space to Prometheus
        // Decode as Prometheus (Go's url.ParseQuery) does: '+' is a space.
        QUrlQuery decoded(QString::fromLatin1(seen.rawQuery).replace('+', ' '));
        QCOMPARE(decoded.queryItemValue("query", QUrl::FullyDecoded), promql);
    }

    void longQueryIsPostedAsForm()
    {
        m_server->setResponse(json(monitoringData("prom-snapshot-vector.json")));
        QString promql = "assertions_failed{pod=~\"";
        for (int i = 0; i < 200; ++i)
            promql += QString("pod-%1+|").arg(i);
        promql += "x\"}";
        QVERIFY(runQuery(promql).ok());
        const TestHttpServer::Request seen = m_server->requests().value(0);
        QCOMPARE(seen.method, "POST");
        QCOMPARE(seen.header("Content-Type"), "application/x-www-form-urlencoded");
        QVERIFY(seen.rawQuery.isEmpty());
        QUrlQuery decoded(QString::fromLatin1(seen.body).replace('+', ' '));
        QCOMPARE(decoded.queryItemValue("query", QUrl::FullyDecoded), promql);
    }

    void rangeQueryParsesMatrixAndWarnings()
    {
        m_server->setResponse(json(monitoringData("prom-history-matrix.json")));
        const QDateTime end = QDateTime::fromSecsSinceEpoch(1714557600, QTimeZone::UTC);
        std::optional<PromQueryResult> got;
        m_client->queryRange("assertions_failed", end.addSecs(-3600), end, 60s,
            [&](const PromQueryResult &result) { got = result; });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 15000);
        QVERIFY2(got->ok(), qPrintable(got->error.toString()));
        QCOMPARE(got->resultType, "matrix");
        QCOMPARE(got->matrix.size(), 3);
        QCOMPARE(got->matrix.first().points.size(), 4);
        QCOMPARE(got->matrix.first().points.at(2).second, 3.0);
        QCOMPARE(got->matrix.first().points.at(2).first.toSecsSinceEpoch(), 1714554120);
        QCOMPARE(got->warnings, QStringList { "PromQL info: metric might not be a counter" });
        const TestHttpServer::Request seen = m_server->requests().value(0);
        QCOMPARE(seen.path, "/api/v1/query_range");
        const QUrlQuery query(QString::fromLatin1(seen.rawQuery));
        QCOMPARE(query.queryItemValue("start"), "1714554000");
        QCOMPARE(query.queryItemValue("end"), "1714557600");
        QCOMPARE(query.queryItemValue("step"), "60");
    }

    void errorEnvelopes_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("errorType");
        QTest::addColumn<QString>("message");
        QTest::newRow("bad_data 400")
            << 400 << monitoringData("prom-error-bad-data.json") << "bad_data"
            << "invalid parameter \"query\": 1:18: parse error: unexpected right parenthesis ')'";
        QTest::newRow("execution 422")
            << 422
            << QByteArray("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query processing "
                          "would load too many samples into memory\"}")
            << "execution"
            << "query processing would load too many samples into memory";
        QTest::newRow("timeout 503") << 503
                                     << QByteArray("{\"status\":\"error\",\"errorType\":\"timeout\","
                                                   "\"error\":\"query timed out in expression evaluation\"}")
                                     << "timeout"
                                     << "query timed out in expression evaluation";
        QTest::newRow("error with 200")
            << 200 << QByteArray("{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"boom\"}")
            << "internal"
            << "boom";
    }

    void errorEnvelopes()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, errorType);
        QFETCH(QString, message);
        m_server->setResponse(json(body, status));
        const PromQueryResult result = runQuery("sum(");
        QCOMPARE(result.error.kind, HttpError::Kind::Http);
        QCOMPARE(result.error.httpStatus, status == 200 ? 0 : status);
        QCOMPARE(result.error.reason, errorType);
        QCOMPARE(result.error.message, message);
        QVERIFY(result.error.toString().contains(message));
    }

    void hostileBodies_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("messagePart");
        const int protocol = int(HttpError::Kind::Protocol);
        QTest::newRow("proxy html 502") << 502 << monitoringData("proxy-bad-gateway.html")
                                        << int(HttpError::Kind::Http) << "502 Bad Gateway";
        QTest::newRow("html with 200")
            << 200 << monitoringData("proxy-bad-gateway.html") << protocol << "not JSON";
        QTest::newRow("empty") << 200 << QByteArray() << protocol << "not JSON";
        QTest::newRow("truncated json")
            << 200 << monitoringData("prom-snapshot-vector.json").left(200) << protocol << "not JSON";
        QTest::newRow("json array") << 200 << QByteArray("[1,2]") << protocol << "not a JSON object";
        QTest::newRow("no status") << 200 << QByteArray("{\"data\":{}}") << protocol << "status";
        QTest::newRow("no resultType")
            << 200 << QByteArray("{\"status\":\"success\",\"data\":{}}") << protocol << "data.resultType";
        QTest::newRow("unknown resultType")
            << 200
            << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"tensor\",\"result\":[]}}")
            << protocol << "tensor";
        QTest::newRow("result not array")
            << 200
            << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":{}}}")
            << protocol << "data.result";
        QTest::newRow("value as number")
            << 200
            << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{"
                          "\"metric\":{},\"value\":[1,2]}]}}")
            << protocol << "data.result[0].value";
        QTest::newRow("value not a number")
            << 200
            << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{"
                          "\"metric\":{},\"value\":[1,\"lots\"]}]}}")
            << protocol << "data.result[0].value";
        QTest::newRow("short value") << 200
                                     << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":"
                                                   "\"vector\",\"result\":[{\"metric\":{},\"value\":[1]}]}}")
                                     << protocol << "data.result[0].value";
        QTest::newRow("time as string")
            << 200
            << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{"
                          "\"metric\":{},\"value\":[\"1\",\"1\"]}]}}")
            << protocol << "data.result[0].value";
        QTest::newRow("numeric label")
            << 200
            << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{"
                          "\"metric\":{\"pod\":7},\"value\":[1,\"1\"]}]}}")
            << protocol << "data.result[0].metric";
        QTest::newRow("matrix bad point")
            << 200
            << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{"
                          "\"metric\":{},\"values\":[[1,\"1\"],null]}]}}")
            << protocol << "data.result[0].values[1]";
    }

    void hostileBodies()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(int, kind);
        QFETCH(QString, messagePart);
        m_server->setResponse(Response { status, "text/html", body, {}, false, false, -1 });
        const PromQueryResult result = runQuery("up");
        QCOMPARE(int(result.error.kind), kind);
        QVERIFY2(result.error.toString().contains(messagePart), qPrintable(result.error.toString()));
        QVERIFY(result.vector.isEmpty());
        QVERIFY(result.matrix.isEmpty());
    }

    void giantAnswerIsRefused()
    {
        QByteArray body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[";
        const QByteArray item = "{\"metric\":{\"pod\":\"p\"},\"value\":[1,\"1\"]},";
        while (body.size() < 3 * 1024 * 1024)
            body += item;
        body.chop(1);
        body += "]}}";
        m_server->setResponse(json(body));
        DirectEndpoint::Options options;
        options.maxResponseBytes = 1024 * 1024;
        makeClient(options);
        const PromQueryResult result = runQuery("up");
        QCOMPARE(result.error.kind, HttpError::Kind::Protocol);
        QCOMPARE(result.error.message, "response too large");
    }

    void unreachableAndSilentServers()
    {
        m_server->setResponse(Response { 200, {}, {}, {}, true, false, -1 });
        m_client->setTimeout(300ms);
        QCOMPARE(runQuery("up").error.kind, HttpError::Kind::Timeout);
        m_server->stop();
        const PromQueryResult refused = runQuery("up");
        QCOMPARE(refused.error.kind, HttpError::Kind::Network);
        QVERIFY(refused.error.toString().startsWith(m_client->describe()));
    }

    void connectionCheckReportsVersion()
    {
        m_server->setHandler([](const TestHttpServer::Request &request) {
            if (request.path == "/-/ready")
                return Response { 200, "text/plain", "Prometheus Server is Ready.\n", {}, false, false, -1 };
            if (request.path == "/api/v1/status/buildinfo")
                return json(monitoringData("prom-buildinfo.json"));
            return Response { 404, "text/plain", "404 page not found", {}, false, false, -1 };
        });
        std::optional<ServiceCheck> check;
        m_client->checkConnection([&](const ServiceCheck &result) { check = result; });
        QTRY_VERIFY_WITH_TIMEOUT(check.has_value(), 15000);
        QVERIFY2(check->ok(), qPrintable(check->error.toString()));
        QCOMPARE(check->version, "2.53.3");
        QCOMPARE(check->health, "ready");
        QCOMPARE(check->summary("Prometheus"), "Prometheus 2.53.3, ready");
    }

    void connectionCheckReportsNotReady()
    {
        m_server->setResponse(Response { 503, "text/plain", "Service Unavailable", {}, false, false, -1 });
        std::optional<ServiceCheck> check;
        m_client->checkConnection([&](const ServiceCheck &result) { check = result; });
        QTRY_VERIFY_WITH_TIMEOUT(check.has_value(), 15000);
        QVERIFY(!check->ok());
        QCOMPARE(check->health, "not ready");
        QCOMPARE(check->error.httpStatus, 503);
        QVERIFY(check->summary("Prometheus").contains("503"));
        QCOMPARE(m_server->requests().size(), 1);
    }

    void connectionCheckWithBrokenBuildInfo()
    {
        m_server->setHandler([](const TestHttpServer::Request &request) {
            if (request.path == "/-/ready")
                return Response { 200, "text/plain", "ok", {}, false, false, -1 };
            return Response { 200, "text/html", "<html>login</html>", {}, false, false, -1 };
        });
        std::optional<ServiceCheck> check;
        m_client->checkConnection([&](const ServiceCheck &result) { check = result; });
        QTRY_VERIFY_WITH_TIMEOUT(check.has_value(), 15000);
        QCOMPARE(check->error.kind, HttpError::Kind::Protocol);
        QVERIFY(check->error.message.contains("<html>login</html>"));
    }

    void destroyedClientDropsCallbacks()
    {
        m_server->setResponse(Response { 200, {}, {}, {}, true, false, -1 });
        bool called = false;
        m_client->query("up", QDateTime(), [&](const PromQueryResult &) { called = true; });
        QTRY_COMPARE_WITH_TIMEOUT(m_server->requests().size(), 1, 10000);
        m_client.reset();
        QTest::qWait(100);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestPrometheusClient)
#include "tst_prometheusclient.moc"
