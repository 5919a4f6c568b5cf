#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringView>

// ANSI SGR ("Select Graphic Rendition") parsing into plain text plus format runs.
//
// Colours are kept symbolic (an index into the 16/256 colour palette, or a true
// colour), so the view can map them to colours tuned for a light or a dark palette.
// Every other escape sequence (cursor moves, screen clears, OSC titles and links) is
// stripped, C0 controls other than tab are dropped, and tabs are expanded to stops of 8
// so that columns in the plain text are what a monospace view shows.

// A foreground or background colour: default, palette index 0..255, or 24-bit RGB.
// Packed in 32 bits because there is one per run and millions of runs.
class AnsiColor
{
public:
    constexpr AnsiColor() = default;
    static constexpr AnsiColor indexed(int index) { return AnsiColor(IndexedTag | quint32(index & 0xff)); }
    static constexpr AnsiColor rgb(int r, int g, int b)
    {
        return AnsiColor(RgbTag | quint32(r & 0xff) << 16 | quint32(g & 0xff) << 8 | quint32(b & 0xff));
    }

    constexpr bool isDefault() const { return m_packed == 0; }
    constexpr bool isIndexed() const { return (m_packed & TagMask) == IndexedTag; }
    constexpr bool isRgb() const { return (m_packed & TagMask) == RgbTag; }
    constexpr int index() const { return int(m_packed & 0xff); }
    constexpr int red() const { return int(m_packed >> 16 & 0xff); }
    constexpr int green() const { return int(m_packed >> 8 & 0xff); }
    constexpr int blue() const { return int(m_packed & 0xff); }
    constexpr quint32 packed() const { return m_packed; }
    static constexpr AnsiColor fromPacked(quint32 packed) { return AnsiColor(packed); }

    friend constexpr bool operator==(AnsiColor, AnsiColor) = default;

private:
    static constexpr quint32 TagMask = 0xff000000u;
    static constexpr quint32 IndexedTag = 0x01000000u;
    static constexpr quint32 RgbTag = 0x02000000u;
    constexpr explicit AnsiColor(quint32 packed)
        : m_packed(packed)
    {
    }
    quint32 m_packed = 0;
};

struct TextStyle
{
    enum Flag : quint8 {
        Bold = 0x01,
        Dim = 0x02,
        Italic = 0x04,
        Underline = 0x08,
        Inverse = 0x10,
        Strikeout = 0x20,
    };
    AnsiColor foreground;
    AnsiColor background;
    quint8 flags = 0;

    bool isDefault() const { return foreground.isDefault() && background.isDefault() && flags == 0; }
    bool has(Flag flag) const { return flags & flag; }
    friend bool operator==(const TextStyle &, const TextStyle &) = default;
};

// A styled stretch of a line's plain text. Text outside every run has the default style.
struct FormatRun
{
    int start = 0;
    int length = 0;
    TextStyle style;
    friend bool operator==(const FormatRun &, const FormatRun &) = default;
};
using FormatRuns = QList<FormatRun>;

struct StyledText
{
    QString text;
    FormatRuns runs;

    // Appends another piece, joining runs of equal style that touch.
    void append(const StyledText &other);
    friend bool operator==(const StyledText &, const StyledText &) = default;
};

// Stateful: the style carries from one call to the next (a colour opened on one line
// stays open on the next, as in a terminal), and a sequence cut by a chunk boundary is
// completed by the next chunk. One parser per stream.
class AnsiParser
{
public:
    // Longest CSI parameter string accepted; longer sequences are dropped whole.
    static constexpr int MaxCsiLength = 256;

    // Parses a chunk of a stream; an incomplete escape sequence at its end is kept
    // for the next chunk. A newline ends any escape sequence (and is dropped).
    StyledText feed(QStringView chunk);
    // Parses one complete line: like feed, but an escape sequence left open at the
    // end is dropped, so a broken line cannot swallow the next.
    StyledText parseLine(QStringView line);
    // The same; a line without escapes, tabs or controls (most of a log) keeps its
    // QString, shared instead of copied.
    StyledText parseLine(const QString &line);

    // Drops a pending partial sequence and returns to the default style.
    void reset();

    const TextStyle &currentStyle() const { return m_style; }

    // Strips every escape sequence from one line without keeping state or styles.
    static QString stripped(QStringView line);

private:
    enum class State { Text, Escape, EscapeIntermediate, Csi, CsiIgnore, String, StringEscape };

    void applySgr(QStringView params);
    void emitChar(StyledText &out, QChar c);
    void emitPlain(StyledText &out, QStringView text); // characters that are all isPlain

    State m_state = State::Text;
    TextStyle m_style;
    QString m_csi;  // parameter bytes of the CSI sequence being read
    int m_column = 0; // column in the current line, for tab stops
};

Q_DECLARE_METATYPE(FormatRun)
Q_DECLARE_METATYPE(FormatRuns)
