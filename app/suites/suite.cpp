#include "suite.h"

#include <cstdlib>

using namespace Qt::StringLiterals;

namespace {

constexpr int flakinessWindow = 20;

bool usable(const MetricsReading &reading)
{
    return reading.error.isEmpty() && reading.last && !reading.last->isEmpty();
}

} // namespace

MetricsReading Run::effectiveMetrics() const
{
    const bool prometheusUsable = usable(prometheus);
    const bool directUsable = usable(direct);
    if (prometheusUsable && directUsable) {
        // Within one pod test_suites_run_total only grows. Prometheus stamps a sample
        // with its scrape's start, so a direct scrape a moment earlier can already hold a
        // later pass: when the two are close in time the larger counter is the newer
        // reading, otherwise a state would flip back to the previous pass.
        const std::optional<double> &directTotal = direct.last->testSuitesRunTotal;
        const std::optional<double> &prometheusTotal = prometheus.last->testSuitesRunTotal;
        const qint64 apart = std::abs(direct.last->sampledAt.msecsTo(prometheus.last->sampledAt));
        if (directTotal && prometheusTotal && *directTotal != *prometheusTotal && apart < 5000)
            return *directTotal > *prometheusTotal ? direct : prometheus;
        return direct.last->sampledAt >= prometheus.last->sampledAt ? direct : prometheus;
    }
    if (directUsable)
        return direct;
    if (prometheusUsable)
        return prometheus;
    // Neither works: say why, preferring the error of the source that was tried.
    if (!direct.error.isEmpty())
        return direct;
    if (!prometheus.error.isEmpty())
        return prometheus;
    return direct.last ? direct : prometheus;
}

int Run::flakiness() const
{
    int switches = 0;
    RunState previous = RunState::Unknown;
    const qsizetype first = std::max<qsizetype>(0, iterations.size() - flakinessWindow);
    for (qsizetype i = first; i < iterations.size(); ++i) {
        const RunState result = iterations.at(i).result;
        if (result != RunState::Passed && result != RunState::Failed)
            continue;
        if (previous != RunState::Unknown && previous != result)
            ++switches;
        previous = result;
    }
    return switches;
}

const Run *Suite::currentRun() const
{
    for (const Run &run : runs) {
        if (!run.ended)
            return &run;
    }
    return runs.isEmpty() ? nullptr : &runs.constFirst();
}

Run *Suite::currentRun()
{
    return const_cast<Run *>(std::as_const(*this).currentRun());
}

bool Suite::hasLiveRun() const
{
    return std::any_of(runs.begin(), runs.end(), [](const Run &run) { return !run.ended; });
}

bool Suite::isFiring() const
{
    return std::any_of(alerts.begin(), alerts.end(), [](const SuiteAlert &a) { return a.state == "active"_L1; });
}
