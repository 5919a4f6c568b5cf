#include "faultcluster.h"

#include "session/demomonitoringconfig.h"
#include "suites/suitetracker.h"

#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

ClusterPrometheus::ClusterPrometheus()
    : TestServerProcess(findServerProgram("KASSERT_PROMETHEUS", {QStringLiteral("prometheus")}))
{
}

void ClusterPrometheus::configure(quint16 apiPort, const QString &caFile, const QString &tokenFile,
                                  quint16 alertmanagerPort)
{
    m_apiPort = apiPort;
    m_caFile = caFile;
    m_tokenFile = tokenFile;
    m_alertmanagerPort = alertmanagerPort;
}

QStringList ClusterPrometheus::arguments(quint16 port)
{
    const QString rules = dataPath(QStringLiteral("rules.yml"));
    writeFile(QStringLiteral("rules.yml"), DemoMonitoringConfig::rules());
    writeFile(QStringLiteral("prometheus.yml"),
              DemoMonitoringConfig::prometheus(m_apiPort, m_caFile, m_tokenFile, rules, m_alertmanagerPort));
    return {QStringLiteral("--config.file=") + dataPath(QStringLiteral("prometheus.yml")),
            QStringLiteral("--storage.tsdb.path=") + dataPath(QStringLiteral("tsdb")),
            QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port), QStringLiteral("--log.level=warn"),
            // Firing alerts reach an Alertmanager that restarted within seconds, not a minute.
            QStringLiteral("--rules.alert.resend-delay=2s")};
}

QMap<QString, QString> FaultCluster::initialSuites()
{
    return {{"steady", "passing"}, {"broken", "failing"}, {"crashing", "crashloop"}, {"waiting", "pending"}};
}

RunState FaultCluster::expectedState(const QString &scenario)
{
    if (scenario == "passing" || scenario == "multicontainer")
        return RunState::Passed;
    if (scenario == "failing")
        return RunState::Failed;
    if (scenario == "crashloop")
        return RunState::Error;
    if (scenario == "pending")
        return RunState::Pending;
    return RunState::Unknown;
}

bool FaultCluster::start(QString *error, bool monitoring)
{
    if (!m_server.start(error))
        return false;
    const QMap<QString, QString> suites = initialSuites();
    for (auto it = suites.cbegin(); it != suites.cend(); ++it) {
        if (m_server.addSuite(Namespace, it.key(), it.value(), 0, error).isEmpty())
            return false;
    }
    if (!monitoring)
        return true;
    if (!m_prometheus.isInstalled() || !m_alertmanager.isInstalled()) {
        *error = "Prometheus or Alertmanager is not installed here";
        return false;
    }
    if (!m_alertmanager.start(error))
        return false;
    // The token reaches Prometheus in a private file, as in the demo.
    const QString tokenFile = m_prometheus.dataPath("token");
    if (!m_prometheus.writeFile("token", m_server.token())
        || !QFile::setPermissions(tokenFile, QFile::ReadOwner | QFile::WriteOwner)) {
        *error = "cannot write Prometheus' token file";
        return false;
    }
    m_prometheus.configure(quint16(m_server.url().port()), m_server.caPath(), tokenFile, m_alertmanager.port());
    if (!m_prometheus.start(error, 30000))
        return false;
    const std::pair<QString, const TestServerProcess *> services[] = {
        {"prometheus", &m_prometheus}, {"alertmanager", &m_alertmanager}};
    for (const auto &[name, process] : services) {
        const QJsonObject args{
            {"namespace", "monitoring"},
            {"name", name + "-operated"},
            {"labels", QJsonObject{{"operated-" + name, "true"}}},
            {"ports", QJsonArray{QJsonObject{{"name", "web"}, {"port", int(process->port())}}}},
            {"target", process->url().toString()}};
        control("add-service", args, error);
        if (!error->isEmpty())
            return false;
    }
    m_monitoring = true;
    return true;
}

