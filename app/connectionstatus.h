#pragma once

#include <QDateTime>
#include <QString>

// How one connection (cluster, Prometheus, Alertmanager) is doing, for the status lights
// and `kassert status`: a short summary, the exact error, and when the next try is.
struct ConnectionStatus
{
    enum class Health { Unknown, Connecting, Ok, Degraded, Failed, Off };

    Health health = Health::Unknown;
    QString endpoint; // what we talk to, without credentials
    QString summary;  // "synced", "retrying in 4 s", "not configured"
    QString error;    // the exact error, verbatim
    QDateTime nextRetry;

    friend bool operator==(const ConnectionStatus &, const ConnectionStatus &) = default;
};
