#pragma once

#include <QHashFunctions>
#include <QString>

struct PodInfo;

// Which suite a pod belongs to: namespace + owning workload (see DESIGN.md, "Suite").
struct SuiteKey
{
    QString nameSpace;
    QString name;

    QString toString() const { return nameSpace + QLatin1Char('/') + name; }
    friend bool operator==(const SuiteKey &, const SuiteKey &) = default;
    friend auto operator<=>(const SuiteKey &, const SuiteKey &) = default;
};

inline size_t qHash(const SuiteKey &key, size_t seed = 0)
{
    return qHashMulti(seed, key.nameSpace, key.name);
}

// The suite of a pod: its Deployment (through the ReplicaSet owner, the ReplicaSet name
// minus its pod-template hash), another controller's name, else the `app` label, else the
// pod name.
SuiteKey suiteKeyForPod(const PodInfo &pod);

// The suite of a Prometheus series whose pod we cannot see: the pod name minus the
// ReplicaSet hash and pod suffix a Deployment's pods carry, when it has them.
SuiteKey suiteKeyForOrphanSeries(const QString &nameSpace, const QString &podName);