QJsonObject FaultCluster::control(const QString &op, const QJsonObject &args, QString *error)
{
    error->clear();
    return m_server.control(op, args, error);
}

std::unique_ptr<ClusterSession> FaultCluster::makeSession(const QString &kubeconfig) const
{
    ClusterSession::Options options;
    options.kubeconfig = kubeconfig.isEmpty() ? m_server.kubeconfigPath() : kubeconfig;
    options.nameSpace = Namespace;
    options.prometheusInterval = 1000ms;
    options.alertmanagerInterval = 1000ms;
    options.scrapeInterval = 500ms;
    return std::make_unique<ClusterSession>(options);
}

namespace {

QString describeReading(const MetricsReading &reading)
{
    if (!reading.last)
        return "none";
    return QString("%1@%2").arg(reading.last->testSuitesRunTotal.value_or(-1)).arg(reading.last->sampledAt.toString("hh:mm:ss.zzz"));
}

} // namespace

QString FaultCluster::disagreement(const ClusterSession &session, QString *serverError)
{
    QString error;
    const QJsonObject state = control("state", {}, &error);
    if (serverError)
        *serverError = error;
    if (!error.isEmpty())
        return "server state: " + error;
    const SuiteTracker &tracker = *session.tracker();
    QMap<QString, QString> scenarioOf;
    for (const QJsonValue &value : state.value("suites").toArray()) {
        const QJsonObject suite = value.toObject();
        if (suite.value("namespace").toString() == Namespace)
            scenarioOf.insert(suite.value("name").toString(), suite.value("scenario").toString());
    }
    QMap<QString, QJsonObject> livePod; // suite -> its pod that is not terminating
    for (const QJsonValue &value : state.value("pods").toArray()) {
        const QJsonObject pod = value.toObject();
        if (pod.value("namespace").toString() == Namespace && !pod.value("terminating").toBool())
            livePod.insert(pod.value("suite").toString(), pod);
    }
    QStringList problems;
    for (auto it = scenarioOf.cbegin(); it != scenarioOf.cend(); ++it) {
        const Suite *suite = tracker.suite({Namespace, it.key()});
        if (!suite) {
            problems << it.key() + ": missing";
            continue;
        }
        const QJsonObject pod = livePod.value(it.key());
        const Run *run = suite->currentRun();
        if (!run || run->ended || run->pod.name != pod.value("pod").toString()) {
            problems << QString("%1: current run %2, server's pod %3")
                            .arg(it.key(), run ? run->pod.name + (run->ended ? " (ended)" : "") : "none",
                                 pod.value("pod").toString());
            continue;
        }
        if (run->pod.runId() != pod.value("runId").toString())
            problems << it.key() + ": run id " + run->pod.runId() + " vs " + pod.value("runId").toString();
        int live = 0;
        for (const Run &each : suite->runs)
            live += each.hasPod && !each.ended ? 1 : 0;
        if (live != 1)
            problems << QString("%1: %2 live runs").arg(it.key()).arg(live);
        const RunState expected = expectedState(it.value());
        if (suite->verdict.state != expected)
            problems << QString("%1: %2 (%3), expected %4")
                            .arg(it.key(), runStateName(suite->verdict.state), suite->verdict.reason,
                                 runStateName(expected));
        // Suites that export metrics: the reading equals the server's values.
        if (expected == RunState::Passed || expected == RunState::Failed) {
            const MetricsReading reading = run->effectiveMetrics();
            const QJsonObject metrics = pod.value("metrics").toObject();
            const double failed = metrics.value("assertions_failed").toDouble(-1);
            const double suitesRun = metrics.value("test_suites_run_total").toDouble(-1);
            if (!reading.last || reading.last->assertionsFailed != failed
                || reading.last->testSuitesRunTotal != suitesRun)
                problems << QString("%1: metrics %2/%3, server %4/%5 (Prometheus %6 %7, direct %8 %9)")
                                .arg(it.key())
                                .arg(reading.last ? reading.last->assertionsFailed.value_or(-2) : -3)
                                .arg(reading.last ? reading.last->testSuitesRunTotal.value_or(-2) : -3)
                                .arg(failed)
                                .arg(suitesRun)
                                .arg(describeReading(run->prometheus), run->prometheus.error.left(60),
                                     describeReading(run->direct), run->direct.error.left(60));
        }
    }
    for (const SuiteKey &key : tracker.keys()) {
        if (!scenarioOf.contains(key.name) || key.nameSpace != Namespace)
            problems << key.toString() + ": not on the server";
    }
    return problems.join("; ");
}

