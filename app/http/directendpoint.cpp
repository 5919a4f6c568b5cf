#include "directendpoint.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QSslError>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

// Per-request bookkeeping that outlives nothing but the reply.
struct Exchange
{
    QByteArray body;
    QStringList sslErrors;
    bool tooLarge = false;
    bool contextGone = false;
};

HttpError::Kind kindOf(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::NoError:
        return HttpError::Kind::None;
    case QNetworkReply::SslHandshakeFailedError:
        return HttpError::Kind::Tls;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // setTransferTimeout() aborts this way
        return HttpError::Kind::Timeout;
    default:
        return HttpError::Kind::Network;
    }
}

QString plainNetworkMessage(QNetworkReply *reply)
{
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return u"connection refused"_s;
    case QNetworkReply::RemoteHostClosedError:
        return u"the server closed the connection"_s;
    case QNetworkReply::HostNotFoundError:
        return u"host not found"_s;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return u"no answer in time"_s;
    default:
        return reply->errorString();
    }
}

} // namespace

QString sanitizedBodySnippet(const QByteArray &body, qsizetype limit)
{
    QString text = QString::fromUtf8(body.left(limit * 4)).simplified();
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format
            || c == QChar::ReplacementCharacter)
            c = u'?';
    }
    if (text.size() > limit)
        text = text.left(limit) + u'…';
    return text;
}

DirectEndpoint::DirectEndpoint(const QUrl &baseUrl, Options options, QNetworkAccessManager *network)
    : m_baseUrl(baseUrl)
    , m_options(std::move(options))
    , m_network(network)
{
    if (!m_network) {
        m_ownNetwork = std::make_unique<QNetworkAccessManager>();
        m_network = m_ownNetwork.get();
    }
}

DirectEndpoint::~DirectEndpoint() = default;

QString DirectEndpoint::describe() const
{
    QString text = m_baseUrl.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
    if (text.endsWith(u'/'))
        text.chop(1); // "http://host:9090: 502 …" reads better than "…9090/: 502"
    return text;
}

int DirectEndpoint::pendingReplies() const
{
    return int(m_network->findChildren<QNetworkReply *>().size());
}

QUrl DirectEndpoint::urlFor(const HttpRequest &request) const
{
    QUrl base = m_baseUrl;
    base.setQuery(QString());
    QString basePath = base.path();
    if (!basePath.endsWith(u'/'))
        basePath += u'/';
    // Append rather than resolve: "../" or "//host" in a path must not leave the base.
    QString relative = request.path;
    while (relative.startsWith(u'/'))
        relative.remove(0, 1);
    QUrl url = base;
    url.setPath(basePath + relative, QUrl::TolerantMode);
    if (!request.query.isEmpty())
        url.setQuery(request.query);
    return url;
}

void DirectEndpoint::send(
    const HttpRequest &request, QObject *context, std::function<void(const HttpResult &)> done)
{
    QNetworkRequest netRequest(urlFor(request));
    netRequest.setTransferTimeout(request.timeoutMs);
    netRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!request.accept.isEmpty())
        netRequest.setRawHeader("Accept", request.accept);
    if (!request.contentType.isEmpty())
        netRequest.setHeader(QNetworkRequest::ContentTypeHeader, request.contentType);
    if (!m_options.bearerToken.isEmpty())
        netRequest.setRawHeader("Authorization", "Bearer " + m_options.bearerToken);
    if (netRequest.url().scheme() == "https"_L1) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        if (!m_options.caCertificates.isEmpty())
            tls.addCaCertificates(m_options.caCertificates);
        if (m_options.insecure)
            tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        netRequest.setSslConfiguration(tls);
    }

    QNetworkReply *reply = nullptr;
    if (request.verb == "GET")
        reply = m_network->get(netRequest);
    else
        reply = m_network->sendCustomRequest(netRequest, request.verb, request.body);

    auto exchange = std::make_shared<Exchange>();
    const qint64 cap = m_options.maxResponseBytes;
    const QString endpoint = describe();
    const QByteArray token = m_options.bearerToken;

    QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, exchange, cap] {
        exchange->body += reply->readAll();
        if (cap > 0 && exchange->body.size() > cap && !exchange->tooLarge) {
            exchange->tooLarge = true;
            exchange->body.clear();
            reply->abort();
        }
    });
    QObject::connect(reply, &QNetworkReply::sslErrors, reply, [exchange](const QList<QSslError> &errors) {
        for (const QSslError &error : errors)
            exchange->sslErrors.append(error.errorString());
    });
    // Without a receiver nobody waits for the answer: stop the transfer.
    QObject::connect(context, &QObject::destroyed, reply, [reply, exchange] {
        exchange->contextGone = true;
        reply->abort();
    });
    // Freed whether or not the context still listens.
    QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    QObject::connect(
        reply, &QNetworkReply::finished, context, [reply, exchange, endpoint, token, done = std::move(done)] {
            if (exchange->contextGone)
                return;
            if (!exchange->tooLarge && reply->isOpen())
                exchange->body += reply->readAll();

            HttpResult result;
            result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            result.headers = reply->rawHeaderPairs();
            result.error.endpoint = endpoint;
            if (exchange->tooLarge) {
                result.error.kind = HttpError::Kind::Protocol;
                result.error.message = u"response too large"_s;
            } else if (result.status > 0 && (result.status < 200 || result.status >= 300)) {
                result.error.kind = HttpError::Kind::Http;
                result.error.httpStatus = result.status;
                result.error.reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
                // Redact before cutting, so no prefix of an echoed token survives.
                QByteArray shown = exchange->body.left(4096);
                if (!token.isEmpty())
                    shown.replace(token, "<redacted>");
                result.error.message = sanitizedBodySnippet(shown);
                result.body = std::move(exchange->body);
            } else if (reply->error() != QNetworkReply::NoError) {
                result.error.kind = kindOf(reply->error());
                if (!exchange->sslErrors.isEmpty()) {
                    result.error.kind = HttpError::Kind::Tls;
                    result.error.message = exchange->sslErrors.join(u"; "_s);
                } else {
                    result.error.message = plainNetworkMessage(reply);
                }
            } else if (result.status == 0) {
                result.error.kind = HttpError::Kind::Protocol;
                result.error.message = u"no HTTP status in the answer"_s;
            } else {
                result.body = std::move(exchange->body);
            }
            // A server that echoes the request (some proxies do) must not leak the token.
            if (!token.isEmpty())
                result.error.message.replace(QString::fromUtf8(token), u"<redacted>"_s);
            done(result);
        });
}
