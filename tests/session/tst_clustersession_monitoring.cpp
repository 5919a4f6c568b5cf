// ClusterSession with the demo cluster: a real Prometheus scraping the suite pods through
// the pod proxy and a real Alertmanager, both found by their operator labels through the
// service proxy exactly as in a real cluster. Then Prometheus goes away.
#include "demostart.h"
#include "session/clustersession.h"
#include "session/democluster.h"
#include "suites/suitetracker.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace std::chrono_literals;

class TestClusterSessionMonitoring : public QObject
{
    Q_OBJECT

    std::unique_ptr<DemoCluster> m_demo;
    std::unique_ptr<ClusterSession> m_session;

    const Suite *suite(const QString &nameSpace, const QString &name)
    {
        return m_session->tracker()->suite({nameSpace, name});
    }
    RunState stateOf(const QString &nameSpace, const QString &name)
    {
        const Suite *found = suite(nameSpace, name);
        return found ? found->verdict.state : RunState::Unknown;
    }
    qint64 prometheusPid() const
    {
        for (qint64 pid : m_demo->processIds()) {
            QFile cmdline(QString("/proc/%1/cmdline").arg(pid));
            if (!cmdline.open(QIODevice::ReadOnly))
                continue;
            const QByteArray program = cmdline.readAll().split('\0').value(0);
            if (program.endsWith("prometheus"))
                return pid;
        }
        return 0;
    }

private slots:
    void initTestCase()
    {
        m_demo = std::make_unique<DemoCluster>();
        const QString error = startDemoAndWait(*m_demo);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        if (m_demo->prometheusUrl().isEmpty() || m_demo->alertmanagerUrl().isEmpty())
            QSKIP("Prometheus or Alertmanager is not installed here");

        ClusterSession::Options options;
        options.kubeconfig = m_demo->kubeconfigPath();
        options.allNamespaces = true;
        options.prometheusInterval = 1000ms;
        options.alertmanagerInterval = 1000ms;
        options.scrapeInterval = 500ms;
        m_session = std::make_unique<ClusterSession>(options);
        QSignalSpy settled(m_session.get(), &ClusterSession::settled);
        m_session->start();
        QVERIFY(settled.wait(30000));
    }

    void cleanupTestCase()
    {
        m_session.reset();
        m_demo.reset();
    }

    void statesComeFromPrometheusAndAlertsFromAlertmanager()
    {
        QCOMPARE(m_session->status(ClusterSession::Link::Prometheus).health, ConnectionStatus::Health::Ok);
        QCOMPARE(m_session->status(ClusterSession::Link::Alertmanager).health, ConnectionStatus::Health::Ok);
        QVERIFY2(m_session->endpointDescription(ClusterSession::Link::Prometheus).contains("prometheus-operated"),
                 qPrintable(m_session->endpointDescription(ClusterSession::Link::Prometheus)));

        // Prometheus scrapes every 2 s: its readings arrive within a few polls.
        QTRY_VERIFY_WITH_TIMEOUT(suite("demo", "payments") && suite("demo", "payments")->currentRun()
                                     && suite("demo", "payments")->currentRun()->prometheus.last,
                                 30000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("demo", "payments"), RunState::Failed, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("demo", "checkout-api"), RunState::Passed, 30000);
        QCOMPARE(stateOf("demo", "inventory"), RunState::Error);
        QCOMPARE(stateOf("demo", "reports"), RunState::Pending);
        // The alert rule fires for the failing suite and reaches it.
        QTRY_VERIFY_WITH_TIMEOUT(suite("demo", "payments")->isFiring(), 45000);
        QVERIFY(!suite("demo", "checkout-api")->isFiring());
    }

    void prometheusGoneIsSaidAndNothingStaysGreenOnItsWord()
    {
        const qint64 pid = prometheusPid();
        QVERIFY(pid > 0);
        ::kill(pid_t(pid), SIGKILL);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Prometheus).health,
                                  ConnectionStatus::Health::Failed, 20000);
        const ConnectionStatus status = m_session->status(ClusterSession::Link::Prometheus);
        QVERIFY2(!status.error.isEmpty(), qPrintable(status.summary));
        QVERIFY(status.nextRetry.isValid());

        // Every run now carries Prometheus' error; a suite shown Passed must owe it to a
        // fresh direct scrape through the pod proxy, never to Prometheus' old answer.
        QTRY_VERIFY_WITH_TIMEOUT(!suite("demo", "checkout-api")->currentRun()->prometheus.error.isEmpty(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(suite("demo", "checkout-api")->currentRun()->direct.last.has_value(), 20000);
        const SuiteTracker *tracker = m_session->tracker();
        for (const SuiteKey &key : tracker->keys()) {
            const Suite *each = tracker->suite(key);
            if (each->verdict.state != RunState::Passed)
                continue;
            const Run *run = each->currentRun();
            QVERIFY2(run && run->direct.last && run->direct.error.isEmpty(), qPrintable(key.toString()));
        }
        QCOMPARE(stateOf("demo", "payments"), RunState::Failed);
    }
};

QTEST_GUILESS_MAIN(TestClusterSessionMonitoring)
#include "tst_clustersession_monitoring.moc"
