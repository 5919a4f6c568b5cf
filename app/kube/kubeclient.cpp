#include "kubeclient.h"

#include "kube/kubestatus.h"
#include "kube/streamreadlimit.h"

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
    QPointer<StreamReadLimit> readLimit; // of the current attempt, when bounded
    bool retried = false;
    // Per attempt.
    QByteArray body;
    QStringList sslErrors;
    bool tooLarge = false;

    bool contextGone() const { return hasContext && !context; }
    bool abandoned() const { return contextGone() || (streaming && (!stream || stream->m_aborted)); }

    // Hands what the reply holds to the stream's handler in pieces of at most
    // StreamPieceBytes, until it is read or the stream is given up. One readAll() could be
    // everything that arrived while the event loop was busy (megabytes: an mmap, its page
    // faults and a copy each time); small pieces reuse the same heap memory.
    void deliverStreamed(QNetworkReply *reply)
    {
        while (!abandoned() && reply->bytesAvailable() > 0) {
            const QByteArray piece = reply->read(StreamPieceBytes);
            if (piece.isEmpty())
                return;
            handlers.onChunk(piece);
        }
    }
    static constexpr qint64 StreamPieceBytes = 64 * 1024;
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
    if (call->streaming) {
        call->stream->m_reply = reply;
        call->readLimit = StreamReadLimit::apply(reply, call->request.readBufferBytes);
    }

    connect(reply, &QNetworkReply::sslErrors, reply, [call](const QList<QSslError> &errors) {
        for (const QSslError &error : errors)
            call->sslErrors.append(error.errorString());
    });
    connect(reply, &QNetworkReply::readyRead, reply, [this, call, reply] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool success = status >= 200 && status < 300;
        if (call->streaming && success) {
            call->deliverStreamed(reply);
            return;
        }
        // Bodies held in memory are capped; an error body only needs its start.
        const qint64 limit = success ? m_maxResponseBytes : 1024 * 1024;
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
        result.error.message = u"response larger than %1 bytes"_s.arg(m_maxResponseBytes);
    } else if (call->readLimit && call->readLimit->finishedByNudge()) {
        result.error.kind = HttpError::Kind::Network;
        result.error.endpoint = describe();
        result.error.message = u"the stream ended right after a stall, as a cut connection does with Qt, so it is not taken as complete"_s;
    } else {
        result.error = errorFor(reply, call->body, call->sslErrors.join(u"; "_s));
    }
    if (!call->streaming)
        result.body = call->body;

    if (call->streaming) {
        if (status >= 200 && status < 300) {
            call->deliverStreamed(reply);
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
        // The answer started well and broke off (a dropped watch or log stream). No
        // status in the error: "200" next to a failure would only confuse.
        error.kind = HttpError::Kind::Network;
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
