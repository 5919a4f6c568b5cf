#pragma once

#include "suites/suite.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

class FailureBundleCollector;
class KubeClient;

// "Export failure bundle": collects everything about one run (FailureBundleCollector)
// and writes it as a folder (FailureBundleWriter), reporting progress on the way. Parts
// that fail are recorded in the bundle's summary.json, so a bundle is written whenever
// the folder can be; finished() says where, and which parts are missing.
//
// GUI thread, asynchronous; cancel() stops it and finished() then reports a cancel.
class FailureBundle : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        SuiteKey suite;
        Run run; // the selected run, as the tracker knows it
        QString directory; // the folder the bundle is made in
        QString zipPath; // when set: one .zip file here instead of a folder in `directory`
        QUrl prometheusUrl; // explicit Prometheus; empty: discovered through the API server
        bool discoverPrometheus = true;
        qint64 maxLogBytes = 32 * 1024 * 1024; // per log; more is cut (and said so)
    };

    struct Result
    {
        QString path; // the bundle's folder, empty when none was written
        QString error; // why nothing was written (cancel, disk); empty on success
        QStringList failedParts; // "events: …403 Forbidden…", for the status line
        bool canceled = false;

        bool ok() const { return !path.isEmpty(); }
    };

    explicit FailureBundle(KubeClient *client, QObject *parent = nullptr);
    ~FailureBundle() override;

    void start(const Request &request);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void progress(const QString &step, int done, int total);
    void finished(const FailureBundle::Result &result);

private:
    FailureBundleCollector *m_collector;
    bool m_running = false;
};