// --- FaultWatch ------------------------------------------------------------------------

FaultWatch::FaultWatch(ClusterSession *session, const QByteArray &secret, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_secret(secret)
{
    connect(session, &ClusterSession::statusChanged, this, &FaultWatch::onStatus);
    // At suiteChanged only that suite: the tracker announces a batch one suite at a time,
    // so the others of the batch are not decided yet.
    connect(session->tracker(), &SuiteTracker::suiteChanged, this,
            [this](const SuiteKey &key) { checkSuites("suiteChanged", key); });
    m_tick.setInterval(200);
    connect(&m_tick, &QTimer::timeout, this, [this] { checkSuites("tick"); });
}

void FaultWatch::begin(const QString &fault, int maxReadingAgeSeconds)
{
    m_fault = fault;
    m_maxReadingAge = maxReadingAgeSeconds;
    m_statuses.clear();
    m_received.clear();
    m_violations.clear();
    m_active = true;
    m_tick.start();
    checkSuites("begin");
}

void FaultWatch::end()
{
    checkSuites("end");
    m_active = false;
    m_tick.stop();
}

QList<ConnectionStatus> FaultWatch::statuses(ClusterSession::Link link) const
{
    return m_statuses.value(int(link));
}

bool FaultWatch::sawRetryWithError(ClusterSession::Link link) const
{
    for (const ConnectionStatus &status : m_statuses.value(int(link))) {
        if (!status.error.isEmpty() && status.nextRetry.isValid())
            return true;
    }
    return false;
}

qint64 FaultWatch::firstRetryDelayMs(ClusterSession::Link link) const
{
    const QList<ConnectionStatus> statuses = m_statuses.value(int(link));
    for (qsizetype i = 0; i < statuses.size(); ++i) {
        if (statuses.at(i).nextRetry.isValid())
            return m_received.value(int(link)).at(i).msecsTo(statuses.at(i).nextRetry);
    }
    return -1;
}

void FaultWatch::violate(const QString &what)
{
    if (m_violations.size() < 50)
        m_violations << m_fault + ": " + what;
}

void FaultWatch::onStatus(ClusterSession::Link link, const ConnectionStatus &status)
{
    static const char *names[] = {"cluster", "Prometheus", "Alertmanager"};
    const QString name = names[int(link)];
    for (const QString &text : {status.summary, status.error, status.endpoint}) {
        if (!m_secret.isEmpty() && text.toUtf8().contains(m_secret))
            violate(name + " status shows the token");
    }
    if (!m_active)
        return;
    m_statuses[int(link)] << status;
    m_received[int(link)] << QDateTime::currentDateTimeUtc();
    ++m_checks;
    const bool bad = status.health == ConnectionStatus::Health::Degraded
        || status.health == ConnectionStatus::Health::Failed;
    if (bad && status.error.isEmpty())
        violate(QString("%1 light %2 says no error").arg(name, status.summary));
    if (bad && status.summary.startsWith("retrying")) {
        const qint64 in = QDateTime::currentDateTimeUtc().msecsTo(status.nextRetry);
        if (!status.nextRetry.isValid() || in < -2000 || in > 301000)
            violate(QString("%1 light %2 has no sensible next retry (%3 ms)").arg(name, status.summary).arg(in));
    }
    checkSuites("statusChanged " + name);
}

void FaultWatch::checkSuites(const QString &when, const std::optional<SuiteKey> &only)
{
    if (!m_active)
        return;
    ++m_checks;
    const SuiteTracker &tracker = *m_session->tracker();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const SuiteKey &key : only ? QList<SuiteKey>{*only} : tracker.keys()) {
        const Suite *suite = tracker.suite(key);
        if (!suite || suite->verdict.state != RunState::Passed)
            continue;
        const Run *run = suite->currentRun();
        const MetricsReading reading = run ? run->effectiveMetrics() : MetricsReading();
        if (!reading.error.isEmpty() || !reading.last) {
            violate(QString("%1 Passed at %2 with reading error '%3'").arg(key.toString(), when, reading.error));
        } else if (reading.last->sampledAt.secsTo(now) > m_maxReadingAge) {
            violate(QString("%1 Passed at %2 on a reading %3 s old")
                        .arg(key.toString(), when)
                        .arg(reading.last->sampledAt.secsTo(now)));
        }
    }
}

