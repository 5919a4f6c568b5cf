#pragma once

#include "assertmetrics.h"
#include "runstate.h"

#include <QDateTime>
#include <QString>

#include <chrono>
#include <optional>

struct PodInfo;

// What is known about one pod's metrics right now.
struct MetricsReading
{
    std::optional<AssertMetrics> last; // the last values read successfully
    QString error;                      // why the latest read failed; empty when it worked
};

struct RunVerdict
{
    RunState state = RunState::Unknown;
    QString reason; // one human line: "2 failing of 8", "CrashLoopBackOff, 5 restarts, last exit 1"

    friend bool operator==(const RunVerdict &, const RunVerdict &) = default;
};

// Decides a run's state from its pod and its metrics, as DESIGN.md defines the states.
// Passed only on fresh metrics (no newer failure to read them, sampled within
// staleAfter) that say 0 failed and more than 0 tests.
RunVerdict decideRunState(const PodInfo &pod, const MetricsReading &metrics, const QDateTime &now,
                          std::chrono::seconds staleAfter);

// The same decision for a suite known only from its metrics (a series without a visible pod).
RunVerdict decideMetricsState(const MetricsReading &metrics, const QDateTime &now, std::chrono::seconds staleAfter);

// "12 s", "3 min", "2 h", "4 d": how long ago, for reasons and ages.
QString formatAge(qint64 seconds);
