#pragma once

#include "suites/suitehistory.h"
#include "suites/suiteidentity.h"

#include <QTabWidget>

#include <chrono>

class AlertListModel;
class HistoryChart;
class QLabel;
class QPushButton;
class QTableView;
class RunHistoryModel;
class SuiteTracker;

// The right-hand side: the selected suite's History, Runs and Alerts tabs (the Logs and
// Spec tabs are added by their owners with addTab). Follows the tracker for the shown
// suite; asks for history and silences through signals, which the window's wiring answers.
class SuiteDetailView : public QTabWidget
{
    Q_OBJECT

public:
    explicit SuiteDetailView(SuiteTracker *tracker, QWidget *parent = nullptr);

    void showSuite(const SuiteKey &key);
    SuiteKey shownSuite() const { return m_key; }
    // Answer to historyRequested; an empty history with an error falls back to this
    // session's iterations.
    void setHistory(const SuiteKey &key, const SuiteHistory &history);

    QWidget *historyTab() const;
    QWidget *runsTab() const;
    QWidget *alertsTab() const;

signals:
    void historyRequested(const SuiteKey &key, int rangeSeconds);
    void silenceRequested(const SuiteKey &key, std::chrono::minutes duration, const QString &comment,
                          const QString &creator);

private:
    void refresh(const SuiteKey &key);
    void askSilence();

    SuiteTracker *m_tracker;
    SuiteKey m_key;
    HistoryChart *m_history;
    RunHistoryModel *m_runsModel;
    QTableView *m_runs;
    AlertListModel *m_alertsModel;
    QWidget *m_alertsPage;
    QTableView *m_alerts;
    QPushButton *m_silence;
    QLabel *m_alertsHint;
};
