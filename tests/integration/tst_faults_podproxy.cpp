// Fault matrix, the API server's pod proxy failing for 15 s while Prometheus itself still
// answers: its scrapes of the pods fail (the series go stale), and so do ours. A suite
// that was Passed must not stay Passed on Prometheus' last answer; afterwards the tracker
// agrees with the server again.
#include "faultcluster.h"
#include "suites/suitetracker.h"

#include <QTest>

class TestFaultsPodProxy : public FaultTestBase
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        startAll(true, "steady");
    }

    void cleanup() { endFault(); }

    void cleanupTestCase() { stopAll(); }

    void podProxyFailing()
    {
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("steady"), RunState::Passed, 20000);
        m_watch->begin("pod proxy 503 for 15 s", 10);
        // Prometheus answers, but its scrapes through the pod proxy fail, as do ours.
        QVERIFY(control("faults", {{"status", 503},
                                   {"seconds", 15},
                                   {"paths", QJsonArray{"/api/v1/namespaces/faults/pods/"}}}));
        QDeadlineTimer down(14000);
        QTRY_VERIFY_WITH_TIMEOUT(stateOf("steady") != RunState::Passed, 12000);
        QVERIFY2(!down.hasExpired(), "the checks took longer than the outage");
        const Suite *steady = m_session->tracker()->suite({FaultCluster::Namespace, "steady"});
        QVERIFY2(!steady->currentRun()->effectiveMetrics().error.isEmpty(), qPrintable(steady->verdict.reason));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
    }
};

QTEST_GUILESS_MAIN(TestFaultsPodProxy)
#include "tst_faults_podproxy.moc"
