#pragma once

#include "ansipalette.h"
#include "logsearch.h"

#include <QFont>
#include <QPalette>

#include <optional>

class QPainter;
struct StoredLine;

// Where one log line goes on screen: its row, how many visual lines it wraps to, the
// character grid (fractional, so runs of different styles line up) and the scroll.
struct LogLineGeometry
{
    int y = 0;
    int visualLines = 1;
    int lineHeight = 1;
    qreal charWidth = 1;
    int markerWidth = 0;
    int timestampLeft = 0;
    int textLeft = 0;
    int width = 0;
    bool wrap = false;
    int columns = std::numeric_limits<int>::max(); // per visual line when wrapping
    int scrolled = 0;                              // horizontal pixels when not
};

// What is laid over the text: search matches and the selected columns.
struct LogLineMarks
{
    bool timestamp = false;
    QList<LogSearch::Match> matches;
    std::optional<LogSearch::Match> currentMatch;
    int selectionFrom = -1; // columns; -1 when the line is not selected
    int selectionTo = -1;
};

// Paints one line of LogView: failure marker, timestamp, run backgrounds, selection,
// styled text, then matches (opaque, dark text, readable on any run colour). Only the
// columns on screen are drawn, so a 1 MiB line costs what a short one does.
class LogLinePainter
{
public:
    LogLinePainter(const QPalette &palette, const QFont &font);

    void paint(QPainter &painter, const StoredLine &line, const LogLineGeometry &geometry,
               const LogLineMarks &marks) const;

private:
    AnsiPalette m_ansi;
    QPalette m_palette;
    QFont m_font;
    int m_ascent;
    QColor m_timestampColour;
};
