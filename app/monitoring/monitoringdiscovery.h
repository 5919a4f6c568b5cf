#pragma once

#include "http/httpendpoint.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

// Finds Prometheus or Alertmanager inside the cluster, to reach it through the API
// server's service proxy: first a service the Prometheus Operator marks
// (operated-prometheus=true / operated-alertmanager=true, port `web`), else the usual
// names in `monitoring` (prometheus-now, prometheus-k8s / alertmanager-main). The
// endpoint given is rooted at the API server ("api/v1/…" resolves against it).
struct DiscoveredService
{
    QString nameSpace;
    QString name;
    QString port; // the service port's name ("web") or number

    bool isValid() const { return !name.isEmpty(); }
    // Relative to the API server: "api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/".
    QString proxyPath() const;
};

struct DiscoveryResult
{
    DiscoveredService service;
    QString error; // "not found: looked for …" or the first request that failed
    bool ok() const { return service.isValid(); }
};

class MonitoringDiscovery : public QObject
{
    Q_OBJECT

public:
    enum class Target { Prometheus, Alertmanager };

    explicit MonitoringDiscovery(std::shared_ptr<HttpEndpoint> apiServer, QObject *parent = nullptr);

    // `done` once, on this object's thread, never after destruction.
    void find(Target target, std::function<void(const DiscoveryResult &)> done);

    static QString operatorLabel(Target target); // "operated-prometheus"
    static QStringList fallbackNames(Target target); // in namespace "monitoring"

private:
    struct Search;
    void tryNextName(const std::shared_ptr<Search> &search);

    std::shared_ptr<HttpEndpoint> m_apiServer;
};
