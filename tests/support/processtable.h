#pragma once

// This machine's processes as /proc lists them, for tests that check what kassert and
// its children leave behind and for benches that time a process. Zombies count as gone: they have exited, and only wait
// for their parent to reap them.
#include <QByteArray>
#include <QList>

#include <functional>

namespace ProcessTable {

// Running processes (not zombies) for which `matches(pid)` holds.
QList<qint64> live(const std::function<bool(qint64 pid)> &matches);
// The command line with its NUL separators as spaces; empty when the process is gone.
QByteArray commandLine(qint64 pid);
// The environment's NAME=value entries; empty when the process is gone or not ours.
QList<QByteArray> environment(qint64 pid);
bool isZombie(qint64 pid);
// User + system time the process has used so far, all its threads; -1 when unknown.
double cpuSeconds(qint64 pid);
// "pid: command line" for each, for failure messages.
QByteArray describe(const QList<qint64> &pids);

} // namespace ProcessTable
