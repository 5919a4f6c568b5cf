// Fault matrix, outages long enough that data really goes missing: the API server down
// for 15 s (every request refused before TLS), and its pod proxy failing for 15 s while
// Prometheus itself still answers (its scrapes of the pods fail). In both, a suite that
// was Passed must stop being Passed once its data is older than a few scrape intervals,
// and everything converges to the server's truth afterwards.
#include "faultcluster.h"
#include "suites/suitetracker.h"

#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

class TestFaultsOutage : public QObject
{
    Q_OBJECT

    FaultCluster m_cluster;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<FaultWatch> m_watch;
    QString m_lastDisagreement;

    RunState stateOf(const QString &suite)
    {
        const Suite *found = m_session->tracker()->suite({FaultCluster::Namespace, suite});
        return found ? found->verdict.state : RunState::Unknown;
    }
    bool converged()
    {
        m_lastDisagreement = m_cluster.disagreement(*m_session);
        return m_lastDisagreement.isEmpty();
    }
    bool control(const QString &op, const QJsonObject &args = {})
    {
        QString error;
        m_cluster.control(op, args, &error);
        if (!error.isEmpty())
            qWarning() << op << error;
        return error.isEmpty();
    }

private slots:
    void initTestCase()
    {
        QString error;
        if (!m_cluster.start(&error))
            QSKIP(qPrintable(error));
        m_session = m_cluster.makeSession();
        m_session->setFocusedSuite({FaultCluster::Namespace, "steady"});
        m_watch = std::make_unique<FaultWatch>(m_session.get(), m_cluster.server().token());
        QSignalSpy settled(m_session.get(), &ClusterSession::settled);
        m_session->start();
        QVERIFY(settled.wait(30000));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 40000);
    }

    void cleanup()
    {
        m_watch->end();
        QVERIFY2(m_watch->violations().isEmpty(), qPrintable(m_watch->violations().join("\n")));
    }

    void cleanupTestCase()
    {
        m_watch.reset();
        m_session.reset();
    }

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

QTEST_GUILESS_MAIN(TestFaultsOutage)
#include "tst_faults_outage.moc"
