#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

// Plain values for one HTTP exchange, shared by every client (API server, Prometheus,
// Alertmanager, pod metrics). Failures are values: the UI shows HttpError::toString()
// verbatim, so it must never hold a secret (tokens, keys, Authorization headers).

struct HttpRequest
{
    QByteArray verb = "GET";   // GET, POST, DELETE, ...
    QString path;              // relative to the endpoint, e.g. "api/v1/query"
    QUrlQuery query;
    QByteArray body;
    QByteArray contentType;    // for POST bodies, e.g. "application/x-www-form-urlencoded"
    QByteArray accept = "application/json";
    int timeoutMs = 30000;     // 0: no limit (watches and log streams)
    // Streams: at most this many received bytes wait for us, so TCP holds a faster
    // server back (0: no bound).
    qint64 readBufferBytes = 0;
};

struct HttpError
{
    enum class Kind {
        None,
        Network,   // refused, reset, DNS, proxy
        Tls,       // certificate not trusted, hostname mismatch, handshake
        Timeout,
        Http,      // a non-2xx status; reason/message from a Kubernetes Status when sent
        Auth,      // credentials could not be obtained (exec plugin failed, file missing)
        Protocol,  // a 2xx answer that is not what was expected (not JSON, wrong shape)
        Canceled,
    };

    Kind kind = Kind::None;
    QString endpoint;   // "https://10.0.0.1:6443 (context kind-dev)", never with credentials
    int httpStatus = 0;
    QString reason;     // Kubernetes Status reason ("Forbidden", "Expired") or errorType
    QString message;    // the server's or the library's message, verbatim

    // A 2xx (or `httpStatus`) answer that is not what the caller expected.
    static HttpError protocol(const QString &endpoint, const QString &message, int httpStatus = 0)
    {
        HttpError error;
        error.kind = Kind::Protocol;
        error.endpoint = endpoint;
        error.httpStatus = httpStatus;
        error.message = message;
        return error;
    }

    bool isError() const { return kind != Kind::None; }
    // "https://…: 403 Forbidden: pods is forbidden: User "x" cannot list …"
    QString toString() const;
};

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    HttpError error; // kind None on success

    bool ok() const { return !error.isError(); }
    QByteArray header(const QByteArray &name) const; // case-insensitive, first match
};
