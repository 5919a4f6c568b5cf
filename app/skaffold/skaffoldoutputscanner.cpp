#include "skaffold/skaffoldoutputscanner.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SkaffoldPhase", text);
}

struct Marker
{
    QLatin1StringView prefix;
    QLatin1StringView task;
    QLatin1StringView status;
};

// skaffold v2's messages at phase boundaries (pkg/skaffold/runner, build, deploy, status).
constexpr Marker Markers[] = {
    { "Generating tags..."_L1, "Build"_L1, "InProgress"_L1 },
    { "Checking cache..."_L1, "Build"_L1, "InProgress"_L1 },
    { "Starting build..."_L1, "Build"_L1, "InProgress"_L1 },
    { "Tags used in deployment:"_L1, "Build"_L1, "Completed"_L1 },
    { "Starting deploy..."_L1, "Deploy"_L1, "InProgress"_L1 },
    { "Waiting for deployments to stabilize..."_L1, "StatusCheck"_L1, "InProgress"_L1 },
    { "Deployments stabilized in"_L1, "StatusCheck"_L1, "Completed"_L1 },
    { "Press Ctrl+C to exit"_L1, "DevLoop"_L1, "Completed"_L1 },
    { "Watching for changes..."_L1, "DevLoop"_L1, "Completed"_L1 },
    { "Cleaning up..."_L1, "Cleanup"_L1, "InProgress"_L1 },
};

} // namespace

std::optional<SkaffoldPhase> phaseFromOutputLine(const QString &line)
{
    if (line.startsWith(u'['))
        return std::nullopt; // application log
    const QString text = line.trimmed();
    for (const Marker &marker : Markers) {
        if (text.startsWith(marker.prefix))
            return SkaffoldPhase { marker.task, marker.status };
    }
    if (text.startsWith("build ["_L1) && text.contains(" failed"_L1))
        return SkaffoldPhase { u"Build"_s, u"Failed"_s };
    if (text.startsWith("deployments did not stabilize"_L1) || text.contains("failed to deploy"_L1)
        || text.startsWith("kubectl apply:"_L1))
        return SkaffoldPhase { u"Deploy"_s, u"Failed"_s };
    return std::nullopt;
}

QString describePhase(const SkaffoldPhase &phase, int iteration)
{
    const bool failed = phase.status == "Failed"_L1;
    const bool done = phase.status == "Completed"_L1 || phase.status == "Succeeded"_L1;
    QString text;
    if (phase.task == "Build"_L1)
        text = failed ? tr("Build failed") : done ? tr("Built") : tr("Building");
    else if (phase.task == "Deploy"_L1)
        text = failed ? tr("Deploy failed") : done ? tr("Deployed") : tr("Deploying");
    else if (phase.task == "StatusCheck"_L1)
        text = failed ? tr("Deployments did not stabilize")
            : done    ? tr("Deployments stable")
                      : tr("Waiting for deployments");
    else if (phase.task == "DevLoop"_L1)
        text = failed ? tr("Dev loop failed") : done ? tr("Watching for changes") : tr("Dev loop running");
    else if (phase.task == "Test"_L1)
        text = failed ? tr("Tests failed") : done ? tr("Tested") : tr("Testing");
    else if (phase.task == "Render"_L1)
        text = failed ? tr("Render failed") : tr("Rendering");
    else if (phase.task == "PortForward"_L1)
        text = tr("Forwarding ports");
    else if (phase.task == "Cleanup"_L1)
        text = tr("Cleaning up");
    else if (phase.task.isEmpty())
        text = tr("Starting");
    else
        text = phase.task + u' ' + phase.status;
    if (iteration > 0)
        text += tr(" (iteration %1)").arg(iteration);
    return text;
}
