#pragma once

#include "http/httptypes.h"

#include <QString>

// The answer to "can we talk to this Prometheus / Alertmanager?" for the status lights
// and `kassert status`: its version and health when it answers, else exactly what failed.
struct ServiceCheck
{
    QString endpoint; // HttpEndpoint::describe(), no secrets
    QString version; // "2.53.3"; empty when unknown
    QString health; // "ready", "cluster ready", "not ready: Service Unavailable"
    HttpError error; // kind None when the service answered and is ready

    bool ok() const { return !error.isError(); }
    // "Prometheus 2.53.3, ready" or the error's text.
    QString summary(const QString &product) const
    {
        if (!ok())
            return error.toString();
        QString text = product;
        if (!version.isEmpty())
            text += QLatin1Char(' ') + version;
        if (!health.isEmpty())
            text += QStringLiteral(", ") + health;
        return text;
    }
};
