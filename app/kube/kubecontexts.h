#pragma once

#include "kube/clusteraccess.h"
#include "kube/kubeconfig.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QTimer>

#include <optional>

class QFileSystemWatcher;

// The runtime choice of cluster context: holds the loaded kubeconfig, lists its contexts,
// knows which one is active and which namespace we look at (the context's, or the -n
// override), and switches contexts without restarting the app. Every switch (and every
// reload that changes the active context's definition) hands out a fresh ClusterAccess
// through switched(); failures come as switchFailed() with the exact error. GUI thread,
// no widgets; reading the files is synchronous (small local files).
class KubeContexts : public QObject
{
    Q_OBJECT
public:
    explicit KubeContexts(const KubeconfigLoader::Options &options, QObject *parent = nullptr);

    // -n/--namespace: used instead of the context's namespace; empty to follow the context.
    void setNamespaceOverride(const QString &nameSpace);
    QString namespaceOverride() const { return m_namespaceOverride; }
    // The environment for proxies and exec plugins (default: the process environment).
    void setEnvironment(const QProcessEnvironment &environment) { m_environment = environment; }

    // Loads the files and activates `contextName` (empty: the kubeconfig's
    // current-context). Returns false when loading or building failed (see lastError()).
    bool start(const QString &contextName = QString());
    // Reads the files again. The active context stays active when it still exists; its
    // ClusterAccess is rebuilt and re-announced when its definition changed.
    bool reload();
    bool switchContext(const QString &contextName);
    // Reload by itself when a kubeconfig file changes (`kubectl config use-context`, a
    // cloud CLI adding a cluster, an editor). Off by default. Events are debounced, and
    // nothing happens unless a file's content really changed.
    void setWatchFiles(bool watch);

    const Kubeconfig &config() const { return m_config; }
    QStringList contextNames() const { return m_config.contextNames(); }
    QString activeContext() const { return m_active; }
    // The namespace in effect: the override, else the active context's, else "default".
    QString nameSpace() const;
    const std::optional<ClusterAccess> &access() const { return m_access; }
    QString lastError() const { return m_lastError; }

signals:
    void contextsChanged(const QStringList &contextNames, const QString &activeContext);
    void switched(const ClusterAccess &access);
    void switchFailed(const QString &contextName, const QString &error);
    void namespaceChanged(const QString &nameSpace);
    void loadFailed(const QString &error);

private:
    bool load();
    bool activate(const QString &contextName, const QString &namespaceBefore);
    void rewatch();
    void reloadIfChanged();
    QByteArray fingerprint() const;

    KubeconfigLoader::Options m_options;
    QProcessEnvironment m_environment = QProcessEnvironment::systemEnvironment();
    QString m_namespaceOverride;
    Kubeconfig m_config;
    QString m_active;
    std::optional<ClusterAccess> m_access;
    QString m_lastError;
    QFileSystemWatcher *m_watcher = nullptr;
    QTimer m_debounce;
    QByteArray m_fingerprint; // of the files' content at the last load
};
