#pragma once

#include <QAbstractScrollArea>
#include <QPointer>
#include <QTimer>

class LogModel;
class LogSearch;
struct StoredLine;

// A virtualised log view: paints only the lines on screen, straight from a LogModel,
// with their ANSI format runs, in a monospace font with a uniform line height.
//
// Follows the tail while the reader is at the bottom; scrolling up pauses (new lines
// are counted, the view stays put, also when a cap drops old lines) and scrolling back
// to the bottom resumes. Search highlights every match with next/previous; the filter
// shows only matching lines with context. Word wrap keeps whole lines per scroll step.
// Knows nothing of pods: the Skaffold console uses it too.
class LogView : public QAbstractScrollArea
{
    Q_OBJECT

public:
    explicit LogView(QWidget *parent = nullptr);
    ~LogView() override;

    void setModel(LogModel *model);
    LogModel *model() const;
    LogSearch *search() const { return m_search; }

    void setWordWrap(bool wrap);
    bool wordWrap() const { return m_wrap; }
    void setTimestampsVisible(bool visible);
    bool timestampsVisible() const { return m_timestamps; }

    bool isFollowing() const { return m_following; }
    int newLinesWhilePaused() const { return m_newLines; }
    void scrollToBottom(); // and follow again

    void setSearchPattern(const QString &text, bool regex, bool caseSensitive);
    int matchCount() const;
    int currentMatch() const { return m_currentMatch; } // -1 when none is current
    void findNext();
    void findPrevious();
    void setFilterEnabled(bool enabled);
    bool isFilterEnabled() const { return m_filter; }
    void setFilterContext(int lines);

    // Brings an absolute line number (LogModel::lineNumber) into view near the top.
    void scrollToLineNumber(qint64 lineNumber);
    // Absolute line number of the first line on screen, -1 when empty.
    qint64 firstVisibleLineNumber() const;
    qint64 lastVisibleLineNumber() const;
    int displayedLineCount() const; // rows the view scrolls over (filtered or all)

    QString selectedText() const;
    void selectAll();
    void copy() const;
    // Writes every line held (with timestamps when shown) as UTF-8. Empty on success.
    QString saveToFile(const QString &path) const;

signals:
    void followingChanged(bool following);
    void newLinesWhilePausedChanged(int count);
    void matchesChanged(int count, int current);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Position
    {
        qint64 line = -1; // absolute
        int column = 0;
        auto operator<=>(const Position &) const = default;
    };
    struct RowLayout
    {
        int displayRow = 0;
        int y = 0;
        int visualLines = 1;
    };

    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void repaintSoon(); // viewport update within TailRepaintMs, once however often asked
    void onRowsAboutToBeRemoved();
    void onRowsRemoved();
    void onModelReset();
    void onMatchesChanged();
    void updateMetrics();
    void updateScrollBars();
    void setFollowingInternal(bool following);
    void setTopRow(int row);
    void showMatch(int index);

    qint64 lineOfDisplayRow(int displayRow) const;
    int displayRowOfLine(qint64 lineNumber) const; // the row showing it or the next one
    int textLeft() const;
    int wrapColumns() const;
    int visualLinesOf(int displayRow) const;
    QList<RowLayout> layoutVisibleRows() const;
    Position positionAt(const QPoint &point) const;

    QPointer<LogModel> m_model;
    LogSearch *m_search;
    bool m_wrap = false;
    bool m_timestamps = false;
    bool m_filter = false;
    bool m_following = true;
    bool m_adjusting = false; // scroll bar moved by the view itself, not the reader
    // Repaints for appended lines wait for the next frame (about 60 per second at most).
    static constexpr int TailRepaintMs = 16;
    QTimer m_tailRepaint;
    int m_newLines = 0;
    int m_currentMatch = -1;
    int m_lineHeight = 1;
    qreal m_charWidth = 1;
    int m_timestampWidth = 0;
    int m_longestLine = 0; // columns, for the horizontal range
    qint64 m_topBeforeRemoval = -1;
    Position m_anchor;
    Position m_cursor;
};
