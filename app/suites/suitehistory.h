#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

struct Run;

// A suite's results over time, for the history chart: from a Prometheus range query, or,
// without Prometheus, from the iterations this app saw.
struct HistoryPoint
{
    QDateTime time;
    double value = 0;
};

struct SuiteHistory
{
    QList<HistoryPoint> failing; // assertions_failed
    QList<HistoryPoint> tests;   // tests_run
    QList<QDateTime> iterations; // when a Jest pass finished
    QString source;              // "Prometheus" or "this session's iterations"
    QString error;               // why the history could not be read

    bool isEmpty() const { return failing.isEmpty() && tests.isEmpty(); }
};

SuiteHistory historyFromIterations(const Run &run);
