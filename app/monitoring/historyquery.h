#pragma once

#include "suites/suitehistory.h"

#include <QObject>
#include <QStringList>

#include <chrono>
#include <functional>

class PrometheusClient;

// A suite's assertions_failed and tests_run over the last 1 h, 6 h or 24 h, for the
// history chart, and when its iterations finished (test_suites_run_total moving): one
// range query over the suite's pods, the highest value of its pods at each step. The step keeps every series
// well under Prometheus' 11,000 points.
class HistoryQuery : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 maxPoints = 10000;
    // About this many points make a readable chart; fewer when the range is short.
    static constexpr qint64 chartPoints = 720;

    explicit HistoryQuery(PrometheusClient *client, QObject *parent = nullptr);

    static std::chrono::seconds stepFor(std::chrono::seconds range);
    static QString queryFor(const QString &nameSpace, const QStringList &podNames);

    // `podNames`: the suite's runs (pods, live or ended). `end` invalid: now.
    void fetch(const QString &nameSpace, const QStringList &podNames, std::chrono::seconds range,
        const QDateTime &end, std::function<void(const SuiteHistory &)> done);

private:
    PrometheusClient *m_client;
};
