#include "headlesscommand.h"

#include "session/clustersession.h"
#include "session/failurecollector.h"
#include "suites/suitetracker.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTextStream>

using namespace Qt::StringLiterals;

HeadlessCommand::HeadlessCommand(const CommandLineOptions &options, QTextStream &out, QTextStream &err,
                                 QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_out(out)
    , m_err(err)
    , m_session(std::make_unique<ClusterSession>(ClusterSession::Options::fromCommandLine(options)))
{
    m_settleLimit.setSingleShot(true);
    m_settleLimit.setInterval(30000);
    m_rerunLimit.setSingleShot(true);
    m_rerunLimit.setInterval(10 * 60 * 1000); // a slow suite's pass can take minutes
    m_reprint.setSingleShot(true);
    m_reprint.setInterval(1000);
    connect(&m_settleLimit, &QTimer::timeout, this, &HeadlessCommand::onSettled);
    connect(m_session.get(), &ClusterSession::settled, this, &HeadlessCommand::onSettled);
    connect(&m_reprint, &QTimer::timeout, this, &HeadlessCommand::printStatus);
    connect(&m_rerunLimit, &QTimer::timeout, this, [this] {
        m_err << tr("kassert: no result from %1 within %2 s").arg(m_rerunKey.toString()).arg(m_rerunLimit.interval() / 1000)
              << '\n';
        m_err.flush();
        finish(2);
    });
}

HeadlessCommand::~HeadlessCommand() = default;

void HeadlessCommand::setTimeouts(std::chrono::milliseconds settle, std::chrono::milliseconds rerunResult)
{
    m_settleLimit.setInterval(settle);
    m_rerunLimit.setInterval(rerunResult);
}

void HeadlessCommand::start()
{
    m_settleLimit.start();
    m_session->start();
}

void HeadlessCommand::collectFailures(std::function<void()> then)
{
    QList<FailureCollector::Target> targets;
    const SuiteTracker *tracker = m_session->tracker();
    for (const SuiteKey &key : tracker->keys()) {
        const Suite *suite = tracker->suite(key);
        const Run *run = suite->currentRun();
        if (suite->verdict.state == RunState::Failed && run && run->hasPod)
            targets.append({key, run->pod.nameSpace, run->pod.name, run->pod.assertContainer()});
    }
    auto *collector = new FailureCollector(m_session->client(), this);
    collector->collect(targets, [this, collector, then](const QHash<SuiteKey, QList<FailureRef>> &failures) {
        m_failures = failures;
        collector->deleteLater();
        then();
    });
}

StatusReport HeadlessCommand::report() const
{
    StatusReport report = buildStatusReport(*m_session->tracker());
    for (SuiteReport &suite : report.suites)
        suite.failures = m_failures.value(suite.key);
    report.context = m_session->currentContext();
    report.cluster = m_session->status(ClusterSession::Link::Cluster);
    report.prometheus = m_session->status(ClusterSession::Link::Prometheus);
    report.alertmanager = m_session->status(ClusterSession::Link::Alertmanager);
    const ClusterSession::Link links[] = {ClusterSession::Link::Cluster, ClusterSession::Link::Prometheus,
                                          ClusterSession::Link::Alertmanager};
    ConnectionStatus *statuses[] = {&report.cluster, &report.prometheus, &report.alertmanager};
    for (int i = 0; i < 3; ++i) {
        if (statuses[i]->endpoint.isEmpty())
            statuses[i]->endpoint = m_session->endpointDescription(links[i]);
    }
    return report;
}

void HeadlessCommand::onSettled()
{
    // Called by the session's settled() or by the time limit, whichever comes first.
    if (m_settledHandled)
        return;
    m_settledHandled = true;
    m_settleLimit.stop();
    if (m_options.command == CommandLineOptions::Command::Rerun) {
        if (!m_rerunStarted)
            startRerun();
        return;
    }
    if (!m_options.watch) {
        // Failing suites get their failing tests from their logs before printing.
        collectFailures([this] {
            printStatus();
            finish(statusExitCode(report()));
        });
        return;
    }
    printStatus();
    SuiteTracker *tracker = m_session->tracker();
    for (auto signal : {&SuiteTracker::suiteAdded, &SuiteTracker::suiteChanged, &SuiteTracker::suiteRemoved}) {
        connect(tracker, signal, this, [this] {
            if (!m_reprint.isActive())
                m_reprint.start();
        });
    }
    connect(m_session.get(), &ClusterSession::statusChanged, this, [this] {
        if (!m_reprint.isActive())
            m_reprint.start();
    });
}

void HeadlessCommand::printStatus()
{
    const StatusReport now = report();
    if (m_options.json) {
        m_out << QJsonDocument(statusToJson(now)).toJson(m_options.watch ? QJsonDocument::Compact
                                                                        : QJsonDocument::Indented);
        if (m_options.watch)
            m_out << '\n';
    } else {
        if (m_options.watch)
            m_out << QDateTime::currentDateTime().toString(u"HH:mm:ss"_s) << '\n';
        m_out << statusToText(now, QDateTime::currentDateTimeUtc());
        if (m_options.watch)
            m_out << '\n';
    }
    m_out.flush();
}

void HeadlessCommand::startRerun()
{
    m_rerunStarted = true;
    const QString target = m_options.rerunTarget;
    const qsizetype slash = target.indexOf(u'/');
    m_rerunKey = {target.left(slash), target.mid(slash + 1)};
    const Suite *suite = m_session->tracker()->suite(m_rerunKey);
    const Run *run = suite ? suite->currentRun() : nullptr;
    if (!run) {
        const ConnectionStatus cluster = m_session->status(ClusterSession::Link::Cluster);
        if (!cluster.error.isEmpty())
            m_err << tr("kassert: cannot reach the cluster: %1").arg(cluster.error) << '\n';
        else
            m_err << tr("kassert: no suite %1 in context %2").arg(target, m_session->currentContext()) << '\n';
        m_err.flush();
        finish(2);
        return;
    }
    m_rerunPod = run->pod.name;
    m_rerunIterationsBefore = int(run->iterations.size());
    connect(m_session.get(), &ClusterSession::rerunFinished, this,
            [this](const SuiteKey &, const ClusterSession::ActionResult &result) {
                if (!result.ok) {
                    m_err << tr("kassert: %1").arg(result.message) << '\n';
                    if (result.canRestartRun)
                        m_err << tr("kassert: deleting the pod would start a new run instead "
                                    "(kubectl delete pod -n %1 %2)")
                                     .arg(m_rerunKey.nameSpace, m_rerunPod)
                              << '\n';
                    m_err.flush();
                    finish(2);
                    return;
                }
                m_out << result.message << '\n';
                m_out.flush();
                m_rerunLimit.start();
                connect(m_session->tracker(), &SuiteTracker::suiteChanged, this, [this](const SuiteKey &key) {
                    if (key == m_rerunKey)
                        checkRerunResult();
                });
            });
    m_session->rerun(m_rerunKey);
}

void HeadlessCommand::checkRerunResult()
{
    const Suite *suite = m_session->tracker()->suite(m_rerunKey);
    const Run *run = suite ? suite->currentRun() : nullptr;
    if (!run || run->pod.name != m_rerunPod || int(run->iterations.size()) <= m_rerunIterationsBefore)
        return;
    // A new iteration finished: its result decides the exit code.
    if (m_printingRerun)
        return;
    m_printingRerun = true;
    collectFailures([this] {
        StatusReport only = report();
        only.suites.removeIf([this](const SuiteReport &suite) { return suite.key != m_rerunKey; });
        m_out << statusToText(only, QDateTime::currentDateTimeUtc());
        m_out.flush();
        finish(statusExitCode(only));
    });
}

void HeadlessCommand::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_settleLimit.stop();
    m_rerunLimit.stop();
    emit finished(exitCode);
}
