#include "ansiparser.h"

#include <QVarLengthArray>

#include <algorithm>

namespace {

constexpr char16_t Esc = 0x1b;
constexpr int TabWidth = 8;
// Larger numbers are not meaningful in SGR; clamping keeps the arithmetic safe.
constexpr int MaxParamValue = 1 << 20;
constexpr int MaxSubParams = 6;

// One SGR parameter with its colon-separated sub-parameters (`38:2::255:0:0`).
// Empty values are -1.
struct SgrParam
{
    int values[MaxSubParams] = {-1, -1, -1, -1, -1, -1};
    int count = 1;
    int value(int i) const { return i < count ? values[i] : -1; }
};

bool isByte(int v) { return v >= 0 && v <= 255; }

// Shown as it is in the Text state: not ESC, a C0/C1 control, DEL, or a tab (expanded).
bool isPlain(char16_t c)
{
    return c >= 0x20 && c != 0x7f && (c < 0x80 || c >= 0xa0);
}

// isPlain for every character, without a branch per character (the loop vectorises):
// the whole line is looked at, which costs less than stopping early would save.
bool isPlainText(QStringView text)
{
    bool special = false;
    for (const QChar qc : text) {
        const char16_t c = qc.unicode();
        special |= (c < 0x20) | (c == 0x7f) | (char16_t(c - 0x80) < 0x20);
    }
    return !special;
}

} // namespace

void StyledText::append(const StyledText &other)
{
    const int offset = int(text.size());
    text += other.text;
    for (const FormatRun &run : other.runs) {
        if (!runs.isEmpty() && runs.last().style == run.style
            && runs.last().start + runs.last().length == offset + run.start) {
            runs.last().length += run.length;
        } else {
            runs.append({offset + run.start, run.length, run.style});
        }
    }
}

void AnsiParser::reset()
{
    m_state = State::Text;
    m_style = {};
    m_csi.clear();
    m_column = 0;
}

void AnsiParser::emitChar(StyledText &out, QChar c)
{
    out.text.append(c);
    ++m_column;
    if (m_style.isDefault())
        return;
    const int pos = int(out.text.size()) - 1;
    if (!out.runs.isEmpty() && out.runs.last().style == m_style
        && out.runs.last().start + out.runs.last().length == pos) {
        ++out.runs.last().length;
    } else {
        out.runs.append({pos, 1, m_style});
    }
}

void AnsiParser::emitPlain(StyledText &out, QStringView text)
{
    const int pos = int(out.text.size());
    out.text.append(text);
    m_column += int(text.size());
    if (m_style.isDefault())
        return;
    if (!out.runs.isEmpty() && out.runs.last().style == m_style
        && out.runs.last().start + out.runs.last().length == pos) {
        out.runs.last().length += int(text.size());
    } else {
        out.runs.append({pos, int(text.size()), m_style});
    }
}

