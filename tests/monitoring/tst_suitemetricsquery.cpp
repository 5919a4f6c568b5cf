#include "awaitcallback.h"
#include "http/directendpoint.h"
#include "monitoring/historyquery.h"
#include "monitoring/prometheusclient.h"
#include "monitoring/promql.h"
#include "monitoring/suitemetricsquery.h"
#include "testdata.h"
#include "testhttpserver.h"

#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

#include <memory>
#include <optional>

using namespace std::chrono_literals;
using Response = TestHttpServer::Response;

namespace {

Response json(const QByteArray &body, int status = 200)
{
    return Response { status, "application/json", body, {}, false, false, -1 };
}

QString promqlOf(const TestHttpServer::Request &request)
{
    const QByteArray form = request.method == "POST" ? request.body : request.rawQuery;
    return QUrlQuery(QString::fromLatin1(form).replace('+', ' ')).queryItemValue("query", QUrl::FullyDecoded);
}

QDateTime at(double seconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000), QTimeZone::UTC);
}

} // namespace

class TestSuiteMetricsQuery : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestHttpServer> m_server;
    std::unique_ptr<PrometheusClient> m_client;
    QByteArray m_values, m_timestamps, m_up;
    int m_valuesStatus = 200, m_timestampsStatus = 200, m_upStatus = 200;

    SuiteMetricsSnapshot fetch(SuiteMetricsQuery &query)
    {
        return awaitCallback<SuiteMetricsSnapshot>([&](auto done) { query.fetch(done); });
    }

