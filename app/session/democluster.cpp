#include "session/democluster.h"

#include "session/demomonitoringconfig.h"
#include "session/demoprocess.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype MaxReadyLineBytes = 64 * 1024;
constexpr int ProbeIntervalMs = 250;
constexpr int ProbeAttempts = 120; // 30 s for Prometheus or Alertmanager to answer /-/ready
constexpr int ControlTimeoutMs = 15000;

} // namespace

DemoCluster::DemoCluster(QObject *parent)
    : QObject(parent)
    , m_prometheusCandidates({ u"prometheus"_s, u"/usr/bin/prometheus"_s })
    , m_alertmanagerCandidates(
          { u"prometheus-alertmanager"_s, u"alertmanager"_s, u"/usr/bin/prometheus-alertmanager"_s })
{
    m_startTimer.setSingleShot(true);
    connect(&m_startTimer, &QTimer::timeout, this,
        [this] { fail(tr("the demo API server did not start within %1 s").arg(m_startTimeoutMs / 1000)); });
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, &DemoCluster::killRemaining);
}

DemoCluster::~DemoCluster()
{
    // Last resort when nobody waited for stop(): every child gets SIGTERM at once, then
    // each DemoProcess (a QObject child) kills and reaps what is left of its process.
    for (DemoProcess *child : std::as_const(m_children)) {
        child->disconnect(this);
        child->terminate();
    }
    // Before the temporary folder goes: no child may still write into it.
    qDeleteAll(m_children);
    m_children.clear();
}

QString DemoCluster::findServerDirectory()
{
    QStringList dirs;
    if (const QString env = qEnvironmentVariable("KASSERT_DEMO_DIR"); !env.isEmpty())
        dirs << env;
#ifdef KASSERT_SOURCE_DIR
    dirs << QStringLiteral(KASSERT_SOURCE_DIR "/tests/fixtures/apiserver");
#endif
    if (QCoreApplication::instance())
        dirs << QCoreApplication::applicationDirPath() + u"/../share/kassert/demo-cluster"_s;
    for (const QString &dir : std::as_const(dirs)) {
        if (QFileInfo(dir + u"/server.py"_s).isFile())
            return QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    }
    return {};
}

QList<qint64> DemoCluster::processIds() const
{
    QList<qint64> ids;
    for (const DemoProcess *child : m_children) {
        if (child->processId() > 0)
            ids << child->processId();
    }
    return ids;
}

void DemoCluster::start()
{
    if (m_state != State::Idle)
        return;
    m_state = State::Starting;
    const QString python = DemoProcess::findProgram({ m_python });
    const QString serverDir = m_serverDir.isEmpty() ? findServerDirectory() : m_serverDir;
    // Failures are reported after start() returns, like every later one.
    if (python.isEmpty()) {
        QTimer::singleShot(0, this,
            [this] { fail(tr("the demo needs Python 3, but %1 was not found on PATH").arg(m_python)); });
        return;
    }
    if (serverDir.isEmpty() || !QFileInfo(serverDir + u"/server.py"_s).isFile()) {
        QTimer::singleShot(0, this, [this, serverDir] {
            fail(serverDir.isEmpty()
                    ? tr("the demo cluster (server.py) was not found; set KASSERT_DEMO_DIR to the folder "
                         "that has it")
                    : tr("the demo cluster was not found: %1 has no server.py").arg(serverDir));
        });
        return;
    }
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/kassert-demo-XXXXXX"_s);
    if (!m_dir->isValid()) {
        const QString error = m_dir->errorString();
        QTimer::singleShot(
            0, this, [this, error] { fail(tr("cannot create a temporary folder: %1").arg(error)); });
        return;
    }
    m_network = new QNetworkAccessManager(this);
    m_network->setProxy(QNetworkProxy::NoProxy); // everything is on loopback
    emit progress(tr("Starting the demo Kubernetes API server…"));
    m_server = launch(u"demo API server"_s, python,
        { serverDir + u"/server.py"_s, u"--state-dir"_s, m_dir->filePath(u"apiserver"_s), u"--seed-demo"_s },
        true);
    connect(m_server->process(), &QProcess::readyReadStandardOutput, this, &DemoCluster::readServerOutput);
    m_startTimer.start(m_startTimeoutMs);
}

