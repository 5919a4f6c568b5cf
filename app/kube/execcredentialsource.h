#pragma once

#include "kube/clusteraccess.h"
#include "kube/kubeconfig.h"

#include <QJsonObject>
#include <QPointer>
#include <QProcessEnvironment>

#include <chrono>

class QProcess;
class QTimer;

// What an exec credential plugin needs to run: the kubeconfig's `exec` block, where it was
// written (for errors), and the cluster description sent when provideClusterInfo is set.
struct ExecPluginConfig
{
    KubeconfigExec exec;
    QString field; // "/home/u/.kube/config: users[1].user.exec", for error texts
    QJsonObject clusterInfo; // ExecCredential spec.cluster; used only with provideClusterInfo
};

// Runs a client-go exec credential plugin (client.authentication.k8s.io/v1 or v1beta1)
// with QProcess, never blocking: no stdin, `interactive: false` in KUBERNETES_EXEC_INFO,
// a time limit. The credential is cached until its expirationTimestamp (forever without
// one); obtain() calls made while the plugin runs all wait for that one run. Lives on one
// thread: call obtain()/invalidate() there. Callbacks still pending when the source is
// destroyed are dropped with it.
class ExecCredentialSource : public CredentialSource
{
    Q_OBJECT
public:
    explicit ExecCredentialSource(const ExecPluginConfig &config, QObject *parent = nullptr);
    ~ExecCredentialSource() override;

    // The parent environment the plugin inherits (and whose PATH finds a bare command).
    void setEnvironment(const QProcessEnvironment &environment) { m_environment = environment; }
    void setTimeLimit(std::chrono::milliseconds limit) { m_timeLimit = limit; }
    // For tests: the clock that decides whether the cached credential has expired.
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

    void obtain(QObject *context, std::function<void(const CredentialResult &)> done) override;
    bool invalidate(const Credential &rejected) override;

    // KUBERNETES_EXEC_INFO for this plugin (compact JSON).
    QByteArray execInfo() const;
    // Parses the plugin's stdout as client-go does. Public for tests.
    static CredentialResult parseOutput(
        const QByteArray &stdoutData, const QString &apiVersion, const QString &field);

private:
    struct Waiter
    {
        QPointer<QObject> context;
        std::function<void(const CredentialResult &)> done;
    };

    void start();
    void finish(const CredentialResult &result);
    void onFinished(int exitCode, bool crashed);
    QString commandDescription() const;
    QString resolvedProgram() const;

    ExecPluginConfig m_config;
    QProcessEnvironment m_environment;
    std::chrono::milliseconds m_timeLimit { 30000 };
    std::function<QDateTime()> m_clock;
    std::optional<Credential> m_cached;
    QList<Waiter> m_waiters;
    QProcess *m_process = nullptr;
    QTimer *m_timer = nullptr;
    QByteArray m_stdout;
    QByteArray m_stderr;
    bool m_timedOut = false;
    bool m_outputTooLarge = false;
};
