#pragma once

#include "http/httpendpoint.h"

#include <QPointer>

class KubeClient;

// HttpEndpoints that reach a Service or a pod through the API server's proxy
// subresource, so PrometheusClient, AlertmanagerClient and the metrics scraper work the
// same whether Prometheus is port-forwarded or only reachable inside the cluster.
// They hold the KubeClient weakly: when it is gone (context switched), send() answers
// with a Canceled error instead of crashing.

class ServiceProxyEndpoint : public HttpEndpoint
{
public:
    // `port` is the service port's name ("web") or number ("9090").
    ServiceProxyEndpoint(
        KubeClient *client, const QString &nameSpace, const QString &service, const QString &port);

    // "service monitoring/prometheus-operated:web via https://127.0.0.1:6443 (context kind-dev)"
    QString describe() const override;
    void send(
        const HttpRequest &request, QObject *context, std::function<void(const HttpResult &)> done) override;

private:
    QPointer<KubeClient> m_client;
    QString m_describeClient;
    QString m_nameSpace;
    QString m_service;
    QString m_port;
};

class PodProxyEndpoint : public HttpEndpoint
{
public:
    // The API server does not resolve port names for pods: the port is a number.
    PodProxyEndpoint(KubeClient *client, const QString &nameSpace, const QString &pod, int port);

    QString describe() const override;
    void send(
        const HttpRequest &request, QObject *context, std::function<void(const HttpResult &)> done) override;

private:
    QPointer<KubeClient> m_client;
    QString m_describeClient;
    QString m_nameSpace;
    QString m_pod;
    int m_port;
};

// The API server itself ("api/v1/services" resolves against it), for code written
// against HttpEndpoint such as MonitoringDiscovery.
class ApiServerEndpoint : public HttpEndpoint
{
public:
    explicit ApiServerEndpoint(KubeClient *client);

    QString describe() const override;
    void send(
        const HttpRequest &request, QObject *context, std::function<void(const HttpResult &)> done) override;

private:
    QPointer<KubeClient> m_client;
    QString m_describeClient;
};
