#pragma once

#include "runstate.h"
#include "suiteidentity.h"

#include <QHash>
#include <QObject>
#include <QTimer>

// Turns the tracker's suiteTurned signals into desktop notifications a person wants:
// one per settle window (a flapping suite that fails and recovers within it says
// nothing; several suites turning together make one message), none while muted.
class TurnNotifier : public QObject
{
    Q_OBJECT

public:
    explicit TurnNotifier(QObject *parent = nullptr);

    void setSettleInterval(std::chrono::milliseconds interval);
    void setMuted(bool muted);
    bool isMuted() const { return m_muted; }

public slots:
    void suiteTurned(const SuiteKey &key, RunState from, RunState to, const QString &reason);

signals:
    // failing: true when the message is about suites that started failing.
    void notify(const QString &title, const QString &body, bool failing);

private:
    void flush();

    struct Pending
    {
        RunState from;
        RunState to;
        QString reason;
    };
    QHash<SuiteKey, Pending> m_pending;
    QList<SuiteKey> m_order;
    QTimer m_settle;
    bool m_muted = false;
};
