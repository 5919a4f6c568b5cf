#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <functional>

// A real server binary (Prometheus, Alertmanager) run by a test on a free loopback port
// with its files in a temporary directory. start() waits for its readiness URL with a
// time limit; stop() sends SIGTERM, then kills; the destructor stops it. The port and the
// directory survive stop(), so start() again brings the same server (and data) back.
// Test code only: it waits with nested event loops.
class TestServerProcess
{
public:
    explicit TestServerProcess(QString program);
    virtual ~TestServerProcess();
    Q_DISABLE_COPY_MOVE(TestServerProcess)

    // The program, or empty when it is not installed (tests then skip, saying why).
    QString program() const { return m_program; }
    bool isInstalled() const { return !m_program.isEmpty(); }

    // Starts and waits until readyPath answers 200. On failure `error` says why, with the
    // end of the server's output.
    bool start(QString *error, int timeoutMs = 20000);
    void stop();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    quint16 port() const { return m_port; }
    QUrl url() const; // "http://127.0.0.1:PORT/"
    QString dataPath(const QString &name) const { return m_dir.filePath(name); }
    QString output() const { return QString::fromUtf8(m_output); }

    // Writes a file into the temporary directory.
    bool writeFile(const QString &name, const QByteArray &contents) const;

protected:
    // The command line for a port (config files are written here, before each start).
    virtual QStringList arguments(quint16 port) = 0;
    virtual QString readyPath() const { return QStringLiteral("-/ready"); }

private:
    bool startOnce(QString *error, int timeoutMs);

    QString m_program;
    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
};

// Finds a server binary: the environment variable when set, else the candidates in PATH.
QString findServerProgram(const char *environmentVariable, const QStringList &candidates);
