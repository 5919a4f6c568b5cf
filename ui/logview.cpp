#include "logview.h"

#include "loglinepainter.h"
#include "logmodel.h"
#include "logs/logtimestamp.h"
#include "logsearch.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QtMath>
#include <QPainter>
#include <QSaveFile>
#include <QScrollBar>

using namespace Qt::StringLiterals;

namespace {

constexpr int MarkerWidth = 4;
constexpr int Gap = 6;

} // namespace

LogView::LogView(QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_search(new LogSearch(this))
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    viewport()->setCursor(Qt::IBeamCursor);
    viewport()->setAutoFillBackground(false);
    setFocusPolicy(Qt::StrongFocus);
    connect(m_search, &LogSearch::matchesChanged, this, &LogView::onMatchesChanged);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_adjusting)
            setFollowingInternal(value >= verticalScrollBar()->maximum());
        // Moved by the reader: at once. Moved by the view following new lines: with the
        // next frame, so a flood of appends does not repaint once per batch.
        if (m_adjusting)
            repaintSoon();
        else
            viewport()->update();
    });
    m_tailRepaint.setSingleShot(true);
    m_tailRepaint.setInterval(TailRepaintMs);
    connect(&m_tailRepaint, &QTimer::timeout, viewport(), qOverload<>(&QWidget::update));
    connect(horizontalScrollBar(), &QScrollBar::valueChanged, viewport(), qOverload<>(&QWidget::update));
    updateMetrics();
}

LogView::~LogView() = default;

LogModel *LogView::model() const
{
    return m_model;
}

void LogView::setModel(LogModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    // The search connects first, so it is up to date when the view's slots run.
    m_search->setModel(model);
    if (m_model) {
        connect(m_model, &QAbstractItemModel::rowsInserted, this, &LogView::onRowsInserted);
        connect(m_model, &QAbstractItemModel::rowsAboutToBeRemoved, this, &LogView::onRowsAboutToBeRemoved);
        connect(m_model, &QAbstractItemModel::rowsRemoved, this, &LogView::onRowsRemoved);
        connect(m_model, &QAbstractItemModel::modelReset, this, &LogView::onModelReset);
        connect(m_model, &QObject::destroyed, this, &LogView::onModelReset);
    }
    onModelReset();
}

void LogView::onModelReset()
{
    m_longestLine = 0;
    if (m_model) {
        for (int row = 0; row < m_model->rowCount(); ++row)
            m_longestLine = std::max(m_longestLine, int(m_model->lineText(row).size()));
    }
    m_anchor = m_cursor = {};
    m_newLines = 0;
    emit newLinesWhilePausedChanged(0);
    setFollowingInternal(true);
    updateScrollBars();
    viewport()->update();
}

void LogView::setWordWrap(bool wrap)
{
    if (wrap == m_wrap)
        return;
    const qint64 first = firstVisibleLineNumber();
    m_wrap = wrap;
    updateScrollBars();
    if (!m_following && first >= 0)
        setTopRow(displayRowOfLine(first));
    viewport()->update();
}

void LogView::setTimestampsVisible(bool visible)
{
    m_timestamps = visible;
    updateScrollBars();
    viewport()->update();
}

void LogView::updateMetrics()
{
    const QFontMetrics fm(font());
    m_lineHeight = std::max(1, fm.height());
    // Fractional: glyphs advance by e.g. 7.8 px, and a rounded grid would make
    // differently styled runs of one line overlap or drift apart.
    m_charWidth = std::max<qreal>(1, QFontMetricsF(font()).horizontalAdvance(u'M'));
    m_timestampWidth = fm.horizontalAdvance(u"00:00:00.000"_s) + Gap;
    verticalScrollBar()->setSingleStep(1);
    horizontalScrollBar()->setSingleStep(qCeil(m_charWidth * 2));
    updateScrollBars();
}

int LogView::textLeft() const
{
    return MarkerWidth + Gap + (m_timestamps ? m_timestampWidth : 0);
}

int LogView::wrapColumns() const
{
    if (!m_wrap)
        return std::numeric_limits<int>::max();
    return std::max(1, int((viewport()->width() - textLeft()) / m_charWidth));
}

int LogView::displayedLineCount() const
{
    if (!m_model)
        return 0;
    if (m_filter && m_search->isActive())
        return int(m_search->filterLines().size());
    return m_model->rowCount();
}

qint64 LogView::lineOfDisplayRow(int displayRow) const
{
    if (m_filter && m_search->isActive())
        return m_search->filterLines().value(displayRow, -1);
    return m_model->lineNumber(displayRow);
}

