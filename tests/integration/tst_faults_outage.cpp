// Fault matrix, the API server down for 15 s (every connection refused before TLS), long
// enough that data really goes missing: a suite that was Passed must stop being Passed
// once its data is older than a few scrape intervals, the lights say why and when they
// retry, and everything agrees with the server's truth afterwards.
#include "faultcluster.h"
#include "suites/suitetracker.h"

#include <QTest>

class TestFaultsOutage : public FaultTestBase
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        startAll(true, "steady");
    }

    void cleanup() { endFault(); }

    void cleanupTestCase() { stopAll(); }

    void apiServerDown()
    {
        QCOMPARE(stateOf("steady"), RunState::Passed);
        m_watch->begin("API server down 15 s", 10);
        QVERIFY(control("restart", {{"keepHistory", true}, {"downSeconds", 15}}));
        QDeadlineTimer down(14000);
        // The cluster light says so, with the error and the next retry.
        QTRY_VERIFY_WITH_TIMEOUT(m_watch->sawRetryWithError(ClusterSession::Link::Cluster), 12000);
        QTRY_VERIFY_WITH_TIMEOUT(m_watch->sawRetryWithError(ClusterSession::Link::Prometheus), 12000);
        // What was green is not any more: nothing confirms it.
        QTRY_VERIFY_WITH_TIMEOUT(stateOf("steady") != RunState::Passed, 12000);
        QVERIFY2(!down.hasExpired(), "the checks took longer than the outage");
        const RunState during = stateOf("steady");
        QVERIFY2(during == RunState::Unknown || during == RunState::Stale, qPrintable(runStateName(during)));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Cluster).health,
                                  ConnectionStatus::Health::Ok, 30000);
    }
};

QTEST_GUILESS_MAIN(TestFaultsOutage)
#include "tst_faults_outage.moc"
