#include "kubeclient.h"

#include "kube/kubestatus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>

#include <kassert_version.h>

using namespace Qt::StringLiterals;

void KubeStream::abort()
{
    if (m_aborted)
        return;
    m_aborted = true;
    if (m_reply)
        m_reply->abort();
    deleteLater();
}

// One logical request: survives a credential refresh and the single 401 retry.
struct KubeClient::Call
{
    HttpRequest request;
    QPointer<QObject> context;
    bool hasContext = false;
    ResultHandler done;
    bool streaming = false;
    HttpStreamHandlers handlers;
    QPointer<KubeStream> stream;
    bool retried = false;
    // Per attempt.
    QByteArray body;
    QStringList sslErrors;
    bool tooLarge = false;

    bool contextGone() const { return hasContext && !context; }
    bool abandoned() const { return contextGone() || (streaming && (!stream || stream->m_aborted)); }
};

KubeClient::KubeClient(ClusterAccess access, QObject *parent)
    : QObject(parent)
    , m_access(std::move(access))
    , m_network(new QNetworkAccessManager(this))
{
    m_network->setProxy(m_access.target.proxy);
    // Never follow redirects: the Authorization header must not travel to another host.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    if (m_access.target.insecureSkipTlsVerify) {
        const QString warning = u"TLS verification is off for %1"_s.arg(m_access.target.describe());
        if (!m_access.target.warnings.contains(warning))
            m_access.target.warnings.append(warning);
    }
}

KubeClient::~KubeClient() = default;

void KubeClient::send(const HttpRequest &request, QObject *context, ResultHandler done)
{
    auto call = std::make_shared<Call>();
    call->request = request;
    call->context = context;
    call->hasContext = context != nullptr;
    call->done = std::move(done);
    start(call);
}

QPointer<KubeStream> KubeClient::stream(
    const HttpRequest &request, QObject *context, HttpStreamHandlers handlers)
{
    auto call = std::make_shared<Call>();
    call->request = request;
    call->context = context;
    call->hasContext = context != nullptr;
    call->streaming = true;
    call->handlers = std::move(handlers);
    call->stream = new KubeStream(this);
    QPointer<KubeStream> handle = call->stream;
    start(call);
    return handle;
}

void KubeClient::get(const QString &path, QObject *context, ResultHandler done)
{
    HttpRequest request;
    request.path = path;
    send(request, context, std::move(done));
}

void KubeClient::start(const std::shared_ptr<Call> &call)
{
    if (!m_access.credentials) {
        // Anonymous access (or a client certificate-less test cluster).
        QMetaObject::invokeMethod(
            this,
            [this, call] {
                if (!call->abandoned())
                    sendWith(call, Credential());
            },
            Qt::QueuedConnection);
        return;
    }
    m_access.credentials->obtain(this, [this, call](const CredentialResult &result) {
        if (call->abandoned())
            return;
        if (!result.error.isEmpty()) {
            HttpResult failed;
            failed.error.kind = HttpError::Kind::Auth;
            failed.error.endpoint = describe();
            failed.error.message
                = result.userHint.isEmpty() ? result.error : result.error + u": "_s + result.userHint;
            // obtain() may answer at once; callers are promised "later".
            QMetaObject::invokeMethod(
                this,
                [call, failed] {
                    if (call->abandoned())
                        return;
                    if (call->streaming) {
                        call->handlers.finished(failed);
                        call->stream->deleteLater();
                    } else {
                        call->done(failed);
                    }
                },
                Qt::QueuedConnection);
            return;
        }
        sendWith(call, result.credential);
    });
}

QNetworkRequest KubeClient::buildRequest(const HttpRequest &request, const Credential &credential) const
{
    const ClusterTarget &target = m_access.target;
    QNetworkRequest networkRequest(urlFor(request));
    networkRequest.setTransferTimeout(request.timeoutMs);
    networkRequest.setRawHeader("Accept", request.accept);
    networkRequest.setRawHeader("User-Agent", "kassert/" KASSERT_VERSION_STRING);
    if (!request.contentType.isEmpty())
        networkRequest.setRawHeader("Content-Type", request.contentType);
    if (!credential.bearerToken.isEmpty()) {
        networkRequest.setRawHeader("Authorization", "Bearer " + credential.bearerToken);
    } else if (!credential.basicUser.isEmpty()) {
        networkRequest.setRawHeader(
            "Authorization", "Basic " + (credential.basicUser + ':' + credential.basicPassword).toBase64());
    }

    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    // Like kubectl: a configured CA replaces the system store instead of adding to it.
    if (!target.caCertificates.isEmpty())
        ssl.setCaCertificates(target.caCertificates);
    if (target.insecureSkipTlsVerify)
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    if (!credential.clientCertificate.isNull()) {
        ssl.setLocalCertificate(credential.clientCertificate);
        ssl.setPrivateKey(credential.clientKey);
    }
    networkRequest.setSslConfiguration(ssl);
    if (!target.tlsServerName.isEmpty())
        networkRequest.setPeerVerifyName(target.tlsServerName);
    return networkRequest;
}

