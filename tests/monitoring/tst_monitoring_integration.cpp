#include "awaitcallback.h"
#include "../suites/testpods.h"
#include "http/directendpoint.h"
#include "monitoring/alertmanagerclient.h"
#include "monitoring/historyquery.h"
#include "monitoring/metricsscraper.h"
#include "monitoring/prometheusclient.h"
#include "monitoring/suitemetricsquery.h"
#include "suites/suitetracker.h"
#include "testalertmanager.h"
#include "testexporter.h"
#include "testprometheus.h"

#include <QTest>

#include <memory>
#include <optional>

using namespace std::chrono_literals;

namespace {

const QString checkoutPod = QStringLiteral("checkout-7d9f8b6c5d-x2x4q");
const QString checkoutRef = QStringLiteral("shop/checkout-7d9f8b6c5d-x2x4q");
const QString legacyRef = QStringLiteral("legacy/old-runtime-0");

} // namespace

// Real Prometheus scraping in-process exporters every second, a real Alertmanager
// receiving the KubernetesAssertFailed alert, the clients reading both by direct URL.
class TestMonitoringIntegration : public QObject
{
    Q_OBJECT

    TestExporter m_checkout;
    TestExporter m_legacy;
    TestAlertmanager m_alertmanager;
    TestPrometheus m_prometheus;
    std::unique_ptr<PrometheusClient> m_prom;
    std::unique_ptr<AlertmanagerClient> m_am;
    std::unique_ptr<SuiteMetricsQuery> m_snapshot;

    SuiteMetricsSnapshot snapshot()
    {
        return awaitCallback<SuiteMetricsSnapshot>([&](auto done) { m_snapshot->fetch(done); });
    }

    QList<SuiteAlert> checkoutAlerts()
    {
        AlertQuery query;
        query.filter
            = { { "alertname", "KubernetesAssertFailed", false, true }, { "pod", checkoutPod, false, true } };
        const AlertsResult result = awaitCallback<AlertsResult>([&](auto done) { m_am->alerts(query, done); });
        return result.ok() ? result.alerts : QList<SuiteAlert> {};
    }

private slots:
    void initTestCase()
    {
        if (!m_prometheus.isInstalled() || !m_alertmanager.isInstalled())
            QSKIP("prometheus or prometheus-alertmanager is not installed (run inside the toolchain root)");
        QVERIFY(m_checkout.start());
        QVERIFY(m_legacy.start());
        m_legacy.setLegacy(true);
        m_checkout.finishIteration(0, 8, 3);
        m_legacy.setValue("test_suites_run_total", 4);
        QString error;
        QVERIFY2(m_alertmanager.start(&error), qPrintable(error));
        m_prometheus.setAlertmanager(m_alertmanager.url());
        m_prometheus.setTargets(
            { { "shop", checkoutPod, m_checkout.port() }, { "legacy", "old-runtime-0", m_legacy.port() } });
        QVERIFY2(m_prometheus.start(&error), qPrintable(error));
        m_prom = std::make_unique<PrometheusClient>(std::make_shared<DirectEndpoint>(m_prometheus.url()));
        m_am = std::make_unique<AlertmanagerClient>(std::make_shared<DirectEndpoint>(m_alertmanager.url()));
        m_prom->setTimeout(5s);
        m_am->setTimeout(5s);
        m_snapshot = std::make_unique<SuiteMetricsQuery>(m_prom.get());
    }

    void connectionChecksGiveVersions()
    {
        const ServiceCheck prometheus
            = awaitCallback<ServiceCheck>([&](auto done) { m_prom->checkConnection(done); });
        QVERIFY2(prometheus.ok(), qPrintable(prometheus.error.toString()));
        QVERIFY2(prometheus.version.startsWith("2."), qPrintable(prometheus.version));
        QCOMPARE(prometheus.health, "ready");
        const ServiceCheck alertmanager
            = awaitCallback<ServiceCheck>([&](auto done) { m_am->checkConnection(done); });
        QVERIFY2(alertmanager.ok(), qPrintable(alertmanager.error.toString()));
        QVERIFY2(alertmanager.version.startsWith("0."), qPrintable(alertmanager.version));
        QCOMPARE(alertmanager.health, "cluster disabled");
    }

