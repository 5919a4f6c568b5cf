// ClusterSession against the test API server, without Prometheus: suites are read
// through the pod proxy. Each state arises from the matching situation; rerun, restart,
// turns and context switches behave as a user expects.
#include "kube/kubecontexts.h"
#include "session/clustersession.h"
#include "suites/suitetracker.h"
#include "testapiserver.h"

#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

class TestClusterSession : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    std::unique_ptr<ClusterSession> m_session;

    SuiteTracker &tracker() { return *m_session->tracker(); }
    RunState stateOf(const QString &name)
    {
        const Suite *suite = tracker().suite({"qa", name});
        return suite ? suite->verdict.state : RunState::Unknown;
    }
    int iterationsOf(const QString &name)
    {
        const Suite *suite = tracker().suite({"qa", name});
        const Run *run = suite ? suite->currentRun() : nullptr;
        return run ? int(run->iterations.size()) : -1;
    }
    QString podOf(const QString &name)
    {
        const Suite *suite = tracker().suite({"qa", name});
        const Run *run = suite ? suite->currentRun() : nullptr;
        return run ? run->pod.name : QString();
    }

    std::unique_ptr<ClusterSession> makeSession(const QString &context = {})
    {
        ClusterSession::Options options;
        options.kubeconfig = m_server.kubeconfigPath();
        options.context = context;
        options.nameSpace = "qa";
        options.scrapeInterval = 200ms;
        options.prometheusInterval = 500ms;
        options.alertmanagerInterval = 500ms;
        return std::make_unique<ClusterSession>(options);
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        for (const auto &[name, scenario] : QList<std::pair<QString, QString>>{
                 {"pass", "passing"}, {"fail", "failing"}, {"crash", "crashloop"}, {"pend", "pending"}}) {
            QVERIFY2(!m_server.addSuite("qa", name, scenario, 0, &error).isEmpty(), qPrintable(error));
        }
        // Another namespace stays out of a session on "qa".
        QVERIFY(!m_server.addSuite("elsewhere", "other", "failing", 0, &error).isEmpty());
    }

    void init()
    {
        m_session = makeSession();
        QSignalSpy settled(m_session.get(), &ClusterSession::settled);
        m_session->start();
        QVERIFY(settled.wait(20000));
    }

    void cleanup() { m_session.reset(); }

    void statesAriseFromTheCluster()
    {
        QCOMPARE(m_session->currentContext(), QString("test-token"));
        QCOMPARE(m_session->nameSpace(), QString("qa"));
        QCOMPARE(m_session->status(ClusterSession::Link::Cluster).health, ConnectionStatus::Health::Ok);
        // No Prometheus in this cluster: said plainly, and the pods are read directly.
        const ConnectionStatus prometheus = m_session->status(ClusterSession::Link::Prometheus);
        QCOMPARE(prometheus.health, ConnectionStatus::Health::Off);
        QVERIFY2(prometheus.error.contains("not found"), qPrintable(prometheus.error));

        QCOMPARE(tracker().keys().size(), 4);
        QTRY_COMPARE(stateOf("pass"), RunState::Passed);
        QTRY_COMPARE(stateOf("fail"), RunState::Failed);
        QCOMPARE(stateOf("crash"), RunState::Error);
        QCOMPARE(stateOf("pend"), RunState::Pending);
        const Suite *failing = tracker().suite({"qa", "fail"});
        QVERIFY2(failing->verdict.reason.contains("1"), qPrintable(failing->verdict.reason));
        QVERIFY(!tracker().suite({"elsewhere", "other"}));
    }

    void rerunRunsANewIteration()
    {
        QTRY_VERIFY(iterationsOf("pass") >= 1);
        const int before = iterationsOf("pass");
        QSignalSpy finished(m_session.get(), &ClusterSession::rerunFinished);
        m_session->rerun({"qa", "pass"});
        QVERIFY(finished.wait(10000));
        const auto result = finished.first().at(1).value<ClusterSession::ActionResult>();
        QVERIFY2(result.ok, qPrintable(result.message));
        QTRY_VERIFY_WITH_TIMEOUT(iterationsOf("pass") > before, 10000);
        QCOMPARE(stateOf("pass"), RunState::Passed);
    }

    void refusedRerunOffersRestart()
    {
        QSignalSpy finished(m_session.get(), &ClusterSession::rerunFinished);
        m_session->rerun({"qa", "pend"}); // its runtime is not up: the proxy cannot reach it
        QVERIFY(finished.wait(10000));
        const auto result = finished.first().at(1).value<ClusterSession::ActionResult>();
        QVERIFY(!result.ok);
        QVERIFY(result.canRestartRun);
        QVERIFY2(result.message.contains("503"), qPrintable(result.message));
        QVERIFY(!result.message.contains(m_server.token()));
    }

    void restartMakesANewRun()
    {
        const QString oldPod = podOf("pass");
        QSignalSpy finished(m_session.get(), &ClusterSession::restartFinished);
        m_session->restartRun({"qa", "pass"});
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.first().at(1).value<ClusterSession::ActionResult>().ok);
        QTRY_VERIFY_WITH_TIMEOUT(!podOf("pass").isEmpty() && podOf("pass") != oldPod, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("pass"), RunState::Passed, 10000);
        const Suite *suite = tracker().suite({"qa", "pass"});
        QVERIFY(suite->runs.size() >= 2);
    }

    void passToFailIsOneTurn()
    {
        QString error;
        QVERIFY(m_server.addSuite("qa", "turning", "passing", 0, &error).size());
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("turning"), RunState::Passed, 10000);
        QSignalSpy turned(&tracker(), &SuiteTracker::suiteTurned);
        m_server.control("set-scenario", {{"namespace", "qa"}, {"name", "turning"}, {"scenario", "failing"}}, &error);
        m_server.control("iterate", {{"namespace", "qa"}, {"pod", podOf("turning")}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("turning"), RunState::Failed, 10000);
        QTest::qWait(600); // a few more scrapes of the same failure
        QCOMPARE(turned.size(), 1);
        QCOMPARE(turned.first().at(2).value<RunState>(), RunState::Failed);
        m_server.control("remove-suite", {{"namespace", "qa"}, {"name", "turning"}}, &error);
    }

    void contextSwitchRebuildsTheTree()
    {
        QSignalSpy changed(m_session.get(), &ClusterSession::contextChanged);
        QSignalSpy removed(&tracker(), &SuiteTracker::suiteRemoved);
        m_session->switchContext("test-cert"); // client-certificate user, same cluster
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().toString(), QString("test-cert"));
        QVERIFY(removed.size() >= 4);
        QTRY_COMPARE_WITH_TIMEOUT(tracker().keys().size(), 4, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("fail"), RunState::Failed, 10000);
    }

    void namespaceSwitch()
    {
        m_session->setNamespace("elsewhere");
        QCOMPARE(m_session->nameSpace(), QString("elsewhere"));
        QTRY_COMPARE_WITH_TIMEOUT(tracker().keys().size(), 1, 10000);
        m_session->setNamespace(QString()); // all namespaces
        QTRY_COMPARE_WITH_TIMEOUT(tracker().keys().size(), 5, 10000);
    }

    void explicitEndpointsReplaceDiscovery()
    {
        // Nothing listens on port 1: the light says exactly that, and suites stay readable
        // through the pod proxy meanwhile.
        m_session->setEndpointOverrides(QUrl("http://127.0.0.1:1/"), QUrl());
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Prometheus).health,
                                  ConnectionStatus::Health::Failed, 10000);
        const ConnectionStatus failed = m_session->status(ClusterSession::Link::Prometheus);
        QVERIFY2(failed.error.contains("127.0.0.1:1"), qPrintable(failed.error));
        QVERIFY(failed.nextRetry.isValid());
        QTRY_COMPARE_WITH_TIMEOUT(stateOf("fail"), RunState::Failed, 10000);

        m_session->setEndpointOverrides(QUrl(), QUrl()); // back to discovery: none in this cluster
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Prometheus).health,
                                  ConnectionStatus::Health::Off, 10000);
    }

    void badKubeconfigIsAClearClusterError()
    {
        ClusterSession::Options options;
        options.kubeconfig = QString(KASSERT_BINARY_DIR "/does-not-exist.yaml");
        ClusterSession session(options);
        QSignalSpy settled(&session, &ClusterSession::settled);
        session.start();
        QVERIFY(settled.size() == 1 || settled.wait(5000));
        const ConnectionStatus cluster = session.status(ClusterSession::Link::Cluster);
        QCOMPARE(cluster.health, ConnectionStatus::Health::Failed);
        QVERIFY2(cluster.error.contains("does-not-exist.yaml"), qPrintable(cluster.error));
    }

    // Last: stops the server.
    void unreachableClusterIsNeverGreen()
    {
        QTRY_COMPARE(stateOf("fail"), RunState::Failed);
        m_server.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!m_session->status(ClusterSession::Link::Cluster).error.isEmpty(), 15000);
        // Scrapes fail too: nothing keeps a state it can no longer see.
        QTRY_VERIFY_WITH_TIMEOUT(stateOf("crash") == RunState::Error || stateOf("crash") == RunState::Unknown, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(stateOf("pass") != RunState::Passed, 15000);
        QVERIFY(stateOf("pass") == RunState::Unknown || stateOf("pass") == RunState::Stale);
    }
};

QTEST_GUILESS_MAIN(TestClusterSession)
#include "tst_clustersession.moc"
