#include "suitefilterproxymodel.h"

#include "suitetreemodel.h"

SuiteFilterProxyModel::SuiteFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    setRecursiveFilteringEnabled(false);
    sort(0, Qt::AscendingOrder);
}

void SuiteFilterProxyModel::setFilterText(const QString &text)
{
    if (text == m_filterText)
        return;
    m_filterText = text.trimmed();
    invalidateRowsFilter();
}

bool SuiteFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // Runs keep the tracker's order (newest first).
    if (left.parent().isValid())
        return left.row() < right.row();
    const int leftSeverity = left.data(SuiteTreeModel::SeverityRole).toInt();
    const int rightSeverity = right.data(SuiteTreeModel::SeverityRole).toInt();
    if (leftSeverity != rightSeverity)
        return leftSeverity > rightSeverity;
    const QString leftName = left.data(SuiteTreeModel::NamespaceRole).toString() + u'/'
        + left.data(SuiteTreeModel::SuiteNameRole).toString();
    const QString rightName = right.data(SuiteTreeModel::NamespaceRole).toString() + u'/'
        + right.data(SuiteTreeModel::SuiteNameRole).toString();
    return QString::localeAwareCompare(leftName, rightName) < 0;
}

bool SuiteFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filterText.isEmpty() || sourceParent.isValid())
        return true;
    const QModelIndex suite = sourceModel()->index(sourceRow, 0, sourceParent);
    for (const int role : {int(SuiteTreeModel::SuiteNameRole), int(SuiteTreeModel::NamespaceRole),
                           int(SuiteTreeModel::PodNameRole), int(SuiteTreeModel::RunIdRole),
                           int(SuiteTreeModel::StateNameRole)}) {
        if (suite.data(role).toString().contains(m_filterText, Qt::CaseInsensitive))
            return true;
    }
    return false;
}
