#include "kube/execcredentialsource.h"

#include "kube/credentialdelivery.h"
#include "kube/kubeconfigvalidation.h"
#include "system/childprocess.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSslKey>
#include <QStandardPaths>
#include <QTimer>

#if defined(Q_OS_UNIX)
#include <csignal>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace {

// An ExecCredential is a few KiB; a plugin printing more is broken or hostile.
constexpr qsizetype kMaxStdout = 4 * 1024 * 1024;
constexpr qsizetype kMaxStderr = 64 * 1024;
constexpr qsizetype kStderrInError = 2000;

void appendCapped(QByteArray &buffer, const QByteArray &chunk, qsizetype cap, bool *overflow)
{
    const qsizetype room = cap - buffer.size();
    if (chunk.size() > room) {
        buffer.append(chunk.left(qMax<qsizetype>(room, 0)));
        if (overflow)
            *overflow = true;
        return;
    }
    buffer.append(chunk);
}

QString stderrText(const QByteArray &stderrData)
{
    return QString::fromUtf8(stderrData).trimmed();
}

QDateTime parseTimestamp(const QString &text)
{
    // RFC 3339; Qt's ISO parser takes at most millisecond fractions, Go may write nanoseconds.
    static const QRegularExpression longFraction(u"(\\.\\d{3})\\d+"_s);
    QString trimmed = text;
    trimmed.replace(longFraction, u"\\1"_s);
    QDateTime time = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    if (!time.isValid()
        || !(trimmed.endsWith(u'Z') || trimmed.endsWith(u'z') || trimmed.contains(u'+')
            || trimmed.lastIndexOf(u'-') > 10))
        return QDateTime(); // RFC 3339 requires an offset; Qt would guess local time
    return time.toUTC();
}

bool sameCredential(const Credential &a, const Credential &b)
{
    return a.bearerToken == b.bearerToken && a.clientCertificate == b.clientCertificate;
}

// A plugin is often a script whose own children (sleep, curl, vault…) would outlive a
// kill of the script alone: the plugin leads its own process group and the whole group goes.
void killPlugin(QProcess *process)
{
#if defined(Q_OS_UNIX)
    const qint64 pid = process->processId();
    if (pid > 0)
        ::kill(-pid_t(pid), SIGKILL);
#endif
    process->kill();
}

} // namespace

ExecCredentialSource::ExecCredentialSource(const ExecPluginConfig &config, QObject *parent)
    : CredentialSource(parent)
    , m_config(config)
    , m_environment(QProcessEnvironment::systemEnvironment())
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

ExecCredentialSource::~ExecCredentialSource()
{
    if (m_process) {
        // Nobody needs the plugin any more: kill it and let the QProcess reap it and delete
        // itself, instead of blocking here until it is gone.
        m_process->disconnect(this);
        // The application adopts it, so it is freed at exit even if no event loop runs.
        QCoreApplication *app = QCoreApplication::instance();
        m_process->setParent(app && app->thread() == m_process->thread() ? app : nullptr);
        connect(m_process, &QProcess::finished, m_process, &QObject::deleteLater);
        killPlugin(m_process);
    }
}

QString ExecCredentialSource::commandDescription() const
{
    // Never the arguments: plugins take secrets there (service account keys, passwords).
    return u"exec plugin \""_s + m_config.exec.command + u"\" ("_s + m_config.field + u')';
}

QString ExecCredentialSource::resolvedProgram() const
{
    const QString &command = m_config.exec.command;
    if (command.contains(u'/'))
        return QFileInfo(command).isExecutable() && !QFileInfo(command).isDir() ? command : QString();
    // Like Go's exec.LookPath: the parent's PATH, not the plugin's own env.
    const QStringList path = m_environment.value(u"PATH"_s).split(u':', Qt::SkipEmptyParts);
    return path.isEmpty() ? QString() : QStandardPaths::findExecutable(command, path);
}

QByteArray ExecCredentialSource::execInfo() const
{
    QJsonObject spec { { u"interactive"_s, false } };
    if (m_config.exec.provideClusterInfo)
        spec.insert(u"cluster"_s, m_config.clusterInfo);
    const QJsonObject info { { u"apiVersion"_s, m_config.exec.apiVersion },
        { u"kind"_s, u"ExecCredential"_s }, { u"spec"_s, spec } };
    return QJsonDocument(info).toJson(QJsonDocument::Compact);
}

