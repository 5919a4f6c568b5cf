#pragma once

#include "connectionstatus.h"
#include "suite.h"

#include <QJsonObject>
#include <QList>
#include <QString>

class SuiteTracker;

// What `kassert status` prints: every suite with its current run, then the endpoints
// used and their health. Built from the same tracker the window shows.
struct FailureRef
{
    QString title; // "describe › test"
    QString file;
    int line = 0;
};

struct SuiteReport
{
    SuiteKey key;
    RunVerdict verdict;
    int failing = -1; // -1: not known
    int tests = -1;
    QString pod;
    QString runId;
    QDateTime startedAt;
    int iterations = 0;
    QList<SuiteAlert> alerts;
    QList<FailureRef> failures;
};

struct StatusReport
{
    QString context;
    ConnectionStatus cluster;
    ConnectionStatus prometheus;
    ConnectionStatus alertmanager;
    QList<SuiteReport> suites; // sorted by namespace, then name
};

StatusReport buildStatusReport(const SuiteTracker &tracker);

// 1 when any suite is Failed or Error; else 2 when the cluster is unreachable or any
// suite is Unknown or Stale; else 0. Pending, Running and NoTests do not fail it.
int statusExitCode(const StatusReport &report);

QJsonObject statusToJson(const StatusReport &report);
QString statusToText(const StatusReport &report, const QDateTime &now);