QUrl KubeClient::urlFor(const HttpRequest &request) const
{
    QUrl url = m_access.target.server;
    QString path = url.path(QUrl::FullyDecoded);
    while (path.endsWith(u'/'))
        path.chop(1);
    QString relative = request.path;
    while (relative.startsWith(u'/'))
        relative.remove(0, 1);
    path += u'/' + relative;
    url.setPath(QString::fromLatin1(QUrl::toPercentEncoding(path, "/:@!$&'()*+,;=")), QUrl::StrictMode);

    // QUrlQuery leaves '+' and other delimiters alone, which servers read as a space:
    // encode every key and value fully.
    QByteArray query;
    const auto items = request.query.queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (!query.isEmpty())
            query += '&';
        query += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    if (query.isEmpty())
        url.setQuery(QString());
    else
        url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    return url;
}

void KubeClient::sendWith(const std::shared_ptr<Call> &call, const Credential &credential)
{
    call->body.clear();
    call->sslErrors.clear();
    call->tooLarge = false;
    const QNetworkRequest networkRequest = buildRequest(call->request, credential);
    const QByteArray &verb = call->request.verb;
    QNetworkReply *reply = nullptr;
    if (verb == "GET")
        reply = m_network->get(networkRequest);
    else if (verb == "DELETE")
        reply = m_network->deleteResource(networkRequest);
    else if (verb == "POST")
        reply = m_network->post(networkRequest, call->request.body);
    else if (verb == "PUT")
        reply = m_network->put(networkRequest, call->request.body);
    else
        reply = m_network->sendCustomRequest(networkRequest, verb, call->request.body);
    if (call->streaming)
        call->stream->m_reply = reply;

    connect(reply, &QNetworkReply::sslErrors, reply, [call](const QList<QSslError> &errors) {
        for (const QSslError &error : errors)
            call->sslErrors.append(error.errorString());
    });
    connect(reply, &QNetworkReply::readyRead, reply, [this, call, reply] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool success = status >= 200 && status < 300;
        if (call->streaming && success) {
            const QByteArray chunk = reply->readAll();
            if (!call->abandoned() && !chunk.isEmpty())
                call->handlers.onChunk(chunk);
            return;
        }
        // Bodies held in memory are capped; an error body only needs its start.
        const qint64 limit = success ? MaxResponseBytes : 1024 * 1024;
        const QByteArray data = reply->readAll();
        if (call->body.size() + data.size() > limit) {
            if (success) {
                call->tooLarge = true;
                reply->abort();
            }
            return;
        }
        call->body += data;
    });
    connect(reply, &QNetworkReply::finished, this,
        [this, call, reply, credential] { finish(call, reply, credential); });
}

void KubeClient::finish(const std::shared_ptr<Call> &call, QNetworkReply *reply, const Credential &credential)
{
    reply->deleteLater();
    if (call->abandoned())
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 401 && !credential.isEmpty() && !call->retried && m_access.credentials
        && m_access.credentials->invalidate(credential)) {
        call->retried = true;
        start(call);
        return;
    }

    HttpResult result;
    result.status = status;
    for (const auto &[name, value] : reply->rawHeaderPairs())
        result.headers.append({ name, value });
    if (call->tooLarge) {
        result.error.kind = HttpError::Kind::Protocol;
        result.error.endpoint = describe();
        result.error.httpStatus = status;
        result.error.message = u"response larger than %1 MiB"_s.arg(MaxResponseBytes / (1024 * 1024));
    } else {
        result.error = errorFor(reply, call->body, call->sslErrors.join(u"; "_s));
    }
    if (!call->streaming)
        result.body = call->body;

    if (call->streaming) {
        if (status >= 200 && status < 300) {
            const QByteArray rest = reply->readAll();
            if (!rest.isEmpty())
                call->handlers.onChunk(rest);
            if (call->abandoned())
                return;
        }
        KubeStream *handle = call->stream;
        call->handlers.finished(result);
        if (handle)
            handle->deleteLater();
    } else {
        call->done(result);
    }
}

