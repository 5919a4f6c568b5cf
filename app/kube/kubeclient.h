#pragma once

#include "http/httpendpoint.h"
#include "http/httptypes.h"
#include "kube/clusteraccess.h"
#include "kube/podinfo.h"

#include <QMap>
#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

class QJsonObject;
class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

// A Service as kassert needs it: enough to reach it through the service proxy and to
// find Prometheus and Alertmanager by their labels.
struct ServicePort
{
    QString name;
    int port = 0;
    QString protocol;
};

struct ServiceInfo
{
    QString nameSpace;
    QString name;
    QMap<QString, QString> labels;
    QList<ServicePort> ports;
};

struct PodListResult
{
    QList<PodInfo> pods;
    QString resourceVersion; // of the list, to start a watch from
    QStringList skipped; // items that could not be parsed: "ns/name: field error"
    HttpError error;
    int retryAfterSeconds = 0; // the server's Retry-After (429, 503), 0 when absent
};

struct PodResult
{
    std::optional<PodInfo> pod;
    HttpError error;
};

struct ServiceListResult
{
    QList<ServiceInfo> services;
    QStringList skipped;
    HttpError error;
};

struct DeleteResult
{
    bool alreadyGone = false; // the server answered 404: what we wanted is true
    HttpError error;
};

// A long-lived response in progress (watch, log follow). The client owns it; it is
// deleted after `finished` ran or after abort(). Hold it in a QPointer.
class KubeStream : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // Stops the stream; its `finished` handler is not called any more.
    void abort();

private:
    friend class KubeClient;
    QPointer<QNetworkReply> m_reply;
    bool m_aborted = false;
};

// Asynchronous REST client for one cluster context: one QNetworkAccessManager, TLS and
// proxy settings from the ClusterTarget, credentials from the CredentialSource (asked
// for every request, so rotated tokens and expiring exec credentials are picked up).
// Failures come back as HttpError values naming the endpoint, the HTTP status and the
// Kubernetes Status reason and message; they never contain a credential.
//
// A 401 answer to a request made with a credential invalidates that credential and,
// when the source says a fresh one may help, retries once with a fresh one.
//
// All callbacks run on the client's thread, later (never inside the call), and are
// skipped when their `context` object was destroyed first.
class KubeClient : public QObject
{
    Q_OBJECT
public:
    explicit KubeClient(ClusterAccess access, QObject *parent = nullptr);
    ~KubeClient() override;

    const ClusterTarget &target() const { return m_access.target; }
    // "https://127.0.0.1:6443 (context kind-dev)"
    QString describe() const { return m_access.target.describe(); }

    using ResultHandler = std::function<void(const HttpResult &)>;

    // Generic request; `request.path` is relative to the server ("api/v1/pods").
    void send(const HttpRequest &request, QObject *context, ResultHandler done);
    // Streaming request: chunks of a 2xx body go to onChunk as they arrive; an error
    // body is collected and parsed instead. `finished` gets the outcome (body empty).
    QPointer<KubeStream> stream(const HttpRequest &request, QObject *context, HttpStreamHandlers handlers);

    void get(const QString &path, QObject *context, ResultHandler done);

    // Empty nameSpace: all namespaces. Empty resourceVersion: the latest (quorum read);
    // "0": any cached version (cheap, what a reflector's first list uses).
    void listPods(const QString &nameSpace, const QString &labelSelector, QObject *context,
        std::function<void(const PodListResult &)> done, const QString &resourceVersion = {});
    void getPod(const QString &nameSpace, const QString &name, QObject *context,
        std::function<void(const PodResult &)> done);
    void deletePod(const QString &nameSpace, const QString &name, QObject *context,
        std::function<void(const DeleteResult &)> done);
    void listServices(const QString &nameSpace, const QString &labelSelector, QObject *context,
        std::function<void(const ServiceListResult &)> done);

    // `inner` is the request for the pod or service (path like "metrics", its query,
    // verb and body); it is sent through the API server's proxy subresource.
    // The pod port must be a number: the API server does not resolve port names.
    void podProxy(const QString &nameSpace, const QString &pod, int port, const HttpRequest &inner,
        QObject *context, ResultHandler done);
    // The service port may be a name ("web") or a number.
    void serviceProxy(const QString &nameSpace, const QString &service, const QString &port,
        const HttpRequest &inner, QObject *context, ResultHandler done);

    static HttpRequest podProxyRequest(
        const QString &nameSpace, const QString &pod, int port, const HttpRequest &inner);
    static HttpRequest serviceProxyRequest(
        const QString &nameSpace, const QString &service, const QString &port, const HttpRequest &inner);

    // The full URL for a request (exposed for tests). Query values are percent-encoded
    // strictly, so '+' in a selector or PromQL stays a plus.
    QUrl urlFor(const HttpRequest &request) const;

    // Non-streaming answers are held in memory; larger ones fail as a Protocol error.
    static constexpr qint64 DefaultMaxResponseBytes = 256 * 1024 * 1024;
    void setMaxResponseBytes(qint64 bytes) { m_maxResponseBytes = bytes; }

private:
    struct Call;
    void start(const std::shared_ptr<Call> &call);
    void sendWith(const std::shared_ptr<Call> &call, const Credential &credential);
    void finish(const std::shared_ptr<Call> &call, QNetworkReply *reply, const Credential &credential);
    QNetworkRequest buildRequest(const HttpRequest &request, const Credential &credential) const;
    HttpError errorFor(QNetworkReply *reply, const QByteArray &body, const QString &sslErrors) const;

    ClusterAccess m_access;
    QNetworkAccessManager *m_network;
    qint64 m_maxResponseBytes = DefaultMaxResponseBytes;
};

// Parses one item of a ServiceList (or a Service). Errors name the field.
std::optional<ServiceInfo> parseService(const QJsonObject &object, QString *error);
