#pragma once

#include <QString>

// The state of a run (and of a suite: the state of its current run). See DESIGN.md.
// Only a fresh Passed may ever be shown as green.
enum class RunState {
    Unknown, // no metrics reachable
    Pending, // pod not running yet
    Running, // started, no result yet
    Passed,  // assertions_failed == 0 and tests_run > 0, fresh
    NoTests, // tests_run == 0
    Failed,  // assertions_failed > 0
    Error,   // CrashLoopBackOff, ImagePullBackOff, failed container
    Stale,   // last sample too old to trust
};

// The state's name as the CLI and JSON print it ("Passed", "NoTests", ...).
QString runStateName(RunState state);

// How urgently a state asks for attention; failing suites sort first.
int runStateSeverity(RunState state);
