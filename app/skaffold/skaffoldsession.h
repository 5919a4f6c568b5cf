#pragma once

#include "skaffold/skaffoldcommand.h"
#include "skaffold/skaffoldevent.h"
#include "skaffold/skaffoldoutputscanner.h"

#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTimer>

class SkaffoldEventStream;

// One `skaffold dev|run` child process for one spec directory, on the GUI thread.
//
// Output: stdout and stderr share one pipe (MergedChannels), so lines arrive in the order
// skaffold wrote them; they are handed out in batches (outputLines) to keep slots short.
// Phases, run id and actionable errors come from the HTTP event API; until its first event
// arrives (or when it never does) they are read from the output instead.
//
// Stopping mirrors Ctrl+C in a terminal: SIGINT, then up to cleanupTimeout for skaffold to
// delete what `dev` deployed, then SIGTERM, then SIGKILL to the child's process group.
// The child runs in its own process group (so a Ctrl+C meant for kassert's terminal does not
// bypass this order) with PR_SET_PDEATHSIG=SIGTERM on Linux: if kassert itself is killed
// without a chance to stop its sessions, skaffold still gets a signal and exits instead of
// running forever; what it deployed may then stay in the cluster, as no one waits for cleanup.
class SkaffoldSession : public QObject
{
    Q_OBJECT

public:
    enum class State { Idle, Starting, Running, Stopping, Finished };
    Q_ENUM(State)
    enum class Exit {
        None,
        Completed, // exit 0 without being asked to stop (`run` finished)
        Stopped, // exit 0 (or a clean signal exit) after stop(): a normal stop
        Error, // exit 1 (or another non-zero code)
        UsageError, // exit 127: skaffold did not accept the command line
        Killed, // SIGKILL after the cleanup and terminate timeouts
        Crashed, // died from a signal nobody sent
        NotFound, // the executable is missing
        FailedToStart // found, but could not be executed
    };
    Q_ENUM(Exit)

    static constexpr int DefaultCleanupTimeoutMs = 60000;
    static constexpr int DefaultTerminateTimeoutMs = 5000;
    static constexpr int MaxRecentEvents = 1000;

    explicit SkaffoldSession(const SkaffoldLaunch &launch, QObject *parent = nullptr);
    ~SkaffoldSession() override;

    // Settings, before start().
    void setProgram(const QString &program) { m_program = program; }
    void setCleanupTimeout(int ms) { m_cleanupTimeoutMs = ms; }
    void setTerminateTimeout(int ms) { m_terminateTimeoutMs = ms; }
    void setProcessEnvironment(const QProcessEnvironment &environment) { m_environment = environment; }
    void setEventApiGiveUpAfter(int ms);

    void start();
    void stop(); // graceful: SIGINT, cleanup timeout, SIGTERM, SIGKILL
    void kill(); // now: SIGKILL to the process group

    const SkaffoldLaunch &launch() const { return m_launch; }
    QString program() const { return m_program; }
    QStringList arguments() const { return m_arguments; }
    QString commandLine() const;
    State state() const { return m_state; }
    bool isLive() const
    {
        return m_state == State::Starting || m_state == State::Running || m_state == State::Stopping;
    }
    qint64 processId() const { return m_process ? m_process->processId() : 0; }

    SkaffoldPhase phase() const { return m_phase; }
    int iteration() const { return m_iteration; }
    QString phaseText() const;
    QString runId() const { return m_runId; }
    bool eventApiConnected() const;
    QMap<QString, QString> artifacts() const { return m_artifacts; } // image → "Build Completed"
    QMap<QString, QString> resources() const { return m_resources; } // resource → status and message
    SkaffoldActionableError actionableError() const { return m_actionableError; }
    QString lastError() const { return m_lastError; }
    Exit exit() const { return m_exit; }
    int exitCode() const { return m_exitCode; }
    QString exitText() const;
    QList<SkaffoldEvent> recentEvents() const { return m_events; }

    int cleanupTimeoutMs() const { return m_cleanupTimeoutMs; }
    qint64 stopElapsedMs() const { return m_stopClock.isValid() ? m_stopClock.elapsed() : 0; }

signals:
    void changed();
    void outputLines(const QStringList &lines);
    void stopProgress(qint64 elapsedMs, int cleanupTimeoutMs);
    void finished();

private:
    enum class StopStage { None, Interrupted, Terminated, Killed };

    void fail(Exit exit, const QString &message);
    void readOutput();
    void queueLine(QString line);
    void flushLines();
    void applyEvent(const SkaffoldEvent &event);
    void applyOutputLine(const QString &line);
    void stopTick();
    void signalChild(int signal, bool wholeGroup);
    void processFinished(int exitCode, QProcess::ExitStatus status);
    void completeFinish();
    void note(const QString &text); // a line of kassert's own in the console

    SkaffoldLaunch m_launch;
    QString m_program = QStringLiteral("skaffold");
    QStringList m_arguments;
    QProcessEnvironment m_environment = QProcessEnvironment::systemEnvironment();
    QProcess *m_process = nullptr;
    SkaffoldEventStream *m_eventStream;
    QString m_lastOutputLine; // for exit messages without an actionable error
    State m_state = State::Idle;

    QByteArray m_pending; // output after the last newline
    QStringList m_lineBatch;
    QTimer m_flushTimer;

    SkaffoldPhase m_phase;
    int m_iteration = 0;
    bool m_eventsSeen = false;
    QString m_runId;
    QMap<QString, QString> m_artifacts;
    QMap<QString, QString> m_resources;
    SkaffoldActionableError m_actionableError;
    QString m_lastError;
    QList<SkaffoldEvent> m_events;

    int m_cleanupTimeoutMs = DefaultCleanupTimeoutMs;
    int m_terminateTimeoutMs = DefaultTerminateTimeoutMs;
    bool m_stopRequested = false;
    StopStage m_stopStage = StopStage::None;
    QElapsedTimer m_stopClock;
    QTimer m_stopTimer;

    Exit m_exit = Exit::None;
    int m_exitCode = 0;
    QProcess::ExitStatus m_exitStatus = QProcess::NormalExit;
};
