#include "awaitcallback.h"
#include "http/directendpoint.h"
#include "monitoring/metricsscraper.h"
#include "testdata.h"
#include "testexporter.h"
#include "testhttpserver.h"

#include <QTest>

#include <memory>
#include <optional>

using Response = TestHttpServer::Response;

class TestMetricsScraper : public QObject
{
    Q_OBJECT

    ScrapeResult scrape(const QByteArray &baseUrl, DirectEndpoint::Options options = {})
    {
        MetricsScraper scraper(std::make_shared<DirectEndpoint>(QUrl(baseUrl), options));
        return awaitCallback<ScrapeResult>([&](auto done) { scraper.scrape(done); });
    }

private slots:
    void scrapesTheExporter()
    {
        TestExporter exporter;
        QVERIFY(exporter.start());
        exporter.finishIteration(1, 8, 3);
        exporter.finishIteration(2, 9, 3);
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const ScrapeResult result = scrape(exporter.baseUrl());
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QVERIFY(result.issues.isEmpty());
        QCOMPARE(result.metrics.assertionsFailed, 2.0);
        QCOMPARE(result.metrics.assertionsFailedTotal, 3.0);
        QCOMPARE(result.metrics.testsRun, 9.0);
        QCOMPARE(result.metrics.testsRunTotal, 17.0);
        QCOMPARE(result.metrics.testSuitesRunTotal, 6.0);
        QVERIFY(result.metrics.sampledAt >= before.addSecs(-1)); // receipt time
        QCOMPARE(exporter.scrapes(), 1);
    }

    void legacyRuntime()
    {
        const ScrapeResult result = MetricsScraper::fromExposition(
            monitoringData("runtime-legacy-counters.txt"), QDateTime::currentDateTimeUtc(), "x");
        QVERIFY(result.ok());
        QCOMPARE(result.metrics.assertionsFailed, 2.0);
        QVERIFY(!result.metrics.testsRun);
        QCOMPARE(result.metrics.testSuitesRunTotal, 4.0);
    }

    void sampleTimestampsWin()
    {
        const ScrapeResult result
            = MetricsScraper::fromExposition("assertions_failed 0 1714557600000\ntests_run 3 1714557601500\n",
                QDateTime::currentDateTimeUtc(), "x");
        QCOMPARE(result.metrics.sampledAt.toMSecsSinceEpoch(), Q_INT64_C(1714557601500));
    }

    void badLinesAreIssuesNotFailures()
    {
        const ScrapeResult result = MetricsScraper::fromExposition(
            monitoringData("runtime-mixed-bad.txt"), QDateTime::currentDateTimeUtc(), "x");
        QVERIFY(result.ok());
        QCOMPARE(result.issues.size(), 5);
        QCOMPARE(result.metrics.assertionsFailed, 1.0);
        QCOMPARE(result.metrics.testsRun, 6.0);
    }

    void answersThatAreNotTheRuntime_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("html") << monitoringData("proxy-bad-gateway.html")
                              << "not Prometheus text: line 1, column 1";
        QTest::newRow("empty") << QByteArray() << "no Kubernetes Assert metrics in the answer (0 samples)";
        QTest::newRow("other exporter") << QByteArray("# TYPE go_goroutines gauge\ngo_goroutines 12\n")
                                        << "no Kubernetes Assert metrics in the answer (1 samples)";
        QTest::newRow("binary") << QByteArray("\x00\x01\x02\xff\xfe", 5) << "not Prometheus text";
    }

    void answersThatAreNotTheRuntime()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        TestHttpServer server;
        QVERIFY(server.start());
        server.setResponse(Response { 200, "text/plain", body, {}, false, false, -1 });
        const ScrapeResult result = scrape(server.baseUrl());
        QCOMPARE(result.error.kind, HttpError::Kind::Protocol);
        QVERIFY2(result.error.message.startsWith(message), qPrintable(result.error.message));
        QCOMPARE(server.requests().value(0).path, "/metrics");
        QVERIFY(server.requests().value(0).header("Accept").startsWith("text/plain"));
    }

    void hugeAnswerIsRefused()
    {
        TestHttpServer server;
        QVERIFY(server.start());
        QByteArray body;
        while (body.size() < 2 * 1024 * 1024)
            body += "assertions_failed 1\n";
        server.setResponse(Response { 200, "text/plain", body, {}, false, false, -1 });
        DirectEndpoint::Options options;
        options.maxResponseBytes = 512 * 1024;
        const ScrapeResult result = scrape(server.baseUrl(), options);
        QCOMPARE(result.error.message, "response too large");
    }

    void podProxyErrorsPassThrough()
    {
        TestHttpServer server;
        QVERIFY(server.start());
        server.setResponse(Response { 503, "text/plain",
            "error trying to reach service: dial tcp 10.244.0.17:9091: connect: connection refused", {},
            false, false, -1 });
        const ScrapeResult result = scrape(server.baseUrl());
        QCOMPARE(result.error.kind, HttpError::Kind::Http);
        QCOMPARE(result.error.httpStatus, 503);
        QVERIFY(result.error.toString().contains("connect: connection refused"));
    }
};

QTEST_GUILESS_MAIN(TestMetricsScraper)
#include "tst_metricsscraper.moc"
