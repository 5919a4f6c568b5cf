#include "skaffold/skaffoldsession.h"

#include "skaffold/skaffoldeventstream.h"
#include "system/childprocess.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

constexpr int FlushDelayMs = 50;
constexpr int StopTickMs = 250;
// A line without a newline this long is handed out as it is (a progress bar, a binary dump).
constexpr qsizetype MaxLineBytes = 64 * 1024;

const auto InstallUrl = u"https://skaffold.dev/docs/install/"_s;

} // namespace

SkaffoldSession::SkaffoldSession(const SkaffoldLaunch &launch, QObject *parent)
    : QObject(parent)
    , m_launch(launch)
    , m_eventStream(new SkaffoldEventStream(this))
{
    m_launch.specDir = QDir::cleanPath(launch.specDir);
    m_arguments = skaffoldArguments(m_launch);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(FlushDelayMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &SkaffoldSession::flushLines);
    m_stopTimer.setInterval(StopTickMs);
    connect(&m_stopTimer, &QTimer::timeout, this, &SkaffoldSession::stopTick);
    connect(m_eventStream, &SkaffoldEventStream::eventReceived, this, &SkaffoldSession::applyEvent);
    connect(m_eventStream, &SkaffoldEventStream::connected, this, &SkaffoldSession::changed);
    connect(m_eventStream, &SkaffoldEventStream::drained, this, &SkaffoldSession::completeFinish);
    connect(m_eventStream, &SkaffoldEventStream::unavailable, this, [this](const QString &reason) {
        note(tr("event API unavailable (%1); following the output").arg(reason));
    });
}

SkaffoldSession::~SkaffoldSession()
{
    // Owners stop sessions before destroying them (SkaffoldSessions::stopAll); this is the
    // last resort so that no child outlives its session object.
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        signalChild(SIGKILL, true);
        m_process->kill();
    }
}

void SkaffoldSession::setEventApiGiveUpAfter(int ms)
{
    m_eventStream->setGiveUpAfter(ms);
}

QString SkaffoldSession::commandLine() const
{
    return skaffoldCommandLine(QFileInfo(m_program).fileName(), m_arguments);
}

bool SkaffoldSession::eventApiConnected() const
{
    return m_eventStream->isConnected();
}

QString SkaffoldSession::phaseText() const
{
    switch (m_state) {
    case State::Idle:
        return tr("Not started");
    case State::Stopping:
        return m_stopStage == StopStage::Interrupted ? tr("Cleaning up") : tr("Terminating");
    case State::Finished:
        // "Failed (exit code 1): Build failed" says where, not only that.
        if (m_exit == Exit::Error && m_phase.status == "Failed"_L1)
            return exitText() + u": "_s + describePhase(m_phase, m_iteration);
        return exitText();
    case State::Starting:
    case State::Running:
        break;
    }
    return describePhase(m_phase, m_iteration);
}

QString SkaffoldSession::exitText() const
{
    switch (m_exit) {
    case Exit::None:
        return {};
    case Exit::Completed:
        return tr("Completed (exit code 0)");
    case Exit::Stopped:
        return tr("Stopped");
    case Exit::Error:
        return tr("Failed (exit code %1)").arg(m_exitCode);
    case Exit::UsageError:
        return tr("Usage error (exit code 127)");
    case Exit::Killed:
        return tr("Killed after the cleanup timeout");
    case Exit::Crashed:
        return tr("Crashed");
    case Exit::NotFound:
        return tr("skaffold not found");
    case Exit::FailedToStart:
        return tr("Failed to start");
    }
    return {};
}

void SkaffoldSession::fail(Exit exit, const QString &message)
{
    m_exit = exit;
    m_lastError = message;
    m_state = State::Finished;
    note(message);
    flushLines();
    // Reported from the event loop so callers can connect after start() returns.
    QTimer::singleShot(0, this, [this] {
        emit changed();
        emit finished();
    });
}

