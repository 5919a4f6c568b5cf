#include "sessionmodel.h"

#include "skaffold/skaffoldsession.h"
#include "skaffold/skaffoldsessions.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

SessionModel::SessionModel(SkaffoldSessions *sessions, QObject *parent)
    : QAbstractListModel(parent)
    , m_sessions(sessions)
{
    for (SkaffoldSession *session : sessions->sessions())
        add(session);
    connect(sessions, &SkaffoldSessions::sessionAdded, this, &SessionModel::add);
    connect(sessions, &SkaffoldSessions::sessionAboutToBeRemoved, this, &SessionModel::remove);
}

int SessionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

SkaffoldSession *SessionModel::sessionAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : nullptr;
}

int SessionModel::rowOf(const SkaffoldSession *session) const
{
    return int(m_rows.indexOf(session));
}

void SessionModel::add(SkaffoldSession *session)
{
    if (m_rows.contains(session))
        return;
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(session);
    endInsertRows();
    connect(session, &SkaffoldSession::changed, this, &SessionModel::sessionChanged);
}

void SessionModel::remove(SkaffoldSession *session)
{
    const int row = rowOf(session);
    if (row < 0)
        return;
    session->disconnect(this);
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

void SessionModel::sessionChanged()
{
    const int row = rowOf(qobject_cast<SkaffoldSession *>(sender()));
    if (row < 0)
        return;
    const QModelIndex changed = index(row);
    emit dataChanged(changed, changed);
}

QVariant SessionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SkaffoldSession *session = m_rows.at(index.row());
    const SkaffoldLaunch &launch = session->launch();
    switch (role) {
    case Qt::DisplayRole: {
        QString text
            = u"%1 · skaffold %2"_s.arg(QFileInfo(launch.specDir).fileName(), skaffoldModeName(launch.mode));
        if (!launch.profile.isEmpty())
            text += u" -p "_s + launch.profile;
        return text + u" · "_s + session->phaseText();
    }
    case Qt::ToolTipRole:
        return session->lastError().isEmpty() ? session->commandLine()
                                              : session->commandLine() + u"\n\n"_s + session->lastError();
    case SpecDirRole:
        return launch.specDir;
    case CommandRole:
        return session->commandLine();
    case ModeRole:
        return skaffoldModeName(launch.mode);
    case PhaseRole:
        return session->phaseText();
    case RunIdRole:
        return session->runId();
    case StateRole:
        return int(session->state());
    case ExitRole:
        return int(session->exit());
    case ExitCodeRole:
        return session->exitCode();
    case LastErrorRole:
        return session->lastError();
    case IsLiveRole:
        return session->isLive();
    case SessionRole:
        return QVariant::fromValue(const_cast<SkaffoldSession *>(session));
    default:
        return {};
    }
}

QHash<int, QByteArray> SessionModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({ { SpecDirRole, "specDir" }, { CommandRole, "command" }, { ModeRole, "mode" },
        { PhaseRole, "phase" }, { RunIdRole, "runId" }, { StateRole, "state" }, { ExitRole, "exit" },
        { ExitCodeRole, "exitCode" }, { LastErrorRole, "lastError" }, { IsLiveRole, "isLive" },
        { SessionRole, "session" } });
    return names;
}