DemoProcess *DemoCluster::launch(
    const QString &name, const QString &program, const QStringList &arguments, bool pipes)
{
    auto *child = new DemoProcess(name, this);
    m_children << child;
    connect(child, &DemoProcess::exited, this, [this, child] { childExited(child); });
    child->start(program, arguments, m_dir->path(), pipes);
    return child;
}

void DemoCluster::childExited(DemoProcess *child)
{
    if (m_state == State::Starting && child == m_server) {
        fail(child->errorText());
    } else if (m_state == State::Ready) {
        emit progress(tr("Demo: %1").arg(child->errorText()));
    }
    // Prometheus or Alertmanager dying while starting is noticed by its readiness probe.
    if (m_state == State::Stopping || m_state == State::Failed) {
        if (std::all_of(m_children.cbegin(), m_children.cend(),
                [](const DemoProcess *c) { return c->hasExited(); })) {
            m_killTimer.stop();
            if (m_state == State::Stopping)
                m_state = State::Stopped;
            emit stopped();
        }
    }
}

void DemoCluster::readServerOutput()
{
    const QByteArray data = m_server->process()->readAllStandardOutput(); // never let the pipe fill up
    if (m_state != State::Starting)
        return;
    m_serverStdout += data;
    const qsizetype end = m_serverStdout.indexOf('\n');
    if (end < 0) {
        if (m_serverStdout.size() > MaxReadyLineBytes)
            fail(tr("the demo API server printed %1 bytes without a ready line").arg(m_serverStdout.size()));
        return;
    }
    const QByteArray line = m_serverStdout.first(end);
    m_serverStdout.clear(); // it holds tokens: keep it no longer than needed
    serverReady(line);
}

void DemoCluster::serverReady(const QByteArray &line)
{
    m_startTimer.stop();
    QJsonParseError parseError;
    const QJsonObject info = QJsonDocument::fromJson(line, &parseError).object();
    const int port = info.value(u"port"_s).toInt();
    m_kubeconfig = info.value(u"kubeconfig"_s).toString();
    m_caFile = info.value(u"ca"_s).toString();
    const QByteArray token = info.value(u"token"_s).toString().toUtf8();
    m_controlToken = info.value(u"controlToken"_s).toString().toUtf8();
    // The line holds secrets: the error names what is wrong, never the text.
    if (parseError.error != QJsonParseError::NoError || port <= 0 || port > 65535 || m_kubeconfig.isEmpty()
        || m_caFile.isEmpty() || token.isEmpty() || m_controlToken.isEmpty()) {
        fail(tr("the demo API server's ready line (%1 bytes) is not what kassert expects").arg(line.size()));
        return;
    }
    m_apiUrl = QUrl(u"https://127.0.0.1:%1"_s.arg(port));
    m_tokenFile = m_dir->filePath(u"token"_s);
    QString error;
    if (!DemoProcess::writePrivateFile(m_tokenFile, token, &error)) {
        fail(error);
        return;
    }
    startAlertmanager();
}

void DemoCluster::startAlertmanager()
{
    const QString program = DemoProcess::findProgram(m_alertmanagerCandidates);
    if (program.isEmpty()) {
        m_notes << tr("Alertmanager is not installed (prometheus-alertmanager), so there are no alerts");
        startPrometheus();
        return;
    }
    const quint16 port = DemoProcess::freeLoopbackPort();
    const QString config = m_dir->filePath(u"alertmanager.yml"_s);
    QString error;
    if (port == 0 || !DemoProcess::writePrivateFile(config, DemoMonitoringConfig::alertmanager(), &error)) {
        m_notes << tr("Alertmanager was not started: %1").arg(port == 0 ? tr("no free port") : error);
        startPrometheus();
        return;
    }
    emit progress(tr("Starting Alertmanager…"));
    m_alertmanager = launch(u"Alertmanager"_s, program,
        { u"--config.file="_s + config, u"--storage.path="_s + m_dir->filePath(u"alertmanager-data"_s),
            u"--web.listen-address=127.0.0.1:%1"_s.arg(port), u"--cluster.listen-address="_s,
            u"--log.level=warn"_s },
        false);
    const QUrl url(u"http://127.0.0.1:%1"_s.arg(port));
    probeReady(m_alertmanager, url, [this, url](bool ok, const QString &error) {
        if (ok)
            m_alertmanagerUrl = url;
        else
            m_notes << error;
        startPrometheus();
    });
}