void SkaffoldSession::start()
{
    if (m_state != State::Idle)
        return;
    const QString executable = m_program.contains(u'/')
        ? (QFileInfo(m_program).isExecutable() ? m_program : QString())
        : QStandardPaths::findExecutable(m_program);
    if (executable.isEmpty()) {
        fail(Exit::NotFound,
            m_program.contains(u'/')
                ? tr("skaffold was not found at %1. Install it: %2").arg(m_program, InstallUrl)
                : tr("skaffold was not found on PATH. Install it: %1").arg(InstallUrl));
        return;
    }
    if (!QFileInfo(m_launch.specDir).isDir()) {
        fail(Exit::FailedToStart, tr("spec directory %1 does not exist").arg(m_launch.specDir));
        return;
    }

    m_process = new QProcess(this);
    m_process->setProgram(executable);
    m_process->setArguments(m_arguments);
    m_process->setWorkingDirectory(m_launch.specDir);
    m_process->setProcessEnvironment(m_environment);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardInputFile(QProcess::nullDevice());
    tieChildToKassert(m_process, SIGTERM, ProcessGroup::Own);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &SkaffoldSession::readOutput);
    connect(m_process, &QProcess::started, this, [this] {
        m_state = State::Running;
        emit changed();
        if (m_stopRequested)
            stop();
    });
    connect(m_process, &QProcess::finished, this, &SkaffoldSession::processFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_eventStream->stop();
        fail(Exit::FailedToStart,
            tr("could not start %1: %2").arg(m_process->program(), m_process->errorString()));
    });

    m_state = State::Starting;
    note(commandLine());
    m_process->start();
    if (m_launch.rpcHttpPort != 0 && m_state == State::Starting)
        m_eventStream->start(m_launch.rpcHttpPort);
    emit changed();
}

void SkaffoldSession::stop()
{
    if (m_state == State::Starting && processId() == 0) {
        m_stopRequested = true; // stopped as soon as it runs
        return;
    }
    if (m_state != State::Starting && m_state != State::Running)
        return;
    m_stopRequested = true;
    m_state = State::Stopping;
    m_stopStage = StopStage::Interrupted;
    m_stopClock.start();
    m_stopTimer.start();
    signalChild(SIGINT, false);
    note(tr("sent SIGINT; waiting up to %1 s for skaffold to clean up").arg(m_cleanupTimeoutMs / 1000.0));
    emit stopProgress(0, m_cleanupTimeoutMs);
    emit changed();
}

void SkaffoldSession::kill()
{
    if (!isLive() || !m_process)
        return;
    m_stopRequested = true;
    m_stopStage = StopStage::Killed;
    m_state = State::Stopping;
    signalChild(SIGKILL, true);
    m_process->kill();
    emit changed();
}

void SkaffoldSession::stopTick()
{
    const qint64 elapsed = m_stopClock.elapsed();
    if (m_stopStage == StopStage::Interrupted && elapsed >= m_cleanupTimeoutMs) {
        m_stopStage = StopStage::Terminated;
        note(tr("cleanup did not finish within %1 s; sending SIGTERM").arg(m_cleanupTimeoutMs / 1000.0));
        signalChild(SIGTERM, false);
        emit changed();
    } else if (m_stopStage == StopStage::Terminated && elapsed >= m_cleanupTimeoutMs + m_terminateTimeoutMs) {
        m_stopStage = StopStage::Killed;
        note(tr("skaffold did not exit after SIGTERM; sending SIGKILL"));
        signalChild(SIGKILL, true);
        m_process->kill();
        emit changed();
    }
    emit stopProgress(elapsed, m_cleanupTimeoutMs);
}

void SkaffoldSession::signalChild(int signal, bool wholeGroup)
{
    const qint64 pid = processId();
    if (pid <= 0)
        return;
    // The group also holds skaffold's own children (kubectl, docker), which SIGKILL to
    // skaffold alone would orphan; SIGINT and SIGTERM go to skaffold, which forwards them.
    ::kill(wholeGroup ? -pid_t(pid) : pid_t(pid), signal);
}

void SkaffoldSession::readOutput()
{
    m_pending += m_process->readAllStandardOutput();
    qsizetype start = 0;
    for (qsizetype end = m_pending.indexOf('\n'); end >= 0; end = m_pending.indexOf('\n', start)) {
        queueLine(QString::fromUtf8(m_pending.sliced(start, end - start)));
        start = end + 1;
    }
    m_pending.remove(0, start);
    while (m_pending.size() > MaxLineBytes) {
        queueLine(QString::fromUtf8(m_pending.first(MaxLineBytes)));
        m_pending.remove(0, MaxLineBytes);
    }
}

