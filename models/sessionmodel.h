#pragma once

#include <QAbstractListModel>

class SkaffoldSession;
class SkaffoldSessions;

// The Skaffold panel's session list: one row per SkaffoldSession of a SkaffoldSessions, in
// the order they were started. Rows follow the sessions (added, removed) and each row
// changes when its session reports a change; the model never owns a session.
class SessionModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        SpecDirRole = Qt::UserRole + 1, // QString: the spec directory
        CommandRole, // QString: the command line as typed in a shell
        ModeRole, // QString: "dev" or "run"
        PhaseRole, // QString: "Building", "Watching for changes (iteration 2)", "Stopped"
        RunIdRole, // QString: skaffold.dev/run-id of what it deployed (empty until known)
        StateRole, // int: SkaffoldSession::State
        ExitRole, // int: SkaffoldSession::Exit
        ExitCodeRole, // int: valid only once finished
        LastErrorRole, // QString: the last error (actionable error message, or exit reason)
        IsLiveRole, // bool: running or stopping
        SessionRole, // SkaffoldSession*
    };
    Q_ENUM(Role)

    explicit SessionModel(SkaffoldSessions *sessions, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    SkaffoldSession *sessionAt(int row) const;
    int rowOf(const SkaffoldSession *session) const;

private:
    void add(SkaffoldSession *session);
    void remove(SkaffoldSession *session);
    void sessionChanged();

    SkaffoldSessions *m_sessions;
    QList<SkaffoldSession *> m_rows;
};
