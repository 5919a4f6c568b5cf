#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QRegularExpression>

class QTimer;

class LogModel;

// Search over a LogModel: every occurrence of a text or regular expression, kept up to
// date as lines are appended or dropped, and the lines a filter shows (each matching
// line with N lines of context around it). Lines are absolute line numbers
// (LogModel::lineNumber), so a cap dropping old rows does not shift them.
// No widgets: the view paints from matches() and filterLines().
//
// A long log is scanned in slices from the event loop, so a search over a million
// lines never freezes the window: matches() grows and matchesChanged fires per slice,
// isScanning() says whether the scan has reached the end.
class LogSearch : public QObject
{
    Q_OBJECT

public:
    struct Match
    {
        qint64 line = 0;
        int start = 0;
        int length = 0;
        friend bool operator==(const Match &, const Match &) = default;
    };
    // A line with thousands of hits (a regex like `.`) is capped, not a memory hog.
    static constexpr int MaxMatchesPerLine = 1000;
    // Rows scanned at once; the first slice is scanned at once, within setPattern.
    static constexpr int RowsPerSlice = 20000;

    explicit LogSearch(QObject *parent = nullptr);

    void setModel(LogModel *model);
    // An empty text clears the search. An invalid regex is reported by errorString().
    void setPattern(const QString &text, bool regex, bool caseSensitive);
    void setContextLines(int lines);
    int contextLines() const { return m_context; }

    bool isActive() const { return m_active; }
    bool isScanning() const;
    QString errorString() const { return m_error; }
    const QList<Match> &matches() const { return m_matches; }
    // Index of the first match on or after `line` (matches().size() when none).
    qsizetype firstMatchFrom(qint64 line) const;
    // The matches on one line, for painting.
    QList<Match> matchesOnLine(qint64 line) const;
    // Sorted absolute line numbers the filter shows.
    const QList<qint64> &filterLines() const { return m_filterLines; }

signals:
    void matchesChanged();

private:
    void rescan();
    void scanSlice();
    void scanRows(int firstRow, int lastRow);
    void rebuildFilterFrom(qint64 fromLine);
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);

    QPointer<LogModel> m_model;
    QRegularExpression m_regex;
    bool m_active = false;
    QString m_error;
    int m_context = 0;
    QList<Match> m_matches;
    QList<qint64> m_filterLines;
    int m_scannedRows = 0; // rows from the front already scanned
    QTimer *m_sliceTimer;
};