void SkaffoldSession::queueLine(QString line)
{
    if (line.endsWith(u'\r'))
        line.chop(1);
    applyOutputLine(line);
    // cobra's "Error: ..." is followed by a "See 'skaffold dev --help'" hint: keep the error.
    if (line.startsWith("Error:"_L1)
        || (!line.trimmed().isEmpty() && !line.startsWith(u'[') && !m_lastOutputLine.startsWith("Error:"_L1)))
        m_lastOutputLine = line.trimmed().left(500);
    m_lineBatch << line;
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void SkaffoldSession::flushLines()
{
    m_flushTimer.stop();
    if (m_lineBatch.isEmpty())
        return;
    const QStringList batch = std::exchange(m_lineBatch, {});
    emit outputLines(batch);
}

void SkaffoldSession::note(const QString &text)
{
    m_lineBatch << u"kassert: "_s + text;
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void SkaffoldSession::applyOutputLine(const QString &line)
{
    if (m_eventsSeen)
        return; // the event API is the better source once it speaks
    const std::optional<SkaffoldPhase> phase = phaseFromOutputLine(line);
    if (!phase || *phase == m_phase)
        return;
    m_phase = *phase;
    if (phase->status == "Failed"_L1)
        m_lastError = line.trimmed();
    emit changed();
}

void SkaffoldSession::applyEvent(const SkaffoldEvent &event)
{
    m_eventsSeen = true;
    m_events.append(event);
    if (m_events.size() > MaxRecentEvents)
        m_events.removeFirst();
    switch (event.kind) {
    case SkaffoldEvent::Kind::Meta:
        if (!event.runId.isEmpty())
            m_runId = event.runId;
        break;
    case SkaffoldEvent::Kind::Task:
        m_phase = { event.task, event.status };
        m_iteration = event.iteration;
        if (event.status == "Failed"_L1 && !event.error.isEmpty()) {
            m_actionableError = event.error;
            m_lastError = event.error.message;
        } else if (event.status == "InProgress"_L1 && event.task == "DevLoop"_L1) {
            m_actionableError = {}; // a new iteration: the last failure is history
        }
        break;
    case SkaffoldEvent::Kind::BuildSubtask:
        if (!event.artifact.isEmpty())
            m_artifacts.insert(event.artifact, event.step + u' ' + event.status);
        break;
    case SkaffoldEvent::Kind::StatusCheckSubtask:
        if (!event.resource.isEmpty())
            m_resources.insert(event.resource,
                event.message.isEmpty() ? event.status : event.status + u": "_s + event.message);
        break;
    case SkaffoldEvent::Kind::Termination:
        if (event.status == "Failed"_L1 && !event.error.isEmpty()) {
            m_actionableError = event.error;
            m_lastError = event.error.message;
        }
        break;
    case SkaffoldEvent::Kind::DeploySubtask:
    case SkaffoldEvent::Kind::ApplicationLog: // already in the output
    case SkaffoldEvent::Kind::SkaffoldLog:
    case SkaffoldEvent::Kind::Other:
        return;
    }
    emit changed();
}

void SkaffoldSession::processFinished(int exitCode, QProcess::ExitStatus status)
{
    readOutput();
    if (!m_pending.isEmpty())
        queueLine(QString::fromUtf8(std::exchange(m_pending, {})));
    m_stopTimer.stop();
    m_exitCode = exitCode;
    m_exitStatus = status;
    // The last events (a failed build, the termination) are often still in the closing
    // connection: the session is finished once they are read.
    m_eventStream->finish();
}

void SkaffoldSession::completeFinish()
{
    if (m_state == State::Finished || !m_process || m_process->state() != QProcess::NotRunning)
        return;
    const int exitCode = m_exitCode;
    if (m_exitStatus == QProcess::CrashExit) {
        m_exit = m_stopStage == StopStage::Killed ? Exit::Killed
            : m_stopRequested                     ? Exit::Stopped
                                                  : Exit::Crashed;
        if (m_exit == Exit::Crashed)
            m_lastError = tr("skaffold was terminated by a signal");
    } else if (exitCode == 0) {
        m_exit = m_stopRequested ? Exit::Stopped : Exit::Completed;
    } else if (exitCode == 127) {
        m_exit = Exit::UsageError;
        m_lastError = tr("skaffold rejected the command line (exit code 127): %1").arg(m_lastOutputLine);
    } else {
        m_exit = Exit::Error;
        if (m_lastError.isEmpty())
            m_lastError = tr("skaffold exited with code %1: %2").arg(exitCode).arg(m_lastOutputLine);
    }
    note(exitText());
    m_state = State::Finished;
    flushLines();
    emit changed();
    emit finished();
}
