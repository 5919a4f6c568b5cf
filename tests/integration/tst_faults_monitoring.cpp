// Fault matrix, monitoring: the real Prometheus stopped and started again, then the real
// Alertmanager. While one is away its light says why and when it retries, suites are
// still decided from fresh direct scrapes (never from Prometheus' last answer), and when
// it is back the tracker agrees with the server again, alerts included.
#include "faultcluster.h"
#include "suites/suitetracker.h"

#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

class TestFaultsMonitoring : public FaultTestBase
{
    Q_OBJECT

    // Prometheus and Alertmanager come back on their old ports, with their old data.
    void restartProcess(TestServerProcess &process)
    {
        QString error;
        QVERIFY2(process.start(&error, 30000), qPrintable(error));
    }

private slots:
    void initTestCase()
    {
        startAll(true, QString());
        if (QTest::currentTestResolved())
            return;
        // The failing suite's alert goes Prometheus -> Alertmanager -> session.
        QTRY_VERIFY_WITH_TIMEOUT(suite("broken")->isFiring(), 45000);
        QVERIFY(!suite("steady")->isFiring());
    }

    void cleanup() { endFault(); }

    void cleanupTestCase() { stopAll(); }

    void prometheusStoppedThenStarted()
    {
        m_watch->begin("Prometheus stopped", 10);
        m_cluster.prometheus().stop();
        QTRY_VERIFY_WITH_TIMEOUT(m_watch->sawRetryWithError(ClusterSession::Link::Prometheus), 15000);
        const ConnectionStatus status = m_session->status(ClusterSession::Link::Prometheus);
        QCOMPARE(status.health, ConnectionStatus::Health::Failed);
        QVERIFY2(status.summary.startsWith("retrying in"), qPrintable(status.summary));
        // Still right without it: every suite is read through the pod proxy instead.
        QTRY_VERIFY_WITH_TIMEOUT(suite("steady")->currentRun()->direct.last.has_value(), 15000);
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 20000);
        QVERIFY(!suite("steady")->currentRun()->prometheus.error.isEmpty());

        restartProcess(m_cluster.prometheus());
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Prometheus).health,
                                  ConnectionStatus::Health::Ok, 40000);
        QTRY_VERIFY_WITH_TIMEOUT(suite("steady")->currentRun()->prometheus.error.isEmpty()
                                     && suite("steady")->currentRun()->prometheus.last,
                                 30000);
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
    }

    void alertmanagerStoppedThenStarted()
    {
        m_watch->begin("Alertmanager stopped", 10);
        m_cluster.alertmanager().stop();
        QTRY_VERIFY_WITH_TIMEOUT(m_watch->sawRetryWithError(ClusterSession::Link::Alertmanager), 15000);
        const ConnectionStatus status = m_session->status(ClusterSession::Link::Alertmanager);
        QCOMPARE(status.health, ConnectionStatus::Health::Failed);
        QVERIFY2(!status.error.isEmpty(), qPrintable(status.summary));
        // States do not depend on Alertmanager.
        QVERIFY2(converged(), qPrintable(m_lastDisagreement));
        QCOMPARE(m_session->status(ClusterSession::Link::Prometheus).health, ConnectionStatus::Health::Ok);

        restartProcess(m_cluster.alertmanager());
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Alertmanager).health,
                                  ConnectionStatus::Health::Ok, 40000);
        // Prometheus sends the firing alert again; it reaches the failing suite only.
        QTRY_VERIFY_WITH_TIMEOUT(suite("broken")->isFiring(), 45000);
        QVERIFY(!suite("steady")->isFiring());
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
    }
};

QTEST_GUILESS_MAIN(TestFaultsMonitoring)
#include "tst_faults_monitoring.moc"
