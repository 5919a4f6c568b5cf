#pragma once

#include "http/httptypes.h"
#include "suites/assertmetrics.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

class PrometheusClient;

// One Prometheus poll for the SuiteTracker: every Kubernetes Assert series, keyed
// "namespace/pod", with the time each was sampled (so a target that stopped being
// scraped shows as stale, not as its last value forever).
//
// Three instant queries in parallel: the metric values, their sample timestamps
// (instant query results carry the evaluation time, not the sample time), and target
// health from `up` (the PodMonitor's series carry endpoint="assert" and job="metrics").
// Series without a pod label are kept, keyed by their job or instance, so the tracker
// can show them as suites no pod explains.
struct SuiteMetricsSnapshot
{
    QHash<QString, AssertMetrics> seriesByPod; // "namespace/pod" -> metrics
    QHash<QString, bool> targetUp; // same keys, from `up`; absent: unknown
    QStringList warnings; // Prometheus' warnings; a failed `up` query
    HttpError error; // the values could not be read

    bool ok() const { return !error.isError(); }
};

class SuiteMetricsQuery : public QObject
{
    Q_OBJECT

public:
    // The names the Kubernetes Assert runtime exports.
    static const QStringList &metricNames();
    // The key for a series' labels: "namespace/pod", or "namespace/<job|instance>" for a
    // series without a pod label ("(no namespace)" when that label is missing too).
    static QString seriesKey(const QMap<QString, QString> &labels);

    explicit SuiteMetricsQuery(PrometheusClient *client, QObject *parent = nullptr);

    // Only this namespace (empty: all).
    void setNamespace(const QString &nameSpace) { m_namespace = nameSpace; }

    // The PromQL the snapshot sends (exposed for tests and diagnostics).
    QString valuesQuery() const;
    QString timestampsQuery() const;
    QString healthQuery() const;

    // Runs the queries; `done` once, on this object's thread, unless it was destroyed.
    void fetch(std::function<void(const SuiteMetricsSnapshot &)> done);

private:
    PrometheusClient *m_client;
    QString m_namespace;
};
