#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class QProcess;
class QTemporaryDir;

// Starts tests/fixtures/apiserver/server.py (the test Kubernetes API server) in a
// temporary state directory and talks to its control API. Test-only: it may block
// (waitForReadyRead, a local QEventLoop in control()); never use it in product code.
// The server exits when this object stops it or when its stdin (our pipe) closes, so a
// crashed test leaves no process behind.
class TestApiServer
{
public:
    TestApiServer();
    ~TestApiServer();
    TestApiServer(const TestApiServer &) = delete;
    TestApiServer &operator=(const TestApiServer &) = delete;

    // Starts the server and waits (up to 60 s) for its JSON ready line. extraArgs go to
    // server.py, e.g. {"--seed-demo"}.
    bool start(QString *error = nullptr, const QStringList &extraArgs = {});
    void stop();
    bool isRunning() const;
    qint64 processId() const;

    QUrl url() const { return m_url; }
    QString kubeconfigPath() const { return m_kubeconfig; }
    QString caPath() const { return m_ca; }
    QString clientCertPath() const { return m_clientCert; }
    QString clientKeyPath() const { return m_clientKey; }
    QByteArray token() const { return m_token; }
    // A token whose user may only get/list/watch (403 for delete and proxies).
    QByteArray restrictedToken() const { return m_restrictedToken; }
    QString stateDir() const;

    // TLS settings trusting the server's CA, for a QNetworkRequest.
    QSslConfiguration sslConfiguration() const;

    // POST /_test/<op> with args; blocks up to 30 s. Returns the JSON answer, or an
    // empty object and *error on failure (HTTP status and the server's message).
    QJsonObject control(const QString &op, const QJsonObject &args = {}, QString *error = nullptr);

    // Convenience for control("add-suite", ...): returns the new pod's name.
    QString addSuite(const QString &nameSpace, const QString &name,
        const QString &scenario = QStringLiteral("passing"), double rerunWaitSeconds = 5,
        QString *error = nullptr);

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QUrl m_url;
    QString m_kubeconfig, m_ca, m_clientCert, m_clientKey;
    QByteArray m_token, m_restrictedToken, m_controlToken;
    QList<QSslCertificate> m_caCertificates;
};
