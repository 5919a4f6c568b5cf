#pragma once

// Builders for PodInfo values in the shapes the API server reports them.
#include "kube/podinfo.h"
#include "suites/assertmetrics.h"

#include <QTimeZone>

namespace TestPods {

inline const QDateTime epoch = QDateTime(QDate(2026, 11, 24), QTime(12, 0), QTimeZone::UTC);

inline PodInfo running(const QString &nameSpace, const QString &deployment, const QString &suffix = "x2k9p",
                       const QString &hash = "7d9f8b6c5d", int ageSeconds = 600)
{
    PodInfo pod;
    pod.nameSpace = nameSpace;
    pod.name = deployment + '-' + hash + '-' + suffix;
    pod.uid = "uid-" + pod.name;
    pod.creationTimestamp = epoch.addSecs(-ageSeconds);
    pod.startTime = pod.creationTimestamp;
    pod.labels = {{"app", deployment}, {"kubernetes-assert", "metrics"}, {"pod-template-hash", hash},
                  {"skaffold.dev/run-id", "run-" + suffix}};
    pod.owners = {{"ReplicaSet", deployment + '-' + hash, "rs-uid", true}};
    pod.phase = "Running";
    pod.ready = true;
    ContainerInfo specs;
    specs.name = "specs";
    specs.ports = {{"assert", 9091}};
    specs.hasStatus = true;
    specs.ready = specs.started = true;
    specs.state.kind = ContainerState::Kind::Running;
    specs.state.startedAt = pod.creationTimestamp.addSecs(5);
    pod.containers = {specs};
    return pod;
}

inline PodInfo waiting(PodInfo pod, const QString &reason, const QString &message = {})
{
    pod.containers[0].state = {};
    pod.containers[0].state.kind = ContainerState::Kind::Waiting;
    pod.containers[0].state.reason = reason;
    pod.containers[0].state.message = message;
    pod.containers[0].ready = pod.containers[0].started = false;
    pod.ready = false;
    return pod;
}

// A metrics reading as a scrape or a Prometheus query reports it.
inline AssertMetrics sample(double failed, double tests, double suitesTotal, const QDateTime &at)
{
    AssertMetrics m;
    m.assertionsFailed = failed;
    m.testsRun = tests;
    m.testSuitesRun = 2;
    m.testSuitesRunTotal = suitesTotal;
    m.sampledAt = at;
    return m;
}

// "namespace/name", as the tests name a run's pod.
inline QString ref(const PodInfo &pod)
{
    return pod.nameSpace + '/' + pod.name;
}

} // namespace TestPods