void DemoCluster::startPrometheus()
{
    const QString program = DemoProcess::findProgram(m_prometheusCandidates);
    if (program.isEmpty()) {
        m_notes << tr("Prometheus is not installed, so there are no metrics history or alerts");
        registerServices();
        return;
    }
    const quint16 port = DemoProcess::freeLoopbackPort();
    const QString config = m_dir->filePath(u"prometheus.yml"_s);
    const QString rules = m_dir->filePath(u"rules.yml"_s);
    const quint16 amPort = m_alertmanagerUrl.isEmpty() ? 0 : quint16(m_alertmanagerUrl.port());
    QString error;
    if (port == 0 || !DemoProcess::writePrivateFile(rules, DemoMonitoringConfig::rules(), &error)
        || !DemoProcess::writePrivateFile(config,
            DemoMonitoringConfig::prometheus(quint16(m_apiUrl.port()), m_caFile, m_tokenFile, rules, amPort),
            &error)) {
        m_notes << tr("Prometheus was not started: %1").arg(port == 0 ? tr("no free port") : error);
        registerServices();
        return;
    }
    emit progress(tr("Starting Prometheus…"));
    m_prometheus = launch(u"Prometheus"_s, program,
        { u"--config.file="_s + config, u"--storage.tsdb.path="_s + m_dir->filePath(u"prometheus-data"_s),
            u"--web.listen-address=127.0.0.1:%1"_s.arg(port), u"--storage.tsdb.retention.time=1d"_s,
            u"--log.level=warn"_s },
        false);
    const QUrl url(u"http://127.0.0.1:%1"_s.arg(port));
    probeReady(m_prometheus, url, [this, url](bool ok, const QString &error) {
        if (ok)
            m_prometheusUrl = url;
        else
            m_notes << error;
        registerServices();
    });
}

void DemoCluster::probeReady(DemoProcess *child, const QUrl &url, const ProbeDone &done, int attempt)
{
    if (m_state != State::Starting)
        return;
    if (child->hasExited()) {
        done(false, child->errorText());
        return;
    }
    if (attempt >= ProbeAttempts) {
        child->terminate(); // useless if it never answers
        done(false,
            tr("%1 did not answer within %2 s")
                .arg(child->name())
                .arg(ProbeAttempts * ProbeIntervalMs / 1000));
        return;
    }
    QNetworkRequest request(url.resolved(QUrl(u"/-/ready"_s)));
    request.setTransferTimeout(2000);
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, child, url, done, attempt] {
        reply->deleteLater();
        if (m_state != State::Starting)
            return;
        if (reply->error() == QNetworkReply::NoError
            && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200) {
            done(true, {});
            return;
        }
        QTimer::singleShot(ProbeIntervalMs, this,
            [this, child, url, done, attempt] { probeReady(child, url, done, attempt + 1); });
    });
}

void DemoCluster::registerServices()
{
    if (m_state != State::Starting)
        return;
    emit progress(tr("Registering the monitoring services…"));
    // Discovery in kassert then works as in a real cluster: services by label, port `web`.
    addService(u"prometheus-operated"_s, u"operated-prometheus"_s, m_prometheusUrl, [this] {
        addService(u"alertmanager-operated"_s, u"operated-alertmanager"_s, m_alertmanagerUrl, [this] {
            control(u"state"_s, {}, [this](const QJsonObject &answer, const QString &error) {
                if (!error.isEmpty())
                    fail(error);
                else
                    finishStart(answer);
            });
        });
    });
}