int LogView::displayRowOfLine(qint64 lineNumber) const
{
    if (!m_model)
        return 0;
    if (m_filter && m_search->isActive()) {
        const QList<qint64> &lines = m_search->filterLines();
        return int(std::lower_bound(lines.cbegin(), lines.cend(), lineNumber) - lines.cbegin());
    }
    return int(std::clamp<qint64>(lineNumber - m_model->lineNumber(0), 0, std::max(0, m_model->rowCount() - 1)));
}

int LogView::visualLinesOf(int displayRow) const
{
    if (!m_wrap)
        return 1;
    const qsizetype length = m_model->lineText(m_model->rowOfLineNumber(lineOfDisplayRow(displayRow))).size();
    const int columns = wrapColumns();
    return std::max<int>(1, int((length + columns - 1) / columns));
}

void LogView::updateScrollBars()
{
    const int count = displayedLineCount();
    const int height = viewport()->height();
    int maximum = 0;
    if (!m_wrap) {
        maximum = std::max(0, count - std::max(1, height / m_lineHeight));
    } else if (count > 0) {
        // The top row that shows the last row entirely: walk back from the end.
        int used = 0;
        int row = count - 1;
        for (; row >= 0; --row) {
            used += visualLinesOf(row) * m_lineHeight;
            if (used > height)
                break;
        }
        maximum = std::min(count - 1, row + 1);
    }
    m_adjusting = true;
    QScrollBar *v = verticalScrollBar();
    v->setRange(0, maximum);
    v->setPageStep(std::max(1, height / m_lineHeight));
    if (m_following)
        v->setValue(maximum);
    QScrollBar *h = horizontalScrollBar();
    const int textWidth = m_wrap ? 0 : qCeil((m_longestLine + 1) * m_charWidth);
    h->setRange(0, std::max(0, textLeft() + textWidth - viewport()->width()));
    h->setPageStep(std::max(1, viewport()->width() - textLeft()));
    m_adjusting = false;
}

void LogView::setFollowingInternal(bool following)
{
    if (following == m_following)
        return;
    m_following = following;
    if (following && m_newLines != 0) {
        m_newLines = 0;
        emit newLinesWhilePausedChanged(0);
    }
    emit followingChanged(following);
}

void LogView::setTopRow(int row)
{
    QScrollBar *v = verticalScrollBar();
    m_adjusting = true;
    v->setValue(row);
    m_adjusting = false;
    setFollowingInternal(v->value() >= v->maximum());
    viewport()->update();
}

void LogView::scrollToBottom()
{
    setFollowingInternal(true);
    updateScrollBars();
    viewport()->update();
}

void LogView::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    for (int row = first; row <= last; ++row)
        m_longestLine = std::max(m_longestLine, int(m_model->lineText(row).size()));
    updateScrollBars();
    if (!m_following) {
        // Count what the reader has not seen: rows appended (shown rows when filtering;
        // the search has already taken these rows in).
        int added = last - first + 1;
        if (m_filter && m_search->isActive()) {
            const QList<qint64> &lines = m_search->filterLines();
            added = int(lines.cend() - std::lower_bound(lines.cbegin(), lines.cend(), m_model->lineNumber(first)));
        }
        if (added > 0) {
            m_newLines += added;
            emit newLinesWhilePausedChanged(m_newLines);
        }
    }
    repaintSoon();
}

void LogView::repaintSoon()
{
    if (!m_tailRepaint.isActive())
        m_tailRepaint.start();
}

void LogView::onRowsAboutToBeRemoved()
{
    m_topBeforeRemoval = m_following ? -1 : lineOfDisplayRow(verticalScrollBar()->value());
}

void LogView::onRowsRemoved()
{
    // A cap drops lines at the front: keep the reader's lines where they are.
    updateScrollBars();
    if (m_topBeforeRemoval >= 0)
        setTopRow(displayRowOfLine(m_topBeforeRemoval));
    viewport()->update();
}

void LogView::onMatchesChanged()
{
    updateScrollBars();
    emit matchesChanged(matchCount(), currentMatch());
    viewport()->update();
}

// ---- search and filter

void LogView::setSearchPattern(const QString &text, bool regex, bool caseSensitive)
{
    const qint64 first = firstVisibleLineNumber();
    m_currentMatch = -1;
    m_search->setPattern(text, regex, caseSensitive);
    if (m_filter && !m_following && first >= 0)
        setTopRow(displayRowOfLine(first));
}

int LogView::matchCount() const
{
    return int(m_search->matches().size());
}

void LogView::findNext()
{
    const int count = matchCount();
    if (count == 0)
        return;
    int index = m_currentMatch + 1;
    if (m_currentMatch < 0 || m_currentMatch >= count)
        index = int(m_search->firstMatchFrom(std::max<qint64>(0, firstVisibleLineNumber())));
    showMatch(index >= count ? 0 : index);
}

