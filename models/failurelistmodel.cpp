#include "failurelistmodel.h"

#include "logmodel.h"

using namespace Qt::StringLiterals;

FailureListModel::FailureListModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

LogModel *FailureListModel::logModel() const
{
    return m_logModel;
}

void FailureListModel::setLogModel(LogModel *model)
{
    if (m_logModel)
        disconnect(m_logModel, nullptr, this, nullptr);
    m_logModel = model;
    if (m_logModel)
        connect(m_logModel, &LogModel::failuresChanged, this, &FailureListModel::refresh);
    refresh();
}

void FailureListModel::refresh()
{
    QList<JestFailure> now = m_logModel ? m_logModel->failures() : QList<JestFailure>();
    // Same failures so far (identified by their `●` line), maybe more: update in place.
    const qsizetype common = std::min(now.size(), m_failures.size());
    bool samePrefix = now.size() >= m_failures.size();
    for (qsizetype i = 0; samePrefix && i < common; ++i)
        samePrefix = now[i].firstLogLine == m_failures[i].firstLogLine;
    if (!samePrefix) {
        beginResetModel();
        m_failures = std::move(now);
        endResetModel();
        return;
    }
    for (qsizetype i = 0; i < common; ++i) {
        if (now[i] != m_failures[i]) {
            m_failures[i] = now[i];
            emit dataChanged(index(int(i)), index(int(i)));
        }
    }
    if (now.size() > common) {
        beginInsertRows({}, int(common), int(now.size()) - 1);
        m_failures = std::move(now);
        endInsertRows();
    }
}

int FailureListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_failures.size());
}

QVariant FailureListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const JestFailure &f = m_failures.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        // The title, and under it where it failed: the list says which test and where.
        if (f.file.isEmpty())
            return f.title();
        return u"%1\n%2:%3"_s.arg(f.title(), f.file.section(u'/', -1)).arg(f.line);
    case TitleRole:
        return f.title();
    case Qt::ToolTipRole: {
        QString tip = f.title();
        if (!f.file.isEmpty())
            tip += u"\n%1:%2:%3"_s.arg(f.file).arg(f.line).arg(f.column);
        if (!f.message.isEmpty())
            tip += u"\n\n"_s + f.message.left(2000);
        return tip;
    }
    case TitlePathRole:
        return f.titlePath;
    case MessageRole:
        return f.message;
    case FileRole:
        return f.file;
    case LineRole:
        return f.line;
    case ColumnRole:
        return f.column;
    case LogLineRole:
        return f.firstLogLine;
    case SpecFileRole:
        return f.specFile;
    case SuiteFailedToRunRole:
        return f.suiteFailedToRun;
    default:
        return {};
    }
}
