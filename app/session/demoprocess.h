#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

class QProcess;

// One child process of the demo cluster (the API server, Prometheus, Alertmanager).
// It gets PR_SET_PDEATHSIG=SIGTERM on Linux, so it ends when kassert dies, however it
// dies. Its stderr is kept (the last few KiB) for error messages. Without `pipes` its
// stdin and stdout are /dev/null; with them the owner reads stdout and the child may
// watch stdin for end of file.
class DemoProcess : public QObject
{
    Q_OBJECT

public:
    DemoProcess(const QString &name, QObject *parent = nullptr);
    // SIGTERM first, so it may exit cleanly; QProcess's destructor then kills and reaps it.
    ~DemoProcess() override;

    void start(
        const QString &program, const QStringList &arguments, const QString &workingDirectory, bool pipes);
    void terminate(); // SIGTERM; also closes stdin
    void kill(); // SIGKILL

    QString name() const { return m_name; }
    QProcess *process() const { return m_process; }
    bool hasExited() const { return m_exited; } // finished or failed to start
    qint64 processId() const; // 0 unless running
    // "Prometheus exited with code 1: <last stderr line>" and the like.
    QString errorText() const;

    // The first candidate that is an executable path or found on PATH; empty if none.
    static QString findProgram(const QStringList &candidates);
    // A port the kernel just handed out on loopback (the child binds it a moment later); 0 if none.
    static quint16 freeLoopbackPort();
    // A new file only its owner may read (configuration, the token for Prometheus).
    static bool writePrivateFile(const QString &path, const QByteArray &data, QString *error);

signals:
    void exited();

private:
    void setExited();

    QString m_name;
    QProcess *m_process;
    QByteArray m_logTail;
    bool m_exited = false;
};
