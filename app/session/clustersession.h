#pragma once

#include "commandline.h"
#include "connectionstatus.h"
#include "suites/suitehistory.h"
#include "suites/suiteidentity.h"

#include <QObject>
#include <QUrl>

#include <chrono>
#include <memory>

class KubeClient;
class KubeContexts;
class SuiteTracker;

// One live look at one cluster context: loads the kubeconfig, watches the suite pods,
// finds and polls Prometheus and Alertmanager (or scrapes pods directly), and feeds the
// SuiteTracker. Both the window and `kassert status` drive the same object. GUI thread,
// asynchronous throughout; every failure ends up in a ConnectionStatus.
class ClusterSession : public QObject
{
    Q_OBJECT

public:
    enum class Link { Cluster, Prometheus, Alertmanager };

    struct Options
    {
        QString kubeconfig;    // empty: KUBECONFIG or ~/.kube/config
        QString context;       // empty: the kubeconfig's current context
        QString nameSpace;     // empty: the context's namespace
        bool allNamespaces = false;
        QUrl prometheusUrl;    // empty: discovered through the API server
        QUrl alertmanagerUrl;
        std::chrono::milliseconds prometheusInterval{5000};
        std::chrono::milliseconds alertmanagerInterval{10000};
        std::chrono::milliseconds scrapeInterval{2000};

        // What the command line asks for (--kubeconfig, --context, -n, -A, the URLs).
        static Options fromCommandLine(const CommandLineOptions &options);
    };

    struct ActionResult
    {
        bool ok = false;
        QString message; // what happened, or the exact error
        bool canRestartRun = false; // rerun refused: deleting the pod may work instead
    };

    explicit ClusterSession(const Options &options, QObject *parent = nullptr);
    ~ClusterSession() override;

    // Loads the kubeconfig and connects; errors arrive as statusChanged(Cluster, …).
    void start();

    SuiteTracker *tracker() const;
    KubeClient *client() const; // null until a context is loaded
    KubeContexts *contexts() const;

    QString currentContext() const;
    QString nameSpace() const; // empty: all namespaces
    ConnectionStatus status(Link link) const;
    // The URL or route used for a link, for `kassert status` and tooltips.
    QString endpointDescription(Link link) const;
    // True once pods were listed and Prometheus (if any) answered or failed once.
    bool isSettled() const;

    void switchContext(const QString &context);
    void setNamespace(const QString &nameSpace); // empty: all namespaces
    // Explicit Prometheus/Alertmanager URLs (a port-forward, Thanos); an empty URL means
    // "discover through the API server". Reconnects when they change.
    void setEndpointOverrides(const QUrl &prometheus, const QUrl &alertmanager);
    QUrl prometheusOverride() const;
    QUrl alertmanagerOverride() const;
    // The suite the user looks at is scraped directly, so changes show within seconds.
    void setFocusedSuite(const SuiteKey &key);

    void rerun(const SuiteKey &key);
    void restartRun(const SuiteKey &key);
    void silence(const SuiteKey &key, std::chrono::minutes duration, const QString &comment,
                 const QString &creator);
    void requestHistory(const SuiteKey &key, int rangeSeconds);

signals:
    void statusChanged(ClusterSession::Link link, const ConnectionStatus &status);
    void contextChanged(const QString &context, const QString &nameSpace);
    void namespacesChanged(const QStringList &namespaces);
    void settled();
    void rerunFinished(const SuiteKey &key, const ClusterSession::ActionResult &result);
    void restartFinished(const SuiteKey &key, const ClusterSession::ActionResult &result);
    void silenceFinished(const SuiteKey &key, const ClusterSession::ActionResult &result);
    void historyReady(const SuiteKey &key, const SuiteHistory &history);

private:
    struct Private;
    std::unique_ptr<Private> d;
};