// --- FaultTestBase ---------------------------------------------------------------------

void FaultTestBase::startAll(bool monitoring, const QString &focused)
{
    QString error;
    if (!m_cluster.start(&error, monitoring)) {
        if (error.contains("not installed"))
            QSKIP(qPrintable(error));
        QFAIL(qPrintable(error));
    }
    m_session = m_cluster.makeSession();
    if (!focused.isEmpty())
        m_session->setFocusedSuite({FaultCluster::Namespace, focused});
    m_watch = std::make_unique<FaultWatch>(m_session.get(), m_cluster.server().token());
    QSignalSpy settled(m_session.get(), &ClusterSession::settled);
    m_session->start();
    QVERIFY2(settled.wait(30000), "the session did not settle");
    QDeadlineTimer limit(45000);
    while (!converged()) {
        QVERIFY2(!limit.hasExpired(), qPrintable("no agreement with the server: " + m_lastDisagreement));
        QTest::qWait(100);
    }
}

void FaultTestBase::stopAll()
{
    m_watch.reset();
    m_session.reset();
}

bool FaultTestBase::control(const QString &op, const QJsonObject &args)
{
    QString error;
    m_cluster.control(op, args, &error);
    if (!error.isEmpty())
        qWarning() << op << error;
    return error.isEmpty();
}

bool FaultTestBase::converged()
{
    const QString before = m_lastDisagreement;
    m_lastDisagreement = m_cluster.disagreement(*m_session);
    // FAULTS_TRACE=1: when and how the tracker differed from the server, for slow runs.
    if (qEnvironmentVariableIsSet("FAULTS_TRACE") && m_lastDisagreement != before)
        qInfo() << QTime::currentTime().toString("hh:mm:ss.zzz") << m_lastDisagreement;
    return m_lastDisagreement.isEmpty();
}

const Suite *FaultTestBase::suite(const QString &name) const
{
    return m_session->tracker()->suite({FaultCluster::Namespace, name});
}

RunState FaultTestBase::stateOf(const QString &name) const
{
    const Suite *found = suite(name);
    return found ? found->verdict.state : RunState::Unknown;
}

QString FaultTestBase::podOf(const QString &name) const
{
    const Suite *found = suite(name);
    return found && found->currentRun() ? found->currentRun()->pod.name : QString();
}

void FaultTestBase::endFault()
{
    if (!m_watch)
        return;
    m_watch->end();
    QVERIFY2(m_watch->violations().isEmpty(), qPrintable(m_watch->violations().join("\n")));
}

bool FaultTestBase::turnSteady(const QString &scenario)
{
    return control("set-scenario", {{"namespace", FaultCluster::Namespace}, {"name", "steady"}, {"scenario", scenario}})
        && control("iterate", {{"namespace", FaultCluster::Namespace}, {"pod", podOf("steady")}});
}
