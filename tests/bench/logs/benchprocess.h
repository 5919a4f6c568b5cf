#pragma once

// Helpers shared by the log benchmarks: running a child process with its own peak RSS
// (wait4's rusage of that child only), medians, and the BENCH output lines.
// Bench code only: it blocks while a child runs.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdio>

struct ChildRun
{
    bool ok = false; // started and exited with status 0
    int exitCode = -1;
    double wallSeconds = 0; // fork to exit
    double peakRssMiB = 0; // ru_maxrss of that child alone
    double cpuSeconds = 0; // its user + system time, all its threads
    QByteArray output; // its stdout, unless sent elsewhere
    QString error;
};

// Runs program with args; stdout goes to stdoutPath (e.g. /dev/null) or is captured
// when that is empty. stderr is captured into output's error text on failure.
ChildRun runChild(const QString &program, const QStringList &args, const QString &stdoutPath = {});

double median(QList<double> values);

inline void printBench(const char *key, double value, const char *unit)
{
    std::printf("BENCH %s %.3f %s\n", key, value, unit);
    std::fflush(stdout);
}

// "/proc/loadavg" first field, for the record next to every figure.
QString loadAverage();
