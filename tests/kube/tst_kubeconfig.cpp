#include "kube/kubeconfig.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kData = QStringLiteral(KASSERT_TESTS_DIR "/data/kubeconfig");

KubeconfigLoader::Options envOptions(const QStringList &files)
{
    KubeconfigLoader::Options options;
    options.kubeconfigEnv = files.join(u':');
    options.homeDir = QStringLiteral("/nonexistent-home");
    return options;
}

} // namespace

class TestKubeconfig : public QObject
{
    Q_OBJECT

private slots:
    void searchPaths()
    {
        KubeconfigLoader::Options options;
        options.homeDir = "/home/u";
        QCOMPARE(KubeconfigLoader::searchPaths(options), QStringList { "/home/u/.kube/config" });

        options.kubeconfigEnv = "/a/one:/b/two::/a/one:/c/three:/b/two";
        QCOMPARE(KubeconfigLoader::searchPaths(options), (QStringList { "/a/one", "/b/two", "/c/three" }));

        options.explicitPath = "/x/explicit";
        QCOMPARE(KubeconfigLoader::searchPaths(options), QStringList { "/x/explicit" });

        // Relative entries become absolute against the working directory.
        KubeconfigLoader::Options relative;
        relative.kubeconfigEnv = "rel/config";
        QCOMPARE(KubeconfigLoader::searchPaths(relative),
            QStringList { QDir::current().absoluteFilePath("rel/config") });
    }

    void mergeFirstWins()
    {
        const QString first = kData + "/merge/first.yaml";
        const QString second = kData + "/merge/sub/second.yaml";
        const QString third = kData + "/merge/third.yaml";
        const QString missing = kData + "/merge/does-not-exist.yaml";
        const auto result = KubeconfigLoader::load(envOptions({ first, missing, second, first, third }));
        QVERIFY2(result.config, qPrintable(result.error));
        const Kubeconfig &config = *result.config;
        QCOMPARE(config.files, (QStringList { first, second, third }));

        // current-context: the first non-empty value (second; first's is "").
        QCOMPARE(config.currentContext, "from-second");
        QCOMPARE(config.currentContextFile, second);

        // "shared" comes whole from the first file, nothing of the second's mixed in.
        const KubeconfigCluster *shared = config.cluster("shared");
        QVERIFY(shared);
        QCOMPARE(shared->server, "https://first.example:6443");
        QVERIFY(!shared->insecureSkipTlsVerify);
        QCOMPARE(shared->origin.file, first);
        QCOMPARE(shared->certificateAuthority, kData + "/merge/certs/ca.pem");

        const KubeconfigUser *sharedUser = config.user("shared");
        QVERIFY(sharedUser);
        QCOMPARE(sharedUser->tokenFile, kData + "/merge/tokens/first-token");
        QVERIFY(sharedUser->token.isEmpty());

        const KubeconfigContext *sharedContext = config.context("shared");
        QCOMPARE(sharedContext->cluster, "shared");
        QCOMPARE(sharedContext->nameSpace, "first-ns");

        QCOMPARE(config.contextNames(), (QStringList { "shared", "from-second", "from-third" }));
        QCOMPARE(config.clusters.size(), 3);
        QCOMPARE(config.users.size(), 2);

        // Relative paths resolve against the directory of the file that holds them.
        const KubeconfigCluster *onlySecond = config.cluster("only-second");
        QCOMPARE(onlySecond->certificateAuthority, kData + "/merge/certs/second-ca.pem");
        QCOMPARE(onlySecond->origin.file, second);
        QCOMPARE(onlySecond->origin.index, 1);
        const KubeconfigUser *secondUser = config.user("second-user");
        QCOMPARE(secondUser->clientCertificate, kData + "/merge/sub/client.crt");
        QCOMPARE(secondUser->clientKey, "/absolute/client.key");
        QVERIFY(secondUser->exec);
        QCOMPARE(secondUser->exec->command, kData + "/merge/sub/bin/plugin");
        QCOMPARE(secondUser->exec->interactiveMode, "Never");
        QCOMPARE(config.context("from-third")->nameSpace, "third-ns");
    }

