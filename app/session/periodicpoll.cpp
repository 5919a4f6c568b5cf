#include "periodicpoll.h"

#include <QPointer>

using namespace Qt::StringLiterals;

PeriodicPoll::PeriodicPoll(const QString &endpoint, std::chrono::milliseconds interval, Job job, QObject *parent)
    : QObject(parent)
    , m_interval(interval)
    , m_job(std::move(job))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &PeriodicPoll::poll);
    m_status.endpoint = endpoint;
    m_status.health = ConnectionStatus::Health::Unknown;
}

void PeriodicPoll::setEndpoint(const QString &endpoint)
{
    ConnectionStatus status = m_status;
    status.endpoint = endpoint;
    setStatus(status);
}

void PeriodicPoll::start()
{
    ++m_generation;
    m_running = true;
    m_inFlight = false;
    m_backoff.reset();
    ConnectionStatus status = m_status;
    status.health = ConnectionStatus::Health::Connecting;
    status.summary = tr("connecting");
    status.nextRetry = {};
    setStatus(status);
    poll();
}

void PeriodicPoll::stop()
{
    ++m_generation;
    m_running = false;
    m_inFlight = false;
    m_timer.stop();
}

void PeriodicPoll::pollNow()
{
    if (!m_running)
        return;
    if (m_inFlight) {
        m_pollAgain = true; // right after the current one: its answer may predate the change
        return;
    }
    m_timer.stop();
    poll();
}

void PeriodicPoll::poll()
{
    if (!m_running || m_inFlight)
        return;
    m_inFlight = true;
    m_pollAgain = false;
    const quint64 generation = m_generation;
    QPointer<PeriodicPoll> self(this);
    m_job([self, generation](const QString &error) {
        if (self)
            self->finish(generation, error);
    });
}

void PeriodicPoll::finish(quint64 generation, const QString &error)
{
    if (generation != m_generation || !m_inFlight)
        return; // stopped or restarted meanwhile
    m_inFlight = false;
    ++m_completed;
    ConnectionStatus status = m_status;
    std::chrono::milliseconds wait = m_interval;
    if (error.isEmpty()) {
        m_backoff.reset();
        status.health = ConnectionStatus::Health::Ok;
        status.summary = tr("ok");
        status.error.clear();
        status.nextRetry = {};
    } else {
        wait = std::max(m_interval, m_backoff.next());
        status.health = ConnectionStatus::Health::Failed;
        status.error = error;
        status.nextRetry = QDateTime::currentDateTimeUtc().addMSecs(wait.count());
        status.summary = tr("retrying in %1 s").arg((wait.count() + 999) / 1000);
    }
    setStatus(status);
    emit polled(error.isEmpty());
    if (!m_running)
        return;
    if (m_pollAgain && error.isEmpty())
        wait = std::chrono::milliseconds(0);
    m_timer.start(wait);
}

void PeriodicPoll::setStatus(const ConnectionStatus &status)
{
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged(m_status);
}
