#include "runverdict.h"

#include "kube/podinfo.h"

#include <QCoreApplication>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("RunVerdict", text);
}

// Waiting reasons that never clear by themselves: the run is broken, not on its way.
bool isPermanentWaitReason(const QString &reason)
{
    return reason == "InvalidImageName"_L1 || reason == "ErrImageNeverPull"_L1
        || reason == "CreateContainerConfigError"_L1 || reason == "CreateContainerError"_L1
        || reason == "RunContainerError"_L1;
}

QString withMessage(const QString &reason, const QString &message)
{
    return message.isEmpty() ? reason : reason + u": "_s + message;
}

QString count(double value)
{
    return QString::number(value, 'f', 0);
}

const ContainerInfo *assertContainer(const PodInfo &pod)
{
    const QString name = pod.assertContainer();
    for (const ContainerInfo &container : pod.containers) {
        if (container.name == name)
            return &container;
    }
    return nullptr;
}

// The pod's own verdict when it keeps the tests from running at all; nullopt when the
// runtime is up and the metrics decide.
std::optional<RunVerdict> podVerdict(const PodInfo &pod)
{
    const ContainerInfo *container = assertContainer(pod);
    if (pod.phase == "Failed"_L1 || pod.phase == "Succeeded"_L1) {
        QString reason = tr("pod %1").arg(pod.phase.toLower());
        if (container && container->state.kind == ContainerState::Kind::Terminated)
            reason += tr(", container exited with code %1").arg(container->state.exitCode);
        return RunVerdict{RunState::Error, reason};
    }
    if (container && container->state.kind == ContainerState::Kind::Waiting) {
        const QString &wait = container->state.reason;
        if (wait == "CrashLoopBackOff"_L1) {
            QString reason = tr("CrashLoopBackOff, %1 restarts").arg(container->restartCount);
            if (container->lastState.kind == ContainerState::Kind::Terminated)
                reason += tr(", last exit %1").arg(container->lastState.exitCode);
            return RunVerdict{RunState::Error, reason};
        }
        if (isPermanentWaitReason(wait))
            return RunVerdict{RunState::Error, withMessage(wait, container->state.message)};
        return RunVerdict{RunState::Pending,
                          withMessage(wait.isEmpty() ? tr("waiting") : wait, container->state.message)};
    }
    if (container && container->state.kind == ContainerState::Kind::Terminated)
        return RunVerdict{RunState::Error, tr("container %1 exited with code %2")
                                               .arg(container->name)
                                               .arg(container->state.exitCode)};
    if (pod.phase == "Pending"_L1 || !container || container->state.kind != ContainerState::Kind::Running)
        return RunVerdict{RunState::Pending, pod.phase == "Pending"_L1 ? tr("pod not running yet")
                                                                        : tr("container not started yet")};
    return std::nullopt;
}

RunVerdict metricsVerdict(const AssertMetrics &m)
{
    const auto notNumber = [](const std::optional<double> &v) { return v && !std::isfinite(*v); };
    if (notNumber(m.assertionsFailed) || notNumber(m.testsRun))
        return {RunState::Unknown, tr("the runtime reports a value that is not a number")};
    if (!m.assertionsFailed)
        return {RunState::Unknown, tr("assertions_failed is not exported")};

    const double failed = *m.assertionsFailed;
    const std::optional<double> tests = m.testsRun;
    if (failed > 0) {
        if (tests && *tests > 0)
            return {RunState::Failed, tr("%1 failing of %2").arg(count(failed), count(*tests))};
        return {RunState::Failed, tr("%1 failing").arg(count(failed))};
    }
    const bool iterated = (m.testSuitesRunTotal && *m.testSuitesRunTotal > 0)
        || (!m.testSuitesRunTotal && m.testSuitesRun && *m.testSuitesRun > 0) || (tests && *tests > 0);
    if (!iterated)
        return {RunState::Running, tr("waiting for the first test run")};
    if (!tests)
        return {RunState::Unknown, tr("tests_run is not exported")};
    if (*tests <= 0)
        return {RunState::NoTests, tr("no tests ran")};
    return {RunState::Passed, tr("%1 passed").arg(count(*tests))};
}

} // namespace

QString formatAge(qint64 seconds)
{
    if (seconds < 0)
        seconds = 0;
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return tr("%1 min").arg(seconds / 60);
    if (seconds < 86400)
        return tr("%1 h").arg(seconds / 3600);
    return tr("%1 d").arg(seconds / 86400);
}

RunVerdict decideRunState(const PodInfo &pod, const MetricsReading &metrics, const QDateTime &now,
                          std::chrono::seconds staleAfter)
{
    if (const std::optional<RunVerdict> verdict = podVerdict(pod))
        return *verdict;
    return decideMetricsState(metrics, now, staleAfter);
}

RunVerdict decideMetricsState(const MetricsReading &metrics, const QDateTime &now, std::chrono::seconds staleAfter)
{
    if (!metrics.error.isEmpty())
        return {RunState::Unknown, tr("metrics unreachable: %1").arg(metrics.error)};
    if (!metrics.last || metrics.last->isEmpty())
        return {RunState::Running, tr("waiting for the first metrics")};

    if (!metrics.last->sampledAt.isValid())
        return {RunState::Unknown, tr("metrics carry no sample time")};
    const qint64 age = metrics.last->sampledAt.secsTo(now);
    if (age > staleAfter.count())
        return {RunState::Stale, tr("last sample %1 ago").arg(formatAge(age))};
    return metricsVerdict(*metrics.last);
}
