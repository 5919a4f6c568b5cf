#include "prometheusresponse.h"

#include "expositionparser.h"
#include "http/directendpoint.h"
#include "kube/kubestatus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

// "[<unix float>, "<value>"]"
bool parsePoint(const QJsonValue &json, QDateTime *time, double *value)
{
    const QJsonArray pair = json.toArray();
    if (!json.isArray() || pair.size() != 2 || !pair.at(0).isDouble() || !pair.at(1).isString())
        return false;
    const double seconds = pair.at(0).toDouble();
    if (!std::isfinite(seconds))
        return false;
    const std::optional<double> parsed = parseExpositionValue(pair.at(1).toString().toUtf8());
    if (!parsed)
        return false;
    *time = fromPromTime(seconds);
    *value = *parsed;
    return true;
}

bool parseLabels(const QJsonValue &json, PromLabels *labels)
{
    if (json.isUndefined() || json.isNull())
        return true; // scalars and some proxies omit "metric"
    if (!json.isObject())
        return false;
    const QJsonObject object = json.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it->isString())
            return false;
        labels->insert(it.key(), it->toString());
    }
    return true;
}

QStringList stringList(const QJsonValue &json)
{
    QStringList list;
    for (const QJsonValue &item : json.toArray()) {
        if (item.isString())
            list.append(item.toString());
    }
    return list;
}

} // namespace

QDateTime fromPromTime(double unixSeconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(unixSeconds * 1000.0)), QTimeZone::UTC);
}

QString toPromTime(const QDateTime &time)
{
    const qint64 ms = time.toMSecsSinceEpoch();
    if (ms % 1000 == 0)
        return QString::number(ms / 1000);
    return QString::number(double(ms) / 1000.0, 'f', 3);
}

PromEnvelope parsePromEnvelope(const HttpResult &result, const QString &endpoint)
{
    PromEnvelope envelope;
    // Transport failures (refused, TLS, timeout, too large) carry no envelope.
    if (!result.ok() && result.error.kind != HttpError::Kind::Http) {
        envelope.error = result.error;
        return envelope;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(result.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        if (!result.ok()) {
            envelope.error = result.error; // e.g. a proxy's HTML 502 page: keep its status
            return envelope;
        }
        const QString what = parseError.error != QJsonParseError::NoError
            ? u"the answer is not JSON (%1 at byte %2)"_s.arg(parseError.errorString()).arg(parseError.offset)
            : u"the answer is not a JSON object"_s;
        const QString body = sanitizedBodySnippet(result.body);
        envelope.error = HttpError::protocol(endpoint, body.isEmpty() ? what : what + u": "_s + body);
        return envelope;
    }
    const QJsonObject root = document.object();
    envelope.warnings = stringList(root.value("warnings"_L1)) + stringList(root.value("infos"_L1));
    const QString status = root.value("status"_L1).toString();
    if (status == "error"_L1 || !result.ok()) {
        HttpError error = result.ok() ? HttpError::protocol(endpoint, QString()) : result.error;
        if (result.ok())
            error.kind = HttpError::Kind::Http; // an error envelope with a 2xx status
        error.endpoint = endpoint;
        error.reason = root.value("errorType"_L1).toString();
        error.message = root.value("error"_L1).toString();
        if (root.value("kind"_L1).toString() == "Status"_L1) {
            // The API server's service proxy speaking: Prometheus was not reached.
            const KubeStatus kubeStatus = parseKubeStatus(result.body);
            error.reason = kubeStatus.reason;
            error.message = kubeStatus.message;
        }
        if (error.message.isEmpty() && !result.ok())
            error.message = result.error.message;
        envelope.error = error;
        return envelope;
    }
    if (status != "success"_L1) {
        envelope.error = HttpError::protocol(endpoint, u"the answer has no \"status\":\"success\""_s);
        return envelope;
    }
    envelope.data = root.value("data"_L1);
    return envelope;
}

PromQueryResult parsePromQueryResponse(const HttpResult &result, const QString &endpoint)
{
    PromQueryResult query;
    const PromEnvelope envelope = parsePromEnvelope(result, endpoint);
    query.warnings = envelope.warnings;
    if (envelope.error.isError()) {
        query.error = envelope.error;
        return query;
    }
    const QJsonObject data = envelope.data.toObject();
    if (!envelope.data.isObject() || !data.value("resultType"_L1).isString()) {
        query.error = HttpError::protocol(endpoint, u"data.resultType is missing"_s);
        return query;
    }
    query.resultType = data.value("resultType"_L1).toString();
    const QJsonValue payload = data.value("result"_L1);
    auto fail = [&](const QString &field) {
        query.error = HttpError::protocol(endpoint, u"unexpected %1 in the answer"_s.arg(field));
        query.vector.clear();
        query.matrix.clear();
        return query;
    };

    if (query.resultType == "vector"_L1) {
        if (!payload.isArray())
            return fail(u"data.result"_s);
        const QJsonArray items = payload.toArray();
        query.vector.reserve(items.size());
        for (qsizetype i = 0; i < items.size(); ++i) {
            const QJsonObject item = items.at(i).toObject();
            PromSample sample;
            if (!parseLabels(item.value("metric"_L1), &sample.labels))
                return fail(u"data.result[%1].metric"_s.arg(i));
            if (!parsePoint(item.value("value"_L1), &sample.time, &sample.value))
                return fail(u"data.result[%1].value"_s.arg(i));
            query.vector.append(std::move(sample));
        }
    } else if (query.resultType == "matrix"_L1) {
        if (!payload.isArray())
            return fail(u"data.result"_s);
        const QJsonArray items = payload.toArray();
        query.matrix.reserve(items.size());
        for (qsizetype i = 0; i < items.size(); ++i) {
            const QJsonObject item = items.at(i).toObject();
            PromSeries series;
            if (!parseLabels(item.value("metric"_L1), &series.labels))
                return fail(u"data.result[%1].metric"_s.arg(i));
            const QJsonValue values = item.value("values"_L1);
            if (!values.isArray() && !values.isUndefined())
                return fail(u"data.result[%1].values"_s.arg(i));
            const QJsonArray points = values.toArray();
            series.points.reserve(points.size());
            for (qsizetype p = 0; p < points.size(); ++p) {
                QDateTime time;
                double value = 0;
                if (!parsePoint(points.at(p), &time, &value))
                    return fail(u"data.result[%1].values[%2]"_s.arg(i).arg(p));
                series.points.append({ time, value });
            }
            query.matrix.append(std::move(series));
        }
    } else if (query.resultType == "scalar"_L1) {
        PromSample sample;
        if (!parsePoint(payload, &sample.time, &sample.value))
            return fail(u"data.result"_s);
        query.vector.append(sample);
    } else if (query.resultType == "string"_L1) {
        const QJsonArray pair = payload.toArray();
        if (pair.size() != 2 || !pair.at(1).isString())
            return fail(u"data.result"_s);
        query.stringValue = pair.at(1).toString();
    } else {
        return fail(u"data.resultType \"%1\""_s.arg(query.resultType.left(40)));
    }
    return query;
}
