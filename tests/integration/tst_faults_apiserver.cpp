// Fault matrix, API server: watches dropped, restarts with and without history (410).
// After each fault the tracker must agree with the server's own state (suites, live pods,
// run ids, states, metrics); during it no suite may be Passed on missing data, and a
// light that is not green says what is wrong and when it retries.
#include "faultcluster.h"
#include "suites/suitetracker.h"

#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

class TestFaultsApiServer : public FaultTestBase
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        startAll(true, "steady");
        if (QTest::currentTestResolved())
            return;
        QCOMPARE(m_session->status(ClusterSession::Link::Prometheus).health, ConnectionStatus::Health::Ok);
    }

    void cleanup() { endFault(); }

    void cleanupTestCase() { stopAll(); }

    void watchesDropped()
    {
        m_watch->begin("drop-streams");
        QVERIFY(control("drop-streams"));
        QVERIFY(turnSteady("failing"));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
        QCOMPARE(m_session->tracker()->suite({FaultCluster::Namespace, "steady"})->verdict.state, RunState::Failed);
        QVERIFY(turnSteady("passing"));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
    }

    void restartKeepingHistory()
    {
        m_watch->begin("restart with history");
        QVERIFY(control("restart", {{"keepHistory", true}}));
        // A new suite while the watch reconnects: it must arrive from the resumed watch.
        QVERIFY(!m_cluster.server().addSuite(FaultCluster::Namespace, "newcomer", "failing", 0).isEmpty());
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
        QVERIFY(control("remove-suite", {{"namespace", FaultCluster::Namespace}, {"name", "newcomer"}}));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
    }

    void restartLosingHistory()
    {
        m_watch->begin("restart without history");
        const QString before = podOf("broken");
        QVERIFY(control("restart", {{"keepHistory", false}}));
        // Every resourceVersion the session knows is now too old (410): only a relist
        // brings these changes.
        QVERIFY(!m_cluster.server().addSuite(FaultCluster::Namespace, "latecomer", "passing", 0).isEmpty());
        QVERIFY(control("remove-suite", {{"namespace", FaultCluster::Namespace}, {"name", "latecomer"}}));
        QVERIFY(!m_cluster.server().addSuite(FaultCluster::Namespace, "latecomer", "failing", 0).isEmpty());
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
        QCOMPARE(podOf("broken"), before);
        QCOMPARE(m_session->tracker()->suite({FaultCluster::Namespace, "latecomer"})->verdict.state, RunState::Failed);
        QVERIFY(control("remove-suite", {{"namespace", FaultCluster::Namespace}, {"name", "latecomer"}}));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
    }
};

QTEST_GUILESS_MAIN(TestFaultsApiServer)
#include "tst_faults_apiserver.moc"
