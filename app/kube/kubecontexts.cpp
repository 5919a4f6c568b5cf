#include "kube/kubecontexts.h"

#include "kube/clusteraccessbuilder.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>

using namespace Qt::StringLiterals;

namespace {

// What a context's ClusterAccess is made of: when none of it changed, a reload keeps the
// running connection (and a cached exec credential) as it is.
struct ContextDefinition
{
    std::optional<KubeconfigContext> context;
    std::optional<KubeconfigCluster> cluster;
    std::optional<KubeconfigUser> user;

    friend bool operator==(const ContextDefinition &, const ContextDefinition &) = default;
};

ContextDefinition definitionOf(const Kubeconfig &config, const QString &contextName)
{
    ContextDefinition definition;
    if (const KubeconfigContext *context = config.context(contextName)) {
        definition.context = *context;
        if (const KubeconfigCluster *cluster = config.cluster(context->cluster))
            definition.cluster = *cluster;
        if (const KubeconfigUser *user = config.user(context->user))
            definition.user = *user;
    }
    return definition;
}

} // namespace

KubeContexts::KubeContexts(const KubeconfigLoader::Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    // Editors and tools write in several steps (truncate, write, rename): wait for quiet.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &KubeContexts::reloadIfChanged);
}

void KubeContexts::setWatchFiles(bool watch)
{
    if (!watch) {
        delete m_watcher;
        m_watcher = nullptr;
        m_debounce.stop();
        return;
    }
    if (m_watcher)
        return;
    m_watcher = new QFileSystemWatcher(this);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, &m_debounce, qOverload<>(&QTimer::start));
    rewatch();
}

void KubeContexts::rewatch()
{
    if (!m_watcher)
        return;
    if (!m_watcher->files().isEmpty())
        m_watcher->removePaths(m_watcher->files());
    if (!m_watcher->directories().isEmpty())
        m_watcher->removePaths(m_watcher->directories());
    // The directories too: a file replaced by rename, or created later, is seen there.
    QStringList paths;
    for (const QString &file : KubeconfigLoader::searchPaths(m_options)) {
        const QFileInfo info(file);
        if (info.exists() && !paths.contains(file))
            paths.append(file);
        if (info.dir().exists() && !paths.contains(info.absolutePath()))
            paths.append(info.absolutePath());
    }
    if (!paths.isEmpty())
        m_watcher->addPaths(paths);
}

QByteArray KubeContexts::fingerprint() const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &path : KubeconfigLoader::searchPaths(m_options)) {
        hash.addData(path.toUtf8());
        QFile file(path);
        if (file.open(QIODevice::ReadOnly)) {
            hash.addData("\1");
            hash.addData(file.read(KubeconfigLoader::kMaxFileSize + 1));
        } else {
            hash.addData("\0");
        }
    }
    return hash.result();
}

void KubeContexts::reloadIfChanged()
{
    rewatch();
    if (fingerprint() != m_fingerprint)
        reload();
}

void KubeContexts::setNamespaceOverride(const QString &nameSpace)
{
    if (nameSpace == m_namespaceOverride)
        return;
    const QString before = this->nameSpace();
    m_namespaceOverride = nameSpace;
    if (m_access)
        m_access->target.defaultNamespace = this->nameSpace();
    if (this->nameSpace() != before)
        emit namespaceChanged(this->nameSpace());
}

QString KubeContexts::nameSpace() const
{
    if (!m_namespaceOverride.isEmpty())
        return m_namespaceOverride;
    if (const KubeconfigContext *context = m_config.context(m_active);
        context && !context->nameSpace.isEmpty())
        return context->nameSpace;
    return u"default"_s;
}

bool KubeContexts::load()
{
    m_fingerprint = fingerprint();
    const KubeconfigResult result = KubeconfigLoader::load(m_options);
    if (!result.config) {
        m_lastError = result.error;
        emit loadFailed(result.error);
        return false;
    }
    m_config = *result.config;
    return true;
}

bool KubeContexts::start(const QString &contextName)
{
    const QString namespaceBefore = nameSpace();
    if (!load())
        return false;
    const QString chosen = contextName.isEmpty() ? m_config.currentContext : contextName;
    emit contextsChanged(contextNames(), chosen);
    return activate(chosen, namespaceBefore);
}

bool KubeContexts::reload()
{
    const Kubeconfig before = m_config;
    // Read before loading: the new files may change the active context's namespace.
    const QString namespaceBefore = nameSpace();
    if (!load())
        return false;
    emit contextsChanged(contextNames(), m_active);
    if (m_active.isEmpty())
        return activate(m_config.currentContext, namespaceBefore);
    if (m_access && definitionOf(before, m_active) == definitionOf(m_config, m_active))
        return true;
    return activate(m_active, namespaceBefore);
}

bool KubeContexts::switchContext(const QString &contextName)
{
    if (contextName == m_active && m_access)
        return true;
    return activate(contextName, nameSpace());
}

bool KubeContexts::activate(const QString &contextName, const QString &namespaceBefore)
{
    ClusterAccessBuilder::Options options;
    options.contextName = contextName;
    options.namespaceOverride = m_namespaceOverride;
    options.environment = m_environment;
    const ClusterAccessResult result = ClusterAccessBuilder::build(m_config, options);
    // The choice is made even when it fails, so the UI shows which context is broken.
    m_active = contextName;
    if (!result.access) {
        m_access.reset();
        m_lastError = result.error;
        emit switchFailed(contextName, result.error);
        return false;
    }
    m_access = result.access;
    m_lastError.clear();
    emit switched(*m_access);
    if (nameSpace() != namespaceBefore)
        emit namespaceChanged(nameSpace());
    return true;
}
