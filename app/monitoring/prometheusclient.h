#pragma once

#include "http/httpendpoint.h"
#include "prometheusresponse.h"
#include "servicecheck.h"

#include <QObject>

#include <chrono>
#include <functional>
#include <memory>

// Typed calls to the Prometheus HTTP API over any HttpEndpoint (direct URL or the API
// server's service proxy). Every call is asynchronous; `done` runs once on this object's
// thread, never after the client is destroyed. Long queries go as a POST form so they
// are not cut by URL length limits of proxies.
class PrometheusClient : public QObject
{
    Q_OBJECT

public:
    // Queries longer than this (encoded) are POSTed.
    static constexpr qsizetype maxGetQueryLength = 1024;

    explicit PrometheusClient(std::shared_ptr<HttpEndpoint> endpoint, QObject *parent = nullptr);

    QString describe() const { return m_endpoint->describe(); }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    using QueryCallback = std::function<void(const PromQueryResult &)>;

    // Instant query; `at` invalid = now (the server's clock).
    void query(const QString &promql, const QDateTime &at, QueryCallback done);
    void queryRange(const QString &promql, const QDateTime &start, const QDateTime &end,
        std::chrono::seconds step, QueryCallback done);

    // /-/ready then /api/v1/status/buildinfo: health and version, or what failed.
    void checkConnection(std::function<void(const ServiceCheck &)> done);

    // The request a query becomes (exposed for tests).
    static HttpRequest queryRequest(
        const QString &path, const QList<QPair<QString, QString>> &parameters, int timeoutMs);

private:
    void sendQuery(const QString &path, const QList<QPair<QString, QString>> &parameters, QueryCallback done);

    std::shared_ptr<HttpEndpoint> m_endpoint;
    std::chrono::milliseconds m_timeout { 15000 };
};
