#include "testserverprocess.h"

#include "freeport.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

QString findServerProgram(const char *environmentVariable, const QStringList &candidates)
{
    const QString fromEnvironment = qEnvironmentVariable(environmentVariable);
    if (!fromEnvironment.isEmpty())
        return QStandardPaths::findExecutable(fromEnvironment).isEmpty() && QFile::exists(fromEnvironment)
            ? fromEnvironment
            : QStandardPaths::findExecutable(fromEnvironment);
    for (const QString &candidate : candidates) {
        const QString found = QStandardPaths::findExecutable(candidate);
        if (!found.isEmpty())
            return found;
    }
    return {};
}

TestServerProcess::TestServerProcess(QString program)
    : m_program(std::move(program))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    QObject::connect(&m_process, &QProcess::readyRead, [this] {
        m_output += m_process.readAll();
        if (m_output.size() > 256 * 1024)
            m_output = m_output.right(128 * 1024); // keep the end: that is where errors are
    });
}

TestServerProcess::~TestServerProcess()
{
    stop();
}

QUrl TestServerProcess::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_port));
}

bool TestServerProcess::writeFile(const QString &name, const QByteArray &contents) const
{
    QFile file(m_dir.filePath(name));
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(contents) == contents.size();
}

bool TestServerProcess::start(QString *error, int timeoutMs)
{
    if (!isInstalled()) {
        *error = QStringLiteral("server program not installed");
        return false;
    }
    if (!m_dir.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    if (startOnce(error, timeoutMs))
        return true;
    // The free port may have been taken between choosing and binding: once more, anew.
    if (m_process.exitStatus() == QProcess::NormalExit && m_output.contains("address already in use")) {
        m_port = 0;
        return startOnce(error, timeoutMs);
    }
    return false;
}

bool TestServerProcess::startOnce(QString *error, int timeoutMs)
{
    if (m_port == 0)
        m_port = freeLoopbackPort();
    m_output.clear();
    m_process.start(m_program, arguments(m_port));
    if (!m_process.waitForStarted(10000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(m_program, m_process.errorString());
        return false;
    }
    QNetworkAccessManager network;
    const QUrl ready = url().resolved(QUrl(readyPath()));
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process.state() == QProcess::NotRunning) {
            *error = QStringLiteral("%1 exited with %2:\n%3")
                         .arg(m_program)
                         .arg(m_process.exitCode())
                         .arg(output().right(2000));
            return false;
        }
        QNetworkRequest request(ready);
        request.setTransferTimeout(2000);
        QNetworkReply *reply = network.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(3000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        if (status == 200)
            return true;
        QTest::qWait(100);
    }
    *error = QStringLiteral("%1 not ready at %2 within %3 ms:\n%4")
                 .arg(m_program, ready.toString())
                 .arg(timeoutMs)
                 .arg(output().right(2000));
    stop();
    return false;
}

void TestServerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}
