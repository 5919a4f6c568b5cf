#include "failurebundlecollector.h"

#include "failurebundleredaction.h"
#include "failurecollector.h"
#include "kube/kubeclient.h"
#include "kube/kubeendpoints.h"
#include "monitoring/monitoringdiscovery.h"
#include "monitoring/prometheusclient.h"
#include "monitoring/promql.h"
#include "monitoring/suitemetricsquery.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

// A container name as part of a file name: the API server allows only DNS labels, but
// the bundle does not rely on that.
QString fileSafe(const QString &name)
{
    QString safe;
    for (const QChar c : name)
        safe += (c.isLetterOrNumber() && c.unicode() < 128) || c == u'-' || c == u'_' ? c : u'_';
    return safe.isEmpty() ? u"_"_s : safe.left(100);
}

} // namespace

struct FailureBundleCollector::Job
{
    quint64 id = 0;
    FailureBundleContent content;
    int finished = 0;
    std::function<void(const FailureBundleContent &)> done;
};

FailureBundleCollector::FailureBundleCollector(KubeClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

FailureBundleCollector::~FailureBundleCollector() = default;

void FailureBundleCollector::setPrometheus(std::shared_ptr<HttpEndpoint> endpoint, bool discover)
{
    m_prometheus = std::move(endpoint);
    m_discoverPrometheus = discover;
}

QString FailureBundleCollector::prometheusQuery(const QString &nameSpace, const QString &pod)
{
    return u"{__name__=~%1,namespace=%2,pod=%3}"_s.arg(
        PromQL::quoted(PromQL::exactAlternation(SuiteMetricsQuery::metricNames())), PromQL::quoted(nameSpace),
        PromQL::quoted(pod));
}

QByteArray FailureBundleCollector::prometheusJson(
    const QString &endpoint, const QString &query, const PromQueryResult &result)
{
    QJsonArray samples;
    for (const PromSample &sample : result.vector) {
        QJsonObject labels;
        for (auto it = sample.labels.begin(); it != sample.labels.end(); ++it)
            labels.insert(it.key(), it.value());
        // JSON has no NaN or infinities: written as Prometheus writes them, as strings.
        const double v = sample.value;
        const QJsonValue value = std::isfinite(v) ? QJsonValue(v)
            : std::isnan(v)                       ? QJsonValue(u"NaN"_s)
                                                  : QJsonValue(v > 0 ? u"+Inf"_s : u"-Inf"_s);
        samples.append(QJsonObject { { u"metric"_s, labels },
            { u"time"_s, sample.time.toUTC().toString(Qt::ISODateWithMs) }, { u"value"_s, value } });
    }
    QJsonObject root { { u"endpoint"_s, endpoint }, { u"query"_s, query },
        { u"resultType"_s, result.resultType }, { u"samples"_s, samples } };
    if (!result.warnings.isEmpty())
        root.insert(u"warnings"_s, QJsonArray::fromStringList(result.warnings));
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

int FailureBundleCollector::addPart(const QString &name, const QString &file)
{
    FailureBundlePart part;
    part.name = name;
    part.file = file;
    m_job->content.parts.append(part);
    return int(m_job->content.parts.size()) - 1;
}

void FailureBundleCollector::collect(
    const SuiteKey &suite, const Run &run, std::function<void(const FailureBundleContent &)> done)
{
    cancel();
    m_job = std::make_unique<Job>();
    m_job->id = ++m_lastJobId;
    m_job->done = std::move(done);
    m_job->content.suite = suite;
    m_job->content.run = run;
    m_job->content.exportedAt = QDateTime::currentDateTimeUtc();
    m_scope = new QObject(this);

    if (!m_client) {
        // Nothing can be fetched, but the summary of what the tracker knew still helps.
        const int index = addPart(u"pod"_s, u"pod.json"_s);
        m_job->content.parts[index].error.kind = HttpError::Kind::Canceled;
        m_job->content.parts[index].error.message = tr("not connected to a cluster");
        QMetaObject::invokeMethod(
            m_scope,
            [this, id = m_job->id] {
                if (isCurrent(id))
                    complete();
            },
            Qt::QueuedConnection);
        return;
    }
    m_job->content.clusterEndpoint = m_client->describe();

    // Every part is listed before any request goes out, so the counts are final.
    QList<std::function<void()>> starts;
    const int pod = addPart(u"pod"_s, u"pod.json"_s);
    starts << [this, pod] {
        startPod(pod);
    };
    const int events = addPart(u"events"_s, u"events.json"_s);
    starts << [this, events] {
        startEvents(events);
    };
    for (const ContainerInfo &container : run.pod.containers) {
        const int current
            = addPart(u"logs/"_s + container.name, u"logs/%1.log"_s.arg(fileSafe(container.name)));
        starts << [this, current, name = container.name] {
            startLogs(current, name, false);
        };
        // A restarted container's previous instance is usually the one that failed.
        if (container.restartCount > 0 || container.lastState.kind == ContainerState::Kind::Terminated) {
            const int previous = addPart(u"logs/%1/previous"_s.arg(container.name),
                u"logs/%1.previous.log"_s.arg(fileSafe(container.name)));
            starts << [this, previous, name = container.name] {
                startLogs(previous, name, true);
            };
        }
    }
    const int metrics = addPart(u"metrics"_s, u"metrics.txt"_s);
    starts << [this, metrics] {
        startMetrics(metrics);
    };
    const int prometheus = addPart(u"prometheus"_s, u"prometheus.json"_s);
    starts << [this, prometheus] {
        startPrometheus(prometheus);
    };
    for (const auto &start : starts)
        start();
}

void FailureBundleCollector::cancel()
{
    // Later, not now: cancel() may run inside a callback of an object the scope owns.
    // Answers that still arrive before then are dropped by their job id.
    if (m_scope)
        m_scope->deleteLater();
    m_scope = nullptr;
    m_job.reset();
}

bool FailureBundleCollector::isCurrent(quint64 id) const
{
    return m_job && m_job->id == id;
}

void FailureBundleCollector::startPod(int index)
{
    const Run &run = m_job->content.run;
    HttpRequest request;
    request.path = u"api/v1/namespaces/%1/pods/%2"_s.arg(run.pod.nameSpace, run.pod.name);
    m_client->send(request, m_scope, [this, index, id = m_job->id](const HttpResult &result) {
        if (!isCurrent(id))
            return;
        FailureBundlePart &part = m_job->content.parts[index];
        part.error = result.error;
        if (result.ok()) {
            QString error;
            int redacted = 0;
            part.data = FailureBundleRedaction::redactedPodJson(result.body, &error, &redacted);
            if (!error.isEmpty())
                part.error = HttpError::protocol(m_client->describe(), error, result.status);
            else if (redacted > 0)
                part.note = tr("%n secret-looking value(s) redacted", nullptr, redacted);
        }
        finishPart(index);
    });
}

void FailureBundleCollector::startEvents(int index)
{
    const Run &run = m_job->content.run;
    HttpRequest request;
    request.path = u"api/v1/namespaces/%1/events"_s.arg(run.pod.nameSpace);
    QString selector = u"involvedObject.name="_s + run.pod.name;
    if (!run.pod.uid.isEmpty())
        selector += u",involvedObject.uid="_s + run.pod.uid;
    request.query.addQueryItem(u"fieldSelector"_s, selector);
    request.query.addQueryItem(u"limit"_s, QString::number(MaxEvents));
    m_client->send(request, m_scope, [this, index, id = m_job->id](const HttpResult &result) {
        if (!isCurrent(id))
            return;
        FailureBundlePart &part = m_job->content.parts[index];
        part.error = result.error;
        if (result.ok()) {
            const QJsonDocument document = QJsonDocument::fromJson(result.body);
            if (result.body.size() > MaxEventsBytes) {
                part.error = HttpError::protocol(
                    m_client->describe(), tr("events: answer larger than %1 bytes").arg(MaxEventsBytes));
            } else if (!document.isObject() || !document.object().value("items"_L1).isArray()) {
                part.error = HttpError::protocol(
                    m_client->describe(), tr("events: not an EventList"), result.status);
            } else {
                QJsonObject list = FailureBundleRedaction::redact(document.object()).toObject();
                part.data = QJsonDocument(list).toJson(QJsonDocument::Indented);
                part.truncated
                    = !list.value("metadata"_L1).toObject().value("continue"_L1).toString().isEmpty();
                if (part.truncated)
                    part.note = tr("only the first %1 events").arg(MaxEvents);
            }
        }
        finishPart(index);
    });
}

void FailureBundleCollector::startLogs(int index, const QString &container, bool previous)
{
    const Run &run = m_job->content.run;
    HttpRequest request;
    request.path = u"api/v1/namespaces/%1/pods/%2/log"_s.arg(run.pod.nameSpace, run.pod.name);
    request.accept = "text/plain";
    request.timeoutMs = 60000;
    request.query.addQueryItem(u"container"_s, container);
    if (previous)
        request.query.addQueryItem(u"previous"_s, u"true"_s);
    const qint64 limit = m_maxLogBytes;
    request.query.addQueryItem(u"limitBytes"_s, QString::number(limit));
    m_client->send(request, m_scope, [this, index, limit, id = m_job->id](const HttpResult &result) {
        if (!isCurrent(id))
            return;
        FailureBundlePart &part = m_job->content.parts[index];
        part.error = result.error;
        if (result.ok()) {
            part.data = result.body;
            // limitBytes keeps the start; a server that ignores it is cut here.
            if (part.data.size() >= limit) {
                part.data.truncate(limit);
                part.truncated = true;
                part.note = tr("only the first %1 bytes of the log").arg(limit);
            }
        }
        finishPart(index);
    });
}

void FailureBundleCollector::startMetrics(int index)
{
    const Run &run = m_job->content.run;
    HttpRequest inner;
    inner.path = u"metrics"_s;
    inner.accept = "text/plain;version=0.0.4;q=1,*/*;q=0.1";
    inner.timeoutMs = 15000;
    m_client->podProxy(run.pod.nameSpace, run.pod.name, run.pod.assertPort(), inner, m_scope,
        [this, index, id = m_job->id](const HttpResult &result) {
            if (!isCurrent(id))
                return;
            FailureBundlePart &part = m_job->content.parts[index];
            part.error = result.error;
            if (result.ok()) {
                part.data = result.body.left(MaxMetricsBytes);
                part.truncated = result.body.size() > MaxMetricsBytes;
                if (part.truncated)
                    part.note = tr("only the first %1 MiB").arg(MaxMetricsBytes / (1024 * 1024));
            }
            finishPart(index);
        });
}

void FailureBundleCollector::startPrometheus(int index)
{
    if (m_prometheus) {
        queryPrometheus(index, m_prometheus);
        return;
    }
    FailureBundlePart &part = m_job->content.parts[index];
    if (!m_discoverPrometheus) {
        part.error.kind = HttpError::Kind::Canceled;
        part.error.message = tr("no Prometheus configured");
        QMetaObject::invokeMethod(
            m_scope,
            [this, index, id = m_job->id] {
                if (isCurrent(id))
                    finishPart(index);
            },
            Qt::QueuedConnection);
        return;
    }
    auto *discovery = new MonitoringDiscovery(std::make_shared<ApiServerEndpoint>(m_client), m_scope);
    discovery->find(MonitoringDiscovery::Target::Prometheus,
        [this, index, discovery, id = m_job->id](const DiscoveryResult &found) {
            discovery->deleteLater();
            if (!isCurrent(id))
                return;
            if (!found.ok()) {
                FailureBundlePart &part = m_job->content.parts[index];
                part.error.kind = HttpError::Kind::Network;
                part.error.endpoint = m_client ? m_client->describe() : QString();
                part.error.message = tr("no Prometheus: %1").arg(found.error);
                finishPart(index);
                return;
            }
            queryPrometheus(index,
                std::make_shared<ServiceProxyEndpoint>(
                    m_client, found.service.nameSpace, found.service.name, found.service.port));
        });
}

void FailureBundleCollector::queryPrometheus(int index, std::shared_ptr<HttpEndpoint> endpoint)
{
    const Run &run = m_job->content.run;
    auto *client = new PrometheusClient(endpoint, m_scope);
    client->setTimeout(std::chrono::seconds(15));
    const QString query = prometheusQuery(run.pod.nameSpace, run.pod.name);
    const QString describe = endpoint->describe();
    client->query(query, QDateTime(),
        [this, index, client, query, describe, id = m_job->id](const PromQueryResult &result) {
            client->deleteLater();
            if (!isCurrent(id))
                return;
            FailureBundlePart &part = m_job->content.parts[index];
            part.error = result.error;
            if (result.ok()) {
                part.data = prometheusJson(describe, query, result);
                if (result.vector.isEmpty())
                    part.note = tr("Prometheus has no series for this pod");
            }
            finishPart(index);
        });
}

void FailureBundleCollector::finishPart(int index)
{
    ++m_job->finished;
    const int total = int(m_job->content.parts.size());
    emit partFinished(m_job->content.parts.at(index).name, m_job->finished, total);
    if (m_job && m_job->finished == total)
        complete();
}

void FailureBundleCollector::complete()
{
    FailureBundleContent &content = m_job->content;
    // The assert container holds the Jest output; a crash-looping one failed in its
    // previous instance, so that log is read when the current one shows no failure.
    const QString container = content.run.pod.assertContainer();
    for (const QString &name : { u"logs/"_s + container, u"logs/%1/previous"_s.arg(container) }) {
        const FailureBundlePart *log = content.part(name);
        if (log && log->ok() && content.failures.isEmpty())
            content.failures = FailureCollector::failuresFromLog(log->data);
    }
    std::unique_ptr<Job> job = std::move(m_job);
    m_scope->deleteLater();
    m_scope = nullptr;
    job->done(job->content);
}