    void currentContextFromLaterFile()
    {
        const auto result = KubeconfigLoader::load(
            envOptions({ kData + "/merge/third.yaml", kData + "/merge/sub/second.yaml" }));
        QVERIFY2(result.config, qPrintable(result.error));
        QCOMPARE(result.config->currentContext, "from-third");
        // The second file now defines "shared" first.
        QCOMPARE(result.config->cluster("shared")->server, "https://second.example:6443");
        QVERIFY(result.config->cluster("shared")->insecureSkipTlsVerify);
    }

    void missingFiles()
    {
        // Every KUBECONFIG file missing (and no ~/.kube/config): an empty config.
        const auto none = KubeconfigLoader::load(envOptions({ "/nonexistent/a", "/nonexistent/b" }));
        QVERIFY(none.config);
        QVERIFY(none.config->contexts.isEmpty());
        QVERIFY(none.config->files.isEmpty());

        KubeconfigLoader::Options home;
        home.homeDir = "/nonexistent-home";
        QVERIFY(KubeconfigLoader::load(home).config);

        // An explicit --kubeconfig that does not exist is an error naming it.
        KubeconfigLoader::Options options;
        options.explicitPath = "/nonexistent/explicit.yaml";
        options.kubeconfigEnv = kData + "/merge/first.yaml";
        const auto result = KubeconfigLoader::load(options);
        QVERIFY(!result.config);
        QCOMPARE(result.error, "/nonexistent/explicit.yaml: file does not exist");
    }

    void explicitPathOnly()
    {
        KubeconfigLoader::Options options;
        options.explicitPath = kData + "/merge/third.yaml";
        options.kubeconfigEnv = kData + "/merge/first.yaml";
        const auto result = KubeconfigLoader::load(options);
        QVERIFY2(result.config, qPrintable(result.error));
        QCOMPARE(result.config->files, QStringList { kData + "/merge/third.yaml" });
        QVERIFY(!result.config->cluster("shared"));
    }

    void homeConfig()
    {
        QTemporaryDir home;
        QVERIFY(QDir(home.path()).mkpath(".kube"));
        QFile file(home.filePath(".kube/config"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("current-context: home\ncontexts:\n- name: home\n  context: {cluster: c, user: u}\n");
        file.close();
        KubeconfigLoader::Options options;
        options.homeDir = home.path();
        const auto result = KubeconfigLoader::load(options);
        QVERIFY2(result.config, qPrintable(result.error));
        QCOMPARE(result.config->currentContext, "home");
        QCOMPARE(result.config->context("home")->user, "u");
    }

    void badFileInListIsError()
    {
        const QString malformed = kData + "/malformed.yaml";
        const auto result = KubeconfigLoader::load(envOptions({ kData + "/merge/first.yaml", malformed }));
        QVERIFY(!result.config);
        QVERIFY2(result.error.startsWith(malformed + ": line 6, column"), qPrintable(result.error));
    }

    void fileErrors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("malformed") << "malformed.yaml"
                                   << "malformed.yaml: line 6, column 4: invalid YAML: end of map not found";
        QTest::newRow("truncated")
            << "truncated.yaml"
            << "truncated.yaml: line 5, column 27: invalid YAML: illegal EOF in scalar";
        QTest::newRow("directory") << "merge"
                                   << "merge: is a directory, not a kubeconfig file";
    }

    void fileErrors()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        const auto result = KubeconfigLoader::parseFile(kData + '/' + file);
        QVERIFY(!result.config);
        QCOMPARE(result.error, kData + '/' + expected);
    }

