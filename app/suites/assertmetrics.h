#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

// The metrics one Kubernetes Assert runtime exports, as last observed for one pod,
// whichever way they were read (Prometheus or a direct scrape through the pod proxy).
struct AssertMetrics
{
    std::optional<double> assertionsFailed;      // gauge (a counter on old runtimes)
    std::optional<double> testsRun;              // gauge: tests in the last Jest pass
    std::optional<double> testSuitesRun;         // gauge: spec files in the last pass
    std::optional<double> assertionsFailedTotal; // counter
    std::optional<double> testsRunTotal;         // counter
    std::optional<double> testSuitesRunTotal;    // counter: moves once per iteration
    std::optional<double> assertFilesSeen;
    QDateTime sampledAt; // when the values were true (sample time), not when we asked

    bool isEmpty() const { return !assertionsFailed && !testsRun && !testSuitesRun && !testSuitesRunTotal; }
};
