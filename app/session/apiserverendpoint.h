#pragma once

#include "http/httpendpoint.h"

#include <QPointer>

class KubeClient;

// The API server itself as an HttpEndpoint ("api/v1/services" resolves against it), for
// code written against HttpEndpoint such as MonitoringDiscovery. Holds the client weakly:
// once it is gone (context switched) requests fail as Canceled.
class ApiServerEndpoint : public HttpEndpoint
{
public:
    explicit ApiServerEndpoint(KubeClient *client);

    QString describe() const override;
    void send(const HttpRequest &request, QObject *context, std::function<void(const HttpResult &)> done) override;

private:
    QPointer<KubeClient> m_client;
    QString m_description;
};
