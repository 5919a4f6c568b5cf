#include "metricsscraper.h"

#include "kube/kubestatus.h"

#include <QTimeZone>

using namespace Qt::StringLiterals;

MetricsScraper::MetricsScraper(std::shared_ptr<HttpEndpoint> endpoint, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
{
    Q_ASSERT(m_endpoint);
}

ScrapeResult MetricsScraper::fromExposition(
    QByteArrayView text, const QDateTime &receivedAt, const QString &endpoint)
{
    ScrapeResult result;
    const ExpositionResult parsed = parseExposition(text);
    result.issues = parsed.issues;
    result.truncated = parsed.truncated;
    std::optional<qint64> newestStamp;
    for (const MetricSample &sample : parsed.samples) {
        std::optional<double> *field = nullptr;
        if (sample.name == "assertions_failed"_L1)
            field = &result.metrics.assertionsFailed;
        else if (sample.name == "tests_run"_L1)
            field = &result.metrics.testsRun;
        else if (sample.name == "test_suites_run"_L1)
            field = &result.metrics.testSuitesRun;
        else if (sample.name == "assertions_failed_total"_L1)
            field = &result.metrics.assertionsFailedTotal;
        else if (sample.name == "tests_run_total"_L1)
            field = &result.metrics.testsRunTotal;
        else if (sample.name == "test_suites_run_total"_L1)
            field = &result.metrics.testSuitesRunTotal;
        else if (sample.name == "assert_files_seen"_L1)
            field = &result.metrics.assertFilesSeen;
        if (!field)
            continue;
        *field = field->value_or(0) + sample.value; // labelled variants add up
        if (sample.timestampMs && (!newestStamp || *sample.timestampMs > *newestStamp))
            newestStamp = sample.timestampMs;
    }
    result.metrics.sampledAt
        = newestStamp ? QDateTime::fromMSecsSinceEpoch(*newestStamp, QTimeZone::UTC) : receivedAt;
    if (result.metrics.isEmpty() && !result.metrics.assertionsFailedTotal && !result.metrics.testsRunTotal) {
        result.error.kind = HttpError::Kind::Protocol;
        result.error.endpoint = endpoint;
        result.error.message = parsed.samples.isEmpty() && !parsed.issues.isEmpty()
            ? u"not Prometheus text: "_s + parsed.issues.first().toString()
            : u"no Kubernetes Assert metrics in the answer (%1 samples)"_s.arg(parsed.samples.size());
    }
    return result;
}

void MetricsScraper::scrape(std::function<void(const ScrapeResult &)> done, const QString &path)
{
    HttpRequest request;
    request.path = path;
    request.accept = "text/plain;version=0.0.4;q=1,*/*;q=0.1";
    request.timeoutMs = int(m_timeout.count());
    const QString endpoint = describe();
    m_endpoint->send(request, this, [endpoint, done = std::move(done)](const HttpResult &result) {
        if (!result.ok()) {
            ScrapeResult failed;
            failed.error = result.error;
            // Through the pod proxy the API server explains in a Status (unreachable pod, RBAC).
            if (const KubeStatus status = parseKubeStatus(result.body);
                status.isStatus && !status.message.isEmpty()) {
                failed.error.reason = status.reason;
                failed.error.message = status.message;
            }
            done(failed);
            return;
        }
        done(fromExposition(result.body, QDateTime::currentDateTimeUtc(), endpoint));
    });
}