void LogView::findPrevious()
{
    const int count = matchCount();
    if (count == 0)
        return;
    int index = m_currentMatch - 1;
    if (m_currentMatch < 0 || m_currentMatch >= count)
        index = int(m_search->firstMatchFrom(std::max<qint64>(0, firstVisibleLineNumber()))) - 1;
    showMatch(index < 0 ? count - 1 : index);
}

void LogView::showMatch(int index)
{
    m_currentMatch = index;
    const LogSearch::Match &match = m_search->matches().at(index);
    if (match.line < firstVisibleLineNumber() || match.line > lastVisibleLineNumber()) {
        const int visibleRows = std::max(1, viewport()->height() / m_lineHeight);
        setTopRow(std::max(0, displayRowOfLine(match.line) - visibleRows / 3));
    }
    if (!m_wrap) {
        QScrollBar *h = horizontalScrollBar();
        const int x = qFloor(match.start * m_charWidth);
        const int width = viewport()->width() - textLeft();
        if (x < h->value() || x + match.length * m_charWidth > h->value() + width)
            h->setValue(std::max(0, x - width / 3));
    }
    emit matchesChanged(matchCount(), m_currentMatch);
    viewport()->update();
}

void LogView::setFilterEnabled(bool enabled)
{
    if (enabled == m_filter)
        return;
    const qint64 first = firstVisibleLineNumber();
    m_filter = enabled;
    updateScrollBars();
    if (!m_following && first >= 0)
        setTopRow(displayRowOfLine(first));
    viewport()->update();
}

void LogView::setFilterContext(int lines)
{
    m_search->setContextLines(lines);
}

// ---- positions

void LogView::scrollToLineNumber(qint64 lineNumber)
{
    setTopRow(std::max(0, displayRowOfLine(lineNumber) - 2));
}

qint64 LogView::firstVisibleLineNumber() const
{
    if (displayedLineCount() == 0)
        return -1;
    return lineOfDisplayRow(verticalScrollBar()->value());
}

qint64 LogView::lastVisibleLineNumber() const
{
    const QList<RowLayout> rows = layoutVisibleRows();
    return rows.isEmpty() ? -1 : lineOfDisplayRow(rows.last().displayRow);
}

QList<LogView::RowLayout> LogView::layoutVisibleRows() const
{
    QList<RowLayout> rows;
    const int count = displayedLineCount();
    const int height = viewport()->height();
    int y = 0;
    for (int row = verticalScrollBar()->value(); row < count && y < height; ++row) {
        const int lines = visualLinesOf(row);
        rows.append({row, y, lines});
        y += lines * m_lineHeight;
    }
    return rows;
}

LogView::Position LogView::positionAt(const QPoint &point) const
{
    const QList<RowLayout> rows = layoutVisibleRows();
    if (rows.isEmpty())
        return {};
    const RowLayout *hit = &rows.last();
    if (point.y() < 0)
        hit = &rows.first();
    for (const RowLayout &row : rows) {
        if (point.y() >= row.y && point.y() < row.y + row.visualLines * m_lineHeight) {
            hit = &row;
            break;
        }
    }
    const int visual = std::clamp((point.y() - hit->y) / m_lineHeight, 0, hit->visualLines - 1);
    const int scrolled = m_wrap ? 0 : horizontalScrollBar()->value();
    const int column = std::max(0, qFloor((point.x() - textLeft() + scrolled) / m_charWidth + 0.5));
    return {lineOfDisplayRow(hit->displayRow), m_wrap ? visual * wrapColumns() + column : column};
}

// ---- painting

void LogView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    painter.fillRect(viewport()->rect(), palette().color(QPalette::Base));
    if (!m_model)
        return;
    const int columns = wrapColumns();
    const LogLinePainter linePainter(palette(), font());
    const Position start = std::min(m_anchor, m_cursor);
    const Position end = std::max(m_anchor, m_cursor);
    for (const RowLayout &layout : layoutVisibleRows()) {
        const qint64 lineNumber = lineOfDisplayRow(layout.displayRow);
        const int row = m_model->rowOfLineNumber(lineNumber);
        if (row < 0)
            continue;
        const StoredLine line = m_model->line(row);
        const LogLineGeometry geometry{layout.y, layout.visualLines, m_lineHeight, m_charWidth, MarkerWidth,
                                       MarkerWidth + Gap, textLeft(), viewport()->width(), m_wrap, columns,
                                       m_wrap ? 0 : horizontalScrollBar()->value()};
        LogLineMarks marks;
        marks.timestamp = m_timestamps;
        marks.matches = m_search->matchesOnLine(lineNumber);
        if (m_currentMatch >= 0 && m_currentMatch < matchCount())
            marks.currentMatch = m_search->matches().at(m_currentMatch);
        if (start != end && lineNumber >= start.line && lineNumber <= end.line) {
            marks.selectionFrom = lineNumber == start.line ? start.column : 0;
            marks.selectionTo = lineNumber == end.line ? end.column : int(line.text.size()) + 1;
        }
        linePainter.paint(painter, line, geometry, marks);
    }
}

