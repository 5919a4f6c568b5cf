#pragma once

#include "suite.h"

#include <QHash>
#include <QObject>

#include <chrono>
#include <functional>

// Joins pods (from the reflector), metrics (Prometheus snapshots and direct scrapes) and
// alerts into suites and runs, and decides every run's state. It does no I/O: the
// parts that poll feed it, the models and the notifier listen to it. GUI thread only.
//
// Signals say exactly what changed, so a model can update one row; suiteTurned fires
// once when a suite that was passing starts failing, and once when it recovers
// (Unknown or Stale in between do not count as a turn).
class SuiteTracker : public QObject
{
    Q_OBJECT

public:
    using Clock = std::function<QDateTime()>;

    explicit SuiteTracker(QObject *parent = nullptr);

    void setClock(Clock clock);
    void setStaleAfter(std::chrono::seconds staleAfter);
    // Only series of this namespace become suites without pods; empty = all namespaces.
    void setNamespaceFilter(const QString &nameSpace);

    // Pods: a full list replaces what is known (after a list or relist); events update.
    void replacePods(const QList<PodInfo> &pods);
    // Forgets everything (another context or namespace): every suite is removed, and no
    // turn is reported for what was known before.
    void clear();
    void upsertPod(const PodInfo &pod);
    void removePod(const QString &nameSpace, const QString &name);

    // One Prometheus poll: the metrics of every series it has, keyed "namespace/pod".
    void applyPrometheusSnapshot(const QHash<QString, AssertMetrics> &seriesByPod);
    // Prometheus could not be read: no run may keep a state that came from it.
    void applyPrometheusError(const QString &error);
    // A direct scrape of one pod through the pod proxy.
    void applyDirectMetrics(const QString &nameSpace, const QString &pod, const AssertMetrics &metrics);
    void applyDirectError(const QString &nameSpace, const QString &pod, const QString &error);

    void applyAlerts(const QList<SuiteAlert> &alerts);

    // Time passed: re-decide states that depend on sample age.
    void reevaluate();

    QList<SuiteKey> keys() const;
    const Suite *suite(const SuiteKey &key) const;
    // The suite a pod belongs to, when the pod is known.
    std::optional<SuiteKey> suiteOfPod(const QString &nameSpace, const QString &pod) const;

signals:
    void suiteAdded(const SuiteKey &key);
    void suiteChanged(const SuiteKey &key);
    void suiteRemoved(const SuiteKey &key);
    void suiteTurned(const SuiteKey &key, RunState from, RunState to, const QString &reason);

private:
    Run *findRun(const QString &podRef, SuiteKey *keyOut = nullptr);
    Suite &suiteFor(const SuiteKey &key, bool *created);
    void insertPod(const PodInfo &pod, QSet<SuiteKey> *touched);
    void endRun(const QString &podRef, QSet<SuiteKey> *touched);
    void recordIteration(Run &run, const AssertMetrics &metrics);
    void refresh(const QSet<SuiteKey> &touched, const QSet<SuiteKey> &created = {});
    void decide(Suite &suite);
    void trimEndedRuns(Suite &suite);
    void updateOrphanSeries(const QHash<QString, AssertMetrics> &seriesByPod, QSet<SuiteKey> *touched,
                            QSet<SuiteKey> *created);

    QHash<SuiteKey, Suite> m_suites;
    QHash<QString, SuiteKey> m_suiteOfPod; // "namespace/pod" -> suite, live pods and orphan series
    QHash<SuiteKey, RunState> m_lastDecisive;
    Clock m_clock;
    std::chrono::seconds m_staleAfter{120};
    QString m_namespaceFilter;
    bool m_podsSynced = false;
};
