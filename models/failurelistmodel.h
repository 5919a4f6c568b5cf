#pragma once

#include "logs/jestparser.h"

#include <QAbstractListModel>
#include <QPointer>

class LogModel;

// The failing tests of the iteration a LogModel shows, one row each, for the list
// beside the log. Follows the LogModel's failuresChanged: a list that only grew gets
// rows inserted (the usual case while a run streams in), anything else a reset.
class FailureListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        // Qt::DisplayRole: the title with `file:line` on a second line.
        TitleRole = Qt::UserRole + 1, // QString: `describe › test`
        TitlePathRole,                // QStringList
        MessageRole,                  // QString
        FileRole,                     // QString: the frame chosen for the location
        LineRole,                     // int
        ColumnRole,                   // int
        LogLineRole,                  // qint64: absolute line number of the `●` line
        SpecFileRole,                 // QString: from the PASS/FAIL header
        SuiteFailedToRunRole,         // bool
    };
    Q_ENUM(Role)

    explicit FailureListModel(QObject *parent = nullptr);

    void setLogModel(LogModel *model);
    LogModel *logModel() const;
    const QList<JestFailure> &failures() const { return m_failures; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    void refresh();

    QPointer<LogModel> m_logModel;
    QList<JestFailure> m_failures;
};
