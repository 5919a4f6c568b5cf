#include "runstate.h"

QString runStateName(RunState state)
{
    switch (state) {
    case RunState::Unknown:
        return QStringLiteral("Unknown");
    case RunState::Pending:
        return QStringLiteral("Pending");
    case RunState::Running:
        return QStringLiteral("Running");
    case RunState::Passed:
        return QStringLiteral("Passed");
    case RunState::NoTests:
        return QStringLiteral("NoTests");
    case RunState::Failed:
        return QStringLiteral("Failed");
    case RunState::Error:
        return QStringLiteral("Error");
    case RunState::Stale:
        return QStringLiteral("Stale");
    }
    return QStringLiteral("Unknown");
}

int runStateSeverity(RunState state)
{
    switch (state) {
    case RunState::Failed:
        return 7;
    case RunState::Error:
        return 6;
    case RunState::Unknown:
        return 5;
    case RunState::Stale:
        return 4;
    case RunState::NoTests:
        return 3;
    case RunState::Pending:
        return 2;
    case RunState::Running:
        return 1;
    case RunState::Passed:
        return 0;
    }
    return 5;
}
