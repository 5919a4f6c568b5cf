#include "testapiserver.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

namespace {

QString scriptPath()
{
    return QStringLiteral(KASSERT_TESTS_DIR "/fixtures/apiserver/server.py");
}

void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

} // namespace

TestApiServer::TestApiServer() = default;

TestApiServer::~TestApiServer()
{
    stop();
}

QString TestApiServer::stateDir() const
{
    return m_dir ? m_dir->path() : QString();
}

bool TestApiServer::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

qint64 TestApiServer::processId() const
{
    return m_process ? m_process->processId() : 0;
}

bool TestApiServer::start(QString *error, const QStringList &extraArgs)
{
    stop();
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty()) {
        setError(error, QStringLiteral("python3 not found in PATH"));
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        setError(error, QStringLiteral("cannot create a temporary directory: ") + m_dir->errorString());
        return false;
    }
    m_process = std::make_unique<QProcess>();
    // stdout carries the ready line; stderr goes to the test's log for diagnosis.
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process->start(
        python, QStringList { scriptPath(), QStringLiteral("--state-dir"), m_dir->path() } + extraArgs);
    if (!m_process->waitForStarted(10000)) {
        setError(error, QStringLiteral("cannot start %1: %2").arg(python, m_process->errorString()));
        m_process.reset();
        return false;
    }
    QByteArray line;
    const QDeadlineTimer deadline(60000);
    while (!line.contains('\n') && !deadline.hasExpired()) {
        if (m_process->state() == QProcess::NotRunning)
            break;
        if (m_process->canReadLine()
            || m_process->waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            line += m_process->readLine();
    }
    const QJsonObject info = QJsonDocument::fromJson(line).object();
    if (info.value(QStringLiteral("url")).toString().isEmpty()) {
        setError(error,
            QStringLiteral("the test API server did not report ready (exit code %1): %2")
                .arg(m_process->exitCode())
                .arg(QString::fromUtf8(line.left(500))));
        stop();
        return false;
    }
    m_url = QUrl(info.value(QStringLiteral("url")).toString());
    m_kubeconfig = info.value(QStringLiteral("kubeconfig")).toString();
    m_ca = info.value(QStringLiteral("ca")).toString();
    m_clientCert = info.value(QStringLiteral("clientCert")).toString();
    m_clientKey = info.value(QStringLiteral("clientKey")).toString();
    m_token = info.value(QStringLiteral("token")).toString().toUtf8();
    m_restrictedToken = info.value(QStringLiteral("restrictedToken")).toString().toUtf8();
    m_controlToken = info.value(QStringLiteral("controlToken")).toString().toUtf8();
    m_caCertificates = QSslCertificate::fromPath(m_ca);
    if (m_caCertificates.isEmpty()) {
        setError(error, QStringLiteral("cannot read the CA certificate ") + m_ca);
        stop();
        return false;
    }
    return true;
}

void TestApiServer::stop()
{
    if (m_process) {
        if (m_process->state() != QProcess::NotRunning) {
            m_process->closeWriteChannel(); // the server exits when stdin closes
            m_process->terminate();
            if (!m_process->waitForFinished(10000)) {
                m_process->kill();
                m_process->waitForFinished(5000);
            }
        }
        m_process.reset();
    }
    m_dir.reset();
    m_url.clear();
}

QSslConfiguration TestApiServer::sslConfiguration() const
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates(m_caCertificates);
    return config;
}

QJsonObject TestApiServer::control(const QString &op, const QJsonObject &args, QString *error)
{
    if (!isRunning()) {
        setError(error, QStringLiteral("the test API server is not running"));
        return {};
    }
    QNetworkAccessManager nam;
    QUrl url = m_url;
    url.setPath(QStringLiteral("/_test/") + op);
    QNetworkRequest request(url);
    request.setSslConfiguration(sslConfiguration());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + m_controlToken);
    request.setTransferTimeout(30000);
    QNetworkReply *reply = nam.post(request, QJsonDocument(args).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray body = reply->readAll();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject answer = QJsonDocument::fromJson(body).object();
    const QString networkError = reply->error() == QNetworkReply::NoError ? QString() : reply->errorString();
    delete reply;
    if (status != 200 || !answer.value(QStringLiteral("ok")).toBool()) {
        setError(error,
            QStringLiteral("control %1: HTTP %2 %3: %4")
                .arg(op)
                .arg(status)
                .arg(networkError, answer.value(QStringLiteral("error")).toString()));
        return {};
    }
    return answer;
}

QString TestApiServer::addSuite(const QString &nameSpace, const QString &name, const QString &scenario,
    double rerunWaitSeconds, QString *error)
{
    const QJsonObject answer = control(QStringLiteral("add-suite"),
        { { QStringLiteral("namespace"), nameSpace }, { QStringLiteral("name"), name },
            { QStringLiteral("scenario"), scenario },
            { QStringLiteral("rerunWaitSeconds"), rerunWaitSeconds } },
        error);
    return answer.value(QStringLiteral("pod")).toString();
}
