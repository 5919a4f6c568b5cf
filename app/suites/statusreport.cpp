#include "statusreport.h"

#include "suitetracker.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

bool isOk(const ConnectionStatus &status)
{
    return status.health == ConnectionStatus::Health::Ok || status.health == ConnectionStatus::Health::Degraded;
}

QJsonValue countOrNull(int value)
{
    return value < 0 ? QJsonValue() : QJsonValue(value);
}

QJsonObject endpointJson(const ConnectionStatus &status, const QString &urlKey)
{
    QJsonObject object;
    object.insert(urlKey, status.endpoint);
    object.insert(u"ok"_s, isOk(status));
    object.insert(u"error"_s, status.error.isEmpty() ? QJsonValue() : QJsonValue(status.error));
    return object;
}

QString endpointLine(const QString &name, const ConnectionStatus &status)
{
    QString line = name.leftJustified(14);
    if (status.health == ConnectionStatus::Health::Off)
        return line + u"not used"_s + (status.summary.isEmpty() ? QString() : u" ("_s + status.summary + u')');
    line += status.endpoint.isEmpty() ? u"(not found)"_s : status.endpoint;
    line += isOk(status) ? u"  ok"_s : u"  unreachable"_s;
    if (!status.error.isEmpty())
        line += u": "_s + status.error;
    return line;
}

} // namespace

StatusReport buildStatusReport(const SuiteTracker &tracker)
{
    StatusReport report;
    QList<SuiteKey> keys = tracker.keys();
    std::sort(keys.begin(), keys.end());
    for (const SuiteKey &key : keys) {
        const Suite *suite = tracker.suite(key);
        if (!suite)
            continue;
        SuiteReport entry;
        entry.key = key;
        entry.verdict = suite->verdict;
        entry.alerts = suite->alerts;
        if (const Run *run = suite->currentRun()) {
            entry.pod = run->hasPod ? run->pod.name : QString();
            entry.runId = run->pod.runId();
            entry.startedAt = run->pod.startTime.isValid() ? run->pod.startTime : run->pod.creationTimestamp;
            entry.iterations = int(run->iterations.size());
            const MetricsReading metrics = run->effectiveMetrics();
            if (metrics.last) {
                const auto count = [](const std::optional<double> &v) {
                    return v && std::isfinite(*v) && *v >= 0 ? int(*v) : -1;
                };
                entry.failing = count(metrics.last->assertionsFailed);
                entry.tests = count(metrics.last->testsRun);
            }
        }
        report.suites.append(entry);
    }
    return report;
}

int statusExitCode(const StatusReport &report)
{
    bool unsure = !isOk(report.cluster);
    for (const SuiteReport &suite : report.suites) {
        switch (suite.verdict.state) {
        case RunState::Failed:
        case RunState::Error:
            return 1;
        case RunState::Unknown:
        case RunState::Stale:
            unsure = true;
            break;
        default:
            break;
        }
    }
    return unsure ? 2 : 0;
}

QJsonObject statusToJson(const StatusReport &report)
{
    QJsonArray suites;
    for (const SuiteReport &suite : report.suites) {
        QJsonArray alerts;
        for (const SuiteAlert &alert : suite.alerts)
            alerts.append(QJsonObject{{u"name"_s, alert.name}, {u"state"_s, alert.state}});
        QJsonArray failures;
        for (const FailureRef &failure : suite.failures)
            failures.append(QJsonObject{{u"title"_s, failure.title}, {u"file"_s, failure.file}, {u"line"_s, failure.line}});
        QJsonObject run{
            {u"pod"_s, suite.pod},
            {u"runId"_s, suite.runId},
            {u"startedAt"_s, suite.startedAt.isValid() ? QJsonValue(suite.startedAt.toUTC().toString(Qt::ISODate))
                                                        : QJsonValue()},
            {u"iterations"_s, suite.iterations},
        };
        suites.append(QJsonObject{
            {u"namespace"_s, suite.key.nameSpace},
            {u"name"_s, suite.key.name},
            {u"state"_s, runStateName(suite.verdict.state)},
            {u"reason"_s, suite.verdict.reason},
            {u"failing"_s, countOrNull(suite.failing)},
            {u"tests"_s, countOrNull(suite.tests)},
            {u"run"_s, run},
            {u"alerts"_s, alerts},
            {u"failures"_s, failures},
        });
    }
    return QJsonObject{
        {u"context"_s, report.context},
        {u"cluster"_s, endpointJson(report.cluster, u"server"_s)},
        {u"prometheus"_s, endpointJson(report.prometheus, u"url"_s)},
        {u"alertmanager"_s, endpointJson(report.alertmanager, u"url"_s)},
        {u"suites"_s, suites},
    };
}

QString statusToText(const StatusReport &report, const QDateTime &now)
{
    const QStringList header{u"NAMESPACE"_s, u"SUITE"_s, u"STATE"_s, u"FAILING/TESTS"_s, u"POD"_s,
                             u"RUN ID"_s,    u"AGE"_s,   u"ALERTS"_s, u"REASON"_s};
    QList<QStringList> rows{header};
    for (const SuiteReport &suite : report.suites) {
        QStringList firing;
        for (const SuiteAlert &alert : suite.alerts)
            firing << (alert.state == "active"_L1 ? alert.name : alert.name + u" (silenced)"_s);
        rows.append({
            suite.key.nameSpace,
            suite.key.name,
            runStateName(suite.verdict.state),
            suite.tests < 0 && suite.failing < 0 ? u"-"_s
                                                 : u"%1/%2"_s.arg(qMax(suite.failing, 0)).arg(suite.tests < 0 ? u"?"_s : QString::number(suite.tests)),
            suite.pod.isEmpty() ? u"-"_s : suite.pod,
            suite.runId.isEmpty() ? u"-"_s : suite.runId.left(8),
            suite.startedAt.isValid() ? formatAge(suite.startedAt.secsTo(now)).remove(u' ') : u"-"_s,
            firing.isEmpty() ? u"-"_s : firing.join(u','),
            suite.verdict.reason,
        });
    }
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList &row : rows) {
        for (qsizetype c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], row.at(c).size());
    }
    QString text;
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype c = 0; c < row.size(); ++c)
            line += c + 1 == row.size() ? row.at(c) : row.at(c).leftJustified(widths[c] + 3);
        text += line.trimmed() + u'\n';
    }
    if (report.suites.isEmpty())
        text = u"No Kubernetes Assert suites found (pods labelled kubernetes-assert=metrics).\n"_s;
    for (const SuiteReport &suite : report.suites) {
        if (suite.failures.isEmpty())
            continue;
        text += u'\n' + suite.key.toString() + u":\n"_s;
        for (const FailureRef &failure : suite.failures) {
            text += u"  \u25cf "_s + failure.title;
            if (!failure.file.isEmpty())
                text += u"  ("_s + failure.file + (failure.line > 0 ? u':' + QString::number(failure.line) : QString()) + u')';
            text += u'\n';
        }
    }
    text += u'\n';
    text += endpointLine(u"Cluster:"_s, report.cluster) + u'\n';
    text += endpointLine(u"Prometheus:"_s, report.prometheus) + u'\n';
    text += endpointLine(u"Alertmanager:"_s, report.alertmanager) + u'\n';
    return text;
}