void DemoCluster::addService(
    const QString &name, const QString &label, const QUrl &target, const std::function<void()> &next)
{
    if (target.isEmpty()) {
        next();
        return;
    }
    const QJsonObject args { { u"namespace"_s, u"monitoring"_s }, { u"name"_s, name },
        { u"labels"_s, QJsonObject { { label, u"true"_s } } },
        { u"ports"_s, QJsonArray { QJsonObject { { u"name"_s, u"web"_s }, { u"port"_s, target.port() } } } },
        { u"target"_s, target.toString() } };
    control(u"add-service"_s, args, [this, next](const QJsonObject &, const QString &error) {
        if (!error.isEmpty())
            fail(error);
        else
            next();
    });
}

void DemoCluster::control(const QString &op, const QJsonObject &args, const ControlDone &done)
{
    QNetworkRequest request(m_apiUrl.resolved(QUrl(u"/_test/"_s + op)));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromPath(m_caFile));
    request.setSslConfiguration(ssl);
    request.setRawHeader("Authorization", "Bearer " + m_controlToken);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setTransferTimeout(ControlTimeoutMs);
    QNetworkReply *reply = m_network->post(request, QJsonDocument(args).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply, op, done] {
        reply->deleteLater();
        if (m_state != State::Starting)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 200 && answer.value(u"ok"_s).toBool()) {
            done(answer, {});
            return;
        }
        const QString why = answer.value(u"error"_s).toString();
        done({},
            tr("the demo API server refused %1: %2")
                .arg(op, status != 0 ? u"HTTP %1 %2"_s.arg(status).arg(why) : reply->errorString()));
    });
}

void DemoCluster::finishStart(const QJsonObject &state)
{
    QStringList namespaces;
    const QJsonArray suites = state.value(u"suites"_s).toArray();
    for (const QJsonValue &suite : suites) {
        const QString ns = suite.toObject().value(u"namespace"_s).toString();
        if (!namespaces.contains(ns))
            namespaces << ns;
    }
    QStringList parts;
    const QString suitesText
        = suites.size() == 1 ? tr("1 simulated suite") : tr("%1 simulated suites").arg(suites.size());
    parts << tr("Demo cluster at %1 with %2 in %3")
                 .arg(m_apiUrl.toString(), suitesText, namespaces.join(u", "_s));
    if (!m_prometheusUrl.isEmpty())
        parts << tr("Prometheus at %1 scrapes them every 2 s").arg(m_prometheusUrl.toString());
    if (!m_alertmanagerUrl.isEmpty())
        parts
            << tr("Alertmanager at %1 gets KubernetesAssertFailed alerts").arg(m_alertmanagerUrl.toString());
    parts << m_notes;
    m_summary = parts.join(u". "_s) + u'.';
    m_state = State::Ready;
    emit progress(tr("Demo cluster ready"));
    emit ready(m_kubeconfig, m_summary);
}

void DemoCluster::fail(const QString &error)
{
    if (m_state != State::Starting)
        return;
    m_state = State::Failed;
    m_startTimer.stop();
    terminateAll();
    emit failed(error);
}

void DemoCluster::stop()
{
    if (m_state == State::Idle || m_state == State::Stopping || m_state == State::Stopped
        || m_state == State::Failed)
        return;
    m_state = State::Stopping;
    m_startTimer.stop();
    terminateAll();
}

void DemoCluster::terminateAll()
{
    bool anyLeft = false;
    for (DemoProcess *child : std::as_const(m_children)) {
        anyLeft = anyLeft || !child->hasExited();
        child->terminate(); // the API server also exits when its stdin closes
    }
    if (anyLeft) {
        m_killTimer.start(m_killTimeoutMs);
    } else {
        if (m_state == State::Stopping)
            m_state = State::Stopped;
        QTimer::singleShot(0, this, &DemoCluster::stopped);
    }
}

void DemoCluster::killRemaining()
{
    for (DemoProcess *child : std::as_const(m_children))
        child->kill();
}
