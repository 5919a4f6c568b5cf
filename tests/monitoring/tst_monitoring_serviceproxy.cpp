#include "awaitcallback.h"
#include "http/directendpoint.h"
#include "monitoring/alertmanagerclient.h"
#include "monitoring/metricsscraper.h"
#include "monitoring/monitoringdiscovery.h"
#include "monitoring/prometheusclient.h"
#include "monitoring/suitemetricsquery.h"
#include "testalertmanager.h"
#include "testapiserver.h"
#include "testexporter.h"
#include "testprometheus.h"

#include <QJsonArray>
#include <QSslCertificate>
#include <QTest>

#include <memory>
#include <optional>

using namespace std::chrono_literals;
using Target = MonitoringDiscovery::Target;

namespace {

const QString checkoutPod = QStringLiteral("checkout-7d9f8b6c5d-x2x4q");

} // namespace

// The clients reach Prometheus and Alertmanager the default way: found by discovery and
// read through the test API server's service proxy, with its CA and bearer token.
class TestMonitoringServiceProxy : public QObject
{
    Q_OBJECT

    TestApiServer m_api;
    TestExporter m_exporter;
    TestAlertmanager m_alertmanager;
    TestPrometheus m_prometheus;
    QList<QSslCertificate> m_ca;

    std::shared_ptr<DirectEndpoint> apiEndpoint(
        const QByteArray &token, bool withCa = true, const QString &path = {})
    {
        DirectEndpoint::Options options;
        options.bearerToken = token;
        if (withCa)
            options.caCertificates = m_ca;
        QUrl base = m_api.url();
        base.setPath("/" + path);
        return std::make_shared<DirectEndpoint>(base, options);
    }

    std::shared_ptr<DirectEndpoint> viaProxy(const DiscoveredService &service, const QByteArray &token)
    {
        return apiEndpoint(token, true, service.proxyPath());
    }

