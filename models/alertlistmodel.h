#pragma once

#include "suites/suite.h"

#include <QAbstractTableModel>

// The Alerts tab: the alerts of one suite with their state, start and summary.
class AlertListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, StateColumn, SinceColumn, SummaryColumn, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    void setAlerts(const QList<SuiteAlert> &alerts);
    const QList<SuiteAlert> &alerts() const { return m_alerts; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<SuiteAlert> m_alerts;
};
