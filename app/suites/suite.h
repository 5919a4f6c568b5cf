#pragma once

#include "assertmetrics.h"
#include "kube/podinfo.h"
#include "runverdict.h"
#include "suiteidentity.h"

#include <QList>
#include <QMap>

// The plain data a SuiteTracker keeps: suites, their runs, their runs' iterations.

// One Jest pass inside a run, seen as test_suites_run_total moving.
struct Iteration
{
    int number = 0; // 1 for the first pass this app saw in the run
    QDateTime at;   // sample time of the metrics that showed it
    RunState result = RunState::Unknown; // Passed, Failed or NoTests
    int failing = 0;
    int tests = 0;

    friend bool operator==(const Iteration &, const Iteration &) = default;
};

// An alert from Alertmanager that concerns a suite.
struct SuiteAlert
{
    QString name;  // alertname
    QString state; // active | suppressed | unprocessed
    QMap<QString, QString> labels;
    QDateTime startsAt;
    QMap<QString, QString> annotations; // summary, description, ...
    QStringList silencedBy;             // silence ids

    friend bool operator==(const SuiteAlert &, const SuiteAlert &) = default;
};

// One pod of a suite (or, for a suite known only from Prometheus, one series).
struct Run
{
    PodInfo pod;
    bool hasPod = true;  // false for a Prometheus series no visible pod explains
    bool ended = false;  // the pod is gone; kept for the suite's history
    MetricsReading prometheus;
    MetricsReading direct; // through the pod proxy
    RunVerdict verdict;
    QList<Iteration> iterations; // oldest first, bounded
    std::optional<double> lastSuitesRunTotal;

    QString podName() const { return pod.name; }
    // The freshest successful reading of either source; the error when none works.
    MetricsReading effectiveMetrics() const;
    // Pass<->fail switches over the last 20 iterations.
    int flakiness() const;
};

struct Suite
{
    SuiteKey key;
    QList<Run> runs; // newest first; the first live one is the current run
    QList<SuiteAlert> alerts;
    RunVerdict verdict; // the current run's

    const Run *currentRun() const;
    Run *currentRun();
    bool hasLiveRun() const;
    bool isFiring() const;
};
