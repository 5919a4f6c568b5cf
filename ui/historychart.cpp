#include "historychart.h"

#include "statestyle.h"

#include <QButtonGroup>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>

namespace {

constexpr int hour = 3600;

// A step line: values hold until the next sample, as gauges do.
void fillSteps(QLineSeries *series, const QList<HistoryPoint> &points)
{
    QList<QPointF> steps;
    steps.reserve(points.size() * 2);
    for (qsizetype i = 0; i < points.size(); ++i) {
        const qreal x = qreal(points.at(i).time.toMSecsSinceEpoch());
        if (i > 0)
            steps.append({x, points.at(i - 1).value});
        steps.append({x, points.at(i).value});
    }
    series->replace(steps);
}

} // namespace

HistoryChart::HistoryChart(QWidget *parent)
    : QWidget(parent)
    , m_ranges(new QButtonGroup(this))
    , m_caption(new QLabel(this))
    , m_view(new QChartView(this))
    , m_chart(new QChart)
    , m_failing(new QLineSeries)
    , m_tests(new QLineSeries)
    , m_iterations(new QScatterSeries)
    , m_timeAxis(new QDateTimeAxis)
    , m_valueAxis(new QValueAxis)
{
    auto *bar = new QHBoxLayout;
    for (const int hours : {1, 6, 24}) {
        auto *button = new QPushButton(tr("%1 h").arg(hours), this);
        button->setCheckable(true);
        button->setAccessibleName(tr("Show the last %n hour(s)", nullptr, hours));
        m_ranges->addButton(button, hours * hour);
        bar->addWidget(button);
    }
    m_ranges->button(hour)->setChecked(true);
    connect(m_ranges, &QButtonGroup::idClicked, this, &HistoryChart::rangeRequested);
    bar->addSpacing(12);
    bar->addWidget(m_caption, 1);
    m_caption->setForegroundRole(QPalette::PlaceholderText);

    m_failing->setName(tr("Failing"));
    m_tests->setName(tr("Tests run"));
    m_iterations->setName(tr("Iterations"));
    m_iterations->setMarkerSize(7);
    m_chart->addSeries(m_tests);
    m_chart->addSeries(m_failing);
    m_chart->addSeries(m_iterations);
    m_timeAxis->setFormat(QStringLiteral("HH:mm"));
    m_valueAxis->setLabelFormat(QStringLiteral("%d"));
    m_valueAxis->setMin(0);
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_valueAxis, Qt::AlignLeft);
    for (QAbstractSeries *series : {static_cast<QAbstractSeries *>(m_failing), static_cast<QAbstractSeries *>(m_tests),
                                    static_cast<QAbstractSeries *>(m_iterations)}) {
        series->attachAxis(m_timeAxis);
        series->attachAxis(m_valueAxis);
    }
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    // The view made a chart of its own, which it does not delete when given another.
    QChart *const placeholder = m_view->chart();
    m_view->setChart(m_chart);
    delete placeholder;
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setAccessibleName(tr("History chart"));
    applyPalette();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
}

void HistoryChart::applyPalette()
{
    const QPalette pal = palette();
    m_chart->setBackgroundBrush(pal.color(QPalette::Base));
    m_chart->setTitleBrush(pal.color(QPalette::Text));
    m_chart->legend()->setLabelColor(pal.color(QPalette::Text));
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(m_timeAxis), static_cast<QAbstractAxis *>(m_valueAxis)}) {
        axis->setLabelsColor(pal.color(QPalette::Text));
        axis->setGridLineColor(pal.color(QPalette::Mid));
    }
    QPen failingPen(StateStyle::color(RunState::Failed, pal), 2);
    m_failing->setPen(failingPen);
    QPen testsPen(pal.color(QPalette::Text), 1.5);
    testsPen.setStyle(Qt::DashLine);
    m_tests->setPen(testsPen);
    m_iterations->setColor(StateStyle::color(RunState::Running, pal));
    m_iterations->setBorderColor(pal.color(QPalette::Base));
}

int HistoryChart::rangeSeconds() const
{
    return m_ranges->checkedId();
}

QDateTime HistoryChart::axisStart(const SuiteHistory &history, const QDateTime &end, int rangeSeconds)
{
    const QDateTime rangeStart = end.addSecs(-rangeSeconds);
    QDateTime first;
    for (const QList<HistoryPoint> *points : {&history.failing, &history.tests}) {
        if (!points->isEmpty() && (!first.isValid() || points->first().time < first))
            first = points->first().time;
    }
    if (!first.isValid() || first <= rangeStart)
        return rangeStart;
    const qint64 span = std::max<qint64>(MinimumSpanSeconds, first.secsTo(end) * 11 / 10); // a tenth as margin
    return std::max(rangeStart, end.addSecs(-span));
}

void HistoryChart::setHistory(const SuiteHistory &history, const QDateTime &end)
{
    const QDateTime start = axisStart(history, end, rangeSeconds());
    fillSteps(m_failing, history.failing);
    fillSteps(m_tests, history.tests);
    QList<QPointF> marks;
    for (const QDateTime &time : history.iterations) {
        if (time >= start)
            marks.append({qreal(time.toMSecsSinceEpoch()), 0});
    }
    m_iterations->replace(marks);

    double top = 1;
    for (const QList<HistoryPoint> *points : {&history.failing, &history.tests}) {
        for (const HistoryPoint &point : *points)
            top = std::max(top, point.value);
    }
    // Whole-number ticks: the labels are counts, and "%d" of a tick at 4.5 would read 4.
    const int roomy = int(std::ceil(top * 1.15));
    const int step = std::max(1, int(std::ceil(roomy / 5.0)));
    m_valueAxis->setTickType(QValueAxis::TicksDynamic);
    m_valueAxis->setTickAnchor(0);
    m_valueAxis->setTickInterval(step);
    m_valueAxis->setRange(0, step * std::ceil(double(roomy) / step));
    m_timeAxis->setRange(start, end);
    m_timeAxis->setFormat(rangeSeconds() > 6 * hour ? QStringLiteral("dd HH:mm") : QStringLiteral("HH:mm"));

    if (!history.error.isEmpty())
        m_caption->setText(history.error);
    else if (history.isEmpty())
        m_caption->setText(tr("No samples in this range (%1)").arg(history.source));
    else
        m_caption->setText(tr("From %1").arg(history.source));
}

void HistoryChart::clear(const QString &message)
{
    m_failing->clear();
    m_tests->clear();
    m_iterations->clear();
    m_caption->setText(message);
}
