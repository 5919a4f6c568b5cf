#include "apiserverendpoint.h"

#include "kube/kubeclient.h"

#include <QTimer>

ApiServerEndpoint::ApiServerEndpoint(KubeClient *client)
    : m_client(client)
    , m_description(client ? client->describe() : QString())
{
}

QString ApiServerEndpoint::describe() const
{
    return m_description;
}

void ApiServerEndpoint::send(const HttpRequest &request, QObject *context,
                             std::function<void(const HttpResult &)> done)
{
    if (m_client) {
        m_client->send(request, context, std::move(done));
        return;
    }
    // Answer later, as the interface promises, and only while the caller lives.
    QTimer::singleShot(0, context, [done = std::move(done), endpoint = m_description] {
        HttpResult result;
        result.error.kind = HttpError::Kind::Canceled;
        result.error.endpoint = endpoint;
        result.error.message = QStringLiteral("the cluster connection was closed");
        done(result);
    });
}