void ExecCredentialSource::obtain(QObject *context, std::function<void(const CredentialResult &)> done)
{
    if (m_config.exec.interactiveMode == u"Always"_s) {
        CredentialResult result;
        result.error = m_config.field
            + u".interactiveMode: Always: the plugin needs a terminal to ask for "
              "input, and kassert runs it without one; log in from a terminal "
              "first or set interactiveMode to IfAvailable or Never"_s;
        result.userHint = m_config.exec.installHint;
        deliverCredential(context, done, result);
        return;
    }
    if (m_cached && (!m_cached->expiresAt.isValid() || m_clock() < m_cached->expiresAt)) {
        deliverCredential(context, done, CredentialResult { *m_cached, QString(), QString() });
        return;
    }
    m_cached.reset();
    m_waiters.append({ context, std::move(done) });
    if (!m_process)
        start();
}

bool ExecCredentialSource::invalidate(const Credential &rejected)
{
    if (m_cached && sameCredential(*m_cached, rejected))
        m_cached.reset();
    // Either the cache is gone now (the plugin runs again) or it already holds a newer one.
    return !rejected.isEmpty();
}

void ExecCredentialSource::start()
{
    const QString program = resolvedProgram();
    if (program.isEmpty()) {
        CredentialResult result;
        result.error = commandDescription() + u": command not found"_s;
        if (!m_config.exec.command.contains(u'/'))
            result.error += u" on PATH"_s;
        if (!m_config.exec.installHint.isEmpty())
            result.error += u"\n\n"_s + m_config.exec.installHint;
        result.userHint = m_config.exec.installHint;
        finish(result);
        return;
    }

    QProcessEnvironment environment = m_environment;
    for (const KubeconfigExecEnvVar &var : std::as_const(m_config.exec.env))
        environment.insert(var.name, var.value);
    environment.insert(u"KUBERNETES_EXEC_INFO"_s, QString::fromUtf8(execInfo()));

    m_stdout.clear();
    m_stderr.clear();
    m_timedOut = false;
    m_outputTooLarge = false;
    m_process = new QProcess(this);
    m_process->setProgram(program);
    m_process->setArguments(m_config.exec.args);
    m_process->setProcessEnvironment(environment);
    m_process->setStandardInputFile(QProcess::nullDevice());
    // Its own process group (see killPlugin), and SIGKILL if kassert dies without
    // cleaning up: a plugin waiting on a browser login must not linger for ever.
    tieChildToKassert(m_process, SIGKILL, ProcessGroup::Own);
    connect(m_process, &QProcess::readyReadStandardOutput, this, [this] {
        appendCapped(m_stdout, m_process->readAllStandardOutput(), kMaxStdout, &m_outputTooLarge);
        if (m_outputTooLarge)
            killPlugin(m_process);
    });
    connect(m_process, &QProcess::readyReadStandardError, this,
        [this] { appendCapped(m_stderr, m_process->readAllStandardError(), kMaxStderr, nullptr); });
    connect(m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        onFinished(exitCode, status == QProcess::CrashExit);
    });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return; // the others end in finished()
        CredentialResult result;
        result.error = commandDescription() + u": cannot start: "_s + m_process->errorString();
        result.userHint = m_config.exec.installHint;
        finish(result);
    });

    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        killPlugin(m_process);
    });
    m_timer->start(m_timeLimit);
    m_process->start(QIODevice::ReadOnly);
}

void ExecCredentialSource::onFinished(int exitCode, bool crashed)
{
    appendCapped(m_stdout, m_process->readAllStandardOutput(), kMaxStdout, &m_outputTooLarge);
    appendCapped(m_stderr, m_process->readAllStandardError(), kMaxStderr, nullptr);
    const QString stderrMessage = stderrText(m_stderr);
    const QString shortStderr
        = stderrMessage.size() > kStderrInError ? stderrMessage.left(kStderrInError) + u"…"_s : stderrMessage;
    CredentialResult result;
    result.userHint = stderrMessage;
    if (m_timedOut) {
        const auto seconds = std::chrono::duration<double>(m_timeLimit).count();
        result.error = commandDescription()
            + u": did not finish within %1 s and was stopped"_s.arg(seconds, 0, 'g', 3);
    } else if (m_outputTooLarge) {
        result.error = commandDescription()
            + u": wrote more than %1 MiB to stdout and was stopped"_s.arg(kMaxStdout >> 20);
    } else if (crashed) {
        result.error = commandDescription() + u": crashed"_s;
    } else if (exitCode != 0) {
        result.error = commandDescription() + u": failed with exit code %1"_s.arg(exitCode);
    } else {
        result = parseOutput(m_stdout, m_config.exec.apiVersion, commandDescription());
        if (result.userHint.isEmpty())
            result.userHint = stderrMessage;
    }
    if (!result.error.isEmpty() && !shortStderr.isEmpty() && !m_timedOut && !m_outputTooLarge)
        result.error += u": "_s + shortStderr;
    else if (!result.error.isEmpty() && !shortStderr.isEmpty())
        result.error += u" (stderr: "_s + shortStderr + u')';
    if (result.error.isEmpty())
        m_cached = result.credential;
    finish(result);
}

