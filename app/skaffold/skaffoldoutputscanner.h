#pragma once

#include <QString>

#include <optional>

// Reads skaffold's console output for its phase, for when the event API is unavailable
// (an older skaffold, the port taken). Only skaffold's own fixed messages count; an
// application log line ("[pod container] ...") never changes the phase.

struct SkaffoldPhase
{
    QString task; // Build, Deploy, StatusCheck, DevLoop, Cleanup (as the event API names them)
    QString status; // InProgress, Completed, Failed
    friend bool operator==(const SkaffoldPhase &, const SkaffoldPhase &) = default;
};

std::optional<SkaffoldPhase> phaseFromOutputLine(const QString &line);

// "Building", "Deploying", "Watching for changes", ... for a phase.
QString describePhase(const SkaffoldPhase &phase, int iteration);
