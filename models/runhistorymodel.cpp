#include "runhistorymodel.h"

#include "statestyle.h"

#include <QGuiApplication>
#include <QLocale>

void RunHistoryModel::setSuite(const Suite *suite)
{
    beginResetModel();
    m_rows.clear();
    if (suite) {
        for (const Run &run : suite->runs) {
            for (auto it = run.iterations.crbegin(); it != run.iterations.crend(); ++it)
                m_rows.append({run.pod.runId(), run.pod.name, run.ended, *it});
        }
        std::stable_sort(m_rows.begin(), m_rows.end(),
                         [](const Row &a, const Row &b) { return a.iteration.at > b.iteration.at; });
    }
    endResetModel();
}

int RunHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row &row = m_rows.at(index.row());
    const Iteration &it = row.iteration;
    if (role == StateRole)
        return int(it.result);
    if (role == Qt::ForegroundRole && index.column() == ResultColumn)
        return StateStyle::color(it.result, QGuiApplication::palette());
    if (role == Qt::DecorationRole && index.column() == ResultColumn)
        return StateStyle::icon(it.result);
    if (role == Qt::ToolTipRole && index.column() == RunIdColumn)
        return row.runId;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case RunIdColumn:
        return row.runId.isEmpty() ? tr("–") : row.runId.left(8);
    case PodColumn:
        return row.runEnded ? tr("%1 (gone)").arg(row.pod) : row.pod;
    case IterationColumn:
        return it.number;
    case TimeColumn:
        return QLocale().toString(it.at.toLocalTime(), QLocale::ShortFormat);
    case ResultColumn:
        return StateStyle::label(it.result);
    case TestsColumn:
        return tr("%1 / %2").arg(it.failing).arg(it.tests);
    }
    return {};
}

QVariant RunHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RunIdColumn:
        return tr("Run id");
    case PodColumn:
        return tr("Pod");
    case IterationColumn:
        return tr("Iteration");
    case TimeColumn:
        return tr("Finished");
    case ResultColumn:
        return tr("Result");
    case TestsColumn:
        return tr("Failing / Tests");
    }
    return {};
}
