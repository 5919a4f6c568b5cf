#pragma once

#include "logs/logline.h"
#include "skaffold/skaffoldcommand.h"
#include "skaffold/skaffoldsession.h"
#include "skaffold/specdirectory.h"

#include <QHash>
#include <QPointer>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QListView;
class LogModel;
class LogView;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSettings;
class SessionModel;
class SkaffoldSessions;

// The Skaffold room of the window: choose a spec directory (dialog or recent list), see
// what its skaffold.yaml declares or why it cannot run, start `skaffold dev` or `run` with
// a profile, and follow the sessions: phase, run id, actionable error with suggestions,
// output, and a Stop that shows skaffold's cleanup progress. It shows and asks; the
// sessions do the work.
class SkaffoldPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int MaxConsoleLines = 5000;

    SkaffoldPanel(SkaffoldSessions *sessions, QSettings &settings, QWidget *parent = nullptr);

    SkaffoldSessions *sessions() const { return m_sessions; }
    // Where sessions deploy: the app's current context and namespace, and --kubeconfig
    // when the app was given one.
    void setClusterTarget(
        const QString &kubeContext, const QString &nameSpace, const QString &kubeconfig = {});

    void openSpecDirectory(const QString &dir);
    // Starts a session for the open spec directory into the cluster target, as the Dev
    // and Run buttons do; does nothing when the spec cannot run (its errors are shown).
    void start(SkaffoldMode mode);
    const SpecDirectory &specDirectory() const { return m_spec; }
    SkaffoldSession *currentSession() const { return m_current; }

    // For tests and the window's actions.
    QPushButton *devButton() const { return m_dev; }
    QPushButton *runButton() const { return m_run; }
    QPushButton *stopButton() const { return m_stop; }
    QComboBox *profileBox() const { return m_profile; }
    LogView *console() const { return m_console; }
    QString consoleText() const; // the shown session's output, for tests
    QLabel *errorLabel() const { return m_actionable; }

signals:
    void sessionStarted(SkaffoldSession *session);

private:
    void chooseDirectory();
    void fillRecent();
    void showSpec();
    void updateButtons();
    void selectSession(SkaffoldSession *session);
    void showSession();
    void appendOutput(SkaffoldSession *session, const QStringList &lines);
    static QList<LogLine> toLogLines(const QStringList &lines);
    void showStopProgress(qint64 elapsedMs, int timeoutMs);

    SkaffoldSessions *m_sessions;
    QSettings &m_settings;
    SessionModel *m_model;
    SpecDirectory m_spec;
    QString m_kubeContext;
    QString m_nameSpace;
    QString m_kubeconfig;
    QPointer<SkaffoldSession> m_current;
    QHash<SkaffoldSession *, QStringList> m_output; // last MaxConsoleLines lines per session

    QComboBox *m_recent;
    QPushButton *m_choose;
    QLabel *m_specInfo;
    QLabel *m_specErrors;
    QComboBox *m_profile;
    QPushButton *m_dev;
    QPushButton *m_run;
    QLabel *m_target;
    QListView *m_list;
    QLabel *m_phase;
    QLabel *m_runId;
    QProgressBar *m_progress;
    QLabel *m_actionable;
    QPushButton *m_stop;
    QPushButton *m_remove;
    LogModel *m_consoleModel;
    LogView *m_console;
    QWidget *m_sessionArea; // sessions, the selected one's state, its output
    QLineEdit *m_consoleSearch;
};
