#include "skaffold/skaffoldsessions.h"

#include "skaffold/skaffoldsession.h"

#include <QDir>
#include <QHostAddress>
#include <QTcpServer>
#include <QTimer>

SkaffoldSessions::SkaffoldSessions(QObject *parent)
    : QObject(parent)
    , m_cleanupTimeoutMs(SkaffoldSession::DefaultCleanupTimeoutMs)
    , m_terminateTimeoutMs(SkaffoldSession::DefaultTerminateTimeoutMs)
{
}

SkaffoldSessions::~SkaffoldSessions() = default; // sessions are children; each kills a live child

quint16 SkaffoldSessions::freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort(); // released on return; skaffold binds it moments later
}

SkaffoldSession *SkaffoldSessions::liveSessionFor(const QString &specDir) const
{
    const QString dir = QDir::cleanPath(specDir);
    for (SkaffoldSession *session : m_sessions) {
        if (session->isLive() && session->launch().specDir == dir)
            return session;
    }
    return nullptr;
}

QString SkaffoldSessions::specDirForRunId(const QString &runId) const
{
    if (runId.isEmpty())
        return {};
    for (auto it = m_sessions.crbegin(); it != m_sessions.crend(); ++it) {
        if ((*it)->runId() == runId)
            return (*it)->launch().specDir;
    }
    return {};
}

QString SkaffoldSessions::specDirForWorkload(const QString &nameSpace, const QString &name) const
{
    if (name.isEmpty())
        return {};
    for (auto it = m_sessions.crbegin(); it != m_sessions.crend(); ++it) {
        const SkaffoldSession *session = *it;
        const QStringList resources = session->resources().keys();
        for (const QString &resource : resources) {
            // Skaffold names a resource `kind/name`, prefixed by `namespace:` outside
            // "default"; without the prefix it is in the session's namespace.
            const qsizetype colon = resource.indexOf(u':');
            const qsizetype slash = resource.indexOf(u'/');
            if (slash < 0 || (colon >= 0 && colon > slash))
                continue;
            const QString kind = resource.mid(colon + 1, slash - colon - 1).toLower();
            if (kind != QLatin1StringView("deployment") && kind != QLatin1StringView("statefulset"))
                continue;
            if (resource.mid(slash + 1) != name)
                continue;
            // Neither prefix nor --namespace: the context's own namespace, which only the
            // kubeconfig knows; the name alone has to do.
            const QString resourceNamespace = colon >= 0 ? resource.left(colon) : session->launch().nameSpace;
            if (nameSpace.isEmpty() || resourceNamespace.isEmpty() || resourceNamespace == nameSpace)
                return session->launch().specDir;
        }
    }
    return {};
}

int SkaffoldSessions::liveCount() const
{
    return int(std::count_if(m_sessions.begin(), m_sessions.end(), [](auto *s) { return s->isLive(); }));
}

SkaffoldSession *SkaffoldSessions::start(SkaffoldLaunch launch, QString *error)
{
    if (m_stoppingAll) {
        if (error)
            *error = tr("kassert is stopping its sessions");
        return nullptr;
    }
    if (SkaffoldSession *running = liveSessionFor(launch.specDir)) {
        if (error)
            *error = tr("skaffold %1 already runs for %2")
                         .arg(skaffoldModeName(running->launch().mode), running->launch().specDir);
        return nullptr;
    }
    if (launch.rpcHttpPort == 0)
        launch.rpcHttpPort = freeLoopbackPort();
    auto *session = new SkaffoldSession(launch, this);
    session->setProgram(m_program);
    session->setCleanupTimeout(m_cleanupTimeoutMs);
    session->setTerminateTimeout(m_terminateTimeoutMs);
    session->setProcessEnvironment(m_environment);
    connect(session, &SkaffoldSession::finished, this, &SkaffoldSessions::sessionFinished);
    connect(session, &SkaffoldSession::changed, this, &SkaffoldSessions::deploymentsChanged);
    m_sessions.append(session);
    emit sessionAdded(session);
    session->start();
    return session;
}

void SkaffoldSessions::remove(SkaffoldSession *session)
{
    if (!session || session->isLive() || !m_sessions.contains(session))
        return;
    emit sessionAboutToBeRemoved(session);
    m_sessions.removeOne(session);
    session->deleteLater();
    emit deploymentsChanged();
}

void SkaffoldSessions::stopAll()
{
    m_stoppingAll = true;
    for (SkaffoldSession *session : m_sessions)
        session->stop();
    if (liveCount() == 0)
        QTimer::singleShot(0, this, &SkaffoldSessions::allStopped);
}

void SkaffoldSessions::sessionFinished()
{
    if (m_stoppingAll && liveCount() == 0)
        emit allStopped();
}
