#pragma once

#include "suites/suitehistory.h"

#include <QWidget>

class QButtonGroup;
class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

// The History tab: failing tests and tests run over the chosen range (1 h, 6 h, 24 h),
// with each iteration marked. It only draws; whoever owns the data answers
// rangeRequested with setHistory.
class HistoryChart : public QWidget
{
    Q_OBJECT

public:
    explicit HistoryChart(QWidget *parent = nullptr);

    void setHistory(const SuiteHistory &history, const QDateTime &end);
    int rangeSeconds() const;
    void clear(const QString &message);

    // Where the time axis starts: `end` minus the range, or, for a suite younger than
    // that, a little before its first sample (never less than MinimumSpanSeconds), so a
    // fresh suite is not a few points squeezed against the right edge of an empty hour.
    static QDateTime axisStart(const SuiteHistory &history, const QDateTime &end, int rangeSeconds);
    static constexpr int MinimumSpanSeconds = 5 * 60;

signals:
    void rangeRequested(int seconds);

private:
    void applyPalette();

    QButtonGroup *m_ranges;
    QLabel *m_caption;
    QChartView *m_view;
    QChart *m_chart;
    QLineSeries *m_failing;
    QLineSeries *m_tests;
    QScatterSeries *m_iterations;
    QDateTimeAxis *m_timeAxis;
    QValueAxis *m_valueAxis;
};
