#pragma once

#include "suites/suite.h"

#include <QAbstractTableModel>

// The Runs tab: every iteration of every run of one suite, newest first, with its run id,
// pod, time and result. Shows one suite at a time; setSuite replaces the content.
class RunHistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { RunIdColumn, PodColumn, IterationColumn, TimeColumn, ResultColumn, TestsColumn, ColumnCount };
    enum Role { StateRole = Qt::UserRole + 1 };

    using QAbstractTableModel::QAbstractTableModel;

    // Shows the suite's runs; nullptr clears.
    void setSuite(const Suite *suite);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString runId;
        QString pod;
        bool runEnded = false;
        Iteration iteration;
    };
    QList<Row> m_rows;
};
