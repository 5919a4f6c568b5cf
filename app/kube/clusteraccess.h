#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QNetworkProxy>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>

// The contract between the kubeconfig layer (which produces these from a context) and
// KubeClient (which uses them for every request). Everything here is resolved: files
// are read, base64 decoded, paths made absolute; only exec plugins stay lazy, behind
// CredentialSource.

// Where the API server is and how to trust it.
struct ClusterTarget
{
    QString contextName;
    QString clusterName;
    QString userName;
    QString defaultNamespace;      // the context's namespace, "default" when unset
    QUrl server;                   // https://host:port[/prefix]
    QList<QSslCertificate> caCertificates; // empty: the system store
    bool insecureSkipTlsVerify = false;    // honoured, but the UI shows a warning
    QString tlsServerName;         // SNI / verification name when not the server host
    QNetworkProxy proxy = QNetworkProxy(QNetworkProxy::DefaultProxy); // proxy-url or env
    QStringList warnings;          // shown to the user, e.g. "TLS verification is off"

    // "https://127.0.0.1:6443 (context kind-dev)": for errors; never holds a secret.
    QString describe() const
    {
        return server.toString(QUrl::RemoveUserInfo) + QStringLiteral(" (context ")
               + contextName + QLatin1Char(')');
    }
};

// What to present on a request. Exactly one of: bearer token, basic auth, client cert.
struct Credential
{
    QByteArray bearerToken;
    QByteArray basicUser;
    QByteArray basicPassword;
    QSslCertificate clientCertificate;
    QSslKey clientKey;
    QDateTime expiresAt; // invalid: does not expire

    bool isEmpty() const
    {
        return bearerToken.isEmpty() && basicUser.isEmpty() && clientCertificate.isNull();
    }
};

struct CredentialResult
{
    Credential credential;
    QString error;     // empty on success; never holds the secret itself
    QString userHint;  // e.g. an exec plugin's installHint or its stderr
};

// Hands out the credential for a context. Static for tokens, certificates and basic auth;
// runs the exec plugin (asynchronously, with a time limit, cached until expiry) for exec.
// obtain() calls `done` exactly once on `context`'s thread, later or at once.
class CredentialSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void obtain(QObject *context, std::function<void(const CredentialResult &)> done) = 0;
    // The server answered 401 to `rejected`: drop it if it is the cached one, so the next
    // obtain() fetches a fresh credential. Returns true when a retry may help.
    virtual bool invalidate(const Credential &rejected) = 0;
};

// Everything needed to talk to one cluster context.
struct ClusterAccess
{
    ClusterTarget target;
    std::shared_ptr<CredentialSource> credentials; // never null for a loaded context
};