    void snapshotSeesTheExporters()
    {
        QTRY_VERIFY_WITH_TIMEOUT(snapshot().seriesByPod.value(checkoutRef).testsRun == 8.0
                && snapshot().seriesByPod.contains(legacyRef),
            20000);
        const QDateTime asked = QDateTime::currentDateTimeUtc();
        const SuiteMetricsSnapshot result = snapshot();
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QVERIFY2(result.warnings.isEmpty(), qPrintable(result.warnings.join('\n')));
        const AssertMetrics checkout = result.seriesByPod.value(checkoutRef);
        QCOMPARE(checkout.assertionsFailed, 0.0);
        QCOMPARE(checkout.testSuitesRun, 3.0);
        QCOMPARE(checkout.testSuitesRunTotal, 3.0);
        QCOMPARE(checkout.assertFilesSeen, 3.0);
        // A real sample time: scraped within the last few seconds, not "now".
        QVERIFY(checkout.sampledAt.isValid());
        QVERIFY(checkout.sampledAt.secsTo(asked) < 10);
        QVERIFY(checkout.sampledAt.msecsTo(asked) > -2000);
        QCOMPARE(result.targetUp.value(checkoutRef), true);
        const AssertMetrics legacy = result.seriesByPod.value(legacyRef);
        QCOMPARE(legacy.assertionsFailed, 0.0);
        QVERIFY(!legacy.testsRun);
        QCOMPARE(legacy.testSuitesRunTotal, 4.0);
        QCOMPARE(result.targetUp.value(legacyRef), true);
    }

    void directScrapeReadsTheSameMetrics()
    {
        MetricsScraper scraper(std::make_shared<DirectEndpoint>(QUrl(m_checkout.baseUrl())));
        const ScrapeResult result = awaitCallback<ScrapeResult>([&](auto done) { scraper.scrape(done); });
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QVERIFY(result.issues.isEmpty());
        QCOMPARE(result.metrics.testsRun, 8.0);
        QCOMPARE(result.metrics.assertionsFailed, 0.0);
    }