private slots:
    void init()
    {
        m_values = monitoringData("snapshot-values.json");
        m_timestamps = monitoringData("snapshot-timestamps.json");
        m_up = monitoringData("snapshot-up.json");
        m_valuesStatus = m_timestampsStatus = m_upStatus = 200;
        m_server = std::make_unique<TestHttpServer>();
        m_server->setHandler([this](const TestHttpServer::Request &request) {
            const QString promql = promqlOf(request);
            if (promql.startsWith("timestamp("))
                return json(m_timestamps, m_timestampsStatus);
            if (promql.startsWith("up{"))
                return json(m_up, m_upStatus);
            if (promql.startsWith("max by (__name__)"))
                return json(monitoringData("prom-history-matrix.json"));
            return json(m_values, m_valuesStatus);
        });
        QVERIFY(m_server->start());
        m_client
            = std::make_unique<PrometheusClient>(std::make_shared<DirectEndpoint>(QUrl(m_server->baseUrl())));
    }

    void queriesSelectTheRuntimeMetrics()
    {
        SuiteMetricsQuery query(m_client.get());
        QCOMPARE(query.valuesQuery(),
            "{__name__=~\"assertions_failed|assertions_failed_total|tests_run|tests_run_total|test_suites_"
            "run|"
            "test_suites_run_total|assert_files_seen\"}");
        QCOMPARE(query.healthQuery(), "up{endpoint=\"assert\"} or up{job=\"metrics\"}");
        query.setNamespace("sh\"op");
        QVERIFY(query.valuesQuery().endsWith(",namespace=\"sh\\\"op\"}"));
        QCOMPARE(query.timestampsQuery(),
            "timestamp(label_replace(" + query.valuesQuery()
                + ", \"kassert_metric\", \"$1\", \"__name__\", \"(.+)\"))");
        QCOMPARE(query.healthQuery(),
            "up{endpoint=\"assert\",namespace=\"sh\\\"op\"} or up{job=\"metrics\",namespace=\"sh\\\"op\"}");
    }

    void snapshotJoinsValuesTimesAndHealth()
    {
        SuiteMetricsQuery query(m_client.get());
        const SuiteMetricsSnapshot snapshot = fetch(query);
        QVERIFY2(snapshot.ok(), qPrintable(snapshot.error.toString()));
        QCOMPARE(m_server->requests().size(), 3);
        QCOMPARE(snapshot.seriesByPod.size(), 4);

        const AssertMetrics checkout = snapshot.seriesByPod.value("shop/checkout-7d9f8b6c5d-x2x4q");
        QCOMPARE(checkout.assertionsFailed, 2.0);
        QCOMPARE(checkout.testsRun, 8.0);
        QCOMPARE(checkout.testSuitesRun, 3.0);
        QCOMPARE(checkout.testSuitesRunTotal, 12.0);
        QCOMPARE(checkout.assertionsFailedTotal, 7.0);
        QCOMPARE(checkout.testsRunTotal, 32.0);
        QCOMPARE(checkout.assertFilesSeen, 3.0);
        QCOMPARE(checkout.sampledAt, at(1714557628.5)); // the newest sample, not the query time
        QCOMPARE(snapshot.targetUp.value("shop/checkout-7d9f8b6c5d-x2x4q"), true);

        // An old runtime: assertions_failed as a counter, no tests_run gauge; target down.
        const AssertMetrics legacy = snapshot.seriesByPod.value("legacy/old-runtime-0");
        QCOMPARE(legacy.assertionsFailed, 5.0);
        QVERIFY(!legacy.testsRun);
        QCOMPARE(legacy.testSuitesRunTotal, 40.0);
        QCOMPARE(legacy.sampledAt, at(1714557400));
        QCOMPARE(snapshot.targetUp.value("legacy/old-runtime-0", true), false);

        // Series without a pod label stay, keyed by job or instance.
        QVERIFY(snapshot.seriesByPod.contains("ci/pushed-asserts"));
        QCOMPARE(snapshot.seriesByPod.value("ci/pushed-asserts").assertionsFailed, 0.0);
        QCOMPARE(snapshot.seriesByPod.value("ci/pushed-asserts").sampledAt, at(1714557630)); // fallback
        QVERIFY(snapshot.seriesByPod.contains("(no namespace)/10.0.0.9:9091"));
        QVERIFY(!snapshot.targetUp.contains("ci/pushed-asserts"));
        QVERIFY(snapshot.warnings.isEmpty());
    }

    void valuesFailureIsTheError()
    {
        m_values = monitoringData("prom-error-bad-data.json");
        m_valuesStatus = 400;
        SuiteMetricsQuery query(m_client.get());
        const SuiteMetricsSnapshot snapshot = fetch(query);
        QCOMPARE(snapshot.error.kind, HttpError::Kind::Http);
        QCOMPARE(snapshot.error.reason, "bad_data");
        QVERIFY(snapshot.seriesByPod.isEmpty());
    }

    void healthAndTimesFailuresAreWarnings()
    {
        m_up = "<html>oops</html>";
        m_timestamps = "{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out\"}";
        m_timestampsStatus = 503;
        SuiteMetricsQuery query(m_client.get());
        const SuiteMetricsSnapshot snapshot = fetch(query);
        QVERIFY(snapshot.ok());
        QCOMPARE(snapshot.seriesByPod.size(), 4);
        QVERIFY(snapshot.targetUp.isEmpty());
        QCOMPARE(snapshot.warnings.size(), 2);
        QVERIFY(snapshot.warnings.at(0).contains("query timed out"));
        QVERIFY(snapshot.warnings.at(1).contains("not JSON"));
        // Evaluation time stands in for the sample time.
        QCOMPARE(snapshot.seriesByPod.value("shop/checkout-7d9f8b6c5d-x2x4q").sampledAt, at(1714557630));
    }

    void hostileSnapshotBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("truncated") << m_values.left(300);
        QTest::newRow("wrong types") << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":"
                                                   "\"vector\",\"result\":[{\"metric\":[],\"value\":{}}]}}");
        QTest::newRow("matrix instead of vector")
            << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");
    }

    void hostileSnapshotBodies()
    {
        QFETCH(QByteArray, body);
        m_values = body.isEmpty() ? monitoringData("snapshot-values.json").left(300) : body;
        SuiteMetricsQuery query(m_client.get());
        const SuiteMetricsSnapshot snapshot = fetch(query);
        if (body.contains("matrix")) {
            QVERIFY(snapshot.ok()); // a well-formed but empty answer: no series
            QVERIFY(snapshot.seriesByPod.isEmpty());
        } else {
            QCOMPARE(snapshot.error.kind, HttpError::Kind::Protocol);
        }
    }

    void destroyedQueryDoesNotAnswer()
    {
        bool called = false;
        auto query = std::make_unique<SuiteMetricsQuery>(m_client.get());
        query->fetch([&](const SuiteMetricsSnapshot &) { called = true; });
        query.reset();
        QTRY_COMPARE_WITH_TIMEOUT(m_server->requests().size(), 3, 10000);
        QTest::qWait(100);
        QVERIFY(!called);
    }

    void historyStepStaysUnderThePointLimit_data()
    {
        QTest::addColumn<qint64>("range");
        QTest::addColumn<qint64>("step");
        QTest::newRow("1h") << qint64(3600) << qint64(5);
        QTest::newRow("6h") << qint64(6 * 3600) << qint64(30);
        QTest::newRow("24h") << qint64(24 * 3600) << qint64(120);
        QTest::newRow("tiny") << qint64(10) << qint64(1);
        QTest::newRow("zero") << qint64(0) << qint64(1);
    }

    void historyStepStaysUnderThePointLimit()
    {
        QFETCH(qint64, range);
        QFETCH(qint64, step);
        QCOMPARE(HistoryQuery::stepFor(std::chrono::seconds(range)).count(), step);
        QVERIFY(range / step < 11000);
        // Even a year stays under the limit.
        const qint64 year = 365 * 24 * 3600;
        QVERIFY(year / HistoryQuery::stepFor(std::chrono::seconds(year)).count() < 11000);
    }

    void historyQueryEscapesNames()
    {
        QCOMPARE(HistoryQuery::queryFor("shop", { "checkout-abc", "web.1" }),
            "max by (__name__) "
            "({__name__=~\"assertions_failed|tests_run|test_suites_run_total\",namespace=\"shop\","
            "pod=~\"checkout\\\\-abc|web\\\\.1\"})");
        // The regex Prometheus sees (after unquoting) matches exactly the names.
        const QRegularExpression re("^(?:" + PromQL::exactAlternation({ "a.b", "c+d" }) + ")$");
        QVERIFY(re.match("a.b").hasMatch());
        QVERIFY(re.match("c+d").hasMatch());
        QVERIFY(!re.match("axb").hasMatch());
        QVERIFY(!re.match("ccd").hasMatch());
    }

    void historyFromRangeQuery()
    {
        HistoryQuery history(m_client.get());
        std::optional<SuiteHistory> got;
        const QDateTime end = QDateTime::fromSecsSinceEpoch(1714557600, QTimeZone::UTC);
        history.fetch(
            "shop", { "checkout-7d9f8b6c5d-x2x4q" }, 1h, end, [&](const SuiteHistory &h) { got = h; });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 15000);
        QVERIFY2(got->error.isEmpty(), qPrintable(got->error));
        QCOMPARE(got->source, "Prometheus");
        QCOMPARE(got->failing.size(), 4);
        QCOMPARE(got->failing.at(2).value, 3.0);
        QCOMPARE(got->tests.size(), 2);
        // Increases of test_suites_run_total; the drop (a new pod) is not an iteration.
        QCOMPARE(got->iterations,
            (QList<QDateTime> { QDateTime::fromSecsSinceEpoch(1714554060, QTimeZone::UTC),
                QDateTime::fromSecsSinceEpoch(1714554240, QTimeZone::UTC) }));
        const QUrlQuery sent(QString::fromLatin1(m_server->requests().value(0).rawQuery));
        QCOMPARE(sent.queryItemValue("step"), "5");
        QCOMPARE(sent.queryItemValue("start"), "1714554000");
    }

    void historyErrors()
    {
        HistoryQuery history(m_client.get());
        std::optional<SuiteHistory> got;
        history.fetch("shop", {}, 1h, QDateTime(), [&](const SuiteHistory &h) { got = h; });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 15000);
        QVERIFY(!got->error.isEmpty());
        got.reset();
        m_server->stop();
        history.fetch("shop", { "p" }, 6h, QDateTime(), [&](const SuiteHistory &h) { got = h; });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 15000);
        QVERIFY(got->error.contains("connection refused"));
        QVERIFY(got->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSuiteMetricsQuery)
#include "tst_suitemetricsquery.moc"
