#include "alertmanagerclient.h"

#include "formencoding.h"
#include "http/directendpoint.h"
#include "kube/podinfo.h"
#include "promql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace {

// Alertmanager answers errors as a JSON string ("\"bad matcher\""), go-swagger's
// validation as {"code":…,"message":…}; proxies as anything.
HttpError errorOf(const HttpResult &result, const QString &endpoint)
{
    HttpError error = result.error;
    error.endpoint = endpoint;
    if (error.kind != HttpError::Kind::Http)
        return error;
    const QJsonDocument document = QJsonDocument::fromJson("[" + result.body + "]");
    const QJsonValue value = document.array().at(0);
    if (value.isString())
        error.message = sanitizedBodySnippet(value.toString().toUtf8(), 300);
    else if (value.isObject() && value.toObject().value("message"_L1).isString()) {
        // go-swagger's validation errors, or a Kubernetes Status from the service proxy.
        error.message = sanitizedBodySnippet(value.toObject().value("message"_L1).toString().toUtf8(), 300);
        error.reason = value.toObject().value("reason"_L1).toString();
    }
    return error;
}

// The body as JSON of the expected kind, or a Protocol error.
std::optional<QJsonDocument> jsonBody(
    const HttpResult &result, const QString &endpoint, bool wantArray, HttpError *error)
{
    if (!result.ok()) {
        *error = errorOf(result, endpoint);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(result.body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = HttpError::protocol(endpoint,
            u"the answer is not JSON (%1 at byte %2): %3"_s.arg(parseError.errorString())
                .arg(parseError.offset)
                .arg(sanitizedBodySnippet(result.body)));
        return std::nullopt;
    }
    if (wantArray ? !document.isArray() : !document.isObject()) {
        *error
            = HttpError::protocol(endpoint, wantArray ? u"expected a JSON array"_s : u"expected a JSON object"_s);
        return std::nullopt;
    }
    return document;
}

// A JSON object of strings into a map; false when a value is not a string.
bool stringMap(const QJsonValue &json, QMap<QString, QString> *map)
{
    if (json.isUndefined() || json.isNull())
        return true;
    if (!json.isObject())
        return false;
    const QJsonObject object = json.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it->isString())
            return false;
        map->insert(it.key(), it->toString());
    }
    return true;
}

// One gettableAlert; the error names the field.
std::optional<SuiteAlert> parseAlert(const QJsonValue &json, const QString &path, QString *error)
{
    if (!json.isObject()) {
        *error = path + u": expected an object"_s;
        return std::nullopt;
    }
    const QJsonObject object = json.toObject();
    SuiteAlert alert;
    if (!stringMap(object.value("labels"_L1), &alert.labels)) {
        *error = path + u".labels: expected an object of strings"_s;
        return std::nullopt;
    }
    if (!stringMap(object.value("annotations"_L1), &alert.annotations)) {
        *error = path + u".annotations: expected an object of strings"_s;
        return std::nullopt;
    }
    alert.name = alert.labels.value(u"alertname"_s);
    const QJsonValue startsAt = object.value("startsAt"_L1);
    if (startsAt.isString())
        alert.startsAt = parseKubeTime(startsAt.toString());
    else if (!startsAt.isUndefined()) {
        *error = path + u".startsAt: expected an RFC 3339 time"_s;
        return std::nullopt;
    }
    const QJsonValue status = object.value("status"_L1);
    if (!status.isObject() && !status.isUndefined()) {
        *error = path + u".status: expected an object"_s;
        return std::nullopt;
    }
    alert.state = status.toObject().value("state"_L1).toString();
    const QJsonValue silencedBy = status.toObject().value("silencedBy"_L1);
    if (!silencedBy.isArray() && !silencedBy.isUndefined() && !silencedBy.isNull()) {
        *error = path + u".status.silencedBy: expected an array"_s;
        return std::nullopt;
    }
    for (const QJsonValue &id : silencedBy.toArray())
        alert.silencedBy.append(id.toString());
    return alert;
}

std::optional<QList<SuiteAlert>> parseAlertArray(const QJsonArray &array, const QString &path, QString *error)
{
    QList<SuiteAlert> alerts;
    alerts.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        std::optional<SuiteAlert> alert = parseAlert(array.at(i), u"%1[%2]"_s.arg(path).arg(i), error);
        if (!alert)
            return std::nullopt;
        alerts.append(std::move(*alert));
    }
    return alerts;
}

QString rfc3339(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

template<typename Result>
void callLater(QObject *context, std::function<void(const Result &)> done, Result result)
{
    QMetaObject::invokeMethod(
        context, [done = std::move(done), result = std::move(result)] { done(result); },
        Qt::QueuedConnection);
}

} // namespace

QString AlertMatcher::toFilter() const
{
    const QString op = isEqual ? (isRegex ? u"=~"_s : u"="_s) : (isRegex ? u"!~"_s : u"!="_s);
    return name + op + PromQL::quoted(value);
}