StyledText AnsiParser::feed(QStringView chunk)
{
    StyledText out;
    out.text.reserve(chunk.size());
    const qsizetype size = chunk.size();
    for (qsizetype i = 0; i < size; ++i) {
        const QChar qc = chunk[i];
        const char16_t c = qc.unicode();
        if (m_state == State::Text && isPlain(c)) {
            // Most of a log is plain text between sequences: take the whole stretch at
            // once instead of character by character (same result as emitChar each).
            qsizetype end = i + 1;
            while (end < size && isPlain(chunk[end].unicode()))
                ++end;
            emitPlain(out, chunk.sliced(i, end - i));
            i = end - 1;
            continue;
        }
        if (c == u'\n') {
            // A newline ends whatever sequence was open: escapes never span lines in
            // real output, and this bounds what a broken one can swallow.
            m_state = State::Text;
            m_csi.clear();
            out.text.append(qc);
            m_column = 0;
            continue;
        }
        switch (m_state) {
        case State::Text:
            if (c == Esc) {
                m_state = State::Escape;
            } else if (c == 0x9b) { // 8-bit CSI
                m_csi.clear();
                m_state = State::Csi;
            } else if (c == 0x90 || c == 0x9d || c == 0x98 || c == 0x9e || c == 0x9f) { // DCS OSC SOS PM APC
                m_state = State::String;
            } else if (c == u'\t') {
                const int spaces = TabWidth - m_column % TabWidth;
                for (int i = 0; i < spaces; ++i)
                    emitChar(out, QLatin1Char(' '));
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                // Other controls (CR, BEL, BS, C1) have no place in a log view.
            } else {
                emitChar(out, qc);
            }
            break;
        case State::Escape:
            if (c == u'[') {
                m_csi.clear();
                m_state = State::Csi;
            } else if (c == u']' || c == u'P' || c == u'X' || c == u'^' || c == u'_') {
                m_state = State::String;
            } else if (c >= 0x20 && c <= 0x2f) {
                m_state = State::EscapeIntermediate;
            } else if (c == Esc) {
                // ESC ESC: the first one was stray; the second may start a sequence.
            } else {
                // A two-character sequence (ESC 7, ESC =, ...) or garbage: dropped.
                m_state = State::Text;
            }
            break;
        case State::EscapeIntermediate:
            if (c >= 0x30 && c <= 0x7e)
                m_state = State::Text;
            else if (c < 0x20 || c > 0x7e)
                m_state = State::Text; // malformed: drop the sequence, keep nothing
            break;
        case State::Csi:
            if (c >= 0x40 && c <= 0x7e) {
                if (c == u'm')
                    applySgr(m_csi);
                m_csi.clear();
                m_state = State::Text;
            } else if (c >= 0x20 && c <= 0x3f) {
                m_csi.append(qc);
                if (m_csi.size() > MaxCsiLength) {
                    m_csi.clear();
                    m_state = State::CsiIgnore;
                }
            } else if (c == Esc) {
                m_csi.clear();
                m_state = State::Escape; // an aborted sequence followed by a new one
            } else {
                m_csi.clear();
                m_state = State::Text; // not a CSI byte: drop the sequence
            }
            break;
        case State::CsiIgnore:
            if ((c >= 0x40 && c <= 0x7e) || c < 0x20 || c > 0x7e)
                m_state = c == Esc ? State::Escape : State::Text;
            break;
        case State::String:
            // OSC (titles, hyperlinks) and friends end with BEL or ST (ESC \ or 0x9c).
            if (c == 0x07 || c == 0x9c)
                m_state = State::Text;
            else if (c == Esc)
                m_state = State::StringEscape;
            break;
        case State::StringEscape:
            m_state = c == u'\\' ? State::Text : State::String;
            break;
        }
    }
    return out;
}

StyledText AnsiParser::parseLine(QStringView line)
{
    m_column = 0;
    StyledText out = feed(line);
    m_state = State::Text;
    m_csi.clear();
    m_column = 0;
    return out;
}

StyledText AnsiParser::parseLine(const QString &line)
{
    if (m_state != State::Text || !isPlainText(line))
        return parseLine(QStringView(line));
    // What feed() makes of it: the text as it is, in one run of the current style.
    StyledText out;
    out.text = line;
    if (!line.isEmpty() && !m_style.isDefault())
        out.runs.append({0, int(line.size()), m_style});
    m_column = 0;
    return out;
}

QString AnsiParser::stripped(QStringView line)
{
    // Unchanged only when the parser would change nothing: besides ESC, tab and CR, the
    // other C0 controls, DEL and C1 are dropped too, and C1 CSI/OSC (0x9b, 0x9d) start
    // sequences of their own (found by fuzz_ansi).
    if (isPlainText(line))
        return line.toString();
    AnsiParser parser;
    return parser.parseLine(line).text;
}

