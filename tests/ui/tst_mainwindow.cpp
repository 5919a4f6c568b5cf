// The real window, offscreen, against the test API server: what a user does all day.
#include "connectionbar.h"
#include "failurelistmodel.h"
#include "logmodel.h"
#include "logpanel.h"
#include "logview.h"
#include "mainwindow.h"
#include "session/clustersession.h"
#include "suitepanel.h"
#include "suites/suitetracker.h"
#include "suites/turnnotifier.h"
#include "suitedetailview.h"
#include "suitetreemodel.h"
#include "specpanel.h"
#include "specviewer.h"
#include "testapiserver.h"

#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QListView>
#include <QTabBar>
#include <QTemporaryDir>
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

    // F8 and Ctrl+F are the window's: they work with the focus in the suite tree (or
    // anywhere else), and pressing them never reaches two owners.
    void windowShortcutsWorkWhereverTheFocusIs()
    {
        m_window->suitePanel()->selectSuite({"ui", "red"});
        FailureListModel *failures = m_window->logPanel()->failureModel();
        QTRY_VERIFY_WITH_TIMEOUT(failures->rowCount() >= 1, 10000);
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QTreeView *tree = m_window->suitePanel()->view();
        tree->setFocus();
        QTRY_COMPARE(QApplication::focusWidget(), tree);
        m_window->detailView()->setCurrentWidget(m_window->detailView()->historyTab());

        QSignalSpy nextTriggered(m_window->nextFailureAction(), &QAction::triggered);
        QTest::keyClick(m_window.get(), Qt::Key_F8);
        QCOMPARE(nextTriggered.size(), 1);
        QCOMPARE(m_window->logPanel()->currentFailure(), 0);
        QCOMPARE(m_window->detailView()->currentWidget(), m_window->logPanel());
        QCOMPARE(QApplication::focusWidget(), tree); // the reader stays where they were

        QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
        QTRY_COMPARE(QApplication::focusWidget(), m_window->logPanel()->searchField());

        // From inside the log panel too, and exactly once (an ambiguous key triggers nothing).
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F8);
        QCOMPARE(nextTriggered.size(), 2);
        QCOMPARE(m_window->logPanel()->currentFailure(), failures->rowCount() > 1 ? 1 : 0);
    }

    // The Spec tab: with a spec directory set for the suite, the failing spec opens at the
    // failure's line; Enter on a failure brings the tab forward. Set in the settings per
    // context + namespace + suite, so another suite has none.
    void specTabShowsTheFailingSpecAtItsLine()
    {
        QTemporaryDir specs;
        QVERIFY(QDir(specs.path()).mkpath("specs"));
        for (const char *name : {"specs/red.spec.js", "specs/health.spec.js"}) {
            QFile file(specs.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            for (int i = 1; i <= 40; ++i)
                file.write(QString("test line %1\n").arg(i).toUtf8());
        }
        QAction *setDirectory = nullptr;
        for (QAction *action : m_window->suitePanel()->view()->actions())
            if (action->text().startsWith("Set Spec"))
                setDirectory = action;
        QVERIFY2(setDirectory, "the suite tree's context menu offers Set Spec Directory");

        m_window->setSpecDirectory({"ui", "red"}, specs.path());
        m_window->suitePanel()->selectSuite({"ui", "red"});
        QVERIFY(setDirectory->isEnabled());
        FailureListModel *failures = m_window->logPanel()->failureModel();
        QTRY_VERIFY_WITH_TIMEOUT(failures->rowCount() >= 1, 10000);
        SpecPanel *spec = m_window->specPanel();
        QCOMPARE(spec->specRoot(), QDir::cleanPath(specs.path()));
        const JestFailure failure = failures->failures().first();
        QVERIFY2(failure.file.endsWith("specs/red.spec.js"), qPrintable(failure.file));
        QTRY_COMPARE(spec->viewer()->currentFile(), QDir::cleanPath(specs.filePath("specs/red.spec.js")));
        QCOMPARE(spec->viewer()->currentLine(), failure.line);
        QCOMPARE(m_window->detailView()->tabText(m_window->detailView()->indexOf(spec)), "Spec");

        QListView *list = m_window->logPanel()->findChild<QListView *>("failureList");
        m_window->detailView()->setCurrentWidget(m_window->logPanel());
        list->setFocus();
        list->setCurrentIndex(failures->index(0));
        QTest::keyClick(list, Qt::Key_Return);
        QCOMPARE(m_window->detailView()->currentWidget(), spec);

        // Another suite has no directory: the tab says so.
        m_window->suitePanel()->selectSuite({"ui", "green"});
        QVERIFY(spec->specRoot().isEmpty());
        QVERIFY(spec->statusText().contains("ui/green"));
        m_window->setSpecDirectory({"ui", "red"}, {});
    }

    // Tab walks connection bar → filter → suite tree → detail tabs, and every stop has a
    // name a screen reader can say.
    void tabWalksTheWindowAndEveryStopHasAName()
    {
        m_window->suitePanel()->selectSuite({"ui", "red"});
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        // Start at the context chooser, the first thing in the window.
        QWidget *start = nullptr;
        for (QWidget *w : m_window->connectionBar()->findChildren<QWidget *>()) {
            if (w->accessibleName() == "Kubernetes context")
                start = w;
        }
        QVERIFY(start);
        start->setFocus(Qt::TabFocusReason);
        QTRY_COMPARE(QApplication::focusWidget(), start);
        QList<QWidget *> stops{start};
        QStringList names;
        for (int i = 0; i < 80; ++i) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            QWidget *now = QApplication::focusWidget();
            if (!now || now == start)
                break;
            if (stops.contains(now))
                QFAIL(qPrintable(QString("Tab cycles without coming back: %1 again").arg(now->metaObject()->className())));
            stops << now;
        }
        for (QWidget *stop : stops) {
            QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(stop);
            QVERIFY(accessible);
            const QString name = accessible->text(QAccessible::Name);
            QVERIFY2(!name.trimmed().isEmpty(),
                     qPrintable(QString("%1 (%2) has no accessible name")
                                    .arg(stop->metaObject()->className(), stop->objectName())));
            names << name;
        }
        const auto position = [&](QWidget *w) { return stops.indexOf(w); };
        QTreeView *tree = m_window->suitePanel()->view();
        QWidget *filter = m_window->suitePanel()->filterEdit();
        QWidget *tabs = m_window->detailView()->tabBar();
        QVERIFY2(position(filter) > 0, qPrintable(names.join(" → ")));
        QVERIFY2(position(tree) > position(filter), qPrintable(names.join(" → ")));
        QVERIFY2(position(tabs) > position(tree), qPrintable(names.join(" → ")));
        QVERIFY2(position(m_window->logPanel()->searchField()) > position(tabs), qPrintable(names.join(" → ")));
        // Inside the Logs tab: its toolbar first, then the log, then the failures.
        QVERIFY2(position(m_window->logPanel()->logView()) > position(m_window->logPanel()->searchField()),
                 qPrintable(names.join(" → ")));
        QVERIFY2(position(m_window->logPanel()->findChild<QListView *>("failureList"))
                     > position(m_window->logPanel()->logView()),
                 qPrintable(names.join(" → ")));
        qInfo().noquote() << "Tab order:" << names.join(" → ");
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
