#pragma once

#include "connectionstatus.h"
#include "session/clustersession.h"
#include "suites/runstate.h"
#include "suites/suiteidentity.h"
#include "testalertmanager.h"
#include "testapiserver.h"
#include "testserverprocess.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>

// The Prometheus of a fault test: the real binary, finding the suite pods through the
// test API server's HTTP service discovery and scraping them through its pod proxy (the
// configuration `kassert --demo` uses), so a fault of the API server reaches Prometheus'
// scrapes exactly as in a cluster.
class ClusterPrometheus : public TestServerProcess
{
public:
    ClusterPrometheus();
    void configure(quint16 apiPort, const QString &caFile, const QString &tokenFile, quint16 alertmanagerPort);

protected:
    QStringList arguments(quint16 port) override;

private:
    quint16 m_apiPort = 0;
    quint16 m_alertmanagerPort = 0;
    QString m_caFile;
    QString m_tokenFile;
};

// The world of the fault matrix: the test API server with a few suites in namespace
// "faults", a real Prometheus and Alertmanager registered as the operator's services
// (so ClusterSession discovers them through the service proxy), and the server's truth
// to compare the tracker with. Test code: blocks in control().
class FaultCluster
{
public:
    static inline const QString Namespace = QStringLiteral("faults");

    // Suites made at start: name -> scenario (no automatic reruns: values stay put).
    static QMap<QString, QString> initialSuites();

    // monitoring=false: no Prometheus/Alertmanager (log and kubeconfig tests).
    bool start(QString *error, bool monitoring = true);
    bool hasMonitoring() const { return m_monitoring; }

    TestApiServer &server() { return m_server; }
    ClusterPrometheus &prometheus() { return m_prometheus; }
    TestAlertmanager &alertmanager() { return m_alertmanager; }

    // control() that reports failures in *error (empty when fine).
    QJsonObject control(const QString &op, const QJsonObject &args, QString *error);

    // A session as the app makes it, short intervals, focused on nothing.
    std::unique_ptr<ClusterSession> makeSession(const QString &kubeconfig = {}) const;

    // What the tracker shows that the server does not say (empty: they agree): every
    // suite with its live pod and the state its scenario means, no other live runs, and
    // the runs' metrics equal to the server's.
    QString disagreement(const ClusterSession &session, QString *serverError = nullptr);

    // The state a scenario must show once the data is in.
    static RunState expectedState(const QString &scenario);

private:
    TestApiServer m_server;
    ClusterPrometheus m_prometheus;
    TestAlertmanager m_alertmanager;
    bool m_monitoring = false;
};

// Watches a session through a fault and records every broken promise: a light that is
// red or amber without saying what is wrong (and, while retrying, when the next try is),
// a credential in any status text, and a suite shown Passed on data that is missing
// (an error on its reading, or a reading older than `maxReadingAge`). Checked at every
// statusChanged and suiteChanged, and every 200 ms in between.
class FaultWatch : public QObject
{
    Q_OBJECT

public:
    FaultWatch(ClusterSession *session, const QByteArray &secret, QObject *parent = nullptr);

    void begin(const QString &fault, int maxReadingAgeSeconds = 12);
    void end();

    QStringList violations() const { return m_violations; }
    // Statuses seen for a link since begin(), in order.
    QList<ConnectionStatus> statuses(ClusterSession::Link link) const;
    // The first status since begin() that said an error and a next retry time, if any.
    bool sawRetryWithError(ClusterSession::Link link) const;
    // How far ahead the first retry since begin() was scheduled when it was announced
    // (-1: none was).
    qint64 firstRetryDelayMs(ClusterSession::Link link) const;
    int checks() const { return m_checks; }

private:
    void onStatus(ClusterSession::Link link, const ConnectionStatus &status);
    void checkSuites(const QString &when, const std::optional<SuiteKey> &only = std::nullopt);
    void violate(const QString &what);

    ClusterSession *m_session;
    QByteArray m_secret;
    QString m_fault;
    bool m_active = false;
    int m_maxReadingAge = 12;
    int m_checks = 0;
    QTimer m_tick;
    QStringList m_violations;
    QMap<int, QList<ConnectionStatus>> m_statuses;
    QMap<int, QList<QDateTime>> m_received; // when each of m_statuses arrived
};

class Suite;

// What every fault test holds and does: the cluster, one session on it (focused on a
// suite, as the window would be), the watch, and the checks against the server.
class FaultTestBase : public QObject
{
protected:
    // Starts the cluster and a session, waits until it settled and agrees with the
    // server; skips the test case when Prometheus or Alertmanager is not installed, fails
    // it otherwise. Callers that go on check QTest::currentTestResolved() first.
    void startAll(bool monitoring, const QString &focused);
    void stopAll();

    bool control(const QString &op, const QJsonObject &args = {});
    bool converged();
    const Suite *suite(const QString &name) const;
    RunState stateOf(const QString &name) const;
    QString podOf(const QString &name) const;
    // Ends the fault's watch; fails the test with its broken promises, one a line.
    void endFault();
    // Changes the cluster while the session reconnects: the suite "steady" runs once more
    // with `scenario` (failing, passing).
    bool turnSteady(const QString &scenario);

    FaultCluster m_cluster;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<FaultWatch> m_watch;
    QString m_lastDisagreement;
};
