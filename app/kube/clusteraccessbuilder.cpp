#include "kube/clusteraccessbuilder.h"

#include "kube/execcredentialsource.h"
#include "kube/kubeconfigvalidation.h"
#include "kube/staticcredentialsource.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QSslKey>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMaxPemFileSize = 16 * 1024 * 1024;

// Reads a referenced file (CA, certificate, key). Errors name the field and the path.
bool readReferencedFile(const QString &path, const QString &where, QByteArray *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = where + u": cannot read "_s + path + u": "_s + file.errorString();
        return false;
    }
    *out = file.read(kMaxPemFileSize + 1);
    if (out->size() > kMaxPemFileSize) {
        *error = where + u": "_s + path + u" is larger than 16 MiB"_s;
        return false;
    }
    return true;
}

// `*-data` wins over its path twin. Returns false with `error` set when the file fails.
bool dataOrFile(
    const QByteArray &data, const QString &path, const QString &fileWhere, QByteArray *out, QString *error)
{
    if (!data.isEmpty()) {
        *out = data;
        return true;
    }
    if (path.isEmpty())
        return true;
    return readReferencedFile(path, fileWhere, out, error);
}

bool parseCertificates(
    const QByteArray &pem, const QString &where, QList<QSslCertificate> *out, QString *error)
{
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(pem, QSsl::Pem);
    if (certificates.isEmpty()) {
        *error = where + u": no PEM certificate found"_s;
        return false;
    }
    for (const QSslCertificate &certificate : certificates) {
        if (certificate.isNull()) {
            *error = where + u": a certificate does not parse"_s;
            return false;
        }
    }
    *out = certificates;
    return true;
}

bool parsePrivateKey(const QByteArray &pem, const QString &where, QSslKey *out, QString *error)
{
    // QSslKey needs the algorithm up front; kubeconfigs hold RSA or EC keys.
    for (const QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec }) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull()) {
            *out = key;
            return true;
        }
    }
    *error = where + u": not a PEM RSA or EC private key (or it is encrypted)"_s;
    return false;
}

QString env(const QProcessEnvironment &environment, const QString &upper, const QString &lower)
{
    // Go's httpproxy reads the upper-case name first.
    const QString value = environment.value(upper);
    return value.isEmpty() ? environment.value(lower) : value;
}

// The cluster part of KUBERNETES_EXEC_INFO, as client-go's ExecCredential Cluster.
QJsonObject execClusterInfo(const KubeconfigCluster &cluster, const QUrl &server, const QByteArray &caPem)
{
    QJsonObject info;
    info.insert(u"server"_s, server.toString());
    if (!cluster.tlsServerName.isEmpty())
        info.insert(u"tls-server-name"_s, cluster.tlsServerName);
    if (cluster.insecureSkipTlsVerify)
        info.insert(u"insecure-skip-tls-verify"_s, true);
    if (!caPem.isEmpty())
        info.insert(u"certificate-authority-data"_s, QString::fromLatin1(caPem.toBase64()));
    if (!cluster.proxyUrl.isEmpty())
        info.insert(u"proxy-url"_s, cluster.proxyUrl);
    if (cluster.disableCompression)
        info.insert(u"disable-compression"_s, true);
    if (!cluster.execExtension.isNull() && !cluster.execExtension.isUndefined())
        info.insert(u"config"_s, cluster.execExtension);
    return info;
}

} // namespace

QUrl ClusterAccessBuilder::serverUrl(const KubeconfigCluster &cluster)
{
    QString server = cluster.server;
    if (!server.contains(u"://"_s)) {
        const bool tls = !cluster.certificateAuthority.isEmpty()
            || !cluster.certificateAuthorityData.isEmpty() || cluster.insecureSkipTlsVerify;
        server = (tls ? u"https://"_s : u"http://"_s) + server;
    }
    return QUrl(server, QUrl::StrictMode);
}

