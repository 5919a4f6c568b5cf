#pragma once

#include "session/clustersession.h"

#include <QMainWindow>

class ConnectionBar;
class EmptyStateWidget;
class LogModel;
class LogPanel;
class PodLogFeed;
class QAction;
class QDockWidget;
class QMenu;
class QStackedWidget;
class QSplitter;
class SkaffoldSessions;
class SpecPanel;
class SpecRootMap;
class SuiteDetailView;
class SuitePanel;
class SuiteTreeModel;
class TrayNotifier;
class TurnNotifier;

// The top-level window: connection bar, suite tree, the selected suite's detail, the
// tray icon and the actions. It wires the ClusterSession to the widgets and decides
// nothing itself: states come from the tracker, errors from the session.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(ClusterSession *session, QWidget *parent = nullptr);
    ~MainWindow() override;

    SuitePanel *suitePanel() const { return m_suites; }
    SuiteDetailView *detailView() const { return m_detail; }
    LogPanel *logPanel() const { return m_logs; }
    SpecPanel *specPanel() const { return m_spec; }
    SpecRootMap *specRoots() const { return m_specRoots; }
    ConnectionBar *connectionBar() const { return m_connection; }
    TurnNotifier *turnNotifier() const { return m_turns; }
    QAction *rerunAction() const { return m_rerun; }
    QAction *findInLogAction() const { return m_findInLog; }
    QAction *nextFailureAction() const { return m_nextFailure; }
    // Adds a dock (the Skaffold panel) and a tab of the detail view (Logs, Spec): parts
    // that own their behaviour attach themselves here.
    void addDetailTab(QWidget *page, const QString &title, int index = -1);
    // A dock holding a SkaffoldPanel also brings its sessions (see setSkaffoldSessions).
    void addPanelDock(QDockWidget *dock);
    // The Skaffold sessions whose deployments map suites to spec directories.
    void setSkaffoldSessions(SkaffoldSessions *sessions);
    // The user's spec directory for a suite of the current context; empty forgets it.
    void setSpecDirectory(const SuiteKey &suite, const QString &directory);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void showSelection(const SuiteKey &suite, const QString &pod);
    void showLogOf(const SuiteKey &suite, const QString &pod);
    void configureEndpoints();
    void applyStoredEndpoints(const QString &context);
    void updateAggregate();
    void updateEmptyState();
    void rerunSelected();
    void rerunAllFailing();
    void reportAction(const SuiteKey &key, const ClusterSession::ActionResult &result, bool wasRerun);
    void restoreLayout();
    void updateSpecRoot();
    void chooseSpecDirectory();
    void openFrame(const QString &file, int line, bool bringForward);

    ClusterSession *m_session;
    SuiteTreeModel *m_model;
    ConnectionBar *m_connection;
    SuitePanel *m_suites;
    SuiteDetailView *m_detail;
    EmptyStateWidget *m_emptyState;
    QStackedWidget *m_rightSide;
    QSplitter *m_splitter;
    TurnNotifier *m_turns;
    TrayNotifier *m_tray;
    LogModel *m_logModel;
    PodLogFeed *m_logFeed;
    LogPanel *m_logs;
    SpecPanel *m_spec;
    SpecRootMap *m_specRoots;
    QAction *m_rerun = nullptr;
    QAction *m_rerunFailing = nullptr;
    QAction *m_nextFailing = nullptr;
    QAction *m_find = nullptr;
    QAction *m_findInLog = nullptr;
    QAction *m_nextFailure = nullptr;
    QAction *m_previousFailure = nullptr;
    QAction *m_switchContext = nullptr;
    QAction *m_mute = nullptr;
    QAction *m_setSpecDirectory = nullptr;
    QMenu *m_viewMenu = nullptr;
    QUrl m_commandLinePrometheus;
    QUrl m_commandLineAlertmanager;
};
