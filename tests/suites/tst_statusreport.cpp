#include "suites/statusreport.h"
#include "suites/suitetracker.h"
#include "testpods.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using TestPods::epoch;

namespace {

ConnectionStatus ok(const QString &endpoint)
{
    return {ConnectionStatus::Health::Ok, endpoint, "ok", {}, {}};
}

SuiteReport suiteIn(RunState state)
{
    SuiteReport suite;
    suite.key = {"shop", runStateName(state).toLower()};
    suite.verdict = {state, "because"};
    return suite;
}

} // namespace

class TestStatusReport : public QObject
{
    Q_OBJECT

private slots:
    void exitCodes_data()
    {
        QTest::addColumn<QList<int>>("states");
        QTest::addColumn<bool>("clusterOk");
        QTest::addColumn<int>("code");

        using S = RunState;
        QTest::newRow("nothing") << QList<int>{} << true << 0;
        QTest::newRow("all passed") << QList<int>{int(S::Passed), int(S::Passed)} << true << 0;
        QTest::newRow("pending running notests pass")
            << QList<int>{int(S::Pending), int(S::Running), int(S::NoTests), int(S::Passed)} << true << 0;
        QTest::newRow("failed") << QList<int>{int(S::Passed), int(S::Failed)} << true << 1;
        QTest::newRow("error") << QList<int>{int(S::Error)} << true << 1;
        QTest::newRow("failed beats unknown") << QList<int>{int(S::Unknown), int(S::Failed)} << true << 1;
        QTest::newRow("failed beats cluster down") << QList<int>{int(S::Failed)} << false << 1;
        QTest::newRow("unknown") << QList<int>{int(S::Passed), int(S::Unknown)} << true << 2;
        QTest::newRow("stale") << QList<int>{int(S::Stale)} << true << 2;
        QTest::newRow("cluster unreachable") << QList<int>{} << false << 2;
    }

    void exitCodes()
    {
        QFETCH(QList<int>, states);
        QFETCH(bool, clusterOk);
        QFETCH(int, code);
        StatusReport report;
        report.cluster = clusterOk ? ok("https://127.0.0.1:6443")
                                   : ConnectionStatus{ConnectionStatus::Health::Failed, "https://x", {}, "refused", {}};
        for (int state : states)
            report.suites << suiteIn(RunState(state));
        QCOMPARE(statusExitCode(report), code);
    }

    void jsonShapeFromTracker()
    {
        SuiteTracker tracker;
        tracker.setClock([] { return epoch; });
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker.replacePods({pod});
        AssertMetrics metrics;
        metrics.assertionsFailed = 2;
        metrics.testsRun = 8;
        metrics.testSuitesRunTotal = 3;
        metrics.sampledAt = epoch;
        tracker.applyPrometheusSnapshot({{"shop/" + pod.name, metrics}});
        tracker.applyAlerts({{"AssertionsFailed", "active", {{"namespace", "shop"}, {"pod", pod.name}}, epoch, {}, {}}});

        StatusReport report = buildStatusReport(tracker);
        report.context = "kind-dev";
        report.cluster = ok("https://127.0.0.1:6443");
        report.prometheus = ok("https://127.0.0.1:6443/api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy");
        report.alertmanager = {ConnectionStatus::Health::Failed, "http://127.0.0.1:9093", {}, "connection refused", {}};
        report.suites[0].failures = {{"cart › adds an item", "specs/cart.spec.js", 12}};

        const QJsonObject json = statusToJson(report);
        QCOMPARE(json["context"].toString(), "kind-dev");
        QCOMPARE(json["cluster"]["server"].toString(), "https://127.0.0.1:6443");
        QCOMPARE(json["cluster"]["ok"].toBool(), true);
        QVERIFY(json["cluster"]["error"].isNull());
        QCOMPARE(json["alertmanager"]["ok"].toBool(), false);
        QCOMPARE(json["alertmanager"]["error"].toString(), "connection refused");
        const QJsonObject suite = json["suites"].toArray().at(0).toObject();
        QCOMPARE(suite["namespace"].toString(), "shop");
        QCOMPARE(suite["name"].toString(), "checkout");
        QCOMPARE(suite["state"].toString(), "Failed");
        QCOMPARE(suite["reason"].toString(), "2 failing of 8");
        QCOMPARE(suite["failing"].toInt(), 2);
        QCOMPARE(suite["tests"].toInt(), 8);
        QCOMPARE(suite["run"]["pod"].toString(), pod.name);
        QCOMPARE(suite["run"]["runId"].toString(), "run-x2k9p");
        QCOMPARE(suite["run"]["startedAt"].toString(), "2026-11-24T11:50:00Z");
        QCOMPARE(suite["run"]["iterations"].toInt(), 1);
        QCOMPARE(suite["alerts"].toArray().at(0)["name"].toString(), "AssertionsFailed");
        QCOMPARE(suite["alerts"].toArray().at(0)["state"].toString(), "active");
        QCOMPARE(suite["failures"].toArray().at(0)["line"].toInt(), 12);
        QCOMPARE(statusExitCode(report), 1);

        const QString text = statusToText(report, epoch);
        QVERIFY2(text.startsWith("NAMESPACE   SUITE      STATE    FAILING/TESTS"), qPrintable(text));
        QVERIFY2(text.contains("shop        checkout   Failed   2/8"), qPrintable(text));
        QVERIFY2(text.contains("Alertmanager: http://127.0.0.1:9093  unreachable: connection refused"), qPrintable(text));
    }

    void unknownCountsAreNull()
    {
        StatusReport report;
        report.suites << suiteIn(RunState::Unknown);
        const QJsonObject suite = statusToJson(report)["suites"].toArray().at(0).toObject();
        QVERIFY(suite["failing"].isNull());
        QVERIFY(suite["tests"].isNull());
        QVERIFY(suite["run"]["startedAt"].isNull());
    }
};

QTEST_GUILESS_MAIN(TestStatusReport)
#include "tst_statusreport.moc"
