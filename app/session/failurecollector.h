#pragma once

#include "suites/statusreport.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>

class KubeClient;

// Reads the recent log of failing suites' current pods and returns their failing tests
// (title, file, line) from the last Jest pass that had failures: what `kassert status`
// prints under a failing suite. One request per suite, all in parallel; a log that cannot
// be read just yields no failures for that suite.
class FailureCollector : public QObject
{
    Q_OBJECT

public:
    static constexpr int TailLines = 3000;

    struct Target
    {
        SuiteKey key;
        QString nameSpace;
        QString pod;
        QString container;
    };

    explicit FailureCollector(KubeClient *client, QObject *parent = nullptr);

    // `done` runs once, after every log answered (or at once when `targets` is empty).
    void collect(const QList<Target> &targets, std::function<void(const QHash<SuiteKey, QList<FailureRef>> &)> done);

    // The failures of the last iteration that has any, from a log's text (pure).
    static QList<FailureRef> failuresFromLog(const QByteArray &log);

private:
    QPointer<KubeClient> m_client;
};