HttpError KubeClient::errorFor(QNetworkReply *reply, const QByteArray &body, const QString &sslErrors) const
{
    HttpError error;
    error.endpoint = describe();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 200 && status < 300 && reply->error() == QNetworkReply::NoError)
        return {};
    if (status >= 200 && status < 300) {
        // The answer started well and broke off (a dropped watch or log stream).
        error.kind = HttpError::Kind::Network;
        error.httpStatus = status;
        error.message = reply->errorString();
        return error;
    }
    if (status > 0) {
        const KubeStatus kubeStatus = parseKubeStatus(body);
        error.kind = HttpError::Kind::Http;
        error.httpStatus = status;
        error.reason = kubeStatus.reason;
        if (error.reason.isEmpty())
            error.reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        error.message = kubeStatus.message;
        return error;
    }
    switch (reply->error()) {
    case QNetworkReply::SslHandshakeFailedError:
        error.kind = HttpError::Kind::Tls;
        error.message = sslErrors.isEmpty() ? reply->errorString() : u"TLS: "_s + sslErrors;
        break;
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        // Aborts we asked for are never reported, so a cancel here is the transfer timeout.
        error.kind = HttpError::Kind::Timeout;
        error.message = u"no answer within %1 s"_s.arg(reply->request().transferTimeout() / 1000.0);
        break;
    default:
        error.kind = HttpError::Kind::Network;
        error.message
            = sslErrors.isEmpty() ? reply->errorString() : reply->errorString() + u": "_s + sslErrors;
        break;
    }
    return error;
}

namespace {

QString podsPath(const QString &nameSpace)
{
    return nameSpace.isEmpty() ? u"api/v1/pods"_s : u"api/v1/namespaces/%1/pods"_s.arg(nameSpace);
}

HttpError protocolError(const QString &endpoint, int status, const QString &message)
{
    HttpError error;
    error.kind = HttpError::Kind::Protocol;
    error.endpoint = endpoint;
    error.httpStatus = status;
    error.message = message;
    return error;
}

// The items of a List answer, or an error message when the body is not one.
std::optional<QJsonArray> listItems(const QByteArray &body, QJsonObject *root, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = u"not a JSON object: %1"_s.arg(parseError.errorString());
        return std::nullopt;
    }
    *root = document.object();
    const QJsonValue items = root->value("items"_L1);
    // Go writes an empty list as null.
    if (items.isNull() || items.isUndefined())
        return QJsonArray();
    if (!items.isArray()) {
        *error = u"items: expected an array"_s;
        return std::nullopt;
    }
    return items.toArray();
}

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
        // Synchronous: a few thousand pods parse in well under a second.
        QJsonObject root;
        QString error;
        const std::optional<QJsonArray> items = listItems(result.body, &root, &error);
        if (!items) {
            list.error = protocolError(describe(), result.status, u"pod list: "_s + error);
            done(list);
            return;
        }
        list.resourceVersion = root.value("metadata"_L1).toObject().value("resourceVersion"_L1).toString();
        list.pods.reserve(items->size());
        for (qsizetype i = 0; i < items->size(); ++i) {
            const QJsonObject item = items->at(i).toObject();
            const PodParseResult parsed = parsePod(item);
            if (parsed.pod) {
                list.pods.append(*parsed.pod);
            } else {
                const QJsonObject metadata = item.value("metadata"_L1).toObject();
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
                pod.error = protocolError(describe(), result.status, u"pod: not a JSON object"_s);
            else if (!parsed.pod)
                pod.error = protocolError(describe(), result.status, u"pod: "_s + parsed.error);
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
        QJsonObject root;
        QString error;
        const std::optional<QJsonArray> items = listItems(result.body, &root, &error);
        if (!items) {
            list.error = protocolError(describe(), result.status, u"service list: "_s + error);
            done(list);
            return;
        }
        for (qsizetype i = 0; i < items->size(); ++i) {
            QString itemError;
            const std::optional<ServiceInfo> service = parseService(items->at(i).toObject(), &itemError);
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
