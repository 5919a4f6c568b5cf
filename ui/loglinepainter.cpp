#include "loglinepainter.h"

#include "logmodel.h"

#include <QFontMetrics>
#include <QPainter>

using namespace Qt::StringLiterals;

namespace {

// Styled stretches covering a whole line, default style in the gaps between runs.
struct Segment
{
    int start;
    int end;
    TextStyle style;
};

QList<Segment> segmentsOf(const StoredLine &line)
{
    QList<Segment> out;
    const int length = int(line.text.size());
    int pos = 0;
    for (const FormatRun &run : line.runs) {
        const int start = std::clamp(run.start, pos, length);
        const int end = std::clamp(run.start + run.length, start, length);
        if (start > pos)
            out.append({pos, start, {}});
        if (end > start)
            out.append({start, end, run.style});
        pos = end;
    }
    if (pos < length)
        out.append({pos, length, {}});
    return out;
}

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t, a.greenF() * (1 - t) + b.greenF() * t,
                            a.blueF() * (1 - t) + b.blueF() * t);
}

} // namespace

LogLinePainter::LogLinePainter(const QPalette &palette, const QFont &font)
    : m_ansi(palette)
    , m_palette(palette)
    , m_font(font)
    , m_ascent(QFontMetrics(font).ascent())
    , m_timestampColour(mix(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.45))
{
}

void LogLinePainter::paint(QPainter &painter, const StoredLine &line, const LogLineGeometry &g,
                           const LogLineMarks &marks) const
{
    const int height = g.visualLines * g.lineHeight;
    if (LogModel::isFailureHeader(line))
        painter.fillRect(0, g.y, g.markerWidth, height, m_ansi.color(AnsiColor::indexed(1), true));
    if (marks.timestamp && line.timestamp.isValid()) {
        painter.setFont(m_font);
        painter.setPen(m_timestampColour);
        painter.drawText(g.timestampLeft, g.y + m_ascent, line.timestamp.toLocalTime().toString(u"HH:mm:ss.zzz"_s));
    }

    // Columns on screen; in wrap mode every column of a visual line is.
    const int firstColumn = g.wrap ? 0 : int(g.scrolled / g.charWidth);
    const int lastColumn = g.wrap ? g.columns : firstColumn + int((g.width - g.textLeft) / g.charWidth) + 2;
    painter.save();
    painter.setClipRect(g.textLeft - 1, g.y, g.width - g.textLeft + 1, height);

    // Calls `f(x, y, from, to)` for each on-screen piece of the columns [from, to).
    auto forEachPiece = [&](int from, int to, auto &&f) {
        for (int visual = from / g.columns; visual < g.visualLines && visual * g.columns < to; ++visual) {
            const int base = g.wrap ? visual * g.columns : 0;
            const int a = std::max({from, base, base + firstColumn});
            const int b = std::min({to, g.wrap ? base + g.columns : std::numeric_limits<int>::max(), base + lastColumn});
            if (a < b)
                f(g.textLeft + (a - base) * g.charWidth - g.scrolled, g.y + visual * g.lineHeight, a, b);
            if (!g.wrap)
                break;
        }
    };
    auto fill = [&](int from, int to, const QColor &colour) {
        forEachPiece(from, to, [&](qreal x, int y, int a, int b) {
            painter.fillRect(QRectF(x, y, (b - a) * g.charWidth, g.lineHeight), colour);
        });
    };
    auto text = [&](int from, int to) {
        forEachPiece(from, to, [&](qreal x, int y, int a, int b) {
            painter.drawText(QPointF(x, y + m_ascent), QStringView(line.text).mid(a, b - a).toString());
        });
    };

    const QList<Segment> segments = segmentsOf(line);
    for (const Segment &s : segments) {
        QColor fg;
        QColor bg;
        m_ansi.resolve(s.style, &fg, &bg);
        if (bg.isValid())
            fill(s.start, s.end, bg);
    }
    if (marks.selectionFrom >= 0 && marks.selectionTo > marks.selectionFrom) {
        QColor colour = m_palette.color(QPalette::Highlight);
        colour.setAlpha(120);
        fill(marks.selectionFrom, marks.selectionTo, colour);
    }
    for (const Segment &s : segments) {
        QColor fg;
        QColor bg;
        m_ansi.resolve(s.style, &fg, &bg);
        QFont f = m_font;
        f.setBold(s.style.has(TextStyle::Bold));
        f.setItalic(s.style.has(TextStyle::Italic));
        f.setUnderline(s.style.has(TextStyle::Underline));
        f.setStrikeOut(s.style.has(TextStyle::Strikeout));
        painter.setFont(f);
        painter.setPen(fg);
        text(s.start, s.end);
    }
    // Matches last, opaque with dark text, so they read on any run colour.
    painter.setFont(m_font);
    painter.setPen(Qt::black);
    for (const LogSearch::Match &m : marks.matches) {
        fill(m.start, m.start + m.length,
             marks.currentMatch && *marks.currentMatch == m ? QColor(255, 150, 50) : QColor(255, 225, 90));
        text(m.start, m.start + m.length);
    }
    painter.restore();
}
