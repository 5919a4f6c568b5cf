#include "logsearch.h"

#include "logmodel.h"

#include <QTimer>

using namespace Qt::StringLiterals;

LogSearch::LogSearch(QObject *parent)
    : QObject(parent)
    , m_sliceTimer(new QTimer(this))
{
    m_sliceTimer->setSingleShot(true);
    m_sliceTimer->setInterval(0);
    connect(m_sliceTimer, &QTimer::timeout, this, &LogSearch::scanSlice);
}

bool LogSearch::isScanning() const
{
    return m_active && m_model && m_scannedRows < m_model->rowCount();
}

void LogSearch::setModel(LogModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model) {
        connect(m_model, &QAbstractItemModel::rowsInserted, this, &LogSearch::onRowsInserted);
        connect(m_model, &QAbstractItemModel::rowsRemoved, this, &LogSearch::onRowsRemoved);
        connect(m_model, &QAbstractItemModel::modelReset, this, &LogSearch::rescan);
    }
    rescan();
}

void LogSearch::setPattern(const QString &text, bool regex, bool caseSensitive)
{
    m_error.clear();
    m_active = !text.isEmpty();
    const QString pattern = regex ? text : QRegularExpression::escape(text);
    m_regex = QRegularExpression(pattern, caseSensitive ? QRegularExpression::NoPatternOption
                                                        : QRegularExpression::CaseInsensitiveOption);
    if (m_active && !m_regex.isValid()) {
        m_error = u"Invalid regular expression at %1: %2"_s.arg(m_regex.patternErrorOffset())
                      .arg(m_regex.errorString());
        m_active = false;
    }
    if (m_active)
        m_regex.optimize();
    rescan();
}

void LogSearch::setContextLines(int lines)
{
    m_context = std::max(0, lines);
    rebuildFilterFrom(std::numeric_limits<qint64>::min());
    emit matchesChanged();
}

void LogSearch::rescan()
{
    m_matches.clear();
    m_filterLines.clear();
    m_scannedRows = 0;
    m_sliceTimer->stop();
    scanSlice();
}

void LogSearch::scanSlice()
{
    if (isScanning()) {
        const int first = m_scannedRows;
        const int last = std::min(m_model->rowCount(), first + RowsPerSlice) - 1;
        scanRows(first, last);
        m_scannedRows = last + 1;
        rebuildFilterFrom(first == 0 ? std::numeric_limits<qint64>::min() : m_model->lineNumber(first));
        if (isScanning())
            m_sliceTimer->start();
    } else {
        rebuildFilterFrom(std::numeric_limits<qint64>::min());
    }
    emit matchesChanged();
}

void LogSearch::scanRows(int firstRow, int lastRow)
{
    for (int row = firstRow; row <= lastRow; ++row) {
        const QString text = m_model->lineText(row);
        const qint64 line = m_model->lineNumber(row);
        QRegularExpressionMatchIterator it = m_regex.globalMatchView(text);
        int found = 0;
        while (it.hasNext() && found < MaxMatchesPerLine) {
            const QRegularExpressionMatch m = it.next();
            if (m.capturedLength() == 0)
                continue; // `a*` matches nothing everywhere: not a hit
            m_matches.append({line, int(m.capturedStart()), int(m.capturedLength())});
            ++found;
        }
    }
}

void LogSearch::rebuildFilterFrom(qint64 fromLine)
{
    // Lines before `fromLine - context` cannot change; recompute the rest.
    const qint64 start = fromLine == std::numeric_limits<qint64>::min() ? fromLine : fromLine - m_context;
    while (!m_filterLines.isEmpty() && m_filterLines.last() >= start)
        m_filterLines.removeLast();
    if (!m_active || !m_model)
        return;
    const qint64 firstLine = m_model->lineNumber(0);
    const qint64 endLine = m_model->lineNumber(m_model->rowCount());
    qint64 next = std::max(start, firstLine); // first line not yet decided
    const qint64 firstRelevant = start == std::numeric_limits<qint64>::min() ? start : start - m_context;
    for (qsizetype i = firstMatchFrom(firstRelevant); i < m_matches.size(); ++i) {
        const qint64 line = m_matches[i].line;
        const qint64 from = std::max(next, line - m_context);
        const qint64 to = std::min(endLine - 1, line + m_context);
        for (qint64 l = from; l <= to; ++l)
            m_filterLines.append(l);
        next = std::max(next, to + 1);
    }
}

qsizetype LogSearch::firstMatchFrom(qint64 line) const
{
    const auto it = std::lower_bound(m_matches.cbegin(), m_matches.cend(), line,
                                     [](const Match &m, qint64 l) { return m.line < l; });
    return it - m_matches.cbegin();
}

QList<LogSearch::Match> LogSearch::matchesOnLine(qint64 line) const
{
    QList<Match> out;
    for (qsizetype i = firstMatchFrom(line); i < m_matches.size() && m_matches[i].line == line; ++i)
        out.append(m_matches[i]);
    return out;
}

void LogSearch::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid() || !m_active)
        return;
    if (m_scannedRows < first)
        return; // an earlier scan is still running: the slices will reach these rows
    scanRows(first, last);
    m_scannedRows = last + 1;
    // New lines may be context of earlier matches, and new matches give earlier lines context.
    rebuildFilterFrom(m_model->lineNumber(first));
    emit matchesChanged();
}

void LogSearch::onRowsRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (!m_active)
        return;
    // Only a cap removes rows, always from the front: forget what was dropped.
    const qint64 firstLine = m_model->lineNumber(0);
    m_scannedRows = std::max(0, m_scannedRows - (last - first + 1));
    m_matches.erase(m_matches.begin(), m_matches.begin() + firstMatchFrom(firstLine));
    const auto kept = std::lower_bound(m_filterLines.begin(), m_filterLines.end(), firstLine);
    m_filterLines.erase(m_filterLines.begin(), kept);
    emit matchesChanged();
}
