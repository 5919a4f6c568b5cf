#pragma once

#include "kube/kubeconfig.h"

#include <QStringList>

// The checks client-go makes before using a context (clientcmd's validation.go and
// ConfirmUsable), on our merged Kubeconfig, with errors naming file and field. Only the
// chosen context, its cluster and its user are checked: other entries may be broken
// without bothering anyone, as with kubectl.
class KubeconfigValidator
{
public:
    // Problems with `contextName` (empty list: usable). Each one is a full sentence
    // "<file>: <field>: <problem>", never containing a secret.
    static QStringList validateContext(const Kubeconfig &config, const QString &contextName);
    static QStringList validateCluster(const KubeconfigCluster &cluster);
    static QStringList validateUser(const KubeconfigUser &user);

    // The message for an auth-provider kassert cannot use (the in-tree gcp and azure
    // providers were removed upstream; others were never ours to implement).
    static QString authProviderMessage(const QString &providerName);
    // A URL from the kubeconfig as errors may show it: without user info (a password).
    static QString displayUrl(const QString &url);

    static constexpr const char *kExecApiV1 = "client.authentication.k8s.io/v1";
    static constexpr const char *kExecApiV1Beta1 = "client.authentication.k8s.io/v1beta1";
};
