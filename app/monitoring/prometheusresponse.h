#pragma once

#include "http/httptypes.h"

#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

// The Prometheus HTTP API's JSON answers as plain values, parsed once at the edge.
// Envelope: {"status":"success"|"error","data":…,"errorType":…,"error":…,"warnings":[…]}.
// Proxies in front of Prometheus may answer HTML or plain text: such bodies become
// Protocol errors quoting the start of the body, never a crash or an empty success.

using PromLabels = QMap<QString, QString>;

struct PromSample
{
    PromLabels labels;
    QDateTime time; // the sample time (UTC, millisecond precision)
    double value = 0; // may be NaN or ±Inf
};

struct PromSeries
{
    PromLabels labels;
    QList<QPair<QDateTime, double>> points; // oldest first
};

struct PromQueryResult
{
    QString resultType; // vector | matrix | scalar | string
    QList<PromSample> vector; // vector; a scalar is one sample without labels
    QList<PromSeries> matrix; // matrix
    QString stringValue; // string results
    QStringList warnings; // Prometheus' warnings (and infos), verbatim
    HttpError error; // errorType in reason, error in message

    bool ok() const { return !error.isError(); }
};

// Parses an exchange with /api/v1/query or /api/v1/query_range. Transport errors pass
// through; an error envelope (any HTTP status) fills reason/message.
PromQueryResult parsePromQueryResponse(const HttpResult &result, const QString &endpoint);

// The envelope's `data` for other endpoints (buildinfo, targets); `error` set on failure.
struct PromEnvelope
{
    QJsonValue data;
    QStringList warnings;
    HttpError error;
};
PromEnvelope parsePromEnvelope(const HttpResult &result, const QString &endpoint);

// Unix seconds (float) as the API writes them, and back.
QDateTime fromPromTime(double unixSeconds);
QString toPromTime(const QDateTime &time);
