#pragma once

#include "commandline.h"
#include "suites/statusreport.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>

class ClusterSession;
class QTextStream;

// `kassert status` and `kassert rerun NAMESPACE/SUITE`: the window's ClusterSession
// without the window. Waits until the session has settled (pods listed, metrics and
// alerts read once, or the cluster failed), prints, and finishes with the exit code of
// statusExitCode(). `status --watch` prints again on every change until interrupted.
class HeadlessCommand : public QObject
{
    Q_OBJECT

public:
    HeadlessCommand(const CommandLineOptions &options, QTextStream &out, QTextStream &err,
                    QObject *parent = nullptr);
    ~HeadlessCommand() override;

    // Faster polling and shorter limits, for tests.
    void setTimeouts(std::chrono::milliseconds settle, std::chrono::milliseconds rerunResult);
    ClusterSession *session() const { return m_session.get(); }

    void start();
    // The report as it is now (context, endpoints and every suite).
    StatusReport report() const;

signals:
    void finished(int exitCode);

private:
    void onSettled();
    void printStatus();
    void startRerun();
    void checkRerunResult();
    void finish(int exitCode);
    void collectFailures(std::function<void()> then);

    CommandLineOptions m_options;
    QTextStream &m_out;
    QTextStream &m_err;
    std::unique_ptr<ClusterSession> m_session;
    QTimer m_settleLimit;
    QTimer m_rerunLimit;
    QTimer m_reprint; // --watch: coalesces bursts of changes into one print
    SuiteKey m_rerunKey;
    QString m_rerunPod;
    int m_rerunIterationsBefore = 0;
    bool m_settledHandled = false;
    bool m_rerunStarted = false;
    bool m_finished = false;
    bool m_printingRerun = false;
    QHash<SuiteKey, QList<FailureRef>> m_failures; // failing suites' tests, from their logs
};
