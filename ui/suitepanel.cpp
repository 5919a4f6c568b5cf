#include "suitepanel.h"

#include "suitefilterproxymodel.h"
#include "suiteitemdelegate.h"
#include "suites/runstate.h"
#include "suitetreemodel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

SuitePanel::SuitePanel(SuiteTreeModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new SuiteFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_view(new QTreeView(this))
    , m_fitColumns(new QTimer(this))
{
    m_proxy->setSourceModel(model);

    m_filter->setPlaceholderText(tr("Filter suites, namespaces, pods, run ids…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter suites"));
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &SuiteFilterProxyModel::setFilterText);

    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new SuiteItemDelegate(m_view));
    m_view->setAccessibleName(tr("Test suites"));
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSortingEnabled(false); // the proxy keeps its own order: failing first
    m_view->setAlternatingRowColors(false);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(SuiteTreeModel::NameColumn, QHeaderView::Stretch);
    // Sized to their contents now and then, not on every update: ResizeToContents made the
    // header measure every row on each dataChanged, most of the window's idle CPU
    // (tests/bench/README.md: 8 % against 2.2 %).
    for (int column = SuiteTreeModel::StateColumn; column < SuiteTreeModel::ColumnCount; ++column)
        m_view->header()->setSectionResizeMode(column, QHeaderView::Interactive);
    m_fitColumns->setSingleShot(true);
    m_fitColumns->setInterval(1500);
    connect(m_fitColumns, &QTimer::timeout, this, &SuitePanel::fitColumns);
    const auto fitSoon = [this] {
        if (!m_fitColumns->isActive())
            m_fitColumns->start();
    };
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, fitSoon);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, fitSoon);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, fitSoon);
    m_view->setExpandsOnDoubleClick(true);
    // When a poll moves suites (failing first), the proxy reorders its rows with
    // layoutChanged; the tree repainted only rows whose own data changed, so a row could
    // keep showing the suite that was there before (a "duplicate" until clicked). Lay out
    // and repaint the whole tree after every reorder, once per turn of the event loop.
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &SuitePanel::scheduleRelayout);
    connect(m_proxy, &QAbstractItemModel::rowsMoved, this, &SuitePanel::scheduleRelayout);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &SuitePanel::emitSelection);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_filter);
    layout->addWidget(m_view);
}

SuiteKey SuitePanel::selectedSuite() const
{
    return m_model->suiteKeyAt(m_proxy->mapToSource(m_view->currentIndex()));
}

QString SuitePanel::selectedPod() const
{
    return m_model->podNameAt(m_proxy->mapToSource(m_view->currentIndex()));
}

void SuitePanel::selectSuite(const SuiteKey &key)
{
    const QModelIndex index = m_proxy->mapFromSource(m_model->indexOfSuite(key));
    if (index.isValid())
        m_view->setCurrentIndex(index);
}

bool SuitePanel::selectNextFailing()
{
    const int rows = m_proxy->rowCount();
    if (rows == 0)
        return false;
    QModelIndex current = m_view->currentIndex();
    while (current.parent().isValid())
        current = current.parent();
    const int start = current.isValid() ? current.row() + 1 : 0;
    for (int step = 0; step < rows; ++step) {
        const QModelIndex candidate = m_proxy->index((start + step) % rows, 0);
        const auto state = RunState(candidate.data(SuiteTreeModel::StateRole).toInt());
        if (state == RunState::Failed || state == RunState::Error) {
            m_view->setCurrentIndex(candidate);
            return true;
        }
    }
    return false;
}

void SuitePanel::fitColumns()
{
    for (int column = SuiteTreeModel::StateColumn; column < SuiteTreeModel::ColumnCount; ++column)
        m_view->resizeColumnToContents(column);
}

void SuitePanel::scheduleRelayout()
{
    if (m_relayoutScheduled)
        return;
    m_relayoutScheduled = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_relayoutScheduled = false;
            m_view->doItemsLayout(); // ends with a full viewport update
        },
        Qt::QueuedConnection);
}

void SuitePanel::emitSelection()
{
    emit selectionChanged(selectedSuite(), selectedPod());
}
