#include "credentialtesting.h"
#include "kube/clusteraccessbuilder.h"
#include "kube/staticcredentialsource.h"

#include <QFile>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kData = QStringLiteral(KASSERT_TESTS_DIR "/data/kubeconfig");
const QString kCerts = kData + "/certs/";

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

// A kubeconfig with one context "c" → cluster "k" and user "u", plus extra lines.
QByteArray kubeconfig(
    const QByteArray &clusterLines, const QByteArray &userLines, const QByteArray &extra = {})
{
    return "current-context: c\nclusters:\n- name: k\n  cluster:\n" + clusterLines
        + "users:\n- name: u\n  user:\n" + userLines
        + "contexts:\n- name: c\n  context: {cluster: k, user: u, namespace: team-a}\n" + extra;
}

ClusterAccessResult buildFrom(const QByteArray &yaml, ClusterAccessBuilder::Options options = {})
{
    const auto loaded = KubeconfigLoader::parse(yaml, "/cfg/config");
    if (!loaded.config)
        return { std::nullopt, "LOAD: " + loaded.error };
    options.environment = QProcessEnvironment(); // no proxy variables unless a test sets them
    return ClusterAccessBuilder::build(*loaded.config, options);
}

ClusterAccessResult buildWithEnv(const QByteArray &yaml, const QProcessEnvironment &env)
{
    const auto loaded = KubeconfigLoader::parse(yaml, "/cfg/config");
    if (!loaded.config)
        return { std::nullopt, "LOAD: " + loaded.error };
    ClusterAccessBuilder::Options options;
    options.environment = env;
    return ClusterAccessBuilder::build(*loaded.config, options);
}

const QByteArray kServer = "    server: https://10.0.0.1:6443\n";

} // namespace

class TestClusterAccessBuilder : public QObject
{
    Q_OBJECT

    LogCapture m_logs;
    QStringList m_texts; // every error and warning produced, checked for secrets at the end

    void remember(const ClusterAccessResult &result)
    {
        m_texts.append(result.error);
        if (result.access)
            m_texts.append(result.access->target.warnings);
    }

private slots:
    void tokenContext()
    {
        const auto result = buildFrom(kubeconfig(kServer, "    token: SECRET-token-value\n"));
        remember(result);
        QVERIFY2(result.access, qPrintable(result.error));
        const ClusterTarget &target = result.access->target;
        QCOMPARE(target.contextName, "c");
        QCOMPARE(target.clusterName, "k");
        QCOMPARE(target.userName, "u");
        QCOMPARE(target.defaultNamespace, "team-a");
        QCOMPARE(target.server, QUrl("https://10.0.0.1:6443"));
        QVERIFY(target.caCertificates.isEmpty());
        QVERIFY(!target.insecureSkipTlsVerify);
        QVERIFY(target.warnings.isEmpty());
        QCOMPARE(target.proxy.type(), QNetworkProxy::NoProxy);
        const CredentialResult credential = obtainNow(*result.access->credentials);
        QCOMPARE(credential.credential.bearerToken, "SECRET-token-value");
        QVERIFY(!result.access->credentials->invalidate(credential.credential));
        QCOMPARE(target.describe(), "https://10.0.0.1:6443 (context c)");
    }

    void namespaces()
    {
        ClusterAccessBuilder::Options options;
        options.namespaceOverride = "from-flag";
        QCOMPARE(buildFrom(kubeconfig(kServer, ""), options).access->target.defaultNamespace, "from-flag");
        const QByteArray noNamespace = "current-context: c\nclusters:\n- name: k\n  cluster:\n" + kServer
            + "contexts:\n- name: c\n  context: {cluster: k}\n";
        const auto result = buildFrom(noNamespace);
        QVERIFY2(result.access, qPrintable(result.error));
        QCOMPARE(result.access->target.defaultNamespace, "default");
        // No user: anonymous, an empty credential that is still a source.
        QVERIFY(result.access->credentials);
        QVERIFY(obtainNow(*result.access->credentials).credential.isEmpty());
    }

