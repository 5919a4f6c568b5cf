#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

class DemoProcess;
class QJsonObject;
class QNetworkAccessManager;
class QTemporaryDir;

// `kassert --demo`: a local stand-in cluster so a newcomer sees everything working.
//
// start() runs the test Kubernetes API server (tests/fixtures/apiserver/server.py,
// `--seed-demo`: simulated suites in namespaces demo and team-a) in a temporary
// directory, and, when installed, a real Alertmanager and a real Prometheus on free
// loopback ports. Prometheus finds the suite pods through the server's HTTP service
// discovery and scrapes them through the pod proxy every 2 s, evaluates
// KubernetesAssertFailed (assertions_failed > 0) and alerts the Alertmanager. Both are
// registered in the fake cluster as services monitoring/prometheus-operated and
// monitoring/alertmanager-operated (port `web`, labels operated-prometheus/
// operated-alertmanager), so kassert discovers them exactly as in a real cluster.
//
// Asynchronous, GUI thread. Emits ready() with the kubeconfig to connect with, or
// failed(). Missing Prometheus/Alertmanager is not a failure: the summary says so.
// The API token reaches Prometheus in a 0600 file, never on a command line or in a text.
//
// Every child gets PR_SET_PDEATHSIG and the API server exits when its stdin (our pipe)
// closes, so no process outlives kassert even when it is killed. stop() sends SIGTERM
// and SIGKILL after killTimeout; the destructor SIGTERMs and then kills what is left.
class DemoCluster : public QObject
{
    Q_OBJECT

public:
    enum class State { Idle, Starting, Ready, Stopping, Stopped, Failed };
    Q_ENUM(State)

    static constexpr int DefaultStartTimeoutMs = 60000;
    static constexpr int DefaultKillTimeoutMs = 5000;

    explicit DemoCluster(QObject *parent = nullptr);
    ~DemoCluster() override;

    // Settings, before start(). Empty program names mean "not installed".
    void setServerDirectory(const QString &dir) { m_serverDir = dir; }
    void setPythonProgram(const QString &program) { m_python = program; }
    void setPrometheusPrograms(const QStringList &candidates) { m_prometheusCandidates = candidates; }
    void setAlertmanagerPrograms(const QStringList &candidates) { m_alertmanagerCandidates = candidates; }
    void setStartTimeout(int ms) { m_startTimeoutMs = ms; }
    void setKillTimeout(int ms) { m_killTimeoutMs = ms; }

    void start();
    void stop();

    State state() const { return m_state; }
    QString kubeconfigPath() const { return m_kubeconfig; }
    QUrl apiServerUrl() const { return m_apiUrl; }
    QUrl prometheusUrl() const { return m_prometheusUrl; } // empty when absent
    QUrl alertmanagerUrl() const { return m_alertmanagerUrl; } // empty when absent
    QString summary() const { return m_summary; }
    QList<qint64> processIds() const; // of the children still running

    // Where server.py lives: $KASSERT_DEMO_DIR, the source tree, or
    // <prefix>/share/kassert/demo-cluster next to the executable. Empty if none has it.
    static QString findServerDirectory();

signals:
    void progress(const QString &text);
    void ready(const QString &kubeconfigPath, const QString &summary);
    void failed(const QString &error);
    void stopped(); // every child has exited

private:
    void fail(const QString &error);
    DemoProcess *launch(
        const QString &name, const QString &program, const QStringList &arguments, bool pipes);
    void childExited(DemoProcess *child);
    void readServerOutput();
    void serverReady(const QByteArray &line);
    void startAlertmanager();
    void startPrometheus();
    using ProbeDone = std::function<void(bool ok, const QString &error)>;
    void probeReady(DemoProcess *child, const QUrl &url, const ProbeDone &done, int attempt = 0);
    void registerServices();
    void addService(
        const QString &name, const QString &label, const QUrl &target, const std::function<void()> &next);
    // POST /_test/<op>; error is empty on success.
    using ControlDone = std::function<void(const QJsonObject &answer, const QString &error)>;
    void control(const QString &op, const QJsonObject &args, const ControlDone &done);
    void finishStart(const QJsonObject &state);
    void terminateAll();
    void killRemaining();

    State m_state = State::Idle;
    QString m_serverDir, m_python = QStringLiteral("python3");
    QStringList m_prometheusCandidates, m_alertmanagerCandidates;
    int m_startTimeoutMs = DefaultStartTimeoutMs;
    int m_killTimeoutMs = DefaultKillTimeoutMs;

    std::unique_ptr<QTemporaryDir> m_dir;
    QList<DemoProcess *> m_children;
    DemoProcess *m_server = nullptr;
    DemoProcess *m_prometheus = nullptr;
    DemoProcess *m_alertmanager = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    QTimer m_startTimer, m_killTimer;

    QByteArray m_serverStdout;
    QString m_kubeconfig, m_caFile, m_tokenFile;
    QByteArray m_controlToken;
    QUrl m_apiUrl, m_prometheusUrl, m_alertmanagerUrl;
    QStringList m_notes; // what is absent or broken, for the summary
    QString m_summary;
};
