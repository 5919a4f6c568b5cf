#include "historyquery.h"

#include "prometheusclient.h"
#include "promql.h"

#include <QCoreApplication>
#include <QPointer>

using namespace Qt::StringLiterals;

HistoryQuery::HistoryQuery(PrometheusClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

std::chrono::seconds HistoryQuery::stepFor(std::chrono::seconds range)
{
    const qint64 seconds = std::max<qint64>(1, range.count());
    const qint64 forLimit = (seconds + maxPoints - 1) / maxPoints; // stay under the limit
    const qint64 forChart = (seconds + chartPoints - 1) / chartPoints; // a readable chart
    return std::chrono::seconds(std::max<qint64>({ 1, forLimit, forChart }));
}

QString HistoryQuery::queryFor(const QString &nameSpace, const QStringList &podNames)
{
    // Grouping by __name__ keeps the two metrics apart in one query.
    return u"max by (__name__) ({__name__=~\"assertions_failed|tests_run|test_suites_run_total\",namespace="_s
        + PromQL::quoted(nameSpace) + u",pod=~"_s + PromQL::quoted(PromQL::exactAlternation(podNames))
        + u"})"_s;
}

void HistoryQuery::fetch(const QString &nameSpace, const QStringList &podNames, std::chrono::seconds range,
    const QDateTime &end, std::function<void(const SuiteHistory &)> done)
{
    const QDateTime until = end.isValid() ? end : QDateTime::currentDateTimeUtc();
    const std::chrono::seconds step = stepFor(range);
    QPointer<HistoryQuery> self(this);
    auto answer = [self, done](const SuiteHistory &history) {
        if (self)
            done(history);
    };
    if (podNames.isEmpty()) {
        SuiteHistory history;
        history.source = u"Prometheus"_s;
        history.error = QCoreApplication::translate("HistoryQuery", "no runs to look up");
        QMetaObject::invokeMethod(
            this, [answer, history] { answer(history); }, Qt::QueuedConnection);
        return;
    }
    m_client->queryRange(queryFor(nameSpace, podNames), until.addSecs(-range.count()), until, step,
        [answer](const PromQueryResult &result) {
            SuiteHistory history;
            history.source = u"Prometheus"_s;
            if (!result.ok()) {
                history.error = result.error.toString();
                answer(history);
                return;
            }
            for (const PromSeries &series : result.matrix) {
                const QString name = series.labels.value(u"__name__"_s);
                if (name == "test_suites_run_total"_L1) {
                    // The counter moves once per Jest pass; a drop is a new run starting over.
                    for (qsizetype i = 1; i < series.points.size(); ++i) {
                        if (series.points.at(i).second > series.points.at(i - 1).second)
                            history.iterations.append(series.points.at(i).first);
                    }
                    continue;
                }
                QList<HistoryPoint> *target = name == "assertions_failed"_L1 ? &history.failing
                    : name == "tests_run"_L1                                 ? &history.tests
                                                                             : nullptr;
                if (!target)
                    continue;
                for (const auto &[time, value] : series.points)
                    target->append({ time, value });
            }
            answer(history);
        });
}