    DiscoveryResult discover(Target target)
    {
        MonitoringDiscovery discovery(apiEndpoint(m_api.token()));
        return awaitCallback<DiscoveryResult>([&](auto done) { discovery.find(target, done); });
    }

private slots:
    void initTestCase()
    {
        if (!m_prometheus.isInstalled() || !m_alertmanager.isInstalled())
            QSKIP("prometheus or prometheus-alertmanager is not installed (run inside the toolchain root)");
        QString error;
        QVERIFY2(m_api.start(&error), qPrintable(error));
        m_ca = QSslCertificate::fromPath(m_api.caPath());
        QVERIFY(!m_ca.isEmpty());
        QVERIFY(m_exporter.start());
        m_exporter.finishIteration(1, 6, 2);
        QVERIFY2(m_alertmanager.start(&error), qPrintable(error));
        m_prometheus.setAlertmanager(m_alertmanager.url());
        m_prometheus.setTargets({ { "shop", checkoutPod, m_exporter.port() } });
        QVERIFY2(m_prometheus.start(&error), qPrintable(error));

        const QString prometheusTarget = m_prometheus.url().toString().chopped(1);
        m_api.control("add-service",
            { { "namespace", "monitoring" }, { "name", "prometheus-operated" },
                { "labels", QJsonObject { { "operated-prometheus", "true" } } },
                { "ports", QJsonArray { QJsonObject { { "name", "web" }, { "port", 9090 } } } },
                { "target", prometheusTarget } },
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_api.control("add-service",
            { { "namespace", "monitoring" }, { "name", "alertmanager-main" },
                { "ports", QJsonArray { QJsonObject { { "name", "web" }, { "port", 9093 } } } },
                { "target", m_alertmanager.url().toString().chopped(1) } },
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void discoveryFindsBoth()
    {
        const DiscoveryResult prometheus = discover(Target::Prometheus);
        QVERIFY2(prometheus.ok(), qPrintable(prometheus.error));
        QCOMPARE(prometheus.service.proxyPath(),
            "api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/");
        const DiscoveryResult alertmanager = discover(Target::Alertmanager);
        QVERIFY2(alertmanager.ok(), qPrintable(alertmanager.error));
        QCOMPARE(alertmanager.service.name, "alertmanager-main");
        QCOMPARE(alertmanager.service.port, "web");
    }

    void prometheusThroughTheProxy()
    {
        const DiscoveryResult found = discover(Target::Prometheus);
        QVERIFY(found.ok());
        PrometheusClient client(viaProxy(found.service, m_api.token()));
        const ServiceCheck check = awaitCallback<ServiceCheck>([&](auto done) { client.checkConnection(done); });
        QVERIFY2(check.ok(), qPrintable(check.error.toString()));
        QVERIFY(check.version.startsWith("2."));
        QVERIFY(check.endpoint.contains("prometheus-operated:web/proxy"));
        QVERIFY(!check.endpoint.contains(QString::fromLatin1(m_api.token())));

        SuiteMetricsQuery query(&client);
        const QString ref = "shop/" + checkoutPod;
        QTRY_VERIFY_WITH_TIMEOUT(
            awaitCallback<SuiteMetricsSnapshot>([&](auto done) { query.fetch(done); }).seriesByPod.value(ref).testsRun
                == 6.0,
            20000);
        const SuiteMetricsSnapshot snapshot
            = awaitCallback<SuiteMetricsSnapshot>([&](auto done) { query.fetch(done); });
        QVERIFY2(snapshot.warnings.isEmpty(), qPrintable(snapshot.warnings.join('\n')));
        QCOMPARE(snapshot.seriesByPod.value(ref).assertionsFailed, 1.0);
        QCOMPARE(snapshot.targetUp.value(ref), true);
    }

    void alertmanagerThroughTheProxy()
    {
        const DiscoveryResult found = discover(Target::Alertmanager);
        QVERIFY(found.ok());
        AlertmanagerClient client(viaProxy(found.service, m_api.token()));
        const ServiceCheck check = awaitCallback<ServiceCheck>([&](auto done) { client.checkConnection(done); });
        QVERIFY2(check.ok(), qPrintable(check.error.toString()));
        AlertQuery query;
        query.filter = { { "namespace", "shop", false, true } };
        auto alerts = [&] {
            return awaitCallback<AlertsResult>([&](auto done) { client.alerts(query, done); });
        };
        QTRY_VERIFY_WITH_TIMEOUT(alerts().alerts.size() == 1, 25000);
        QCOMPARE(alerts().alerts.first().labels.value("pod"), checkoutPod);

        const SilenceCreated created = awaitCallback<SilenceCreated>([&](auto done) {
            client.createSilence(AlertmanagerClient::suiteMatchers("shop", { checkoutPod }), 30min,
                "kassert-test", "through the service proxy", done);
        });
        QVERIFY2(created.ok(), qPrintable(created.error.toString()));
        QTRY_VERIFY_WITH_TIMEOUT(alerts().alerts.value(0).silencedBy == QStringList { created.id }, 15000);
        const HttpError expired
            = awaitCallback<HttpError>([&](auto done) { client.expireSilence(created.id, done); });
        QVERIFY2(!expired.isError(), qPrintable(expired.toString()));
        QTRY_VERIFY_WITH_TIMEOUT(alerts().alerts.value(0).state == "active", 15000);
    }

    void credentialsAndTrustFailuresAreClear()
    {
        const DiscoveredService service { "monitoring", "prometheus-operated", "web" };
        PrometheusClient wrongToken(viaProxy(service, "not-a-valid-token-123"));
        const ServiceCheck unauthorized
            = awaitCallback<ServiceCheck>([&](auto done) { wrongToken.checkConnection(done); });
        QCOMPARE(unauthorized.error.httpStatus, 401);
        QVERIFY(!unauthorized.summary("Prometheus").contains("not-a-valid-token-123"));

        PrometheusClient restricted(viaProxy(service, m_api.restrictedToken()));
        const PromQueryResult forbidden
            = awaitCallback<PromQueryResult>([&](auto done) { restricted.query("up", QDateTime(), done); });
        QCOMPARE(forbidden.error.httpStatus, 403);
        QCOMPARE(forbidden.error.reason, "Forbidden");
        QVERIFY2(!forbidden.error.message.isEmpty() && !forbidden.error.message.startsWith("{"),
            qPrintable(forbidden.error.toString()));

        PrometheusClient untrusted(apiEndpoint(m_api.token(), false, service.proxyPath()));
        const ServiceCheck tls = awaitCallback<ServiceCheck>([&](auto done) { untrusted.checkConnection(done); });
        QCOMPARE(tls.error.kind, HttpError::Kind::Tls);
        QVERIFY(!tls.error.message.isEmpty());

        // Verification off (the user's explicit choice): the same untrusted server answers.
        DirectEndpoint::Options insecure;
        insecure.bearerToken = m_api.token();
        insecure.insecure = true;
        QUrl base = m_api.url();
        base.setPath("/" + service.proxyPath());
        PrometheusClient unverified(std::make_shared<DirectEndpoint>(base, insecure));
        const ServiceCheck accepted
            = awaitCallback<ServiceCheck>([&](auto done) { unverified.checkConnection(done); });
        QVERIFY2(accepted.ok(), qPrintable(accepted.error.toString()));

        // Discovery with a user who may not list services cluster-wide still says where it looked.
        MonitoringDiscovery discovery(apiEndpoint(m_api.restrictedToken()));
        const DiscoveryResult limited
            = awaitCallback<DiscoveryResult>([&](auto done) { discovery.find(Target::Prometheus, done); });
        QVERIFY(limited.ok()); // get/list is allowed for the restricted user
    }

    void podMetricsThroughThePodProxy()
    {
        QString error;
        const QString pod = m_api.addSuite("shop", "payments", "failing", 60, &error);
        QVERIFY2(!pod.isEmpty(), qPrintable(error));
        MetricsScraper scraper(
            apiEndpoint(m_api.token(), true, "api/v1/namespaces/shop/pods/" + pod + ":9091/proxy/"));
        QTRY_VERIFY_WITH_TIMEOUT(awaitCallback<ScrapeResult>([&](auto done) { scraper.scrape(done); }).ok(), 15000);
        const ScrapeResult result = awaitCallback<ScrapeResult>([&](auto done) { scraper.scrape(done); });
        QVERIFY(result.metrics.testsRun.has_value());
        QVERIFY(result.metrics.assertionsFailed.value_or(0) > 0);

        MetricsScraper wrongPort(
            apiEndpoint(m_api.token(), true, "api/v1/namespaces/shop/pods/" + pod + ":9999/proxy/"));
        const ScrapeResult refused = awaitCallback<ScrapeResult>([&](auto done) { wrongPort.scrape(done); });
        QCOMPARE(refused.error.httpStatus, 503);
        QVERIFY2(refused.error.message.contains("connection refused"), qPrintable(refused.error.toString()));
        QVERIFY(!refused.error.message.startsWith("{"));
    }

    void prometheusDownBehindTheProxyAndBack()
    {
        const DiscoveredService service { "monitoring", "prometheus-operated", "web" };
        PrometheusClient client(viaProxy(service, m_api.token()));
        SuiteMetricsQuery query(&client);
        m_prometheus.stop();
        const SuiteMetricsSnapshot down = awaitCallback<SuiteMetricsSnapshot>([&](auto done) { query.fetch(done); });
        QCOMPARE(down.error.kind, HttpError::Kind::Http);
        QCOMPARE(down.error.httpStatus, 503);
        QVERIFY2(down.error.message.startsWith("error trying to reach service"),
            qPrintable(down.error.toString()));
        QString error;
        QVERIFY2(m_prometheus.start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(
            awaitCallback<SuiteMetricsSnapshot>([&](auto done) { query.fetch(done); }).ok(), 20000);
    }

    void cleanupTestCase()
    {
        m_prometheus.stop();
        m_alertmanager.stop();
        m_api.stop();
    }
};

QTEST_GUILESS_MAIN(TestMonitoringServiceProxy)
#include "tst_monitoring_serviceproxy.moc"
