#pragma once

#include "httptypes.h"

#include <QObject>

#include <functional>

// Somewhere HTTP requests can be sent: a direct URL (Prometheus on a port-forward,
// a hosted Thanos), or a service or pod proxy through the Kubernetes API server.
// Clients (PrometheusClient, AlertmanagerClient, MetricsScraper) are written against
// this interface only, so they work the same over every route.
//
// send() is asynchronous and never blocks: `done` is called exactly once, later, on the
// thread of `context`, unless `context` was destroyed first (then never).
class HttpEndpoint
{
public:
    virtual ~HttpEndpoint() = default;

    // Human-readable route without secrets, e.g. "service monitoring/prometheus-operated:web
    // via https://127.0.0.1:6443" or "http://127.0.0.1:9090".
    virtual QString describe() const = 0;

    virtual void send(const HttpRequest &request, QObject *context,
                      std::function<void(const HttpResult &)> done) = 0;
};

// Streaming variant for long-lived responses (log follow). Chunks arrive as read;
// `finished` gets the final result (its body empty: data already went to onChunk).
struct HttpStreamHandlers
{
    std::function<void(const QByteArray &chunk)> onChunk;
    std::function<void(const HttpResult &)> finished;
};