void ExecCredentialSource::finish(const CredentialResult &result)
{
    if (m_timer) {
        m_timer->stop();
        m_timer->deleteLater();
        m_timer = nullptr;
    }
    if (m_process) {
        // We may be inside one of its signals, and a callback may destroy this source:
        // unparent it so that cannot delete it synchronously.
        m_process->disconnect(this);
        m_process->setParent(nullptr);
        m_process->deleteLater();
        m_process = nullptr;
    }
    // A callback may call obtain() again or drop this source: take the list first and
    // touch no member afterwards.
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &waiter : waiters)
        deliverCredential(waiter.context.data(), waiter.done, result);
}

CredentialResult ExecCredentialSource::parseOutput(
    const QByteArray &stdoutData, const QString &apiVersion, const QString &field)
{
    CredentialResult result;
    auto fail = [&result, &field](const QString &problem) {
        result.error = field + u": "_s + problem;
        result.credential = Credential();
        return result;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(stdoutData, &parseError);
    // Never quote the output itself: it is meant to hold a secret.
    if (parseError.error != QJsonParseError::NoError) {
        return fail(u"the output is not JSON (%1 at offset %2, %3 bytes)"_s.arg(parseError.errorString())
                        .arg(parseError.offset)
                        .arg(stdoutData.size()));
    }
    if (!document.isObject())
        return fail(u"the output is not a JSON object"_s);
    const QJsonObject root = document.object();
    const QString kind = root.value(u"kind"_s).toString();
    if (kind != u"ExecCredential"_s)
        return fail(u"the output has kind \"%1\", expected ExecCredential"_s.arg(kind.left(100)));
    const QString returnedVersion = root.value(u"apiVersion"_s).toString();
    if (returnedVersion != apiVersion) {
        return fail(u"the plugin returned apiVersion \"%1\", but the kubeconfig asks for \"%2\""_s.arg(
            returnedVersion.left(100), apiVersion));
    }
    const QJsonValue statusValue = root.value(u"status"_s);
    if (!statusValue.isObject())
        return fail(u"the output has no status"_s);
    const QJsonObject status = statusValue.toObject();
    for (const QString &key :
        { u"token"_s, u"clientCertificateData"_s, u"clientKeyData"_s, u"expirationTimestamp"_s }) {
        if (status.contains(key) && !status.value(key).isString() && !status.value(key).isNull())
            return fail(u"status.%1 is not a string"_s.arg(key));
    }
    const QString token = status.value(u"token"_s).toString();
    const QByteArray certPem = status.value(u"clientCertificateData"_s).toString().toUtf8();
    const QByteArray keyPem = status.value(u"clientKeyData"_s).toString().toUtf8();
    if (token.isEmpty() && certPem.isEmpty() && keyPem.isEmpty())
        return fail(u"the plugin returned neither a token nor a client certificate and key"_s);
    if (certPem.isEmpty() != keyPem.isEmpty())
        return fail(
            u"the plugin returned only one of clientCertificateData and clientKeyData; both are needed"_s);
    for (const QChar c : token) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return fail(u"status.token contains control characters"_s);
    }
    result.credential.bearerToken = token.toUtf8();
    if (!certPem.isEmpty()) {
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
        if (chain.isEmpty() || chain.constFirst().isNull())
            return fail(u"status.clientCertificateData is not a PEM certificate"_s);
        result.credential.clientCertificate = chain.constFirst();
        for (const QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec }) {
            result.credential.clientKey = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
            if (!result.credential.clientKey.isNull())
                break;
        }
        if (result.credential.clientKey.isNull())
            return fail(u"status.clientKeyData is not a PEM RSA or EC private key"_s);
    }
    const QString expiry = status.value(u"expirationTimestamp"_s).toString();
    if (!expiry.isEmpty()) {
        result.credential.expiresAt = parseTimestamp(expiry);
        if (!result.credential.expiresAt.isValid())
            return fail(u"status.expirationTimestamp \"%1\" is not an RFC 3339 time"_s.arg(expiry.left(64)));
    }
    return result;
}
