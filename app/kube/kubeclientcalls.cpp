#include "kubeclient.h"

#include "jsonlistsplitter.h"

// The typed calls of KubeClient (pods, services, proxies) and their parsing; the
// transport (credentials, TLS, errors, streaming) is in kubeclient.cpp.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

QString podsPath(const QString &nameSpace)
{
    return nameSpace.isEmpty() ? u"api/v1/pods"_s : u"api/v1/namespaces/%1/pods"_s.arg(nameSpace);
}

// A List answer is split into its items without a DOM of the whole (JsonListSplitter);
// each item is parsed on its own and its DOM dropped once the caller has its value.
class ListBody
{
public:
    // False and a message when the body is not a List.
    bool split(const QByteArray &body, QString *error)
    {
        m_parts = JsonListSplitter::split(body, error);
        return m_parts.has_value();
    }

    qsizetype size() const { return m_parts->items.size(); }

    // metadata.resourceVersion, or an empty string when the list has none.
    std::optional<QString> resourceVersion(QString *error) const
    {
        const QByteArrayView metadata = m_parts->metadata;
        if (!metadata.startsWith('{'))
            return QString();
        const std::optional<QJsonObject> object = parseObject(metadata, u"metadata"_s, error);
        if (!object)
            return std::nullopt;
        return object->value("resourceVersion"_L1).toString();
    }

    // Item i as an object; any other JSON value gives an empty object (as
    // QJsonValue::toObject did), so the item's parser says what is missing.
    std::optional<QJsonObject> item(qsizetype i, QString *error) const
    {
        const QByteArrayView text = m_parts->items.at(i);
        if (!text.startsWith('{'))
            return QJsonObject();
        return parseObject(text, u"items[%1]"_s.arg(i), error);
    }

private:
    std::optional<JsonListParts> m_parts;

    // The splitter has checked the whole body already; QJsonDocument can still refuse
    // what it reads more strictly (it is the final word on an item).
    static std::optional<QJsonObject> parseObject(QByteArrayView text, const QString &what, QString *error)
    {
        QJsonParseError parseError;
        // fromRawData: no copy; the view points into the reply's body, alive meanwhile.
        const QJsonDocument document
            = QJsonDocument::fromJson(QByteArray::fromRawData(text.data(), text.size()), &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            *error = u"not a JSON object: %1: %2 at byte %3 of it"_s.arg(what, parseError.errorString())
                         .arg(parseError.offset);
            return std::nullopt;
        }
        return document.object();
    }
};

} // namespace

void KubeClient::listPods(const QString &nameSpace, const QString &labelSelector, QObject *context,
    std::function<void(const PodListResult &)> done, const QString &resourceVersion)
{
    HttpRequest request;
    request.path = podsPath(nameSpace);
    if (!labelSelector.isEmpty())
        request.query.addQueryItem(u"labelSelector"_s, labelSelector);
    if (!resourceVersion.isEmpty())
        request.query.addQueryItem(u"resourceVersion"_s, resourceVersion);
    request.timeoutMs = 60000;
    send(request, context, [this, done = std::move(done)](const HttpResult &result) {
        PodListResult list;
        list.error = result.error;
        if (!result.ok()) {
            list.retryAfterSeconds = qMax(0, result.header("Retry-After").trimmed().toInt());
            done(list);
            return;
        }
        // Synchronous: a few thousand pods parse in well under a second. Item by item, so
        // the peak is the body and the pods, not a DOM of the whole list besides.
        ListBody body;
        QString error;
        std::optional<QString> resourceVersion;
        if (body.split(result.body, &error))
            resourceVersion = body.resourceVersion(&error);
        if (!resourceVersion) {
            list.error = HttpError::protocol(describe(), u"pod list: "_s + error, result.status);
            done(list);
            return;
        }
        list.resourceVersion = *resourceVersion;
        list.pods.reserve(body.size());
        for (qsizetype i = 0; i < body.size(); ++i) {
            const std::optional<QJsonObject> item = body.item(i, &error);
            if (!item) {
                list = PodListResult();
                list.error = HttpError::protocol(describe(), u"pod list: "_s + error, result.status);
                done(list);
                return;
            }
            const PodParseResult parsed = parsePod(*item);
            if (parsed.pod) {
                list.pods.append(*parsed.pod);
            } else {
                const QJsonObject metadata = item->value("metadata"_L1).toObject();
                list.skipped.append(
                    u"items[%1] %2/%3: %4"_s.arg(i).arg(metadata.value("namespace"_L1).toString(),
                        metadata.value("name"_L1).toString(), parsed.error));
            }
        }
        done(list);
    });
}

void KubeClient::getPod(const QString &nameSpace, const QString &name, QObject *context,
    std::function<void(const PodResult &)> done)
{
    HttpRequest request;
    request.path = podsPath(nameSpace) + u'/' + name;
    send(request, context, [this, done = std::move(done)](const HttpResult &result) {
        PodResult pod;
        pod.error = result.error;
        if (result.ok()) {
            const QJsonDocument document = QJsonDocument::fromJson(result.body);
            const PodParseResult parsed = parsePod(document.object());
            if (!document.isObject())
                pod.error = HttpError::protocol(describe(), u"pod: not a JSON object"_s, result.status);
            else if (!parsed.pod)
                pod.error = HttpError::protocol(describe(), u"pod: "_s + parsed.error, result.status);
            else
                pod.pod = parsed.pod;
        }
        done(pod);
    });
}

