#pragma once

#include "kube/clusteraccess.h"
#include "kube/kubeconfig.h"

#include <QProcessEnvironment>

#include <optional>

struct ClusterAccessResult
{
    std::optional<ClusterAccess> access;
    QString error; // "<file>: <field>: <problem>" lines; never holds a secret
};

struct ProxyResult
{
    QNetworkProxy proxy = QNetworkProxy(QNetworkProxy::NoProxy);
    QString error;
};

// Turns one context of a loaded Kubeconfig into a ClusterAccess: validates it, reads the
// CA and client certificate files, decodes keys, picks the proxy, and creates the
// CredentialSource (static, token file, or exec plugin). Synchronous: it only reads small
// local files; exec plugins run later, on the first obtain().
class ClusterAccessBuilder
{
public:
    struct Options
    {
        QString contextName; // empty: the config's current-context
        QString namespaceOverride; // -n; empty: the context's namespace, else "default"
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    };

    static ClusterAccessResult build(const Kubeconfig &config, const Options &options);

    // client-go's choice of proxy: `proxy-url` when set (http, https, socks5), else
    // HTTPS_PROXY/https_proxy or HTTP_PROXY/http_proxy by the server's scheme, minus
    // NO_PROXY/no_proxy matches and loopback hosts. `field` names proxy-url for errors.
    static ProxyResult proxyFor(const QUrl &server, const QString &proxyUrl, const QString &field,
        const QProcessEnvironment &environment);
    // Whether `host` (and `port`) match a NO_PROXY list such as "localhost,.corp,10.0.0.0/8".
    static bool matchesNoProxy(const QString &host, int port, const QString &noProxy);
    // The server URL as client-go completes it: no scheme means https when TLS is
    // configured, else http.
    static QUrl serverUrl(const KubeconfigCluster &cluster);
};
