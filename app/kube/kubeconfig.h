#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

// A kubeconfig as client-go sees it: plain values parsed once from YAML, merged over the
// files of KUBECONFIG (or one explicit file, or ~/.kube/config). Every entry remembers the
// file and list index it came from, so later errors can name "file: users[2].user.token".
// Paths are already absolute (resolved against the defining file's directory) and
// `*-data` fields already base64-decoded. Nothing here touches the network or runs anything.

// Where an entry was defined: for error texts such as "/home/u/.kube/config: users[2]".
struct KubeconfigOrigin
{
    QString file; // absolute path of the file that defined the entry
    int index = 0; // position in that file's list
    QString field(const char *list, const QString &rest) const; // "users[2].user.token"
    QString where(const char *list, const QString &rest) const; // "file: users[2].user.token"

    friend bool operator==(const KubeconfigOrigin &, const KubeconfigOrigin &) = default;
};

struct KubeconfigCluster
{
    QString name;
    KubeconfigOrigin origin;
    QString server;
    QString tlsServerName;
    bool insecureSkipTlsVerify = false;
    QString certificateAuthority; // absolute path, or empty
    QByteArray certificateAuthorityData; // decoded PEM, or empty
    QString proxyUrl;
    bool disableCompression = false;
    // extensions["client.authentication.k8s.io/exec"], passed to exec plugins as "config".
    QJsonValue execExtension;

    friend bool operator==(const KubeconfigCluster &, const KubeconfigCluster &) = default;
};

struct KubeconfigExecEnvVar
{
    QString name;
    QString value;

    friend bool operator==(const KubeconfigExecEnvVar &, const KubeconfigExecEnvVar &) = default;
};

struct KubeconfigExec
{
    QString command; // absolute when it contained a '/', else a bare name looked up on PATH
    QStringList args;
    QList<KubeconfigExecEnvVar> env;
    QString apiVersion;
    QString installHint;
    bool provideClusterInfo = false;
    QString interactiveMode; // "Never", "IfAvailable", "Always" or empty when unset

    friend bool operator==(const KubeconfigExec &, const KubeconfigExec &) = default;
};

struct KubeconfigAuthProvider
{
    QString name;
    QMap<QString, QString> config;

    friend bool operator==(const KubeconfigAuthProvider &, const KubeconfigAuthProvider &) = default;
};

struct KubeconfigUser
{
    QString name;
    KubeconfigOrigin origin;
    QString clientCertificate; // absolute path, or empty
    QByteArray clientCertificateData; // decoded PEM
    QString clientKey; // absolute path, or empty
    QByteArray clientKeyData; // decoded PEM
    QString token;
    QString tokenFile; // absolute path, or empty
    QString username;
    QString password;
    QString impersonate; // "as"
    QStringList impersonateGroups; // "as-groups"
    std::optional<KubeconfigAuthProvider> authProvider;
    std::optional<KubeconfigExec> exec;

    friend bool operator==(const KubeconfigUser &, const KubeconfigUser &) = default;
};

struct KubeconfigContext
{
    QString name;
    KubeconfigOrigin origin;
    QString cluster;
    QString user;
    QString nameSpace;

    friend bool operator==(const KubeconfigContext &, const KubeconfigContext &) = default;
};

struct Kubeconfig
{
    QList<KubeconfigCluster> clusters;
    QList<KubeconfigUser> users;
    QList<KubeconfigContext> contexts;
    QString currentContext;
    QString currentContextFile; // the file whose current-context won
    QStringList files; // the files actually read, in precedence order

    const KubeconfigCluster *cluster(const QString &name) const;
    const KubeconfigUser *user(const QString &name) const;
    const KubeconfigContext *context(const QString &name) const;
    QStringList contextNames() const;

    // Adds the entries of `other` that this config does not define yet (client-go: the
    // first file defining a name wins the whole entry; first non-empty current-context).
    void mergeFrom(const Kubeconfig &other);
};

struct KubeconfigResult
{
    std::optional<Kubeconfig> config;
    QString error; // "<file>: <field>: <problem>"; never holds a secret
};

// Reads and merges kubeconfig files. Synchronous: the files are small and local (and
// refused above kMaxFileSize), like kubectl reading them at start.
class KubeconfigLoader
{
public:
    static constexpr qint64 kMaxFileSize = 16 * 1024 * 1024;

    struct Options
    {
        QString explicitPath; // --kubeconfig: only this file, missing = error
        QString kubeconfigEnv; // the value of KUBECONFIG ("" when unset)
        QString homeDir; // for ~/.kube/config
    };

    // Options from the process environment and the user's home directory.
    static Options defaultOptions(const QString &explicitPath = QString());
    // The files to read, in precedence order (duplicates dropped, empty entries skipped).
    static QStringList searchPaths(const Options &options);
    static KubeconfigResult load(const Options &options);
    // One file; `fileName` is used for errors and to resolve relative paths.
    static KubeconfigResult parseFile(const QString &fileName);
    static KubeconfigResult parse(const QByteArray &yaml, const QString &fileName);
};
