#include "kube/kubeconfigvalidation.h"

#include <QUrl>

using namespace Qt::StringLiterals;

QString KubeconfigValidator::authProviderMessage(const QString &providerName)
{
    // The gcp and azure texts follow client-go's stubs that replaced the removed providers.
    if (providerName == u"gcp"_s) {
        return u"The gcp auth plugin has been removed. Please use the \"gke-gcloud-auth-plugin\" "
               "kubectl/client-go credential plugin instead. See "
               "https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke "
               "for further details"_s;
    }
    if (providerName == u"azure"_s) {
        return u"The azure auth plugin has been removed. Please use the \"kubelogin\" kubectl/client-go "
               "credential plugin instead. See https://azure.github.io/kubelogin/ for further details"_s;
    }
    if (providerName == u"oidc"_s) {
        return u"the oidc auth-provider is not supported by kassert; use an exec credential plugin such as "
               "kubelogin (https://github.com/int128/kubelogin) instead"_s;
    }
    return u"auth-provider \"%1\" is not supported; use an exec credential plugin instead"_s.arg(
        providerName);
}

QString KubeconfigValidator::displayUrl(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (parsed.isValid() && !parsed.host().isEmpty())
        return parsed.toString(QUrl::RemoveUserInfo);
    // Unparsable: show it only when it cannot hold "user:password@".
    return url.contains(u'@') ? u"(not shown: it contains user info)"_s : url;
}

QStringList KubeconfigValidator::validateCluster(const KubeconfigCluster &cluster)
{
    QStringList problems;
    auto where = [&cluster](const QString &field) {
        return cluster.origin.where("clusters", u"cluster."_s + field);
    };
    if (cluster.server.isEmpty()) {
        problems += where(u"server"_s) + u": not set (cluster \"%1\" has no server)"_s.arg(cluster.name);
    } else {
        const QUrl url(cluster.server, QUrl::StrictMode);
        const bool hasScheme = cluster.server.contains(u"://"_s);
        if (hasScheme
            && (!url.isValid() || (url.scheme() != u"https"_s && url.scheme() != u"http"_s)
                || url.host().isEmpty()))
            problems += where(u"server"_s) + u": not an http(s) URL: "_s + displayUrl(cluster.server);
    }
    if (cluster.insecureSkipTlsVerify
        && (!cluster.certificateAuthority.isEmpty() || !cluster.certificateAuthorityData.isEmpty())) {
        problems += where(u"insecure-skip-tls-verify"_s)
            + u": cannot be combined with a certificate authority (certificate-authority or "
              "certificate-authority-data); remove one of them"_s;
    }
    return problems;
}

QStringList KubeconfigValidator::validateUser(const KubeconfigUser &user)
{
    QStringList problems;
    auto where = [&user](const QString &field) {
        return user.origin.where("users", field.isEmpty() ? u"user"_s : u"user."_s + field);
    };
    QStringList methods;
    if (!user.token.isEmpty() || !user.tokenFile.isEmpty())
        methods += u"token"_s;
    if (!user.username.isEmpty() || !user.password.isEmpty())
        methods += u"basic auth (username/password)"_s;
    const bool hasCert = !user.clientCertificate.isEmpty() || !user.clientCertificateData.isEmpty();
    const bool hasKey = !user.clientKey.isEmpty() || !user.clientKeyData.isEmpty();
    if (hasCert || hasKey)
        methods += u"client certificate"_s;
    if (user.exec)
        methods += u"exec plugin"_s;
    if (user.authProvider)
        methods += u"auth-provider"_s;
    if (methods.size() > 1) {
        problems += where(QString())
            + u": more than one authentication method (%1); only one is allowed"_s.arg(methods.join(u", "_s));
    }
    if (hasCert && !hasKey)
        problems += where(u"client-key"_s)
            + u": not set, but client-certificate is (a certificate needs its key)"_s;
    if (hasKey && !hasCert)
        problems += where(u"client-certificate"_s)
            + u": not set, but client-key is (a key needs its certificate)"_s;

    if (user.authProvider)
        problems += where(u"auth-provider"_s) + u": "_s + authProviderMessage(user.authProvider->name);

    if (user.exec) {
        const KubeconfigExec &exec = *user.exec;
        if (exec.command.isEmpty())
            problems += where(u"exec.command"_s) + u": not set"_s;
        const bool v1 = exec.apiVersion == QLatin1StringView(kExecApiV1);
        if (exec.apiVersion.isEmpty()) {
            problems += where(u"exec.apiVersion"_s)
                + u": not set (use %1 or %2)"_s.arg(
                    QLatin1StringView(kExecApiV1), QLatin1StringView(kExecApiV1Beta1));
        } else if (!v1 && exec.apiVersion != QLatin1StringView(kExecApiV1Beta1)) {
            problems += where(u"exec.apiVersion"_s)
                + u": \"%1\" is not supported (use %2 or %3)"_s.arg(
                    exec.apiVersion, QLatin1StringView(kExecApiV1), QLatin1StringView(kExecApiV1Beta1));
        }
        const QString &mode = exec.interactiveMode;
        if (mode.isEmpty() && v1) {
            problems += where(u"exec.interactiveMode"_s)
                + u": required for client.authentication.k8s.io/v1 (Never, IfAvailable or Always)"_s;
        } else if (!mode.isEmpty() && mode != u"Never"_s && mode != u"IfAvailable"_s && mode != u"Always"_s) {
            problems += where(u"exec.interactiveMode"_s)
                + u": \"%1\" is not one of Never, IfAvailable, Always"_s.arg(mode);
        }
    }
    return problems;
}

QStringList KubeconfigValidator::validateContext(const Kubeconfig &config, const QString &contextName)
{
    if (contextName.isEmpty()) {
        if (config.files.isEmpty())
            return { u"no kubeconfig found: set KUBECONFIG, create ~/.kube/config or pass --kubeconfig"_s };
        return { config.files.join(u", "_s) + u": current-context is not set; choose a context"_s };
    }
    const KubeconfigContext *context = config.context(contextName);
    if (!context) {
        const QString files
            = config.files.isEmpty() ? u"(no kubeconfig file found)"_s : config.files.join(u", "_s);
        // A stale current-context is a mistake in one file: name that file and field.
        if (contextName == config.currentContext && !config.currentContextFile.isEmpty()) {
            return { config.currentContextFile
                + u": current-context: context \"%1\" is not defined in %2"_s.arg(contextName, files) };
        }
        return { u"context \"%1\" is not defined in %2"_s.arg(contextName, files) };
    }
    QStringList problems;
    const KubeconfigCluster *cluster = nullptr;
    if (context->cluster.isEmpty()) {
        problems += context->origin.where("contexts", u"context.cluster"_s) + u": not set"_s;
    } else {
        cluster = config.cluster(context->cluster);
        if (!cluster) {
            problems += context->origin.where("contexts", u"context.cluster"_s)
                + u": cluster \"%1\" is not defined"_s.arg(context->cluster);
        }
    }
    // An empty user means no credentials (anonymous), as in client-go; a named user that
    // does not exist is a mistake worth saying.
    const KubeconfigUser *user = nullptr;
    if (!context->user.isEmpty()) {
        user = config.user(context->user);
        if (!user) {
            problems += context->origin.where("contexts", u"context.user"_s)
                + u": user \"%1\" is not defined"_s.arg(context->user);
        }
    }
    if (cluster)
        problems += validateCluster(*cluster);
    if (user)
        problems += validateUser(*user);
    return problems;
}
