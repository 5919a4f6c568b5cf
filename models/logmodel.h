#pragma once

#include "logs/ansiparser.h"
#include "logs/jestparser.h"
#include "logs/logbuffer.h"
#include "logs/logline.h"

#include <QAbstractListModel>

// The lines of one log (a container's stream, or a process's output) as a list model.
//
// appendLines takes a batch as it arrives: each line's ANSI sequences become format
// runs (the parser keeps style across lines), the Jest parser reads its plain text,
// and the batch is announced with one beginInsertRows. Lines live in a LogBuffer
// (bounded memory, spill to disk, optional cap shown as a dropped count). Views that
// paint many lines should use line(row) rather than data(): it skips QVariant.
//
// Rows are 0..rowCount()-1 over the lines still held; a line's number (LineNumberRole)
// counts from the first line ever appended and does not change when a cap drops older
// lines. GUI thread only.
class LogModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        TextRole = Qt::UserRole + 1, // QString: plain text, escapes removed
        TimestampRole,               // QDateTime (UTC), invalid when the stream had none
        FormatRunsRole,              // FormatRuns
        IsFailureHeaderRole,         // bool: a Jest `●` failure title
        IterationIndexRole,          // int: the Jest iteration the line belongs to, -1 before any
        LineNumberRole,              // qint64: absolute line number, 0-based
        LineKindRole,                // int: JestParser::LineKind
    };
    Q_ENUM(Role)

    explicit LogModel(QObject *parent = nullptr);

    void appendLines(const QList<LogLine> &lines);
    // A new stream (another pod or container): forgets lines, styles and results.
    void clear();

    void setMemoryBudget(qint64 bytes);
    // 0 = keep every line (spilling to disk); otherwise the oldest lines beyond are dropped.
    void setMaxLines(qint64 maxLines);
    qint64 maxLines() const { return m_buffer.maxLines(); }
    qint64 droppedLineCount() const { return m_buffer.droppedCount(); }
    QString spillError() const { return m_buffer.spillError(); }

    // Fast access for views.
    StoredLine line(int row) const { return m_buffer.line(row); }
    QString lineText(int row) const { return m_buffer.text(row); }
    qint64 lineNumber(int row) const { return m_buffer.droppedCount() + row; }
    // The row of an absolute line number; -1 when dropped or not there yet.
    int rowOfLineNumber(qint64 lineNumber) const;
    static bool isFailureHeader(const StoredLine &line);
    static int iterationOf(const StoredLine &line);
    static JestParser::LineKind kindOf(const StoredLine &line);

    // Jest results.
    const QList<JestIteration> &iterations() const { return m_jest.iterations(); }
    // -1 follows the latest iteration: the running one once it has a failure or has
    // ended, else the last finished one (so the list does not empty at every rerun).
    void setShownIteration(int index);
    int shownIteration() const { return m_shownIteration; }
    int effectiveShownIteration() const;
    QList<JestFailure> failures() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void iterationsChanged();
    // The failures of the shown iteration changed (added, completed, or another shown).
    void failuresChanged();
    void droppedLineCountChanged(qint64 dropped);

private:
    void publishResults();

    LogBuffer m_buffer;
    AnsiParser m_ansi;
    JestParser m_jest;
    quint64 m_publishedRevision = 0;
    int m_shownIteration = -1;
    int m_publishedShown = -1;
    QList<JestFailure> m_publishedFailures;
};
