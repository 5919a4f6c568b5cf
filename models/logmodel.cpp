#include "logmodel.h"

namespace {

// StoredLine::flags: bits 0..7 the JestParser::LineKind, bits 8.. the iteration + 1.
constexpr quint32 KindMask = 0xff;
constexpr int IterationShift = 8;

} // namespace

LogModel::LogModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

bool LogModel::isFailureHeader(const StoredLine &line)
{
    return kindOf(line) == JestParser::LineKind::FailureTitle;
}

int LogModel::iterationOf(const StoredLine &line)
{
    return int(line.flags >> IterationShift) - 1;
}

JestParser::LineKind LogModel::kindOf(const StoredLine &line)
{
    return JestParser::LineKind(line.flags & KindMask);
}

void LogModel::appendLines(const QList<LogLine> &lines)
{
    if (lines.isEmpty())
        return;
    const int first = rowCount();
    beginInsertRows({}, first, first + int(lines.size()) - 1);
    qint64 number = m_buffer.droppedCount() + m_buffer.size();
    for (const LogLine &line : lines) {
        StyledText styled = m_ansi.parseLine(line.text);
        const JestParser::LineKind kind = m_jest.addLine(styled.text, number++);
        const quint32 iteration = quint32(m_jest.iterations().size()); // current index + 1
        m_buffer.append({line.timestamp, std::move(styled.text), std::move(styled.runs),
                         quint32(kind) | iteration << IterationShift});
    }
    endInsertRows();

    if (const qint64 excess = m_buffer.excessLines(); excess > 0) {
        beginRemoveRows({}, 0, int(excess) - 1);
        m_buffer.dropOldest(excess);
        endRemoveRows();
        emit droppedLineCountChanged(m_buffer.droppedCount());
    }
    publishResults();
}

void LogModel::clear()
{
    beginResetModel();
    m_buffer.clear();
    m_ansi.reset();
    m_jest.clear();
    endResetModel();
    emit droppedLineCountChanged(0);
    publishResults();
}

void LogModel::setMemoryBudget(qint64 bytes)
{
    m_buffer.setMemoryBudget(bytes);
}

void LogModel::setMaxLines(qint64 maxLines)
{
    m_buffer.setMaxLines(maxLines);
    if (const qint64 excess = m_buffer.excessLines(); excess > 0) {
        beginRemoveRows({}, 0, int(excess) - 1);
        m_buffer.dropOldest(excess);
        endRemoveRows();
        emit droppedLineCountChanged(m_buffer.droppedCount());
    }
}

int LogModel::rowOfLineNumber(qint64 lineNumber) const
{
    const qint64 row = lineNumber - m_buffer.droppedCount();
    return row >= 0 && row < m_buffer.size() ? int(row) : -1;
}

void LogModel::setShownIteration(int index)
{
    m_shownIteration = index < 0 ? -1 : index;
    publishResults();
}

int LogModel::effectiveShownIteration() const
{
    const QList<JestIteration> &all = m_jest.iterations();
    if (all.isEmpty())
        return -1;
    if (m_shownIteration >= 0)
        return std::min(m_shownIteration, int(all.size()) - 1);
    const JestIteration &last = all.last();
    if (last.complete || !last.failures.isEmpty() || all.size() == 1)
        return int(all.size()) - 1;
    return int(all.size()) - 2;
}

QList<JestFailure> LogModel::failures() const
{
    const int shown = effectiveShownIteration();
    return shown >= 0 ? m_jest.iterations().at(shown).failures : QList<JestFailure>();
}

void LogModel::publishResults()
{
    if (m_jest.revision() != m_publishedRevision) {
        m_publishedRevision = m_jest.revision();
        emit iterationsChanged();
    }
    const int shown = effectiveShownIteration();
    QList<JestFailure> now = failures();
    if (shown != m_publishedShown || now != m_publishedFailures) {
        m_publishedShown = shown;
        m_publishedFailures = std::move(now);
        emit failuresChanged();
    }
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(std::min<qint64>(m_buffer.size(), std::numeric_limits<int>::max()));
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return m_buffer.text(row);
    case LineNumberRole:
        return lineNumber(row);
    default:
        break;
    }
    const StoredLine stored = m_buffer.line(row);
    switch (role) {
    case TimestampRole:
        return stored.timestamp;
    case FormatRunsRole:
        return QVariant::fromValue(stored.runs);
    case IsFailureHeaderRole:
        return isFailureHeader(stored);
    case IterationIndexRole:
        return iterationOf(stored);
    case LineKindRole:
        return int(kindOf(stored));
    default:
        return {};
    }
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(TextRole, "text");
    names.insert(TimestampRole, "timestamp");
    names.insert(FormatRunsRole, "formatRuns");
    names.insert(IsFailureHeaderRole, "isFailureHeader");
    names.insert(IterationIndexRole, "iterationIndex");
    names.insert(LineNumberRole, "lineNumber");
    names.insert(LineKindRole, "lineKind");
    return names;
}
