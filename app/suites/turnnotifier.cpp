#include "turnnotifier.h"

namespace {

bool failing(RunState state)
{
    return state == RunState::Failed || state == RunState::Error;
}

} // namespace

TurnNotifier::TurnNotifier(QObject *parent)
    : QObject(parent)
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(std::chrono::seconds(3));
    connect(&m_settle, &QTimer::timeout, this, &TurnNotifier::flush);
}

void TurnNotifier::setSettleInterval(std::chrono::milliseconds interval)
{
    m_settle.setInterval(interval);
}

void TurnNotifier::setMuted(bool muted)
{
    m_muted = muted;
    if (muted) {
        m_pending.clear();
        m_order.clear();
        m_settle.stop();
    }
}

void TurnNotifier::suiteTurned(const SuiteKey &key, RunState from, RunState to, const QString &reason)
{
    if (m_muted)
        return;
    auto it = m_pending.find(key);
    if (it == m_pending.end()) {
        m_pending.insert(key, {from, to, reason});
        m_order.append(key);
    } else if (failing(it->from) == failing(to)) {
        // Turned and turned back within the window: nothing happened for the reader.
        m_pending.erase(it);
        m_order.removeOne(key);
    } else {
        it->to = to;
        it->reason = reason;
    }
    if (!m_settle.isActive())
        m_settle.start();
}

void TurnNotifier::flush()
{
    QStringList failedLines;
    QStringList recoveredNames;
    for (const SuiteKey &key : std::as_const(m_order)) {
        const Pending &turn = m_pending.value(key);
        if (failing(turn.to))
            failedLines << tr("%1: %2").arg(key.toString(), turn.reason);
        else
            recoveredNames << key.toString();
    }
    m_pending.clear();
    m_order.clear();
    if (!failedLines.isEmpty()) {
        const QString title = failedLines.size() == 1 ? tr("A test suite is failing")
                                                      : tr("%n test suites are failing", nullptr, int(failedLines.size()));
        emit notify(title, failedLines.join(QLatin1Char('\n')), true);
    }
    if (!recoveredNames.isEmpty()) {
        const QString title = recoveredNames.size() == 1 ? tr("A test suite passes again")
                                                         : tr("%n test suites pass again", nullptr, int(recoveredNames.size()));
        emit notify(title, recoveredNames.join(QLatin1Char('\n')), false);
    }
}
