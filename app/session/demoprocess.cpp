#include "session/demoprocess.h"

#include "system/childprocess.h"

#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTcpServer>

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype LogTailBytes = 4096;

} // namespace

DemoProcess::DemoProcess(const QString &name, QObject *parent)
    : QObject(parent)
    , m_name(name)
    , m_process(new QProcess(this))
{
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        m_logTail += m_process->readAllStandardError();
        if (m_logTail.size() > LogTailBytes)
            m_logTail = m_logTail.last(LogTailBytes);
    });
    connect(m_process, &QProcess::finished, this, &DemoProcess::setExited);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            setExited();
    });
}

DemoProcess::~DemoProcess()
{
    m_process->disconnect(this);
    if (processId() > 0)
        ::kill(pid_t(processId()), SIGTERM);
}

void DemoProcess::start(
    const QString &program, const QStringList &arguments, const QString &workingDirectory, bool pipes)
{
    m_process->setProgram(program);
    m_process->setArguments(arguments);
    m_process->setWorkingDirectory(workingDirectory);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"PYTHONDONTWRITEBYTECODE"_s, u"1"_s); // keep the source tree clean
    m_process->setProcessEnvironment(env);
    if (!pipes) {
        m_process->setStandardInputFile(QProcess::nullDevice());
        m_process->setStandardOutputFile(QProcess::nullDevice());
    }
    tieChildToKassert(m_process, SIGTERM, ProcessGroup::Inherit);
    m_process->start();
}

qint64 DemoProcess::processId() const
{
    return m_process->state() == QProcess::NotRunning ? 0 : m_process->processId();
}

void DemoProcess::terminate()
{
    if (m_exited)
        return;
    if (m_process->state() != QProcess::NotRunning)
        m_process->closeWriteChannel();
    if (processId() > 0)
        ::kill(pid_t(processId()), SIGTERM);
}

void DemoProcess::kill()
{
    if (!m_exited)
        m_process->kill();
}

void DemoProcess::setExited()
{
    if (m_exited)
        return;
    m_exited = true;
    emit exited();
}

QString DemoProcess::errorText() const
{
    QString text;
    if (m_process->error() == QProcess::FailedToStart)
        text = tr("%1 could not be started: %2").arg(m_name, m_process->errorString());
    else if (m_process->state() != QProcess::NotRunning)
        text = tr("%1 is running but does not answer").arg(m_name);
    else if (m_process->exitStatus() == QProcess::CrashExit)
        text = tr("%1 was killed").arg(m_name);
    else
        text = tr("%1 exited with code %2").arg(m_name).arg(m_process->exitCode());
    const QString log = QString::fromUtf8(m_logTail).trimmed();
    if (!log.isEmpty())
        text += u": "_s + log.split(u'\n').last();
    return text;
}

QString DemoProcess::findProgram(const QStringList &candidates)
{
    for (const QString &candidate : candidates) {
        if (candidate.contains(u'/')) {
            if (QFileInfo(candidate).isExecutable())
                return candidate;
        } else if (const QString found = QStandardPaths::findExecutable(candidate); !found.isEmpty()) {
            return found;
        }
    }
    return {};
}

quint16 DemoProcess::freeLoopbackPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

bool DemoProcess::writePrivateFile(const QString &path, const QByteArray &data, QString *error)
{
    QFile file(path);
    if (!file.open(
            QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(data) != data.size() || !file.flush()) {
        *error = tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}
