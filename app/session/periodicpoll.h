#pragma once

#include "connectionstatus.h"
#include "kube/retrybackoff.h"

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

// Runs one asynchronous job (a Prometheus snapshot, an Alertmanager poll, a pod scrape)
// every interval, never two at once: a poll that is still running when the next is due
// is not duplicated. After a failure it waits with exponential backoff instead of the
// interval, and its ConnectionStatus says "retrying in N s: <error>". GUI thread.
class PeriodicPoll : public QObject
{
    Q_OBJECT

public:
    // The job calls `finished` exactly once: empty error on success, else the exact error.
    using Finished = std::function<void(const QString &error)>;
    using Job = std::function<void(Finished finished)>;

    PeriodicPoll(const QString &endpoint, std::chrono::milliseconds interval, Job job, QObject *parent = nullptr);

    void start();  // polls now, then every interval
    void stop();   // a poll in flight still finishes, but nothing follows it
    void pollNow(); // e.g. after a rerun: no need to wait for the interval
    void setBackoff(RetryBackoff backoff) { m_backoff = backoff; }
    void setEndpoint(const QString &endpoint);

    bool isRunning() const { return m_running; }
    bool isPolling() const { return m_inFlight; }
    int completedPolls() const { return m_completed; }
    ConnectionStatus status() const { return m_status; }

signals:
    void statusChanged(const ConnectionStatus &status);
    void polled(bool ok); // after every poll

private:
    void poll();
    void finish(quint64 generation, const QString &error);
    void setStatus(const ConnectionStatus &status);

    std::chrono::milliseconds m_interval;
    Job m_job;
    QTimer m_timer;
    RetryBackoff m_backoff;
    ConnectionStatus m_status;
    bool m_running = false;
    bool m_inFlight = false;
    bool m_pollAgain = false;
    int m_completed = 0;
    quint64 m_generation = 0; // a stop()/start() makes older polls' answers irrelevant
};
