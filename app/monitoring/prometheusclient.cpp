#include "prometheusclient.h"

#include "formencoding.h"

#include <QJsonObject>
#include <QUrl>

using namespace Qt::StringLiterals;

PrometheusClient::PrometheusClient(std::shared_ptr<HttpEndpoint> endpoint, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
{
    Q_ASSERT(m_endpoint);
}

HttpRequest PrometheusClient::queryRequest(
    const QString &path, const QList<QPair<QString, QString>> &parameters, int timeoutMs)
{
    HttpRequest request;
    request.path = path;
    request.timeoutMs = timeoutMs;
    const QByteArray form = formEncode(parameters);
    if (form.size() > maxGetQueryLength) {
        request.verb = "POST";
        request.contentType = "application/x-www-form-urlencoded";
        request.body = form;
    } else {
        request.query.setQuery(QString::fromLatin1(form));
    }
    return request;
}

void PrometheusClient::sendQuery(
    const QString &path, const QList<QPair<QString, QString>> &parameters, QueryCallback done)
{
    const HttpRequest request = queryRequest(path, parameters, int(m_timeout.count()));
    const QString endpoint = m_endpoint->describe();
    m_endpoint->send(request, this, [endpoint, done = std::move(done)](const HttpResult &result) {
        done(parsePromQueryResponse(result, endpoint));
    });
}

void PrometheusClient::query(const QString &promql, const QDateTime &at, QueryCallback done)
{
    QList<QPair<QString, QString>> parameters { { u"query"_s, promql } };
    if (at.isValid())
        parameters.append({ u"time"_s, toPromTime(at) });
    sendQuery(u"api/v1/query"_s, parameters, std::move(done));
}

void PrometheusClient::queryRange(const QString &promql, const QDateTime &start, const QDateTime &end,
    std::chrono::seconds step, QueryCallback done)
{
    const QList<QPair<QString, QString>> parameters {
        { u"query"_s, promql },
        { u"start"_s, toPromTime(start) },
        { u"end"_s, toPromTime(end) },
        { u"step"_s, QString::number(std::max<qint64>(1, step.count())) },
    };
    sendQuery(u"api/v1/query_range"_s, parameters, std::move(done));
}

void PrometheusClient::checkConnection(std::function<void(const ServiceCheck &)> done)
{
    HttpRequest ready;
    ready.path = u"-/ready"_s;
    ready.accept = "text/plain";
    ready.timeoutMs = int(m_timeout.count());
    const QString endpoint = m_endpoint->describe();
    m_endpoint->send(ready, this, [this, endpoint, done = std::move(done)](const HttpResult &readiness) {
        ServiceCheck check;
        check.endpoint = endpoint;
        if (!readiness.ok()) {
            check.error = readiness.error;
            if (readiness.error.kind == HttpError::Kind::Http && readiness.status == 503)
                check.health = u"not ready"_s;
            done(check);
            return;
        }
        check.health = u"ready"_s;
        HttpRequest info;
        info.path = u"api/v1/status/buildinfo"_s;
        info.timeoutMs = int(m_timeout.count());
        m_endpoint->send(info, this, [check, endpoint, done](const HttpResult &result) mutable {
            const PromEnvelope envelope = parsePromEnvelope(result, endpoint);
            if (envelope.error.isError())
                check.error = envelope.error;
            else
                check.version = envelope.data.toObject().value("version"_L1).toString();
            done(check);
        });
    });
}