    void explicitContext()
    {
        ClusterAccessBuilder::Options options;
        options.contextName = "other";
        const auto result
            = buildFrom(kubeconfig(kServer, "", "- name: other\n  context: {cluster: k}\n"), options);
        QVERIFY2(result.access, qPrintable(result.error));
        QCOMPARE(result.access->target.contextName, "other");
        QCOMPARE(result.access->target.defaultNamespace, "default");
    }

    void contextErrors()
    {
        ClusterAccessBuilder::Options options;
        options.contextName = "nope";
        QCOMPARE(buildFrom(kubeconfig(kServer, ""), options).error,
            "context \"nope\" is not defined in /cfg/config");
        QCOMPARE(
            buildFrom(kubeconfig(kServer, "").replace("current-context: c", "current-context: stale")).error,
            "/cfg/config: current-context: context \"stale\" is not defined in /cfg/config");
        QCOMPARE(
            buildFrom("contexts: []\n").error, "/cfg/config: current-context is not set; choose a context");
        QCOMPARE(ClusterAccessBuilder::build(Kubeconfig(), {}).error,
            "no kubeconfig found: set KUBECONFIG, create ~/.kube/config or pass --kubeconfig");
    }

    void validationErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("token+basic")
            << kubeconfig(kServer, "    token: SECRET-a\n    username: bob\n    password: SECRET-pw\n")
            << "/cfg/config: users[0].user: more than one authentication method (token, basic auth "
               "(username/password)); only one is allowed";
        QTest::newRow("tokenFile+cert")
            << kubeconfig(kServer, "    tokenFile: /t\n    client-certificate: /c\n    client-key: /k\n")
            << "/cfg/config: users[0].user: more than one authentication method (token, client certificate); "
               "only "
               "one is allowed";
        QTest::newRow("cert-without-key") << kubeconfig(kServer, "    client-certificate: /c.crt\n")
                                          << "/cfg/config: users[0].user.client-key: not set, but "
                                             "client-certificate is (a certificate needs its "
                                             "key)";
        QTest::newRow("key-without-cert")
            << kubeconfig(kServer, "    client-key-data: U0VDUkVU\n")
            << "/cfg/config: users[0].user.client-certificate: not set, but client-key is (a key needs its "
               "certificate)";
        QTest::newRow("exec+auth-provider") << kubeconfig(kServer,
            "    exec: {command: x, apiVersion: client.authentication.k8s.io/v1beta1}\n"
            "    auth-provider: {name: oidc}\n")
                                            << "/cfg/config: users[0].user: more than one authentication "
                                               "method (exec plugin, auth-provider); only "
                                               "one is allowed\n/cfg/config: users[0].user.auth-provider: "
                                               "the oidc auth-provider is not supported by "
                                               "kassert; use an exec credential plugin such as kubelogin "
                                               "(https://github.com/int128/kubelogin) "
                                               "instead";
        QTest::newRow("exec-no-command")
            << kubeconfig(kServer, "    exec: {apiVersion: client.authentication.k8s.io/v1beta1}\n")
            << "/cfg/config: users[0].user.exec.command: not set";
        QTest::newRow("exec-no-apiVersion")
            << kubeconfig(kServer, "    exec: {command: aws}\n")
            << "/cfg/config: users[0].user.exec.apiVersion: not set (use client.authentication.k8s.io/v1 or "
               "client.authentication.k8s.io/v1beta1)";
        QTest::newRow("exec-v1alpha1")
            << kubeconfig(
                   kServer, "    exec: {command: aws, apiVersion: client.authentication.k8s.io/v1alpha1}\n")
            << "/cfg/config: users[0].user.exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" is not "
               "supported (use client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1)";
        QTest::newRow("exec-v1-no-mode")
            << kubeconfig(kServer, "    exec: {command: aws, apiVersion: client.authentication.k8s.io/v1}\n")
            << "/cfg/config: users[0].user.exec.interactiveMode: required for "
               "client.authentication.k8s.io/v1 "
               "(Never, IfAvailable or Always)";
        QTest::newRow("exec-bad-mode") << kubeconfig(kServer,
            "    exec: {command: aws, apiVersion: client.authentication.k8s.io/v1beta1, "
            "interactiveMode: Sometimes}\n")
                                       << "/cfg/config: users[0].user.exec.interactiveMode: \"Sometimes\" is "
                                          "not one of Never, IfAvailable, "
                                          "Always";
        QTest::newRow("gcp")
            << kubeconfig(
                   kServer, "    auth-provider:\n      name: gcp\n      config: {access-token: SECRET-gcp}\n")
            << "/cfg/config: users[0].user.auth-provider: The gcp auth plugin has been removed. Please use "
               "the "
               "\"gke-gcloud-auth-plugin\" kubectl/client-go credential plugin instead. See "
               "https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke for "
               "further details";
        QTest::newRow("azure") << kubeconfig(kServer, "    auth-provider: {name: azure}\n")
                               << "/cfg/config: users[0].user.auth-provider: The azure auth plugin has been "
                                  "removed. Please use the "
                                  "\"kubelogin\" kubectl/client-go credential plugin instead. See "
                                  "https://azure.github.io/kubelogin/ "
                                  "for further details";
        QTest::newRow("other-provider") << kubeconfig(kServer, "    auth-provider: {name: openstack}\n")
                                        << "/cfg/config: users[0].user.auth-provider: auth-provider "
                                           "\"openstack\" is not supported; use an exec "
                                           "credential plugin instead";
        QTest::newRow("no-server") << kubeconfig("    tls-server-name: x\n",
            "") << "/cfg/config: clusters[0].cluster.server: not set (cluster \"k\" has no server)";
        QTest::newRow("ftp-server") << kubeconfig("    server: ftp://host\n",
            "") << "/cfg/config: clusters[0].cluster.server: not an http(s) URL: ftp://host";
        QTest::newRow("ftp-server-password") << kubeconfig("    server: ftp://u:SECRET-pw@host\n",
            "") << "/cfg/config: clusters[0].cluster.server: not an http(s) URL: ftp://host";
        QTest::newRow("broken-server-password") << kubeconfig("    server: https://u:SECRET-pw@[::1\n", "")
                                                << "/cfg/config: clusters[0].cluster.server: not an http(s) "
                                                   "URL: (not shown: it contains user info)";
        QTest::newRow("insecure+ca")
            << kubeconfig(
                   kServer + "    insecure-skip-tls-verify: true\n    certificate-authority: /ca.pem\n", "")
            << "/cfg/config: clusters[0].cluster.insecure-skip-tls-verify: cannot be combined with a "
               "certificate "
               "authority (certificate-authority or certificate-authority-data); remove one of them";
        QTest::newRow("unknown-cluster")
            << QByteArray("current-context: c\ncontexts:\n- name: a\n- name: c\n  context: {cluster: gone}\n")
            << "/cfg/config: contexts[1].context.cluster: cluster \"gone\" is not defined";
        QTest::newRow("no-cluster") << QByteArray(
            "current-context: c\ncontexts:\n- name: c\n  context: {user: u}\n")
                                    << "/cfg/config: contexts[0].context.cluster: not set\n/cfg/config: "
                                       "contexts[0].context.user: user \"u\" is not defined";
    }

    void validationErrors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expected);
        const auto result = buildFrom(yaml);
        remember(result);
        QVERIFY(!result.access);
        QCOMPARE(result.error, expected);
    }

    void certificateAuthority_data()
    {
        QTest::addColumn<QByteArray>("lines");
        QTest::addColumn<int>("count");
        const QByteArray ca = readAll(kCerts + "ca.pem");
        QTest::newRow("file") << "    certificate-authority: " + (kCerts + "ca.pem").toUtf8() + "\n" << 1;
        QTest::newRow("data") << "    certificate-authority-data: " + ca.toBase64() + "\n" << 1;
        QTest::newRow("bundle") << "    certificate-authority: " + (kCerts + "ca-bundle.pem").toUtf8() + "\n"
                                << 2;
        // Data wins over the path twin, even when the path is broken.
        QTest::newRow("data-wins")
            << "    certificate-authority: /nonexistent.pem\n    certificate-authority-data: "
                + readAll(kCerts + "ca-bundle.pem").toBase64() + "\n"
            << 2;
    }

    void certificateAuthority()
    {
        QFETCH(QByteArray, lines);
        QFETCH(int, count);
        const auto result = buildFrom(kubeconfig(kServer + lines, ""));
        QVERIFY2(result.access, qPrintable(result.error));
        QCOMPARE(result.access->target.caCertificates.size(), count);
        QCOMPARE(result.access->target.caCertificates.first().subjectInfo(QSslCertificate::CommonName),
            QStringList { "kassert-test-ca" });
    }

    void relativeCaPath()
    {
        // Relative to the file that holds it.
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath("sub/pki"));
        QVERIFY(QFile::copy(kCerts + "ca.pem", dir.filePath("sub/pki/ca.pem")));
        QVERIFY(writeFile(
            dir.filePath("sub/config"), kubeconfig(kServer + "    certificate-authority: pki/ca.pem\n", "")));
        const auto loaded = KubeconfigLoader::parseFile(dir.filePath("sub/config"));
        QVERIFY2(loaded.config, qPrintable(loaded.error));
        const auto result = ClusterAccessBuilder::build(*loaded.config, {});
        QVERIFY2(result.access, qPrintable(result.error));
        QCOMPARE(result.access->target.caCertificates.size(), 1);
    }

    void fileErrors_data()
    {
        QTest::addColumn<QByteArray>("cluster");
        QTest::addColumn<QByteArray>("user");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ca-missing") << kServer + "    certificate-authority: /nonexistent/ca.pem\n"
                                    << QByteArray()
                                    << "/cfg/config: clusters[0].cluster.certificate-authority: cannot read "
                                       "/nonexistent/ca.pem: No such file or directory";
        QTest::newRow("ca-not-pem")
            << kServer + "    certificate-authority: " + (kCerts + "client-rsa.key").toUtf8() + "\n"
            << QByteArray()
            << "/cfg/config: clusters[0].cluster.certificate-authority: no PEM certificate found";
        QTest::newRow("ca-data-garbage")
            << kServer + "    certificate-authority-data: aGVsbG8gd29ybGQ=\n"
            << QByteArray()
            << "/cfg/config: clusters[0].cluster.certificate-authority-data: no PEM "
               "certificate found";
        QTest::newRow("ca-broken")
            << kServer + "    certificate-authority: " + (kCerts + "broken.crt").toUtf8() + "\n"
            << QByteArray()
            << "/cfg/config: clusters[0].cluster.certificate-authority: no PEM certificate found";
        QTest::newRow("cert-broken")
            << kServer
            << "    client-certificate: " + (kCerts + "broken.crt").toUtf8()
                + "\n    client-key: " + (kCerts + "client-rsa.key").toUtf8() + "\n"
            << "/cfg/config: users[0].user.client-certificate: no PEM certificate found";
        QTest::newRow("key-missing")
            << kServer
            << "    client-certificate: " + (kCerts + "client-rsa.crt").toUtf8()
                + "\n    client-key: /nope.key\n"
            << "/cfg/config: users[0].user.client-key: cannot read /nope.key: No such file or directory";
        QTest::newRow("key-encrypted")
            << kServer
            << "    client-certificate: " + (kCerts + "client-rsa.crt").toUtf8()
                + "\n    client-key: " + (kCerts + "client-rsa-encrypted.key").toUtf8() + "\n"
            << "/cfg/config: users[0].user.client-key: not a PEM RSA or EC private key (or it is encrypted)";
        QTest::newRow("key-data-garbage")
            << kServer
            << "    client-certificate: " + (kCerts + "client-rsa.crt").toUtf8() + "\n    client-key-data: "
                + QByteArray("-----BEGIN RSA PRIVATE KEY-----\nSECRETSECRET\n-----END RSA PRIVATE KEY-----\n")
                      .toBase64()
                + "\n"
            << "/cfg/config: users[0].user.client-key-data: not a PEM RSA or EC private key (or it is "
               "encrypted)";
        QTest::newRow("token-newline")
            << kServer << QByteArray("    token: \"SECRET-a\\r\\nX-Injected: 1\"\n")
            << "/cfg/config: users[0].user.token: contains control characters";
        QTest::newRow("tokenFile-missing")
            << kServer << QByteArray("    tokenFile: /nonexistent/token\n")
            << "/cfg/config: users[0].user.tokenFile: cannot read /nonexistent/token: "
               "No such file or directory";
        QTest::newRow("tokenFile-directory")
            << kServer << "    tokenFile: " + kCerts.toUtf8() + "\n"
            << "/cfg/config: users[0].user.tokenFile: cannot read " + kCerts + ": ";
    }

    void fileErrors()
    {
        QFETCH(QByteArray, cluster);
        QFETCH(QByteArray, user);
        QFETCH(QString, expected);
        const auto result = buildFrom(kubeconfig(cluster, user));
        remember(result);
        QVERIFY(!result.access);
        QVERIFY2(result.error.startsWith(expected), qPrintable(result.error));
        if (!expected.endsWith(": "))
            QCOMPARE(result.error, expected);
    }

    void clientCertificates_data()
    {
        QTest::addColumn<QString>("cert");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QSsl::KeyAlgorithm>("algorithm");
        QTest::addColumn<bool>("asData");
        QTest::newRow("rsa-pkcs1-file") << "client-rsa.crt"
                                        << "client-rsa.key" << QSsl::Rsa << false;
        QTest::newRow("rsa-pkcs8-file") << "client-rsa.crt"
                                        << "client-rsa-pkcs8.key" << QSsl::Rsa << false;
        QTest::newRow("rsa-data") << "client-rsa.crt"
                                  << "client-rsa.key" << QSsl::Rsa << true;
        QTest::newRow("ec-sec1-file") << "client-ec.crt"
                                      << "client-ec.key" << QSsl::Ec << false;
        QTest::newRow("ec-pkcs8-data") << "client-ec.crt"
                                       << "client-ec-pkcs8.key" << QSsl::Ec << true;
    }

    void clientCertificates()
    {
        QFETCH(QString, cert);
        QFETCH(QString, key);
        QFETCH(QSsl::KeyAlgorithm, algorithm);
        QFETCH(bool, asData);
        const QByteArray user = asData ? "    client-certificate-data: " + readAll(kCerts + cert).toBase64()
                + "\n    client-key-data: " + readAll(kCerts + key).toBase64() + "\n"
                                       : "    client-certificate: " + (kCerts + cert).toUtf8()
                + "\n    client-key: " + (kCerts + key).toUtf8() + "\n";
        const auto result = buildFrom(kubeconfig(kServer, user));
        remember(result);
        QVERIFY2(result.access, qPrintable(result.error));
        const Credential credential = obtainNow(*result.access->credentials).credential;
        QCOMPARE(credential.clientCertificate, QSslCertificate::fromPath(kCerts + cert).constFirst());
        QVERIFY(!credential.clientKey.isNull());
        QCOMPARE(credential.clientKey.algorithm(), algorithm);
        QCOMPARE(credential.clientKey.type(), QSsl::PrivateKey);
        QVERIFY(credential.bearerToken.isEmpty());
    }

    void basicAuth()
    {
        const auto result
            = buildFrom(kubeconfig(kServer, "    username: alice\n    password: SECRET-password\n"));
        QVERIFY2(result.access, qPrintable(result.error));
        const Credential credential = obtainNow(*result.access->credentials).credential;
        QCOMPARE(credential.basicUser, "alice");
        QCOMPARE(credential.basicPassword, "SECRET-password");
        QVERIFY(credential.bearerToken.isEmpty());
    }

    void tokenFileReRead()
    {
        QTemporaryDir dir;
        const QString tokenPath = dir.filePath("token");
        QVERIFY(writeFile(tokenPath, "  SECRET-first\n"));
        // tokenFile wins over token: the token from the file is presented.
        const QByteArray user = "    tokenFile: " + tokenPath.toUtf8() + "\n";
        const auto loaded = KubeconfigLoader::parse(kubeconfig(kServer, user), "/cfg/config");
        QVERIFY(loaded.config);
        Kubeconfig config = *loaded.config;
        config.users[0].token = "SECRET-inline-token"; // both set: validation counts one method
        const auto result = ClusterAccessBuilder::build(config, {});
        QVERIFY2(result.access, qPrintable(result.error));
        CredentialSource &source = *result.access->credentials;
        QCOMPARE(obtainNow(source).credential.bearerToken, "SECRET-first");
        QVERIFY(writeFile(tokenPath, "SECRET-rotated"));
        QCOMPARE(obtainNow(source).credential.bearerToken, "SECRET-rotated");
        Credential rejected;
        rejected.bearerToken = "SECRET-rotated";
        QVERIFY(source.invalidate(rejected)); // a token file may have been rotated: retry

        QVERIFY(writeFile(tokenPath, "\n \n"));
        CredentialResult empty = obtainNow(source);
        QCOMPARE(empty.error, "/cfg/config: users[0].user.tokenFile: " + tokenPath + " is empty");
        QVERIFY(writeFile(tokenPath, "SECRET-a\r\nX-Injected: 1"));
        CredentialResult twoLines = obtainNow(source);
        QCOMPARE(twoLines.error,
            "/cfg/config: users[0].user.tokenFile: " + tokenPath + " does not hold a single-line token");
        QVERIFY(QFile::remove(tokenPath));
        CredentialResult gone = obtainNow(source);
        QCOMPARE(gone.error,
            "/cfg/config: users[0].user.tokenFile: cannot read " + tokenPath + ": No such file or directory");
        QVERIFY(gone.credential.isEmpty());
        m_texts << empty.error << twoLines.error << gone.error;
    }

    void warnings()
    {
        const auto insecure = buildFrom(kubeconfig(kServer + "    insecure-skip-tls-verify: true\n", ""));
        remember(insecure);
        QVERIFY2(insecure.access, qPrintable(insecure.error));
        QVERIFY(insecure.access->target.insecureSkipTlsVerify);
        QCOMPARE(insecure.access->target.warnings,
            QStringList {
                "TLS verification is off for cluster \"k\" (insecure-skip-tls-verify in /cfg/config): "
                "the server's identity is not checked" });

        const auto plain = buildFrom(kubeconfig("    server: http://user:SECRET-pw@10.0.0.1:8080\n", ""));
        remember(plain);
        QCOMPARE(plain.access->target.warnings,
            QStringList { "The connection to http://10.0.0.1:8080 is not encrypted (http)" });

        const auto impersonating = buildFrom(
            kubeconfig(kServer, "    token: SECRET-t\n    as: admin\n    as-groups: [system:masters]\n"));
        remember(impersonating);
        QCOMPARE(impersonating.access->target.warnings,
            QStringList {
                "User \"u\" asks for impersonation (as/as-groups in /cfg/config), which kassert does not "
                "support: requests are made as the user itself" });
    }

    void serverWithoutScheme()
    {
        // client-go: https when TLS settings are present, else http.
        QCOMPARE(buildFrom(kubeconfig("    server: 10.0.0.1:6443\n    insecure-skip-tls-verify: true\n", ""))
                     .access->target.server,
            QUrl("https://10.0.0.1:6443"));
        QCOMPARE(buildFrom(kubeconfig("    server: localhost:8080\n", "")).access->target.server,
            QUrl("http://localhost:8080"));
    }

    void proxyUrl_data()
    {
        QTest::addColumn<QString>("proxyUrl");
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("error");
        QTest::newRow("http") << "http://proxy.corp:3128" << int(QNetworkProxy::HttpProxy) << "proxy.corp"
                              << 3128 << "";
        QTest::newRow("http-default-port")
            << "http://proxy.corp" << int(QNetworkProxy::HttpProxy) << "proxy.corp" << 80 << "";
        QTest::newRow("socks5") << "socks5://127.0.0.1:1080" << int(QNetworkProxy::Socks5Proxy) << "127.0.0.1"
                                << 1080 << "";
        QTest::newRow("socks5h") << "socks5h://gw:9050" << int(QNetworkProxy::Socks5Proxy) << "gw" << 9050
                                 << "";
        QTest::newRow("https")
            << "https://user:SECRET-pw@tls-proxy:443" << 0 << "" << 0
            << "/cfg/config: clusters[0].cluster.proxy-url: https://tls-proxy:443: a TLS (https://) "
               "proxy is not supported; use an http:// or socks5:// proxy";
        QTest::newRow("ftp")
            << "ftp://proxy" << 0 << "" << 0
            << "/cfg/config: clusters[0].cluster.proxy-url: unsupported proxy scheme \"ftp\" (use "
               "http, https or socks5)";
        QTest::newRow("garbage")
            << "http://" << 0 << "" << 0
            << "/cfg/config: clusters[0].cluster.proxy-url: not a valid proxy URL: http://";
        QTest::newRow("unparsable-with-password")
            << "http://u:SECRET-pw@[::1" << 0 << "" << 0
            << "/cfg/config: clusters[0].cluster.proxy-url: not a valid proxy URL: (unparsable URL)";
    }

    void proxyUrl()
    {
        QFETCH(QString, proxyUrl);
        QFETCH(int, type);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, error);
        QProcessEnvironment env;
        env.insert("HTTPS_PROXY", "http://env-proxy:1"); // proxy-url wins over the environment
        const auto result
            = buildWithEnv(kubeconfig(kServer + "    proxy-url: " + proxyUrl.toUtf8() + "\n", ""), env);
        remember(result);
        if (!error.isEmpty()) {
            QVERIFY(!result.access);
            QCOMPARE(result.error, error);
            return;
        }
        QVERIFY2(result.access, qPrintable(result.error));
        const QNetworkProxy &proxy = result.access->target.proxy;
        QCOMPARE(int(proxy.type()), type);
        QCOMPARE(proxy.hostName(), host);
        QCOMPARE(int(proxy.port()), port);
    }

    void proxyCredentials()
    {
        const auto result
            = buildFrom(kubeconfig(kServer + "    proxy-url: http://bob:SECRET-proxy@proxy:8080\n", ""));
        QVERIFY2(result.access, qPrintable(result.error));
        QCOMPARE(result.access->target.proxy.user(), "bob");
        QCOMPARE(result.access->target.proxy.password(), "SECRET-proxy");
    }

    void proxyEnvironment_data()
    {
        QTest::addColumn<QString>("server");
        QTest::addColumn<QStringList>("env");
        QTest::addColumn<QString>("expected"); // "host:port" or "" for no proxy
        QTest::newRow("https-upper") << "https://api.example:6443"
                                     << QStringList { "HTTPS_PROXY=http://p1:3128" } << "p1:3128";
        QTest::newRow("https-lower") << "https://api.example:6443" << QStringList { "https_proxy=p2:8080" }
                                     << "p2:8080";
        QTest::newRow("upper-first") << "https://api.example"
                                     << QStringList { "HTTPS_PROXY=http://up:1", "https_proxy=http://low:2" }
                                     << "up:1";
        QTest::newRow("http-server") << "http://api.example"
                                     << QStringList { "HTTPS_PROXY=http://s:1", "http_proxy=http://h:2" }
                                     << "h:2";
        QTest::newRow("https-ignores-http")
            << "https://api.example" << QStringList { "http_proxy=http://h:2" } << "";
        QTest::newRow("none") << "https://api.example" << QStringList {} << "";
        QTest::newRow("loopback") << "https://127.0.0.1:6443" << QStringList { "HTTPS_PROXY=http://p:1" }
                                  << "";
        QTest::newRow("localhost") << "https://localhost:6443" << QStringList { "HTTPS_PROXY=http://p:1" }
                                   << "";
        QTest::newRow("no-proxy-domain")
            << "https://api.corp.example" << QStringList { "HTTPS_PROXY=http://p:1", "NO_PROXY=corp.example" }
            << "";
        QTest::newRow("no-proxy-lower")
            << "https://api.corp.example"
            << QStringList { "HTTPS_PROXY=http://p:1", "no_proxy=other, corp.example" } << "";
        QTest::newRow("no-proxy-other")
            << "https://api.example" << QStringList { "HTTPS_PROXY=http://p:1", "NO_PROXY=corp.example" }
            << "p:1";
        QTest::newRow("no-proxy-cidr")
            << "https://10.1.2.3:6443" << QStringList { "HTTPS_PROXY=http://p:1", "NO_PROXY=10.0.0.0/8" }
            << "";
        QTest::newRow("no-proxy-star")
            << "https://api.example" << QStringList { "HTTPS_PROXY=http://p:1", "NO_PROXY=*" } << "";
        QTest::newRow("socks-env") << "https://api.example" << QStringList { "HTTPS_PROXY=socks5://s:1080" }
                                   << "s:1080";
    }

    void proxyEnvironment()
    {
        QFETCH(QString, server);
        QFETCH(QStringList, env);
        QFETCH(QString, expected);
        QProcessEnvironment environment;
        for (const QString &pair : env)
            environment.insert(pair.section('=', 0, 0), pair.section('=', 1));
        const ProxyResult result
            = ClusterAccessBuilder::proxyFor(QUrl(server), QString(), "proxy-url", environment);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        if (expected.isEmpty()) {
            QCOMPARE(result.proxy.type(), QNetworkProxy::NoProxy);
        } else {
            QVERIFY(result.proxy.type() != QNetworkProxy::NoProxy);
            QCOMPARE(result.proxy.hostName() + ':' + QString::number(result.proxy.port()), expected);
        }
    }

    void proxyEnvironmentError()
    {
        QProcessEnvironment environment;
        environment.insert("HTTPS_PROXY", "https://u:SECRET-envpw@p:443");
        const ProxyResult result
            = ClusterAccessBuilder::proxyFor(QUrl("https://api"), QString(), "proxy-url", environment);
        QCOMPARE(result.error,
            "environment variable HTTPS_PROXY/https_proxy: https://p:443: a TLS (https://) proxy is "
            "not supported; use an http:// or socks5:// proxy");
        m_texts << result.error;
    }

    void noProxyMatching_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("noProxy");
        QTest::addColumn<bool>("matches");
        QTest::newRow("exact") << "foo.com" << 443 << "foo.com" << true;
        QTest::newRow("subdomain") << "bar.foo.com" << 443 << "foo.com" << true;
        QTest::newRow("not-suffix-word") << "barfoo.com" << 443 << "foo.com" << false;
        QTest::newRow("dot-subdomain") << "x.y.com" << 443 << ".y.com" << true;
        QTest::newRow("dot-not-self") << "y.com" << 443 << ".y.com" << false;
        QTest::newRow("case") << "API.Corp" << 443 << "api.corp" << true;
        QTest::newRow("port-match") << "foo.com" << 6443 << "foo.com:6443" << true;
        QTest::newRow("port-mismatch") << "foo.com" << 443 << "foo.com:6443" << false;
        QTest::newRow("ip") << "10.0.0.1" << 443 << "10.0.0.1" << true;
        QTest::newRow("ip-other") << "10.0.0.2" << 443 << "10.0.0.1" << false;
        QTest::newRow("cidr") << "192.168.5.9" << 443 << "192.168.0.0/16" << true;
        QTest::newRow("cidr-out") << "192.169.5.9" << 443 << "192.168.0.0/16" << false;
        QTest::newRow("cidr-hostname") << "foo.com" << 443 << "10.0.0.0/8" << false;
        QTest::newRow("ipv6") << "fd00::1" << 443 << "fd00::/8" << true;
        QTest::newRow("ipv6-exact") << "fd00::1" << 443 << "fd00::1" << true;
        QTest::newRow("star") << "anything" << 1 << "a, *" << true;
        QTest::newRow("empty-entries") << "foo.com" << 443 << " , ,, " << false;
        QTest::newRow("garbage") << "foo.com" << 443 << "/, ::::, [], :443, 1.2.3.4/99" << false;
    }

    void noProxyMatching()
    {
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, noProxy);
        QFETCH(bool, matches);
        QCOMPARE(ClusterAccessBuilder::matchesNoProxy(host, port, noProxy), matches);
    }

    void cleanupTestCase()
    {
        // No secret of any test reached an error, a warning or the log.
        const QStringList all = m_texts + LogCapture::messages();
        QVERIFY(m_texts.size() > 30);
        for (const QString &text : all) {
            QVERIFY2(!text.contains("SECRET"), qPrintable(text));
            QVERIFY2(!text.contains("hunter2"), qPrintable(text));
        }
    }
};

QTEST_GUILESS_MAIN(TestClusterAccessBuilder)
#include "tst_clusteraccessbuilder.moc"
