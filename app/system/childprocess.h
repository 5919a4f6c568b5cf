#pragma once

class QProcess;

// What kassert asks of every process it starts, before it is started.
enum class ProcessGroup { Inherit, Own };

// The kernel sends `deathSignal` to the child when kassert dies without cleaning up
// (SIGKILL, a crash), so no child outlives it; it reaches the child itself, not the
// child's own children. With ProcessGroup::Own the child leads a process group of its
// own, which kassert can signal whole (the child and whatever it started) while it runs.
// Linux sends the death signal; elsewhere only the process group is set.
void tieChildToKassert(QProcess *process, int deathSignal, ProcessGroup group);
