#include "suitedetailview.h"

#include "alertlistmodel.h"
#include "historychart.h"
#include "runhistorymodel.h"
#include "silencedialog.h"
#include "suites/suitetracker.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTabBar>
#include <QTableView>
#include <QVBoxLayout>

namespace {

QTableView *makeTable(QAbstractItemModel *model, const QString &accessibleName, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setModel(model);
    table->setAccessibleName(accessibleName);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->setShowGrid(false);
    table->setWordWrap(false);
    return table;
}

} // namespace

SuiteDetailView::SuiteDetailView(SuiteTracker *tracker, QWidget *parent)
    : QTabWidget(parent)
    , m_tracker(tracker)
    , m_history(new HistoryChart(this))
    , m_runsModel(new RunHistoryModel(this))
    , m_runs(makeTable(m_runsModel, tr("Runs and iterations"), this))
    , m_alertsModel(new AlertListModel(this))
    , m_alertsPage(new QWidget(this))
    , m_alerts(makeTable(m_alertsModel, tr("Alerts of this suite"), m_alertsPage))
    , m_silence(new QPushButton(tr("&Silence…"), m_alertsPage))
    , m_alertsHint(new QLabel(m_alertsPage))
{
    setDocumentMode(true);
    tabBar()->setAccessibleName(tr("Suite details"));
    addTab(m_history, tr("History"));
    addTab(m_runs, tr("Runs"));

    m_silence->setAccessibleName(tr("Silence this suite's alerts"));
    m_silence->setToolTip(tr("Ask Alertmanager not to notify about this suite for a while"));
    connect(m_silence, &QPushButton::clicked, this, &SuiteDetailView::askSilence);
    m_alertsHint->setForegroundRole(QPalette::PlaceholderText);
    auto *alertsLayout = new QVBoxLayout(m_alertsPage);
    alertsLayout->setContentsMargins(0, 4, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_alertsHint, 1);
    bar->addWidget(m_silence);
    alertsLayout->addLayout(bar);
    alertsLayout->addWidget(m_alerts, 1);
    addTab(m_alertsPage, tr("Alerts"));

    connect(m_history, &HistoryChart::rangeRequested, this, [this](int seconds) {
        if (!m_key.name.isEmpty())
            emit historyRequested(m_key, seconds);
    });
    connect(tracker, &SuiteTracker::suiteChanged, this, &SuiteDetailView::refresh);
    connect(tracker, &SuiteTracker::suiteRemoved, this, &SuiteDetailView::refresh);
    showSuite({});
}

QWidget *SuiteDetailView::historyTab() const
{
    return m_history;
}

QWidget *SuiteDetailView::runsTab() const
{
    return m_runs;
}

QWidget *SuiteDetailView::alertsTab() const
{
    return m_alertsPage;
}

void SuiteDetailView::showSuite(const SuiteKey &key)
{
    const bool changed = key != m_key;
    m_key = key;
    refresh(key);
    if (key.name.isEmpty())
        m_history->clear(tr("Select a suite to see its history."));
    else if (changed)
        emit historyRequested(key, m_history->rangeSeconds());
}

void SuiteDetailView::refresh(const SuiteKey &key)
{
    if (key != m_key)
        return;
    const Suite *suite = m_key.name.isEmpty() ? nullptr : m_tracker->suite(m_key);
    m_runsModel->setSuite(suite);
    m_alertsModel->setAlerts(suite ? suite->alerts : QList<SuiteAlert>{});
    m_silence->setEnabled(suite != nullptr);
    const int count = suite ? int(suite->alerts.size()) : 0;
    setTabText(indexOf(m_alertsPage), count ? tr("Alerts (%1)").arg(count) : tr("Alerts"));
    m_alertsHint->setText(!suite ? tr("Select a suite.")
                                 : count ? tr("Alerts from Alertmanager for %1.").arg(m_key.toString())
                                         : tr("No alerts for %1.").arg(m_key.toString()));
}

void SuiteDetailView::setHistory(const SuiteKey &key, const SuiteHistory &history)
{
    if (key != m_key)
        return;
    SuiteHistory shown = history;
    if (history.isEmpty() && !history.error.isEmpty()) {
        // No Prometheus: this session's iterations are better than an empty chart.
        if (const Suite *suite = m_tracker->suite(key); suite && suite->currentRun()) {
            shown = historyFromIterations(*suite->currentRun());
            shown.error = tr("%1; showing %2").arg(history.error, shown.source);
        }
    }
    m_history->setHistory(shown, QDateTime::currentDateTimeUtc());
}

void SuiteDetailView::askSilence()
{
    if (m_key.name.isEmpty())
        return;
    SilenceDialog dialog(m_key.toString(), qEnvironmentVariable("USER", QStringLiteral("kassert")), this);
    if (dialog.exec() == QDialog::Accepted)
        emit silenceRequested(m_key, dialog.duration(), dialog.comment(), dialog.creator());
}