void AnsiParser::applySgr(QStringView paramText)
{
    // Private-mode (`ESC[?25m`-like) or intermediate bytes: not SGR.
    for (const QChar c : paramText) {
        if (!(c.isDigit() || c == u';' || c == u':'))
            return;
    }
    QVarLengthArray<SgrParam, 16> params;
    params.append(SgrParam());
    for (const QChar c : paramText) {
        SgrParam &p = params.last();
        if (c == u';') {
            params.append(SgrParam());
        } else if (c == u':') {
            if (p.count < MaxSubParams)
                ++p.count;
            else
                p.values[MaxSubParams - 1] = MaxParamValue; // too many: poison the last
        } else {
            int &v = p.values[p.count - 1];
            v = std::min(MaxParamValue, (v < 0 ? 0 : v) * 10 + (c.unicode() - u'0'));
        }
    }

    // Reads a colour for 38/48 from the colon form or the following ;-params.
    auto readColor = [&](qsizetype &i, AnsiColor *color) {
        const SgrParam &p = params[i];
        if (p.count > 1) {
            if (p.value(1) == 5 && isByte(p.value(2))) {
                *color = AnsiColor::indexed(p.value(2));
            } else if (p.value(1) == 2) {
                // 38:2:<colourspace>:r:g:b, or the common 38:2:r:g:b.
                const int first = p.count >= 6 ? 3 : 2;
                if (isByte(p.value(first)) && isByte(p.value(first + 1)) && isByte(p.value(first + 2)))
                    *color = AnsiColor::rgb(p.value(first), p.value(first + 1), p.value(first + 2));
            }
            return;
        }
        if (i + 1 >= params.size())
            return; // `ESC[38m`: nothing follows
        const int mode = params[i + 1].value(0);
        if (mode == 5) {
            if (i + 2 < params.size() && isByte(params[i + 2].value(0)))
                *color = AnsiColor::indexed(params[i + 2].value(0));
            i = std::min(i + 2, params.size() - 1);
        } else if (mode == 2) {
            if (i + 4 < params.size() && isByte(params[i + 2].value(0)) && isByte(params[i + 3].value(0))
                && isByte(params[i + 4].value(0))) {
                *color = AnsiColor::rgb(params[i + 2].value(0), params[i + 3].value(0), params[i + 4].value(0));
            }
            i = std::min(i + 4, params.size() - 1);
        } else {
            i = i + 1; // unknown colour mode: skip it, keep going
        }
    };

    for (qsizetype i = 0; i < params.size(); ++i) {
        const int code = std::max(0, params[i].value(0));
        switch (code) {
        case 0: m_style = {}; break;
        case 1: m_style.flags |= TextStyle::Bold; break;
        case 2: m_style.flags |= TextStyle::Dim; break;
        case 3: m_style.flags |= TextStyle::Italic; break;
        case 4:
            // 4:0 is "no underline"; 4:1..4:5 are underline kinds.
            if (params[i].value(1) == 0)
                m_style.flags &= ~TextStyle::Underline;
            else
                m_style.flags |= TextStyle::Underline;
            break;
        case 7: m_style.flags |= TextStyle::Inverse; break;
        case 9: m_style.flags |= TextStyle::Strikeout; break;
        case 21: m_style.flags |= TextStyle::Underline; break;
        case 22: m_style.flags &= ~(TextStyle::Bold | TextStyle::Dim); break;
        case 23: m_style.flags &= ~TextStyle::Italic; break;
        case 24: m_style.flags &= ~TextStyle::Underline; break;
        case 27: m_style.flags &= ~TextStyle::Inverse; break;
        case 29: m_style.flags &= ~TextStyle::Strikeout; break;
        case 38: readColor(i, &m_style.foreground); break;
        case 39: m_style.foreground = {}; break;
        case 48: readColor(i, &m_style.background); break;
        case 49: m_style.background = {}; break;
        default:
            if (code >= 30 && code <= 37)
                m_style.foreground = AnsiColor::indexed(code - 30);
            else if (code >= 40 && code <= 47)
                m_style.background = AnsiColor::indexed(code - 40);
            else if (code >= 90 && code <= 97)
                m_style.foreground = AnsiColor::indexed(code - 90 + 8);
            else if (code >= 100 && code <= 107)
                m_style.background = AnsiColor::indexed(code - 100 + 8);
            // Anything else (blink, fonts, overline, huge numbers) is ignored.
            break;
        }
    }
}