    void unreadableFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("config");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("contexts: []\n");
        file.close();
        QVERIFY(file.setPermissions(QFileDevice::WriteOwner));
        if (QFile(path).open(QIODevice::ReadOnly))
            QSKIP("running as root: permissions do not stop reading");
        const auto result = KubeconfigLoader::parseFile(path);
        QVERIFY(!result.config);
        QVERIFY2(result.error.startsWith(path + ": cannot read: "), qPrintable(result.error));
    }

    void parseErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expected");

        QTest::newRow("users-not-a-list") << QByteArray("users: 5\n") << "users: expected a list";
        QTest::newRow("top-level-list") << QByteArray("- a\n- b\n") << "expected a mapping at the top level";
        QTest::newRow("top-level-scalar") << QByteArray("hello\n") << "expected a mapping at the top level";
        QTest::newRow("entry-not-map") << QByteArray("clusters:\n- just-a-string\n")
                                       << "clusters[0]: expected a mapping with name and cluster";
        QTest::newRow("body-not-map")
            << QByteArray("users:\n- name: a\n  user: [1, 2]\n") << "users[0].user: expected a mapping";
        QTest::newRow("server-is-map") << QByteArray("clusters:\n- name: a\n  cluster:\n    server: {x: 1}\n")
                                       << "clusters[0].cluster.server: expected a string";
        QTest::newRow("bool-quoted")
            << QByteArray("clusters:\n- name: a\n  cluster:\n    insecure-skip-tls-verify: \"true\"\n")
            << "clusters[0].cluster.insecure-skip-tls-verify: expected true or false";
        QTest::newRow("bool-garbage")
            << QByteArray("clusters:\n- name: a\n  cluster:\n    disable-compression: maybe\n")
            << "clusters[0].cluster.disable-compression: expected true or false";
        QTest::newRow("base64-garbage") << QByteArray(
            "users:\n- name: a\n  user: {}\n- name: b\n  user: {}\n- name: c\n  user:\n    client-key-data: "
            "'%%%not base64!!'\n") << "users[2].user.client-key-data: not valid base64";
        QTest::newRow("base64-truncated")
            << QByteArray("clusters:\n- name: a\n  cluster:\n    certificate-authority-data: TFMwdExT\n    "
                          "server: x\n")
                   .replace("TFMwdExT", "TFMwdEx")
            << "clusters[0].cluster.certificate-authority-data: not valid base64";
        QTest::newRow("base64-unicode") << QByteArray(
            "users:\n- name: a\n  user:\n    client-certificate-data: \"\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\"\n")
                                        << "users[0].user.client-certificate-data: not valid base64";
        QTest::newRow("as-groups-map") << QByteArray("users:\n- name: a\n  user:\n    as-groups: {a: b}\n")
                                       << "users[0].user.as-groups: expected a list of strings";
        QTest::newRow("args-nested") << QByteArray(
            "users:\n- name: a\n  user:\n    exec:\n      args: [ok, [nested]]\n")
                                     << "users[0].user.exec.args[1]: expected a string";
        QTest::newRow("env-not-list")
            << QByteArray("users:\n- name: a\n  user:\n    exec:\n      env: {A: b}\n")
            << "users[0].user.exec.env: expected a list of {name, value}";
        QTest::newRow("env-bad-name")
            << QByteArray(
                   "users:\n- name: a\n  user:\n    exec:\n      env:\n      - {name: 'A=B', value: c}\n")
            << "users[0].user.exec.env[0].name: not a valid environment variable name";
        QTest::newRow("exec-not-map") << QByteArray("users:\n- name: a\n  user:\n    exec: kubelogin\n")
                                      << "users[0].user.exec: expected a mapping";
        QTest::newRow("duplicate-name")
            << QByteArray("contexts:\n- name: a\n  context: {}\n- name: b\n- name: a\n")
            << "contexts[2].name: duplicate name \"a\" (already defined at contexts[0])";
        QTest::newRow("current-context-list")
            << QByteArray("current-context: [a]\n") << "current-context: expected a string";
        QTest::newRow("deep-nesting") << QByteArray(5000, '[') << "line ";
        QTest::newRow("tab-indent") << QByteArray("clusters:\n\t- name: a\n") << "line 2, column ";
    }

    void parseErrors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expected);
        const auto result = KubeconfigLoader::parse(yaml, "/cfg/config");
        QVERIFY(!result.config);
        QVERIFY2(result.error.startsWith("/cfg/config: " + expected), qPrintable(result.error));
    }

    void secretsNotInErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::newRow("token-list") << QByteArray("users:\n- name: a\n  user:\n    token: [SECRET-1]\n");
        QTest::newRow("key-data") << QByteArray(
            "users:\n- name: a\n  user:\n    client-key-data: SECRET-2!!\n");
        QTest::newRow("password-map")
            << QByteArray("users:\n- name: a\n  user:\n    password: {SECRET-3: x}\n");
        QTest::newRow("syntax") << QByteArray("users:\n- name: a\n  user:\n    token: \"SECRET-4");
        QTest::newRow("syntax-flow") << QByteArray("users: [{name: a, user: {token: SECRET-5}\n");
    }

    void secretsNotInErrors()
    {
        QFETCH(QByteArray, yaml);
        const auto result = KubeconfigLoader::parse(yaml, "/cfg/config");
        QVERIFY(!result.config);
        QVERIFY(result.error.startsWith("/cfg/config: "));
        QVERIFY2(!result.error.contains("SECRET"), qPrintable(result.error));
    }

    void lenientScalars()
    {
        // Like sigs.k8s.io/yaml: numbers fill string fields, unknown fields are ignored,
        // null lists and bodies are empty, an empty document is an empty config.
        const QByteArray yaml = "preferences: {}\nunknown: [1]\nclusters:\nusers:\n- name: 42\n  user:\n"
                                "    token: 12345\n    future-field: x\ncontexts:\n- name: c\n  context:\n";
        const auto result = KubeconfigLoader::parse(yaml, "/cfg/config");
        QVERIFY2(result.config, qPrintable(result.error));
        QCOMPARE(result.config->user("42")->token, "12345");
        QVERIFY(result.config->context("c"));
        QVERIFY(KubeconfigLoader::parse("", "/cfg/empty").config);
        QVERIFY(KubeconfigLoader::parse("# only a comment\n", "/cfg/empty").config);
    }

    void allFields()
    {
        const QByteArray yaml = R"(
clusters:
- name: c
  cluster:
    server: https://10.0.0.1:6443/prefix
    tls-server-name: api.internal
    insecure-skip-tls-verify: false
    certificate-authority-data: |
      LS0tLS1CRUdJTiBDRVJU
      SUZJQ0FURS0tLS0t
    proxy-url: socks5://proxy:1080
    disable-compression: true
    extensions:
    - name: other
      extension: {a: 1}
    - name: client.authentication.k8s.io/exec
      extension:
        audience: kassert
        retries: 3
        nested: {on: [true, "x"]}
users:
- name: u
  user:
    client-certificate-data: aGVsbG8=
    client-key-data: d29ybGQ=
    username: alice
    password: s3cret
    as: bob
    as-groups: [dev, ops]
    auth-provider:
      name: oidc
      config: {client-id: kassert, idp-issuer-url: https://idp}
- name: e
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --server-id, "1"]
      env:
      - name: FOO
        value: bar
      - name: EMPTY
      installHint: brew install kubelogin
      provideClusterInfo: true
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: ns}
)";
        const auto result = KubeconfigLoader::parse(yaml, "/cfg/config");
        QVERIFY2(result.config, qPrintable(result.error));
        const KubeconfigCluster &c = *result.config->cluster("c");
        QCOMPARE(c.server, "https://10.0.0.1:6443/prefix");
        QCOMPARE(c.tlsServerName, "api.internal");
        QCOMPARE(c.certificateAuthorityData, "-----BEGIN CERTIFICATE-----");
        QCOMPARE(c.proxyUrl, "socks5://proxy:1080");
        QVERIFY(c.disableCompression);
        QCOMPARE(c.execExtension.toObject().value("audience").toString(), "kassert");
        QCOMPARE(c.execExtension.toObject().value("retries").toDouble(), 3.0);
        QCOMPARE(c.execExtension.toObject().value("nested").toObject().value("on").toArray().at(1).toString(),
            "x");
        const KubeconfigUser &u = *result.config->user("u");
        QCOMPARE(u.clientCertificateData, "hello");
        QCOMPARE(u.clientKeyData, "world");
        QCOMPARE(u.username, "alice");
        QCOMPARE(u.password, "s3cret");
        QCOMPARE(u.impersonate, "bob");
        QCOMPARE(u.impersonateGroups, (QStringList { "dev", "ops" }));
        QVERIFY(u.authProvider);
        QCOMPARE(u.authProvider->name, "oidc");
        QCOMPARE(u.authProvider->config.value("client-id"), "kassert");
        const KubeconfigUser &e = *result.config->user("e");
        QVERIFY(e.exec);
        QCOMPARE(e.exec->apiVersion, "client.authentication.k8s.io/v1beta1");
        QCOMPARE(e.exec->command, "kubelogin");
        QCOMPARE(e.exec->args, (QStringList { "get-token", "--server-id", "1" }));
        QCOMPARE(e.exec->env.size(), 2);
        QCOMPARE(e.exec->env.at(0).name, "FOO");
        QCOMPARE(e.exec->env.at(0).value, "bar");
        QCOMPARE(e.exec->env.at(1).value, "");
        QCOMPARE(e.exec->installHint, "brew install kubelogin");
        QVERIFY(e.exec->provideClusterInfo);
        QVERIFY(e.exec->interactiveMode.isEmpty());
        QCOMPARE(result.config->context("ctx")->nameSpace, "ns");
    }

    void hugeFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("huge");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(KubeconfigLoader::kMaxFileSize + 1));
        file.close();
        const auto result = KubeconfigLoader::parseFile(path);
        QVERIFY(!result.config);
        QCOMPARE(result.error, path + ": larger than 16 MiB, refusing to read it as a kubeconfig");
    }

    void aliasBomb()
    {
        // Each level doubles through aliases; a naive walk would visit 2^30 nodes.
        QByteArray yaml = "a0: &a0 [x, y]\n";
        for (int i = 1; i <= 30; ++i)
            yaml += "a" + QByteArray::number(i) + ": &a" + QByteArray::number(i) + " [*a"
                + QByteArray::number(i - 1) + ", *a" + QByteArray::number(i - 1) + "]\n";
        yaml += "clusters:\n- name: c\n  cluster:\n    extensions:\n    - name: "
                "client.authentication.k8s.io/exec\n"
                "      extension: *a30\n";
        const auto result = KubeconfigLoader::parse(yaml, "/cfg/config");
        QVERIFY(!result.config);
        QCOMPARE(result.error,
            "/cfg/config: clusters[0].cluster.extensions[0].extension: too deeply nested or too large");
    }

    void garbageNeverCrashes()
    {
        // Deterministic pseudo-random bytes and mutations of a valid file: each must give a
        // config or an error naming the file, never a crash or an exception.
        QFile file(kData + "/merge/sub/second.yaml");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray valid = file.readAll();
        quint32 seed = 12345;
        auto next = [&seed] {
            seed = seed * 1664525u + 1013904223u;
            return seed >> 8;
        };
        for (int round = 0; round < 300; ++round) {
            QByteArray input = valid;
            if (round % 3 == 0) {
                input.truncate(next() % valid.size());
            } else {
                for (int i = 0; i < 5; ++i)
                    input[next() % input.size()] = char(next() % 256);
            }
            const auto result = KubeconfigLoader::parse(input, "/cfg/fuzz");
            QVERIFY(result.config || result.error.startsWith("/cfg/fuzz: "));
            QVERIFY2(!result.error.contains("file-token"), qPrintable(result.error));
        }
    }
};

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
