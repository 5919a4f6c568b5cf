#include "awaitcallback.h"
#include "http/directendpoint.h"
#include "monitoring/alertmanagerclient.h"
#include "testdata.h"
#include "testhttpserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

} // namespace

class TestAlertmanagerClient : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestHttpServer> m_server;
    std::unique_ptr<AlertmanagerClient> m_client;

    AlertsResult alerts(const AlertQuery &query = {})
    {
        return awaitCallback<AlertsResult>([&](auto done) { m_client->alerts(query, done); });
    }

private slots:
    void init()
    {
        m_server = std::make_unique<TestHttpServer>();
        QVERIFY(m_server->start());
        m_client = std::make_unique<AlertmanagerClient>(
            std::make_shared<DirectEndpoint>(QUrl(m_server->baseUrl())));
        m_client->setTimeout(2s);
    }

    void alertsBecomeSuiteAlerts()
    {
        m_server->setResponse(json(monitoringData("am-alerts.json")));
        const AlertsResult result = alerts();
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.alerts.size(), 2);
        const SuiteAlert first = result.alerts.first();
        QCOMPARE(first.name, "KubernetesAssertFailed");
        QCOMPARE(first.state, "active");
        QCOMPARE(first.labels.value("namespace"), "shop");
        QCOMPARE(first.labels.value("pod"), "checkout-7d9f8b6c5d-x2x4q");
        QCOMPARE(first.annotations.value("summary"), "Kubernetes Assert failed");
        QVERIFY(first.startsAt.isValid()); // nanosecond fraction
        QCOMPARE(first.startsAt, QDateTime(QDate(2024, 5, 1), QTime(10, 0, 0, 123), QTimeZone::UTC));
        QVERIFY(first.silencedBy.isEmpty());
        const SuiteAlert second = result.alerts.at(1);
        QCOMPARE(second.state, "suppressed");
        QCOMPARE(second.silencedBy, QStringList { "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0" });
        QVERIFY(second.annotations.isEmpty());
    }

    void filtersAreSentVerbatim()
    {
        m_server->setResponse(json("[]"));
        AlertQuery query;
        query.filter = { { "alertname", "KubernetesAssertFailed", false, true },
            { "pod", "a+b|c", true, true }, { "namespace", "kube-\"system", false, false } };
        query.inhibited = false;
        QVERIFY(alerts(query).ok());
        const TestHttpServer::Request seen = m_server->requests().value(0);
        QCOMPARE(seen.path, "/api/v2/alerts");
        const QUrlQuery sent(QString::fromLatin1(seen.rawQuery).replace('+', ' '));
        QCOMPARE(sent.allQueryItemValues("filter", QUrl::FullyDecoded),
            (QStringList { "alertname=\"KubernetesAssertFailed\"", "pod=~\"a+b|c\"",
                "namespace!=\"kube-\\\"system\"" }));
        QCOMPARE(sent.queryItemValue("inhibited"), "false");
        QCOMPARE(sent.queryItemValue("active"), "true");
    }

    void groups()
    {
        m_server->setResponse(json(monitoringData("am-groups.json")));
        const AlertGroupsResult result
            = awaitCallback<AlertGroupsResult>([&](auto done) { m_client->alertGroups(done); });
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.groups.size(), 1);
        QCOMPARE(result.groups.first().receiver, "null");
        QCOMPARE(result.groups.first().labels.value("alertname"), "KubernetesAssertFailed");
        QCOMPARE(result.groups.first().alerts.size(), 1);
        QCOMPARE(m_server->requests().value(0).path, "/api/v2/alerts/groups");
    }

    void statusGivesVersion()
    {
        m_server->setResponse(json(monitoringData("am-status.json")));
        const ServiceCheck check = awaitCallback<ServiceCheck>([&](auto done) { m_client->checkConnection(done); });
        QVERIFY2(check.ok(), qPrintable(check.error.toString()));
        QCOMPARE(check.version, "0.28.0");
        QCOMPARE(check.health, "cluster disabled");
        QCOMPARE(check.summary("Alertmanager"), "Alertmanager 0.28.0, cluster disabled");
    }

    void statusOfSomethingElse()
    {
        m_server->setResponse(json("{\"status\":\"success\",\"data\":{}}"));
        const ServiceCheck check = awaitCallback<ServiceCheck>([&](auto done) { m_client->checkConnection(done); });
        QCOMPARE(check.error.kind, HttpError::Kind::Protocol);
        QVERIFY(check.error.message.contains("versionInfo"));
    }

    void createSilenceForSuite()
    {
        m_server->setResponse(json("{\"silenceID\":\"7f2b1c3d-aaaa-bbbb-cccc-000000000001\"}"));
        const QList<AlertMatcher> matchers = AlertmanagerClient::suiteMatchers(
            "shop", { "checkout-7d9f8b6c5d-x2x4q", "checkout-7d9f8b6c5d-zz9k2" });
        QCOMPARE(matchers.size(), 2);
        QCOMPARE(matchers.at(1).toFilter(),
            "pod=~\"checkout\\\\-7d9f8b6c5d\\\\-x2x4q|checkout\\\\-7d9f8b6c5d\\\\-zz9k2\"");
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const SilenceCreated created = awaitCallback<SilenceCreated>([&](auto done) {
            m_client->createSilence(matchers, 2h, "dev@example.com", "flaky, looking at it", done);
        });
        QVERIFY2(created.ok(), qPrintable(created.error.toString()));
        QCOMPARE(created.id, "7f2b1c3d-aaaa-bbbb-cccc-000000000001");

        const TestHttpServer::Request seen = m_server->requests().value(0);
        QCOMPARE(seen.method, "POST");
        QCOMPARE(seen.path, "/api/v2/silences");
        QCOMPARE(seen.header("Content-Type"), "application/json");
        const QJsonObject body = QJsonDocument::fromJson(seen.body).object();
        QCOMPARE(body.value("createdBy").toString(), "dev@example.com");
        QCOMPARE(body.value("comment").toString(), "flaky, looking at it");
        const QJsonArray sentMatchers = body.value("matchers").toArray();
        QCOMPARE(sentMatchers.size(), 2);
        QCOMPARE(sentMatchers.at(0).toObject().value("name").toString(), "namespace");
        QCOMPARE(sentMatchers.at(0).toObject().value("value").toString(), "shop");
        QCOMPARE(sentMatchers.at(0).toObject().value("isRegex").toBool(), false);
        QCOMPARE(sentMatchers.at(1).toObject().value("isRegex").toBool(), true);
        QCOMPARE(sentMatchers.at(1).toObject().value("isEqual").toBool(), true);
        const QDateTime startsAt
            = QDateTime::fromString(body.value("startsAt").toString(), Qt::ISODateWithMs);
        const QDateTime endsAt = QDateTime::fromString(body.value("endsAt").toString(), Qt::ISODateWithMs);
        QVERIFY(startsAt >= before.addSecs(-1));
        QCOMPARE(startsAt.secsTo(endsAt), 7200);
    }

    void suiteMatcherVariants()
    {
        QCOMPARE(AlertmanagerClient::suiteMatchers("shop", { "p" }).at(1).toFilter(), "pod=\"p\"");
        const QList<AlertMatcher> byApp = AlertmanagerClient::suiteMatchers("shop", {}, "checkout");
        QCOMPARE(byApp.at(1).toFilter(), "app=\"checkout\"");
        QCOMPARE(AlertmanagerClient::suiteMatchers("shop", {}).size(), 1);
    }

    void invalidSilencesAreRefusedLocally_data()
    {
        QTest::addColumn<bool>("noMatchers");
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("creator");
        QTest::addColumn<QString>("comment");
        QTest::addColumn<QString>("message");
        QTest::newRow("no matchers") << true << qint64(60) << "me"
                                     << "c"
                                     << "a silence needs at least one matcher";
        QTest::newRow("zero duration") << false << qint64(0) << "me"
                                       << "c"
                                       << "a silence needs a positive duration";
        QTest::newRow("no creator") << false << qint64(60) << " "
                                    << "c"
                                    << "a silence needs a creator";
        QTest::newRow("no comment") << false << qint64(60) << "me"
                                    << ""
                                    << "a silence needs a comment";
    }

    void invalidSilencesAreRefusedLocally()
    {
        QFETCH(bool, noMatchers);
        QFETCH(qint64, seconds);
        QFETCH(QString, creator);
        QFETCH(QString, comment);
        QFETCH(QString, message);
        const QList<AlertMatcher> matchers
            = noMatchers ? QList<AlertMatcher> {} : AlertmanagerClient::suiteMatchers("shop", { "p" });
        const SilenceCreated created = awaitCallback<SilenceCreated>([&](auto done) {
            m_client->createSilence(matchers, std::chrono::seconds(seconds), creator, comment, done);
        });
        QCOMPARE(created.error.message, message);
        QVERIFY(m_server->requests().isEmpty());
    }

    void plainStringErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("json string")
            << 400
            << QByteArray("\"silence invalid: invalid label matcher 0: invalid label name \\\"\\\"\"\n")
            << "silence invalid: invalid label matcher 0: invalid label name \"\"";
        QTest::newRow("swagger validation")
            << 422 << QByteArray("{\"code\":602,\"message\":\"createdBy in body is required\"}")
            << "createdBy in body is required";
        QTest::newRow("plain text") << 500 << QByteArray("failed to create silence\n")
                                    << "failed to create silence";
        QTest::newRow("not found") << 404 << QByteArray("\"silence 123 not found\"")
                                   << "silence 123 not found";
    }

    void plainStringErrors()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        m_server->setResponse(Response { status, "application/json", body, {}, false, false, -1 });
        const SilenceCreated created = awaitCallback<SilenceCreated>([&](auto done) {
            m_client->createSilence(AlertmanagerClient::suiteMatchers("shop", { "p" }), 1h, "me", "c", done);
        });
        QCOMPARE(created.error.kind, HttpError::Kind::Http);
        QCOMPARE(created.error.httpStatus, status);
        QCOMPARE(created.error.message, message);
        const HttpError expired = awaitCallback<HttpError>([&](auto done) { m_client->expireSilence("123", done); });
        QCOMPARE(expired.message, message);
    }

    void listAndExpireSilences()
    {
        m_server->setHandler([](const TestHttpServer::Request &request) {
            if (request.method == "DELETE")
                return Response { 200, "application/json", {}, {}, false, false, -1 };
            return json(monitoringData("am-silences.json"));
        });
        const SilencesResult result = awaitCallback<SilencesResult>([&](auto done) { m_client->silences(done); });
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.silences.size(), 1);
        const Silence silence = result.silences.first();
        QCOMPARE(silence.id, "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0");
        QCOMPARE(silence.state, "active");
        QCOMPARE(silence.createdBy, "dev@example.com");
        QCOMPARE(silence.matchers.size(), 2);
        QVERIFY(silence.matchers.at(1).isRegex);
        QCOMPARE(silence.startsAt.secsTo(silence.endsAt), 7200);

        const HttpError expired
            = awaitCallback<HttpError>([&](auto done) { m_client->expireSilence(silence.id, done); });
        QVERIFY(!expired.isError());
        QCOMPARE(m_server->requests().last().method, "DELETE");
        QCOMPARE(m_server->requests().last().path, "/api/v2/silence/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0");

        // A hostile id cannot leave the silence path.
        QVERIFY(
            !awaitCallback<HttpError>([&](auto done) { m_client->expireSilence("../../-/quit", done); }).isError());
        QCOMPARE(m_server->requests().last().target, "/api/v2/silence/..%2F..%2F-%2Fquit");
        QCOMPARE(
            awaitCallback<HttpError>([&](auto done) { m_client->expireSilence("", done); }).message, "no silence id");
    }

    void hostileBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("html") << monitoringData("proxy-bad-gateway.html") << "not JSON";
        QTest::newRow("truncated") << monitoringData("am-alerts.json").left(150) << "not JSON";
        QTest::newRow("object") << QByteArray("{\"alerts\":[]}") << "expected a JSON array";
        QTest::newRow("alert not object") << QByteArray("[1]") << "alerts[0]: expected an object";
        QTest::newRow("numeric labels") << QByteArray("[{\"labels\":{\"pod\":1}}]") << "alerts[0].labels";
        QTest::newRow("labels array") << QByteArray("[{\"labels\":[]}]") << "alerts[0].labels";
        QTest::newRow("annotations") << QByteArray("[{\"labels\":{},\"annotations\":\"x\"}]")
                                     << "alerts[0].annotations";
        QTest::newRow("startsAt number")
            << QByteArray("[{\"labels\":{},\"startsAt\":5}]") << "alerts[0].startsAt";
        QTest::newRow("status string")
            << QByteArray("[{\"labels\":{},\"status\":\"active\"}]") << "alerts[0].status";
        QTest::newRow("silencedBy string")
            << QByteArray("[{\"labels\":{},\"status\":{\"silencedBy\":\"x\"}}]")
            << "alerts[0].status.silencedBy";
    }

    void hostileBodies()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, messagePart);
        m_server->setResponse(json(body));
        const AlertsResult result = alerts();
        QCOMPARE(result.error.kind, HttpError::Kind::Protocol);
        QVERIFY2(result.error.message.contains(messagePart), qPrintable(result.error.message));
        QVERIFY(result.alerts.isEmpty());
        const SilencesResult silences = awaitCallback<SilencesResult>([&](auto done) { m_client->silences(done); });
        QVERIFY(!silences.ok());
    }

    void manyAlertsAreFine()
    {
        QByteArray body = "[";
        for (int i = 0; i < 5000; ++i)
            body += "{\"labels\":{\"alertname\":\"KubernetesAssertFailed\",\"namespace\":\"ns\",\"pod\":\"p"
                + QByteArray::number(i) + "\"},\"status\":{\"state\":\"active\",\"silencedBy\":[]}},";
        body.chop(1);
        body += "]";
        m_server->setResponse(json(body));
        const AlertsResult result = alerts();
        QVERIFY(result.ok());
        QCOMPARE(result.alerts.size(), 5000);
        QCOMPARE(result.alerts.last().labels.value("pod"), "p4999");
    }

    void unreachable()
    {
        m_server->stop();
        const AlertsResult result = alerts();
        QCOMPARE(result.error.kind, HttpError::Kind::Network);
        QVERIFY(result.error.toString().startsWith(m_client->describe()));
    }
};

QTEST_GUILESS_MAIN(TestAlertmanagerClient)
#include "tst_alertmanagerclient.moc"