bool ClusterAccessBuilder::matchesNoProxy(const QString &host, int port, const QString &noProxy)
{
    const QString lowerHost = host.toLower();
    const QHostAddress address(lowerHost);
    const QStringList entries = noProxy.split(u',', Qt::SkipEmptyParts);
    for (QString entry : entries) {
        entry = entry.trimmed().toLower();
        if (entry.isEmpty())
            continue;
        if (entry == u"*"_s)
            return true;
        // CIDR ranges and IP addresses match IP hosts only.
        if (entry.contains(u'/')) {
            const auto subnet = QHostAddress::parseSubnet(entry);
            if (!address.isNull() && subnet.first.protocol() != QAbstractSocket::UnknownNetworkLayerProtocol
                && address.isInSubnet(subnet))
                return true;
            continue;
        }
        QString entryHost = entry;
        int entryPort = -1;
        // "host:port" or "[v6]:port"; a bare IPv6 address has several colons.
        const qsizetype colon = entry.lastIndexOf(u':');
        if (colon > 0 && entry.count(u':') == 1) {
            entryHost = entry.left(colon);
            entryPort = entry.mid(colon + 1).toInt();
        } else if (entry.startsWith(u'[') && entry.contains(u"]:"_s)) {
            entryHost = entry.mid(1, entry.indexOf(u']') - 1);
            entryPort = entry.mid(entry.indexOf(u"]:"_s) + 2).toInt();
        }
        if (entryPort > 0 && entryPort != port)
            continue;
        const QHostAddress entryAddress(entryHost);
        if (!entryAddress.isNull()) {
            if (!address.isNull() && entryAddress.isEqual(address))
                return true;
            continue;
        }
        // As in Go: "corp.example" matches itself and its subdomains, ".corp.example" only
        // the subdomains.
        if (entryHost.startsWith(u'.')) {
            if (lowerHost.endsWith(entryHost))
                return true;
        } else if (lowerHost == entryHost || lowerHost.endsWith(u'.' + entryHost)) {
            return true;
        }
    }
    return false;
}

ProxyResult ClusterAccessBuilder::proxyFor(
    const QUrl &server, const QString &proxyUrl, const QString &field, const QProcessEnvironment &environment)
{
    ProxyResult result;
    QString chosen = proxyUrl;
    QString where = field;
    if (chosen.isEmpty()) {
        const QString host = server.host();
        const int port = server.port(server.scheme() == u"https"_s ? 443 : 80);
        // Go never proxies loopback destinations.
        if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0 || QHostAddress(host).isLoopback())
            return result;
        if (server.scheme() == u"https"_s) {
            chosen = env(environment, u"HTTPS_PROXY"_s, u"https_proxy"_s);
            where = u"environment variable HTTPS_PROXY/https_proxy"_s;
        } else {
            chosen = env(environment, u"HTTP_PROXY"_s, u"http_proxy"_s);
            where = u"environment variable HTTP_PROXY/http_proxy"_s;
        }
        if (chosen.isEmpty() || matchesNoProxy(host, port, env(environment, u"NO_PROXY"_s, u"no_proxy"_s)))
            return result;
        // Go accepts "proxy:3128" in the environment and means http.
        if (!chosen.contains(u"://"_s))
            chosen.prepend(u"http://"_s);
    }
    const QUrl url(chosen, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    // The URL may carry a password: errors show it without user info.
    const QString shown = url.isValid() ? url.toString(QUrl::RemoveUserInfo) : u"(unparsable URL)"_s;
    if (!url.isValid() || url.host().isEmpty()) {
        result.error = where + u": not a valid proxy URL: "_s + shown;
        return result;
    }
    if (scheme == u"http"_s) {
        result.proxy = QNetworkProxy(QNetworkProxy::HttpProxy, url.host(), quint16(url.port(80)));
    } else if (scheme == u"socks5"_s || scheme == u"socks5h"_s) {
        result.proxy = QNetworkProxy(QNetworkProxy::Socks5Proxy, url.host(), quint16(url.port(1080)));
    } else if (scheme == u"https"_s) {
        // Qt speaks to HTTP proxies in clear text only; pretending would fail obscurely.
        result.error = where + u": "_s + shown
            + u": a TLS (https://) proxy is not supported; use an http:// or socks5:// proxy"_s;
        return result;
    } else {
        result.error
            = where + u": unsupported proxy scheme \""_s + scheme + u"\" (use http, https or socks5)"_s;
        return result;
    }
    if (!url.userName().isEmpty()) {
        result.proxy.setUser(url.userName());
        result.proxy.setPassword(url.password());
    }
    return result;
}

