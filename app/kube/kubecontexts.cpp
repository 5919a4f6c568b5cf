#include "kube/kubecontexts.h"

#include "kube/clusteraccessbuilder.h"

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
    if (!load())
        return false;
    const QString chosen = contextName.isEmpty() ? m_config.currentContext : contextName;
    emit contextsChanged(contextNames(), chosen);
    return activate(chosen);
}

bool KubeContexts::reload()
{
    const Kubeconfig before = m_config;
    if (!load())
        return false;
    emit contextsChanged(contextNames(), m_active);
    if (m_active.isEmpty())
        return activate(m_config.currentContext);
    if (m_access && definitionOf(before, m_active) == definitionOf(m_config, m_active))
        return true;
    return activate(m_active);
}

bool KubeContexts::switchContext(const QString &contextName)
{
    if (contextName == m_active && m_access)
        return true;
    return activate(contextName);
}

bool KubeContexts::activate(const QString &contextName)
{
    const QString before = nameSpace();
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
    if (nameSpace() != before)
        emit namespaceChanged(nameSpace());
    return true;
}
