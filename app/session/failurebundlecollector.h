#pragma once

#include "failurebundlecontent.h"
#include "http/httpendpoint.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class KubeClient;
struct PromQueryResult;

// Fetches everything a failure bundle says about one run, all requests in parallel:
// every container's log (and the previous container's log when it restarted), the pod
// (redacted), the pod's events, a direct scrape of its /metrics through the pod proxy,
// and Prometheus' instant values of the run's series when Prometheus can be reached.
// A part that fails (events forbidden, metrics unreachable, no Prometheus) is recorded
// with its error; it never stops the others.
//
// GUI thread, asynchronous; cancel() drops every answer still due and `done` is then
// never called. Bodies are bounded (logs by limitBytes, the rest by size checks).
class FailureBundleCollector : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 MaxLogBytes = 32 * 1024 * 1024;
    static constexpr qint64 MaxMetricsBytes = 4 * 1024 * 1024;
    static constexpr qint64 MaxEventsBytes = 16 * 1024 * 1024;
    static constexpr int MaxEvents = 1000;

    explicit FailureBundleCollector(KubeClient *client, QObject *parent = nullptr);
    ~FailureBundleCollector() override;

    // Where Prometheus is: an explicit endpoint (a URL the user configured), else it is
    // looked for through the API server like the session does; `discover` false and no
    // endpoint: the part says Prometheus is not configured.
    void setPrometheus(std::shared_ptr<HttpEndpoint> endpoint, bool discover = true);

    // Starts collecting; `done` once, later, unless cancel() came first. One collection
    // at a time per collector.
    // Each log keeps at most this many bytes (its start; the summary says it was cut).
    void setMaxLogBytes(qint64 bytes) { m_maxLogBytes = qBound<qint64>(1, bytes, MaxLogBytes); }

    void collect(
        const SuiteKey &suite, const Run &run, std::function<void(const FailureBundleContent &)> done);
    void cancel();
    bool isRunning() const { return m_job != nullptr; }

    // The PromQL for a run's series (exposed for tests).
    static QString prometheusQuery(const QString &nameSpace, const QString &pod);
    // Prometheus samples as the bundle writes them (pure, for tests).
    static QByteArray prometheusJson(
        const QString &endpoint, const QString &query, const PromQueryResult &result);

signals:
    // One part answered (or failed): for a progress display.
    void partFinished(const QString &name, int finished, int total);

private:
    struct Job;
    void startLogs(int index, const QString &container, bool previous);
    void startPod(int index);
    void startEvents(int index);
    void startMetrics(int index);
    void startPrometheus(int index);
    void queryPrometheus(int index, std::shared_ptr<HttpEndpoint> endpoint);
    void finishPart(int index);
    void complete();
    int addPart(const QString &name, const QString &file);
    bool isCurrent(quint64 id) const;

    QPointer<KubeClient> m_client;
    std::shared_ptr<HttpEndpoint> m_prometheus;
    bool m_discoverPrometheus = true;
    qint64 m_maxLogBytes = MaxLogBytes;
    std::unique_ptr<Job> m_job;
    quint64 m_lastJobId = 0;
    // Parent of every request's context: deleting it drops the answers still due.
    QObject *m_scope = nullptr;
};