ClusterAccessResult ClusterAccessBuilder::build(const Kubeconfig &config, const Options &options)
{
    const QString contextName = options.contextName.isEmpty() ? config.currentContext : options.contextName;
    const QStringList problems = KubeconfigValidator::validateContext(config, contextName);
    if (!problems.isEmpty())
        return { std::nullopt, problems.join(u'\n') };

    const KubeconfigContext &context = *config.context(contextName);
    const KubeconfigCluster &cluster = *config.cluster(context.cluster);
    const KubeconfigUser *user = context.user.isEmpty() ? nullptr : config.user(context.user);
    auto clusterWhere = [&cluster](const char *field) {
        return cluster.origin.where("clusters", u"cluster."_s + QLatin1StringView(field));
    };

    ClusterAccess access;
    ClusterTarget &target = access.target;
    target.contextName = contextName;
    target.clusterName = cluster.name;
    target.userName = context.user;
    target.defaultNamespace = !options.namespaceOverride.isEmpty() ? options.namespaceOverride
        : !context.nameSpace.isEmpty()                             ? context.nameSpace
                                                                   : u"default"_s;
    target.server = serverUrl(cluster);
    if (!target.server.isValid() || target.server.host().isEmpty())
        return { std::nullopt,
            clusterWhere("server") + u": not a valid URL: "_s
                + KubeconfigValidator::displayUrl(cluster.server) };
    target.tlsServerName = cluster.tlsServerName;
    target.insecureSkipTlsVerify = cluster.insecureSkipTlsVerify;

    QString error;
    QByteArray caPem;
    if (!dataOrFile(cluster.certificateAuthorityData, cluster.certificateAuthority,
            clusterWhere("certificate-authority"), &caPem, &error))
        return { std::nullopt, error };
    if (!caPem.isEmpty()) {
        const QString where
            = clusterWhere(cluster.certificateAuthorityData.isEmpty() ? "certificate-authority"
                                                                      : "certificate-authority-data");
        if (!parseCertificates(caPem, where, &target.caCertificates, &error))
            return { std::nullopt, error };
    }

    const ProxyResult proxy
        = proxyFor(target.server, cluster.proxyUrl, clusterWhere("proxy-url"), options.environment);
    if (!proxy.error.isEmpty())
        return { std::nullopt, proxy.error };
    target.proxy = proxy.proxy;

    if (cluster.insecureSkipTlsVerify) {
        target.warnings
            += u"TLS verification is off for cluster \"%1\" (insecure-skip-tls-verify in %2): the "
               "server's identity is not checked"_s.arg(cluster.name, cluster.origin.file);
    }
    if (target.server.scheme() == u"http"_s) {
        target.warnings += u"The connection to %1 is not encrypted (http)"_s.arg(
            target.server.toString(QUrl::RemoveUserInfo));
    }

    if (!user) {
        access.credentials = std::make_shared<StaticCredentialSource>(Credential());
        return { access, QString() };
    }
    auto userWhere = [user](const char *field) {
        return user->origin.where("users", u"user."_s + QLatin1StringView(field));
    };
    if (!user->impersonate.isEmpty() || !user->impersonateGroups.isEmpty()) {
        target.warnings
            += u"User \"%1\" asks for impersonation (as/as-groups in %2), which kassert does not "
               "support: requests are made as the user itself"_s.arg(user->name, user->origin.file);
    }

    if (user->exec) {
        ExecPluginConfig plugin;
        plugin.exec = *user->exec;
        plugin.field = user->origin.where("users", u"user.exec"_s);
        if (user->exec->provideClusterInfo)
            plugin.clusterInfo = execClusterInfo(cluster, target.server, caPem);
        auto source = std::make_shared<ExecCredentialSource>(plugin);
        source->setEnvironment(options.environment);
        access.credentials = source;
        return { access, QString() };
    }

    if (!user->tokenFile.isEmpty()) {
        // Read once now so a missing file is reported at connect time; re-read later.
        const QString where = userWhere("tokenFile");
        const CredentialResult first = StaticCredentialSource::readTokenFile(user->tokenFile, where);
        if (!first.error.isEmpty())
            return { std::nullopt, first.error };
        access.credentials = std::make_shared<StaticCredentialSource>(user->tokenFile, where);
        return { access, QString() };
    }

    Credential credential;
    if (!user->token.isEmpty()) {
        // The token goes into a header: a line break would split or smuggle headers.
        if (std::any_of(user->token.cbegin(), user->token.cend(),
                [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; }))
            return { std::nullopt, userWhere("token") + u": contains control characters"_s };
        credential.bearerToken = user->token.toUtf8();
    } else if (!user->username.isEmpty() || !user->password.isEmpty()) {
        credential.basicUser = user->username.toUtf8();
        credential.basicPassword = user->password.toUtf8();
    } else if (!user->clientCertificateData.isEmpty() || !user->clientCertificate.isEmpty()) {
        QByteArray certPem;
        QByteArray keyPem;
        if (!dataOrFile(user->clientCertificateData, user->clientCertificate, userWhere("client-certificate"),
                &certPem, &error)
            || !dataOrFile(user->clientKeyData, user->clientKey, userWhere("client-key"), &keyPem, &error))
            return { std::nullopt, error };
        QList<QSslCertificate> chain;
        const char *certField
            = user->clientCertificateData.isEmpty() ? "client-certificate" : "client-certificate-data";
        const char *keyField = user->clientKeyData.isEmpty() ? "client-key" : "client-key-data";
        if (!parseCertificates(certPem, userWhere(certField), &chain, &error)
            || !parsePrivateKey(keyPem, userWhere(keyField), &credential.clientKey, &error))
            return { std::nullopt, error };
        credential.clientCertificate = chain.constFirst();
    }
    access.credentials = std::make_shared<StaticCredentialSource>(credential);
    return { access, QString() };
}