    void failureFiresTheAlert()
    {
        m_checkout.finishIteration(2, 8, 3);
        QTRY_COMPARE_WITH_TIMEOUT(
            snapshot().seriesByPod.value(checkoutRef).assertionsFailed, std::optional<double>(2.0), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(checkoutAlerts().size(), 1, 25000);
        const SuiteAlert alert = checkoutAlerts().first();
        QCOMPARE(alert.name, "KubernetesAssertFailed");
        QCOMPARE(alert.state, "active");
        QCOMPARE(alert.labels.value("namespace"), "shop");
        QCOMPARE(alert.labels.value("job"), "metrics");
        QCOMPARE(alert.labels.value("endpoint"), "assert");
        QCOMPARE(alert.annotations.value("description"), "2 assertions failing in " + checkoutRef);
        QVERIFY(alert.startsAt.isValid());
    }

    // What the clients produce is exactly what the SuiteTracker consumes.
    void trackerJoinsSnapshotAndAlerts()
    {
        QTRY_COMPARE_WITH_TIMEOUT(checkoutAlerts().size(), 1, 25000);
        SuiteTracker tracker;
        tracker.setClock([] { return QDateTime::currentDateTimeUtc(); });
        PodInfo pod = TestPods::running("shop", "checkout", "x2x4q");
        pod.creationTimestamp = pod.startTime = QDateTime::currentDateTimeUtc().addSecs(-60);
        QCOMPARE(pod.name, checkoutPod);
        tracker.replacePods({ pod });
        const SuiteMetricsSnapshot result = snapshot();
        QVERIFY(result.ok());
        tracker.applyPrometheusSnapshot(result.seriesByPod);
        const AlertsResult alerts = awaitCallback<AlertsResult>([&](auto done) { m_am->alerts({}, done); });
        QVERIFY(alerts.ok());
        tracker.applyAlerts(alerts.alerts);

        const Suite *checkout = tracker.suite({ "shop", "checkout" });
        QVERIFY(checkout);
        QCOMPARE(checkout->verdict.state, RunState::Failed);
        QVERIFY2(checkout->verdict.reason.contains("2"), qPrintable(checkout->verdict.reason));
        QVERIFY(checkout->isFiring());
        // The legacy runtime has no pod here: a suite known only from its series.
        const Suite *legacy = tracker.suite({ "legacy", "old-runtime-0" });
        QVERIFY(legacy);
        QVERIFY(!legacy->runs.isEmpty() && !legacy->runs.first().hasPod);
    }

    void silenceRoundTrip()
    {
        QTRY_COMPARE_WITH_TIMEOUT(checkoutAlerts().size(), 1, 25000);
        const SilenceCreated created = awaitCallback<SilenceCreated>([&](auto done) {
            m_am->createSilence(AlertmanagerClient::suiteMatchers("shop", { checkoutPod }), 1h,
                "kassert-test", "integration test silence", done);
        });
        QVERIFY2(created.ok(), qPrintable(created.error.toString()));
        QVERIFY(!created.id.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            !checkoutAlerts().isEmpty() && checkoutAlerts().first().state == "suppressed", 15000);
        QCOMPARE(checkoutAlerts().first().silencedBy, QStringList { created.id });

        const SilencesResult listed = awaitCallback<SilencesResult>([&](auto done) { m_am->silences(done); });
        QVERIFY2(listed.ok(), qPrintable(listed.error.toString()));
        const auto found = std::find_if(listed.silences.cbegin(), listed.silences.cend(),
            [&](const Silence &silence) { return silence.id == created.id; });
        QVERIFY(found != listed.silences.cend());
        QCOMPARE(found->state, "active");
        QCOMPARE(found->createdBy, "kassert-test");
        QCOMPARE(found->matchers, AlertmanagerClient::suiteMatchers("shop", { checkoutPod }));

        const HttpError expired = awaitCallback<HttpError>([&](auto done) { m_am->expireSilence(created.id, done); });
        QVERIFY2(!expired.isError(), qPrintable(expired.toString()));
        QTRY_VERIFY_WITH_TIMEOUT(
            !checkoutAlerts().isEmpty() && checkoutAlerts().first().state == "active", 15000);

        // Alertmanager's own words for a bad silence come back verbatim.
        const HttpError unknown
            = awaitCallback<HttpError>([&](auto done) { m_am->expireSilence("not-a-silence", done); });
        QCOMPARE(unknown.kind, HttpError::Kind::Http);
        QVERIFY2(!unknown.message.isEmpty(), qPrintable(unknown.toString()));
    }

    void historyShowsTheFailure()
    {
        HistoryQuery history(m_prom.get());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const SuiteHistory h = awaitCallback<SuiteHistory>(
                    [&](auto done) { history.fetch("shop", { checkoutPod }, 1h, QDateTime(), done); });
                return h.error.isEmpty() && !h.failing.isEmpty() && h.failing.last().value == 2.0
                    && !h.tests.isEmpty() && !h.iterations.isEmpty(); // 3 → 6 suites run: one pass seen
            }(),
            15000);
    }

    void prometheusDownIsAClearErrorAndRecovers()
    {
        m_prometheus.stop();
        const SuiteMetricsSnapshot down = snapshot();
        QCOMPARE(down.error.kind, HttpError::Kind::Network);
        QCOMPARE(down.error.toString(), m_prom->describe() + ": connection refused");
        const ServiceCheck check = awaitCallback<ServiceCheck>([&](auto done) { m_prom->checkConnection(done); });
        QVERIFY(!check.ok());
        QVERIFY(check.summary("Prometheus").contains("connection refused"));

        QString error;
        QVERIFY2(m_prometheus.start(&error), qPrintable(error));
        m_checkout.finishIteration(0, 9, 3);
        QTRY_COMPARE_WITH_TIMEOUT(
            snapshot().seriesByPod.value(checkoutRef).testsRun, std::optional<double>(9.0), 20000);
        QVERIFY(snapshot().ok());
    }

    void alertmanagerDownIsAClearErrorAndRecovers()
    {
        m_alertmanager.stop();
        const AlertsResult down = awaitCallback<AlertsResult>([&](auto done) { m_am->alerts({}, done); });
        QCOMPARE(down.error.kind, HttpError::Kind::Network);
        QVERIFY(down.error.toString().startsWith(m_am->describe()));
        QString error;
        QVERIFY2(m_alertmanager.start(&error), qPrintable(error));
        const ServiceCheck check = awaitCallback<ServiceCheck>([&](auto done) { m_am->checkConnection(done); });
        QVERIFY2(check.ok(), qPrintable(check.error.toString()));
    }

    void cleanupTestCase()
    {
        m_prometheus.stop();
        m_alertmanager.stop();
    }
};

QTEST_GUILESS_MAIN(TestMonitoringIntegration)
#include "tst_monitoring_integration.moc"
