#pragma once

#include "expositionparser.h"
#include "http/httpendpoint.h"
#include "suites/assertmetrics.h"

#include <QObject>

#include <chrono>
#include <functional>
#include <memory>

// Reads one Kubernetes Assert runtime's /metrics directly (through the pod proxy, or a
// URL), without Prometheus: the app works with no Prometheus at all and sees a change
// within a second. The endpoint is rooted where "metrics" resolves, e.g.
// ".../pods/specs-abc:9091/proxy/".
struct ScrapeResult
{
    AssertMetrics metrics; // sampledAt: the samples' timestamp, else receipt time
    QList<ExpositionIssue> issues; // lines that did not parse (skipped)
    bool truncated = false; // the body was over the parser's limits
    HttpError error; // transport, or no runtime metrics in the answer

    bool ok() const { return !error.isError(); }
};

class MetricsScraper : public QObject
{
    Q_OBJECT

public:
    explicit MetricsScraper(std::shared_ptr<HttpEndpoint> endpoint, QObject *parent = nullptr);

    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    QString describe() const { return m_endpoint->describe(); }

    // GET `path`; `done` once on this object's thread, never after destruction.
    void scrape(
        std::function<void(const ScrapeResult &)> done, const QString &path = QStringLiteral("metrics"));

    // The runtime's metrics from exposition text (pure; for tests and other readers).
    static ScrapeResult fromExposition(
        QByteArrayView text, const QDateTime &receivedAt, const QString &endpoint);

private:
    std::shared_ptr<HttpEndpoint> m_endpoint;
    std::chrono::milliseconds m_timeout { 10000 };
};