AlertmanagerClient::AlertmanagerClient(std::shared_ptr<HttpEndpoint> endpoint, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
{
    Q_ASSERT(m_endpoint);
}

HttpRequest AlertmanagerClient::request(const QByteArray &verb, const QString &path) const
{
    HttpRequest request;
    request.verb = verb;
    request.path = path;
    request.timeoutMs = int(m_timeout.count());
    return request;
}

AlertsResult AlertmanagerClient::parseAlerts(const HttpResult &result, const QString &endpoint)
{
    AlertsResult parsed;
    const std::optional<QJsonDocument> document = jsonBody(result, endpoint, true, &parsed.error);
    if (!document)
        return parsed;
    QString error;
    std::optional<QList<SuiteAlert>> alerts = parseAlertArray(document->array(), u"alerts"_s, &error);
    if (!alerts)
        parsed.error = HttpError::protocol(endpoint, error);
    else
        parsed.alerts = std::move(*alerts);
    return parsed;
}

AlertGroupsResult AlertmanagerClient::parseGroups(const HttpResult &result, const QString &endpoint)
{
    AlertGroupsResult parsed;
    const std::optional<QJsonDocument> document = jsonBody(result, endpoint, true, &parsed.error);
    if (!document)
        return parsed;
    const QJsonArray array = document->array();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString path = u"groups[%1]"_s.arg(i);
        const QJsonObject object = array.at(i).toObject();
        AlertGroup group;
        QString error;
        if (!array.at(i).isObject() || !stringMap(object.value("labels"_L1), &group.labels))
            error = path + u": expected an object with string labels"_s;
        group.receiver = object.value("receiver"_L1).toObject().value("name"_L1).toString();
        if (error.isEmpty()) {
            if (std::optional<QList<SuiteAlert>> alerts
                = parseAlertArray(object.value("alerts"_L1).toArray(), path + u".alerts"_s, &error))
                group.alerts = std::move(*alerts);
        }
        if (!error.isEmpty()) {
            parsed.error = HttpError::protocol(endpoint, error);
            parsed.groups.clear();
            return parsed;
        }
        parsed.groups.append(std::move(group));
    }
    return parsed;
}

SilencesResult AlertmanagerClient::parseSilences(const HttpResult &result, const QString &endpoint)
{
    SilencesResult parsed;
    const std::optional<QJsonDocument> document = jsonBody(result, endpoint, true, &parsed.error);
    if (!document)
        return parsed;
    const QJsonArray array = document->array();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject object = array.at(i).toObject();
        if (!array.at(i).isObject() || !object.value("id"_L1).isString()
            || !object.value("matchers"_L1).isArray()) {
            parsed.error
                = HttpError::protocol(endpoint, u"silences[%1]: expected an object with id and matchers"_s.arg(i));
            parsed.silences.clear();
            return parsed;
        }
        Silence silence;
        silence.id = object.value("id"_L1).toString();
        for (const QJsonValue &value : object.value("matchers"_L1).toArray()) {
            const QJsonObject matcher = value.toObject();
            silence.matchers.append(
                { matcher.value("name"_L1).toString(), matcher.value("value"_L1).toString(),
                    matcher.value("isRegex"_L1).toBool(), matcher.value("isEqual"_L1).toBool(true) });
        }
        silence.startsAt = parseKubeTime(object.value("startsAt"_L1).toString());
        silence.endsAt = parseKubeTime(object.value("endsAt"_L1).toString());
        silence.createdBy = object.value("createdBy"_L1).toString();
        silence.comment = object.value("comment"_L1).toString();
        silence.state = object.value("status"_L1).toObject().value("state"_L1).toString();
        parsed.silences.append(std::move(silence));
    }
    return parsed;
}

void AlertmanagerClient::alerts(const AlertQuery &query, std::function<void(const AlertsResult &)> done)
{
    QList<QPair<QString, QString>> parameters {
        { u"active"_s, query.active ? u"true"_s : u"false"_s },
        { u"silenced"_s, query.silenced ? u"true"_s : u"false"_s },
        { u"inhibited"_s, query.inhibited ? u"true"_s : u"false"_s },
        { u"unprocessed"_s, query.unprocessed ? u"true"_s : u"false"_s },
    };
    for (const AlertMatcher &matcher : query.filter)
        parameters.append({ u"filter"_s, matcher.toFilter() });
    HttpRequest get = request("GET", u"api/v2/alerts"_s);
    get.query.setQuery(QString::fromLatin1(formEncode(parameters)));
    const QString endpoint = describe();
    m_endpoint->send(get, this, [endpoint, done = std::move(done)](const HttpResult &result) {
        done(parseAlerts(result, endpoint));
    });
}

