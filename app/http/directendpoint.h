#pragma once

#include "httpendpoint.h"

#include <QList>
#include <QPointer>
#include <QSslCertificate>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

struct DirectEndpointOptions
{
    QByteArray bearerToken;
    QList<QSslCertificate> caCertificates; // in addition to the system store
    bool insecure = false;
    qint64 maxResponseBytes = 64 * 1024 * 1024;
};

// An HttpEndpoint at a plain base URL: Prometheus on a port-forward, a hosted Thanos, or
// (in tests) the API server's service proxy path. Requests resolve their path against the
// base URL, so a base with a path prefix must end with '/'.
//
// The bearer token is sent on every request and never appears in describe() or errors.
// Extra CA certificates are trusted in addition to the system store; `insecure` turns
// verification off (the caller warns the user). Bodies over maxResponseBytes are cut
// off as a Protocol error instead of filling memory. GUI-thread (or one thread) only.
class DirectEndpoint : public HttpEndpoint
{
public:
    using Options = DirectEndpointOptions;

    // `network` may be shared (one per connection); when null the endpoint owns one.
    explicit DirectEndpoint(
        const QUrl &baseUrl, Options options = {}, QNetworkAccessManager *network = nullptr);
    ~DirectEndpoint() override;
    Q_DISABLE_COPY_MOVE(DirectEndpoint)

    QString describe() const override;
    void send(
        const HttpRequest &request, QObject *context, std::function<void(const HttpResult &)> done) override;

    QUrl baseUrl() const { return m_baseUrl; }
    // Replies not yet freed (for tests: abandoned requests must not pile up).
    int pendingReplies() const;
    // The URL a request goes to (for tests and diagnostics; never holds the token).
    QUrl urlFor(const HttpRequest &request) const;

private:
    QUrl m_baseUrl;
    Options m_options;
    QNetworkAccessManager *m_network = nullptr;
    std::unique_ptr<QNetworkAccessManager> m_ownNetwork;
};

// A server's body as one safe line for an error message: at most `limit` characters,
// control characters replaced, invalid UTF-8 tolerated.
QString sanitizedBodySnippet(const QByteArray &body, qsizetype limit = 200);
