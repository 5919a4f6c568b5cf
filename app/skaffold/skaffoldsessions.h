#pragma once

#include "skaffold/skaffoldcommand.h"

#include <QList>
#include <QObject>
#include <QProcessEnvironment>

class SkaffoldSession;

// The running (and finished, until removed) skaffold sessions: at most one live session per
// spec directory. Applies the app-wide settings (executable, cleanup timeout) to each, picks
// a free loopback port for each session's event API, and stops them all on quit.
class SkaffoldSessions : public QObject
{
    Q_OBJECT

public:
    explicit SkaffoldSessions(QObject *parent = nullptr);
    ~SkaffoldSessions() override;

    void setProgram(const QString &program) { m_program = program; }
    QString program() const { return m_program; }
    void setCleanupTimeout(int ms) { m_cleanupTimeoutMs = ms; }
    void setTerminateTimeout(int ms) { m_terminateTimeoutMs = ms; }
    void setProcessEnvironment(const QProcessEnvironment &environment) { m_environment = environment; }

    // Starts a session; nullptr with `error` set when one already runs for that directory.
    // A launch without rpcHttpPort gets a free port.
    SkaffoldSession *start(SkaffoldLaunch launch, QString *error = nullptr);
    void remove(SkaffoldSession *session); // finished sessions only
    void stopAll(); // graceful; allStopped() when none is live

    QList<SkaffoldSession *> sessions() const { return m_sessions; }
    SkaffoldSession *liveSessionFor(const QString &specDir) const;
    int liveCount() const;

    // Which spec directory deployed a workload, for the spec viewer. By the
    // `skaffold.dev/run-id` label its pods carry, else by a resource the session's status
    // check named (`deployment/<name>`, `<namespace>:deployment/<name>`) in that namespace.
    // The newest session wins; finished sessions count too, since what `skaffold run`
    // deployed stays. Empty when no session knows the workload.
    QString specDirForRunId(const QString &runId) const;
    QString specDirForWorkload(const QString &nameSpace, const QString &name) const;

    // A TCP port on 127.0.0.1 nothing listens on now (0 if none could be found).
    static quint16 freeLoopbackPort();

signals:
    void sessionAdded(SkaffoldSession *session);
    void sessionAboutToBeRemoved(SkaffoldSession *session);
    void allStopped();
    // A session learnt something (run id, deployed resources, phase) or was removed:
    // mappings from workloads to spec directories may have changed.
    void deploymentsChanged();

private:
    void sessionFinished();

    QList<SkaffoldSession *> m_sessions;
    QString m_program = QStringLiteral("skaffold");
    int m_cleanupTimeoutMs;
    int m_terminateTimeoutMs;
    QProcessEnvironment m_environment = QProcessEnvironment::systemEnvironment();
    bool m_stoppingAll = false;
};