void AlertmanagerClient::alertGroups(std::function<void(const AlertGroupsResult &)> done)
{
    const QString endpoint = describe();
    m_endpoint->send(request("GET", u"api/v2/alerts/groups"_s), this,
        [endpoint, done = std::move(done)](
            const HttpResult &result) { done(parseGroups(result, endpoint)); });
}

void AlertmanagerClient::checkConnection(std::function<void(const ServiceCheck &)> done)
{
    const QString endpoint = describe();
    m_endpoint->send(request("GET", u"api/v2/status"_s), this,
        [endpoint, done = std::move(done)](const HttpResult &result) {
            ServiceCheck check;
            check.endpoint = endpoint;
            const std::optional<QJsonDocument> document = jsonBody(result, endpoint, false, &check.error);
            if (document) {
                const QJsonObject root = document->object();
                check.version = root.value("versionInfo"_L1).toObject().value("version"_L1).toString();
                const QString cluster = root.value("cluster"_L1).toObject().value("status"_L1).toString();
                if (!root.value("versionInfo"_L1).isObject())
                    check.error = HttpError::protocol(endpoint, u"the status has no versionInfo"_s);
                else
                    check.health = cluster.isEmpty() ? u"ready"_s : u"cluster "_s + cluster;
            }
            done(check);
        });
}

QList<AlertMatcher> AlertmanagerClient::suiteMatchers(
    const QString &nameSpace, const QStringList &podNames, const QString &appLabel)
{
    QList<AlertMatcher> matchers { { u"namespace"_s, nameSpace, false, true } };
    if (podNames.size() == 1)
        matchers.append({ u"pod"_s, podNames.first(), false, true });
    else if (podNames.size() > 1)
        matchers.append({ u"pod"_s, PromQL::exactAlternation(podNames), true, true });
    else if (!appLabel.isEmpty())
        matchers.append({ u"app"_s, appLabel, false, true });
    return matchers;
}

void AlertmanagerClient::createSilence(const QList<AlertMatcher> &matchers, std::chrono::seconds duration,
    const QString &createdBy, const QString &comment, std::function<void(const SilenceCreated &)> done)
{
    QString invalid;
    if (matchers.isEmpty())
        invalid = tr("a silence needs at least one matcher");
    else if (duration.count() <= 0)
        invalid = tr("a silence needs a positive duration");
    else if (createdBy.trimmed().isEmpty())
        invalid = tr("a silence needs a creator");
    else if (comment.trimmed().isEmpty())
        invalid = tr("a silence needs a comment");
    if (!invalid.isEmpty()) {
        SilenceCreated created;
        created.error = HttpError::protocol(describe(), invalid);
        callLater<SilenceCreated>(this, std::move(done), created);
        return;
    }
    QJsonArray jsonMatchers;
    for (const AlertMatcher &matcher : matchers) {
        jsonMatchers.append(QJsonObject { { u"name"_s, matcher.name }, { u"value"_s, matcher.value },
            { u"isRegex"_s, matcher.isRegex }, { u"isEqual"_s, matcher.isEqual } });
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QJsonObject body {
        { u"matchers"_s, jsonMatchers },
        { u"startsAt"_s, rfc3339(now) },
        { u"endsAt"_s, rfc3339(now.addSecs(duration.count())) },
        { u"createdBy"_s, createdBy },
        { u"comment"_s, comment },
    };
    HttpRequest post = request("POST", u"api/v2/silences"_s);
    post.contentType = "application/json";
    post.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    const QString endpoint = describe();
    m_endpoint->send(post, this, [endpoint, done = std::move(done)](const HttpResult &result) {
        SilenceCreated created;
        if (const std::optional<QJsonDocument> document = jsonBody(result, endpoint, false, &created.error)) {
            created.id = document->object().value("silenceID"_L1).toString();
            if (created.id.isEmpty())
                created.error = HttpError::protocol(endpoint, u"the answer has no silenceID"_s);
        }
        done(created);
    });
}

void AlertmanagerClient::silences(std::function<void(const SilencesResult &)> done)
{
    const QString endpoint = describe();
    m_endpoint->send(request("GET", u"api/v2/silences"_s), this,
        [endpoint, done = std::move(done)](
            const HttpResult &result) { done(parseSilences(result, endpoint)); });
}

void AlertmanagerClient::expireSilence(const QString &id, std::function<void(const HttpError &)> done)
{
    if (id.isEmpty()) {
        callLater<HttpError>(this, std::move(done), HttpError::protocol(describe(), tr("no silence id")));
        return;
    }
    // Percent-encoded so an id can never address another path.
    const QString path = u"api/v2/silence/"_s + QString::fromLatin1(QUrl::toPercentEncoding(id));
    const QString endpoint = describe();
    m_endpoint->send(
        request("DELETE", path), this, [endpoint, done = std::move(done)](const HttpResult &result) {
            done(result.ok() ? HttpError {} : errorOf(result, endpoint));
        });
}
