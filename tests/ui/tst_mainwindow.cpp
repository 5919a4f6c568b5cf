// The real window, offscreen, against the test API server: what a user does all day.
#include "connectionbar.h"
#include "failurelistmodel.h"
#include "logmodel.h"
#include "logpanel.h"
#include "mainwindow.h"
#include "session/clustersession.h"
#include "suitepanel.h"
#include "suites/suitetracker.h"
#include "suites/turnnotifier.h"
#include "suitetreemodel.h"
#include "testapiserver.h"

#include <QAction>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTreeView>

using namespace std::chrono_literals;

class TestMainWindow : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<MainWindow> m_window;

    SuiteTracker &tracker() { return *m_session->tracker(); }
    QString podOf(const QString &name)
    {
        const Suite *suite = tracker().suite({"ui", name});
        return suite && suite->currentRun() ? suite->currentRun()->pod.name : QString();
    }
    QString logText()
    {
        QString text;
        LogModel *model = m_window->logPanel()->model();
        for (int row = 0; row < model->rowCount(); ++row)
            text += model->index(row).data().toString() + '\n';
        return text;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // window geometry goes to a test settings file
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        QVERIFY(!m_server.addSuite("ui", "green", "passing", 0, &error).isEmpty());
        QVERIFY(!m_server.addSuite("ui", "red", "failing", 0, &error).isEmpty());
        QVERIFY(!m_server.addSuite("ui", "turning", "passing", 0, &error).isEmpty());
    }

    void init()
    {
        ClusterSession::Options options;
        options.kubeconfig = m_server.kubeconfigPath();
        options.nameSpace = "ui";
        options.scrapeInterval = 200ms;
        m_session = std::make_unique<ClusterSession>(options);
        m_window = std::make_unique<MainWindow>(m_session.get());
        m_window->turnNotifier()->setSettleInterval(50ms);
        m_window->show();
        QSignalSpy settled(m_session.get(), &ClusterSession::settled);
        m_session->start();
        QVERIFY(settled.wait(20000));
    }

    void cleanup()
    {
        m_window.reset();
        m_session.reset();
    }

    void failingSuiteFirstAndItsFailureInTheLog()
    {
        QTreeView *tree = m_window->suitePanel()->view();
        QTRY_COMPARE(tree->model()->rowCount(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(tree->model()->index(0, 0).data(SuiteTreeModel::SuiteNameRole).toString(),
                                  QString("red"), 10000);
        QVERIFY(m_window->windowTitle().startsWith("1 failing"));

        m_window->suitePanel()->selectSuite({"ui", "red"});
        QTRY_VERIFY_WITH_TIMEOUT(logText().contains("●"), 10000);
        QVERIFY(logText().contains("Expected"));
        FailureListModel *failures = m_window->logPanel()->failureModel();
        QTRY_VERIFY_WITH_TIMEOUT(failures->rowCount() >= 1, 10000);
        QVERIFY2(failures->index(0).data().toString().contains("›"),
                 qPrintable(failures->index(0).data().toString()));
    }

    void rerunPostsAndANewIterationAppears()
    {
        m_window->suitePanel()->selectSuite({"ui", "green"});
        QTRY_VERIFY_WITH_TIMEOUT(tracker().suite({"ui", "green"})->currentRun()->iterations.size() >= 1, 10000);
        const qsizetype before = tracker().suite({"ui", "green"})->currentRun()->iterations.size();
        QSignalSpy finished(m_session.get(), &ClusterSession::rerunFinished);
        QVERIFY(m_window->rerunAction()->isEnabled());
        m_window->rerunAction()->trigger();
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.first().at(1).value<ClusterSession::ActionResult>().ok);
        QTRY_VERIFY_WITH_TIMEOUT(tracker().suite({"ui", "green"})->currentRun()->iterations.size() > before, 10000);
    }

    void passToFailRaisesExactlyOneNotification()
    {
        QTRY_COMPARE_WITH_TIMEOUT(tracker().suite({"ui", "turning"})->verdict.state, RunState::Passed, 10000);
        QSignalSpy notified(m_window->turnNotifier(), &TurnNotifier::notify);
        QString error;
        m_server.control("set-scenario", {{"namespace", "ui"}, {"name", "turning"}, {"scenario", "failing"}}, &error);
        m_server.control("iterate", {{"namespace", "ui"}, {"pod", podOf("turning")}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(notified.size(), 1, 10000);
        QTest::qWait(800); // more scrapes of the same failure: still one
        QCOMPARE(notified.size(), 1);
        QVERIFY(notified.first().at(1).toString().contains("turning"));
        QCOMPARE(notified.first().at(2).toBool(), true);
        m_server.control("set-scenario", {{"namespace", "ui"}, {"name", "turning"}, {"scenario", "passing"}}, &error);
        m_server.control("iterate", {{"namespace", "ui"}, {"pod", podOf("turning")}}, &error);
    }

    void switchingContextRebuildsTheTree()
    {
        QTreeView *tree = m_window->suitePanel()->view();
        QTRY_COMPARE(tree->model()->rowCount(), 3);
        QSignalSpy removed(&tracker(), &SuiteTracker::suiteRemoved);
        m_session->switchContext("test-cert");
        QVERIFY(removed.size() >= 3);
        QTRY_COMPARE_WITH_TIMEOUT(tree->model()->rowCount(), 3, 10000);
        QTRY_VERIFY(m_window->windowTitle().contains("test-cert"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
