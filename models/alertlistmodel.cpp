#include "alertlistmodel.h"

#include <QIcon>
#include <QLocale>

using namespace Qt::StringLiterals;

void AlertListModel::setAlerts(const QList<SuiteAlert> &alerts)
{
    if (alerts == m_alerts)
        return;
    beginResetModel();
    m_alerts = alerts;
    endResetModel();
}

int AlertListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_alerts.size());
}

int AlertListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const SuiteAlert &alert = m_alerts.at(index.row());
    const bool active = alert.state == "active"_L1;
    if (role == Qt::DecorationRole && index.column() == NameColumn)
        return QIcon(active ? u":/icons/alert-firing.svg"_s : u":/icons/alert-silenced.svg"_s);
    if (role == Qt::ToolTipRole) {
        QStringList lines;
        for (auto it = alert.labels.cbegin(); it != alert.labels.cend(); ++it)
            lines << it.key() + u'=' + it.value();
        return lines.join(u'\n');
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case NameColumn:
        return alert.name;
    case StateColumn:
        if (active)
            return tr("firing");
        return alert.silencedBy.isEmpty() ? alert.state : tr("silenced");
    case SinceColumn:
        return QLocale().toString(alert.startsAt.toLocalTime(), QLocale::ShortFormat);
    case SummaryColumn:
        return alert.annotations.value(u"summary"_s, alert.annotations.value(u"description"_s));
    }
    return {};
}

QVariant AlertListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Alert");
    case StateColumn:
        return tr("State");
    case SinceColumn:
        return tr("Since");
    case SummaryColumn:
        return tr("Summary");
    }
    return {};
}
