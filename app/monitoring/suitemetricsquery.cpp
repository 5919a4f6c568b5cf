#include "suitemetricsquery.h"

#include "prometheusclient.h"
#include "promql.h"

#include <QPointer>

#include <cmath>

#include <optional>

using namespace Qt::StringLiterals;

namespace {

struct PendingSnapshot
{
    std::optional<PromQueryResult> values;
    std::optional<PromQueryResult> timestamps;
    std::optional<PromQueryResult> health;

    bool complete() const { return values && timestamps && health; }
};

void addValue(AssertMetrics &metrics, const QString &name, double value)
{
    std::optional<double> *field = nullptr;
    if (name == "assertions_failed"_L1)
        field = &metrics.assertionsFailed;
    else if (name == "tests_run"_L1)
        field = &metrics.testsRun;
    else if (name == "test_suites_run"_L1)
        field = &metrics.testSuitesRun;
    else if (name == "assertions_failed_total"_L1)
        field = &metrics.assertionsFailedTotal;
    else if (name == "tests_run_total"_L1)
        field = &metrics.testsRunTotal;
    else if (name == "test_suites_run_total"_L1)
        field = &metrics.testSuitesRunTotal;
    else if (name == "assert_files_seen"_L1)
        field = &metrics.assertFilesSeen;
    if (!field)
        return;
    // Two series for one pod (two containers, a relabelling slip): add them up, as
    // `sum by (namespace, pod)` would.
    *field = field->value_or(0) + value;
}

SuiteMetricsSnapshot combine(const PendingSnapshot &pending)
{
    SuiteMetricsSnapshot snapshot;
    const PromQueryResult &values = *pending.values;
    snapshot.warnings = values.warnings;
    if (!values.ok()) {
        snapshot.error = values.error;
        return snapshot;
    }
    QHash<QString, QDateTime> evaluatedAt;
    for (const PromSample &sample : values.vector) {
        const QString key = SuiteMetricsQuery::seriesKey(sample.labels);
        addValue(snapshot.seriesByPod[key], sample.labels.value(u"__name__"_s), sample.value);
        evaluatedAt.insert(key, sample.time);
    }

    const PromQueryResult &timestamps = *pending.timestamps;
    if (timestamps.ok()) {
        for (const PromSample &sample : timestamps.vector) {
            const auto it = snapshot.seriesByPod.find(SuiteMetricsQuery::seriesKey(sample.labels));
            if (it == snapshot.seriesByPod.end() || !std::isfinite(sample.value))
                continue;
            const QDateTime sampled = fromPromTime(sample.value);
            if (!it->sampledAt.isValid() || sampled > it->sampledAt)
                it->sampledAt = sampled;
        }
    } else {
        snapshot.warnings.append(u"sample times unavailable: "_s + timestamps.error.toString());
    }
    // Without a sample time the evaluation time is the best we know (and still ages).
    for (auto it = snapshot.seriesByPod.begin(); it != snapshot.seriesByPod.end(); ++it) {
        if (!it->sampledAt.isValid())
            it->sampledAt = evaluatedAt.value(it.key());
    }

    const PromQueryResult &health = *pending.health;
    if (health.ok()) {
        for (const PromSample &sample : health.vector) {
            const QString key = SuiteMetricsQuery::seriesKey(sample.labels);
            snapshot.targetUp.insert(key, snapshot.targetUp.value(key, false) || sample.value == 1.0);
        }
    } else {
        snapshot.warnings.append(u"target health unavailable: "_s + health.error.toString());
    }
    return snapshot;
}

} // namespace

const QStringList &SuiteMetricsQuery::metricNames()
{
    static const QStringList names {
        u"assertions_failed"_s,
        u"assertions_failed_total"_s,
        u"tests_run"_s,
        u"tests_run_total"_s,
        u"test_suites_run"_s,
        u"test_suites_run_total"_s,
        u"assert_files_seen"_s,
    };
    return names;
}

QString SuiteMetricsQuery::seriesKey(const QMap<QString, QString> &labels)
{
    QString nameSpace = labels.value(u"namespace"_s);
    if (nameSpace.isEmpty())
        nameSpace = u"(no namespace)"_s;
    QString pod = labels.value(u"pod"_s);
    if (pod.isEmpty())
        pod = labels.value(u"job"_s);
    if (pod.isEmpty())
        pod = labels.value(u"instance"_s);
    if (pod.isEmpty())
        pod = u"(no pod)"_s;
    return nameSpace + u'/' + pod;
}

SuiteMetricsQuery::SuiteMetricsQuery(PrometheusClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

QString SuiteMetricsQuery::valuesQuery() const
{
    QString selector = u"__name__=~"_s + PromQL::quoted(metricNames().join(u'|'));
    if (!m_namespace.isEmpty())
        selector += u",namespace="_s + PromQL::quoted(m_namespace);
    return u'{' + selector + u'}';
}

QString SuiteMetricsQuery::timestampsQuery() const
{
    // timestamp() drops __name__; keep it as another label so the series stay distinct.
    return u"timestamp(label_replace("_s + valuesQuery()
        + u", \"kassert_metric\", \"$1\", \"__name__\", \"(.+)\"))"_s;
}

QString SuiteMetricsQuery::healthQuery() const
{
    const QString scope = m_namespace.isEmpty() ? QString() : u",namespace="_s + PromQL::quoted(m_namespace);
    return u"up{endpoint=\"assert\""_s + scope + u"} or up{job=\"metrics\""_s + scope + u'}';
}

void SuiteMetricsQuery::fetch(std::function<void(const SuiteMetricsSnapshot &)> done)
{
    auto pending = std::make_shared<PendingSnapshot>();
    QPointer<SuiteMetricsQuery> self(this);
    auto finishWhenComplete = [self, pending, done] {
        if (self && pending->complete())
            done(combine(*pending));
    };
    m_client->query(valuesQuery(), QDateTime(), [pending, finishWhenComplete](const PromQueryResult &result) {
        pending->values = result;
        finishWhenComplete();
    });
    m_client->query(
        timestampsQuery(), QDateTime(), [pending, finishWhenComplete](const PromQueryResult &result) {
            pending->timestamps = result;
            finishWhenComplete();
        });
    m_client->query(healthQuery(), QDateTime(), [pending, finishWhenComplete](const PromQueryResult &result) {
        pending->health = result;
        finishWhenComplete();
    });
}
