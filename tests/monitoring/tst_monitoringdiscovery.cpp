#include "http/directendpoint.h"
#include "monitoring/monitoringdiscovery.h"
#include "testdata.h"
#include "testhttpserver.h"

#include <QTest>
#include <QUrlQuery>

#include <memory>
#include <optional>

using Response = TestHttpServer::Response;
using Target = MonitoringDiscovery::Target;

namespace {

Response json(const QByteArray &body, int status = 200)
{
    return Response { status, "application/json", body, {}, false, false, -1 };
}

const QByteArray emptyList = "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[]}";

} // namespace

// Discovery against a fake API server: which requests it makes and what it concludes.
class TestMonitoringDiscovery : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestHttpServer> m_server;
    std::unique_ptr<MonitoringDiscovery> m_discovery;
    // path -> answer; anything else is a 404 Status.
    QHash<QByteArray, Response> m_answers;

    DiscoveryResult find(Target target)
    {
        std::optional<DiscoveryResult> got;
        m_discovery->find(target, [&](const DiscoveryResult &result) { got = result; });
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 15000);
        }();
        return got.value_or(DiscoveryResult {});
    }

private slots:
    void init()
    {
        m_answers.clear();
        m_server = std::make_unique<TestHttpServer>();
        m_server->setHandler([this](const TestHttpServer::Request &request) {
            return m_answers.value(request.path, json(monitoringData("k8s-status-notfound.json"), 404));
        });
        QVERIFY(m_server->start());
        m_discovery = std::make_unique<MonitoringDiscovery>(
            std::make_shared<DirectEndpoint>(QUrl(m_server->baseUrl())));
    }

    void operatorLabelWinsAndPrefersMonitoring()
    {
        m_answers.insert("/api/v1/services", json(monitoringData("k8s-services-operated.json")));
        const DiscoveryResult result = find(Target::Prometheus);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.service.nameSpace, "monitoring");
        QCOMPARE(result.service.name, "prometheus-operated");
        QCOMPARE(result.service.port, "web");
        QCOMPARE(result.service.proxyPath(),
            "api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/");
        QCOMPARE(m_server->requests().size(), 1);
        const QUrlQuery query(QString::fromLatin1(m_server->requests().first().rawQuery));
        QCOMPARE(query.queryItemValue("labelSelector", QUrl::FullyDecoded), "operated-prometheus=true");
    }

    void fallsBackToKnownNames()
    {
        m_answers.insert("/api/v1/services", json(emptyList));
        m_answers.insert("/api/v1/namespaces/monitoring/services/prometheus-k8s",
            json(monitoringData("k8s-service-prometheus-k8s.json")));
        const DiscoveryResult result = find(Target::Prometheus);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.service.name, "prometheus-k8s");
        QCOMPARE(result.service.port, "web");
        QCOMPARE(m_server->requests().size(), 3); // list, prometheus-now (404), prometheus-k8s
        QCOMPARE(m_server->requests().at(1).path, "/api/v1/namespaces/monitoring/services/prometheus-now");
    }

    void alertmanagerNames()
    {
        m_answers.insert("/api/v1/services", json(emptyList));
        m_answers.insert("/api/v1/namespaces/monitoring/services/alertmanager-main",
            json("{\"metadata\":{\"name\":\"alertmanager-main\",\"namespace\":\"monitoring\"},"
                 "\"spec\":{\"ports\":[{\"port\":9093}]}}"));
        const DiscoveryResult result = find(Target::Alertmanager);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.service.name, "alertmanager-main");
        QCOMPARE(result.service.port, "9093"); // no name: the number
        const QUrlQuery query(QString::fromLatin1(m_server->requests().first().rawQuery));
        QCOMPARE(query.queryItemValue("labelSelector", QUrl::FullyDecoded), "operated-alertmanager=true");
    }

    void notFoundSaysWhereItLooked()
    {
        m_answers.insert("/api/v1/services", json(emptyList));
        const DiscoveryResult result = find(Target::Prometheus);
        QVERIFY(!result.ok());
        QCOMPARE(result.error,
            "not found: looked for services labelled operated-prometheus=true in all namespaces, "
            "monitoring/prometheus-now, monitoring/prometheus-k8s");
    }

    void forbiddenListIsReported()
    {
        m_answers.insert("/api/v1/services", json(monitoringData("k8s-status-forbidden.json"), 403));
        m_answers.insert("/api/v1/namespaces/monitoring/services/prometheus-now",
            json(monitoringData("k8s-status-forbidden.json"), 403));
        const DiscoveryResult result = find(Target::Prometheus);
        QVERIFY(!result.ok());
        QVERIFY2(result.error.startsWith("not found: looked for"), qPrintable(result.error));
        QVERIFY2(result.error.contains("403 Forbidden: services is forbidden: User \"restricted\""),
            qPrintable(result.error));
    }

    void hostileAnswers_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("html") << monitoringData("proxy-bad-gateway.html");
        QTest::newRow("truncated") << monitoringData("k8s-services-operated.json").left(120);
        QTest::newRow("items not array") << QByteArray("{\"items\":{}}");
        QTest::newRow("item without ports")
            << QByteArray("{\"items\":[{\"metadata\":{\"name\":\"p\",\"namespace\":\"m\"},\"spec\":{}}]}");
        QTest::newRow("wrong types") << QByteArray("{\"items\":[{\"metadata\":[],\"spec\":7}]}");
    }

    void hostileAnswers()
    {
        QFETCH(QByteArray, body);
        m_answers.insert("/api/v1/services", json(body));
        m_answers.insert("/api/v1/namespaces/monitoring/services/prometheus-now", json(body));
        const DiscoveryResult result = find(Target::Prometheus);
        QVERIFY(!result.ok());
        QVERIFY2(result.error.startsWith("not found: looked for"), qPrintable(result.error));
    }

    void unreachableApiServer()
    {
        m_server->stop();
        const DiscoveryResult result = find(Target::Alertmanager);
        QVERIFY(!result.ok());
        QVERIFY2(result.error.contains("connection refused"), qPrintable(result.error));
    }
};

QTEST_GUILESS_MAIN(TestMonitoringDiscovery)
#include "tst_monitoringdiscovery.moc"