// ---- selection, keys, events

QString LogView::selectedText() const
{
    const Position start = std::min(m_anchor, m_cursor);
    const Position end = std::max(m_anchor, m_cursor);
    if (!m_model || start == end || start.line < 0)
        return {};
    QStringList parts;
    const int count = displayedLineCount();
    for (int displayRow = displayRowOfLine(start.line); displayRow < count; ++displayRow) {
        const qint64 line = lineOfDisplayRow(displayRow);
        if (line > end.line)
            break;
        const QString text = m_model->lineText(m_model->rowOfLineNumber(line));
        const int from = line == start.line ? std::min<int>(start.column, int(text.size())) : 0;
        const int to = line == end.line ? std::min<int>(end.column, int(text.size())) : int(text.size());
        parts << text.mid(from, std::max(0, to - from));
    }
    return parts.join(u'\n');
}

void LogView::selectAll()
{
    const int count = displayedLineCount();
    if (count == 0)
        return;
    m_anchor = {lineOfDisplayRow(0), 0};
    m_cursor = {lineOfDisplayRow(count - 1), std::numeric_limits<int>::max()};
    viewport()->update();
}

void LogView::copy() const
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QGuiApplication::clipboard()->setText(text);
}

QString LogView::saveToFile(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    // A log holds cluster data (pod output, hosts, sometimes secrets a test printed): for
    // the user alone, also when replacing a file others could read. Set on the temporary
    // file before anything is written; the rename keeps it.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    if (m_model) {
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const StoredLine line = m_model->line(row);
            QByteArray bytes;
            if (m_timestamps && line.timestamp.isValid())
                bytes = LogTimestamp::format(line.timestamp).toUtf8() + ' ';
            bytes += line.text.toUtf8();
            bytes += '\n';
            if (file.write(bytes) != bytes.size())
                return tr("Cannot write %1: %2").arg(path, file.errorString());
        }
    }
    if (!file.commit())
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    return {};
}

void LogView::keyPressEvent(QKeyEvent *event)
{
    QScrollBar *v = verticalScrollBar();
    if (event == QKeySequence::Copy) {
        copy();
    } else if (event == QKeySequence::SelectAll) {
        selectAll();
    } else if (event == QKeySequence::FindNext) {
        findNext();
    } else if (event == QKeySequence::FindPrevious) {
        findPrevious();
    } else if (event->key() == Qt::Key_End && event->modifiers() & Qt::ControlModifier) {
        scrollToBottom();
    } else if (event->key() == Qt::Key_Home && event->modifiers() & Qt::ControlModifier) {
        v->setValue(0);
    } else if (event->key() == Qt::Key_Up) {
        v->triggerAction(QAbstractSlider::SliderSingleStepSub);
    } else if (event->key() == Qt::Key_Down) {
        v->triggerAction(QAbstractSlider::SliderSingleStepAdd);
    } else if (event->key() == Qt::Key_PageUp) {
        v->triggerAction(QAbstractSlider::SliderPageStepSub);
    } else if (event->key() == Qt::Key_PageDown) {
        v->triggerAction(QAbstractSlider::SliderPageStepAdd);
    } else {
        QAbstractScrollArea::keyPressEvent(event);
    }
}

void LogView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    m_cursor = positionAt(event->position().toPoint());
    if (!(event->modifiers() & Qt::ShiftModifier))
        m_anchor = m_cursor;
    viewport()->update();
}

void LogView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return;
    const QPoint point = event->position().toPoint();
    // Dragging past an edge scrolls, so a selection can span more than a screen.
    if (point.y() < 0)
        verticalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepSub);
    else if (point.y() > viewport()->height())
        verticalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepAdd);
    m_cursor = positionAt(point);
    viewport()->update();
}

void LogView::mouseReleaseEvent(QMouseEvent *event)
{
    event->setAccepted(event->button() == Qt::LeftButton);
}

void LogView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const Position at = positionAt(event->position().toPoint());
    if (at.line < 0)
        return;
    m_anchor = {at.line, 0};
    m_cursor = {at.line, std::numeric_limits<int>::max()};
    viewport()->update();
}

void LogView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void LogView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateMetrics();
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange)
        viewport()->update();
}
