#include "kubeendpoints.h"

#include "kube/kubeclient.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

// The client is gone: answer later, as send() promises, with a Canceled error.
void answerGone(const QString &endpoint, QObject *context, std::function<void(const HttpResult &)> done)
{
    QPointer<QObject> guard = context;
    QTimer::singleShot(0, context, [guard, endpoint, done = std::move(done)] {
        if (!guard)
            return;
        HttpResult result;
        result.error.kind = HttpError::Kind::Canceled;
        result.error.endpoint = endpoint;
        result.error.message = u"the cluster connection was closed"_s;
        done(result);
    });
}

// Errors name the proxied route first, then the API server they went through.
std::function<void(const HttpResult &)> withRoute(
    const QString &route, std::function<void(const HttpResult &)> done)
{
    return [route, done = std::move(done)](const HttpResult &result) {
        if (!result.error.isError()) {
            done(result);
            return;
        }
        HttpResult named = result;
        named.error.endpoint = route;
        done(named);
    };
}

} // namespace

ServiceProxyEndpoint::ServiceProxyEndpoint(
    KubeClient *client, const QString &nameSpace, const QString &service, const QString &port)
    : m_client(client)
    , m_describeClient(client->describe())
    , m_nameSpace(nameSpace)
    , m_service(service)
    , m_port(port)
{
}

QString ServiceProxyEndpoint::describe() const
{
    const QString target = m_port.isEmpty() ? m_service : m_service + u':' + m_port;
    return u"service %1/%2 via %3"_s.arg(m_nameSpace, target, m_describeClient);
}

void ServiceProxyEndpoint::send(
    const HttpRequest &request, QObject *context, std::function<void(const HttpResult &)> done)
{
    if (!m_client) {
        answerGone(describe(), context, std::move(done));
        return;
    }
    m_client->serviceProxy(
        m_nameSpace, m_service, m_port, request, context, withRoute(describe(), std::move(done)));
}

PodProxyEndpoint::PodProxyEndpoint(KubeClient *client, const QString &nameSpace, const QString &pod, int port)
    : m_client(client)
    , m_describeClient(client->describe())
    , m_nameSpace(nameSpace)
    , m_pod(pod)
    , m_port(port)
{
}

QString PodProxyEndpoint::describe() const
{
    return u"pod %1/%2:%3 via %4"_s.arg(m_nameSpace, m_pod).arg(m_port).arg(m_describeClient);
}

void PodProxyEndpoint::send(
    const HttpRequest &request, QObject *context, std::function<void(const HttpResult &)> done)
{
    if (!m_client) {
        answerGone(describe(), context, std::move(done));
        return;
    }
    m_client->podProxy(m_nameSpace, m_pod, m_port, request, context, withRoute(describe(), std::move(done)));
}

ApiServerEndpoint::ApiServerEndpoint(KubeClient *client)
    : m_client(client)
    , m_describeClient(client->describe())
{
}

QString ApiServerEndpoint::describe() const
{
    return m_describeClient;
}

void ApiServerEndpoint::send(
    const HttpRequest &request, QObject *context, std::function<void(const HttpResult &)> done)
{
    if (!m_client) {
        answerGone(describe(), context, std::move(done));
        return;
    }
    m_client->send(request, context, std::move(done));
}