void KubeClient::deletePod(const QString &nameSpace, const QString &name, QObject *context,
    std::function<void(const DeleteResult &)> done)
{
    HttpRequest request;
    request.verb = "DELETE";
    request.path = podsPath(nameSpace) + u'/' + name;
    send(request, context, [done = std::move(done)](const HttpResult &result) {
        DeleteResult deleted;
        if (result.error.kind == HttpError::Kind::Http && result.error.httpStatus == 404)
            deleted.alreadyGone = true;
        else
            deleted.error = result.error;
        done(deleted);
    });
}

void KubeClient::listServices(const QString &nameSpace, const QString &labelSelector, QObject *context,
    std::function<void(const ServiceListResult &)> done)
{
    HttpRequest request;
    request.path
        = nameSpace.isEmpty() ? u"api/v1/services"_s : u"api/v1/namespaces/%1/services"_s.arg(nameSpace);
    if (!labelSelector.isEmpty())
        request.query.addQueryItem(u"labelSelector"_s, labelSelector);
    send(request, context, [this, done = std::move(done)](const HttpResult &result) {
        ServiceListResult list;
        list.error = result.error;
        if (!result.ok()) {
            done(list);
            return;
        }
        ListBody body;
        QString error;
        if (!body.split(result.body, &error)) {
            list.error = HttpError::protocol(describe(), u"service list: "_s + error, result.status);
            done(list);
            return;
        }
        for (qsizetype i = 0; i < body.size(); ++i) {
            const std::optional<QJsonObject> item = body.item(i, &error);
            if (!item) {
                list = ServiceListResult();
                list.error = HttpError::protocol(describe(), u"service list: "_s + error, result.status);
                done(list);
                return;
            }
            QString itemError;
            const std::optional<ServiceInfo> service = parseService(*item, &itemError);
            if (service)
                list.services.append(*service);
            else
                list.skipped.append(u"items[%1]: %2"_s.arg(i).arg(itemError));
        }
        done(list);
    });
}

namespace {

HttpRequest proxied(const QString &prefix, const HttpRequest &inner)
{
    HttpRequest request = inner;
    QString innerPath = inner.path;
    while (innerPath.startsWith(u'/'))
        innerPath.remove(0, 1);
    request.path = prefix + u"/proxy/"_s + innerPath;
    return request;
}

} // namespace

HttpRequest KubeClient::podProxyRequest(
    const QString &nameSpace, const QString &pod, int port, const HttpRequest &inner)
{
    return proxied(u"api/v1/namespaces/%1/pods/%2:%3"_s.arg(nameSpace, pod).arg(port), inner);
}

HttpRequest KubeClient::serviceProxyRequest(
    const QString &nameSpace, const QString &service, const QString &port, const HttpRequest &inner)
{
    const QString target = port.isEmpty() ? service : service + u':' + port;
    return proxied(u"api/v1/namespaces/%1/services/%2"_s.arg(nameSpace, target), inner);
}

void KubeClient::podProxy(const QString &nameSpace, const QString &pod, int port, const HttpRequest &inner,
    QObject *context, ResultHandler done)
{
    send(podProxyRequest(nameSpace, pod, port, inner), context, std::move(done));
}

void KubeClient::serviceProxy(const QString &nameSpace, const QString &service, const QString &port,
    const HttpRequest &inner, QObject *context, ResultHandler done)
{
    send(serviceProxyRequest(nameSpace, service, port, inner), context, std::move(done));
}

std::optional<ServiceInfo> parseService(const QJsonObject &object, QString *error)
{
    const QJsonValue metadataValue = object.value("metadata"_L1);
    if (!metadataValue.isObject()) {
        *error = u"metadata: expected an object"_s;
        return std::nullopt;
    }
    const QJsonObject metadata = metadataValue.toObject();
    ServiceInfo service;
    service.name = metadata.value("name"_L1).toString();
    service.nameSpace = metadata.value("namespace"_L1).toString();
    if (service.name.isEmpty()) {
        *error = u"metadata.name: expected a non-empty string"_s;
        return std::nullopt;
    }
    const QJsonObject labels = metadata.value("labels"_L1).toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it)
        service.labels.insert(it.key(), it.value().toString());
    const QJsonValue ports = object.value("spec"_L1).toObject().value("ports"_L1);
    if (!ports.isUndefined() && !ports.isNull() && !ports.isArray()) {
        *error = u"spec.ports: expected an array"_s;
        return std::nullopt;
    }
    const QJsonArray portArray = ports.toArray();
    for (qsizetype i = 0; i < portArray.size(); ++i) {
        const QJsonObject port = portArray.at(i).toObject();
        if (!port.value("port"_L1).isDouble()) {
            *error = u"spec.ports[%1].port: expected a number"_s.arg(i);
            return std::nullopt;
        }
        service.ports.append({ port.value("name"_L1).toString(), port.value("port"_L1).toInt(),
            port.value("protocol"_L1).toString() });
    }
    return service;
}
