#include "expositionparser.h"

#include <charconv>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

bool isNameStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool isNameChar(char c)
{
    return isNameStart(c) || (c >= '0' && c <= '9');
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

// An error at a byte offset of the current line.
struct LineError
{
    qsizetype offset = 0;
    QString message;
};

// Reads one line left to right; every parse step either advances or returns an error.
class LineCursor
{
public:
    explicit LineCursor(QByteArrayView line)
        : m_line(line)
    {
    }

    qsizetype pos() const { return m_pos; }
    bool atEnd() const { return m_pos >= m_line.size(); }
    char peek() const { return atEnd() ? '\0' : m_line.at(m_pos); }
    void advance() { ++m_pos; }
    void skipBlanks()
    {
        while (!atEnd() && isBlank(peek()))
            ++m_pos;
    }
    QByteArrayView rest() const { return m_line.sliced(m_pos); }

    // [a-zA-Z_:][a-zA-Z0-9_:]* (label names: no ':', checked by the caller).
    QByteArrayView name()
    {
        const qsizetype start = m_pos;
        if (atEnd() || !isNameStart(peek()))
            return {};
        while (!atEnd() && isNameChar(peek()))
            ++m_pos;
        return m_line.sliced(start, m_pos - start);
    }

    // Up to the next blank or the end.
    QByteArrayView token()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && !isBlank(peek()))
            ++m_pos;
        return m_line.sliced(start, m_pos - start);
    }

    // A double-quoted label value with escapes \\ \" \n.
    std::optional<QString> quoted(LineError *error)
    {
        if (peek() != '"') {
            *error = { m_pos, u"expected '\"' to start a label value"_s };
            return std::nullopt;
        }
        ++m_pos;
        QByteArray value;
        while (!atEnd()) {
            const char c = peek();
            if (c == '"') {
                ++m_pos;
                return QString::fromUtf8(value);
            }
            if (c == '\\') {
                ++m_pos;
                const char escaped = peek();
                if (escaped == '\\' || escaped == '"')
                    value += escaped;
                else if (escaped == 'n')
                    value += '\n';
                else {
                    *error = { m_pos - 1,
                        atEnd() ? u"label value ends in a lone backslash"_s
                                : u"invalid escape \\%1 in label value"_s.arg(QChar::fromLatin1(escaped)) };
                    return std::nullopt;
                }
                ++m_pos;
                continue;
            }
            value += c;
            ++m_pos;
        }
        *error = { m_pos, u"label value is not closed with '\"'"_s };
        return std::nullopt;
    }

private:
    QByteArrayView m_line;
    qsizetype m_pos = 0;
};

QString unescapeHelp(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (c == '\\' && i + 1 < text.size()) {
            const char next = text.at(i + 1);
            if (next == 'n') {
                out += '\n';
                ++i;
                continue;
            }
            if (next == '\\') {
                out += '\\';
                ++i;
                continue;
            }
        }
        out += c;
    }
    return QString::fromUtf8(out);
}

const QStringList knownTypes = { u"counter"_s, u"gauge"_s, u"histogram"_s, u"summary"_s, u"untyped"_s };

std::optional<LineError> parseComment(LineCursor &cursor, ExpositionResult &result)
{
    cursor.advance(); // '#'
    cursor.skipBlanks();
    const QByteArrayView keyword = cursor.token();
    if (keyword != "HELP" && keyword != "TYPE")
        return std::nullopt; // an ordinary comment
    cursor.skipBlanks();
    const qsizetype nameAt = cursor.pos();
    const QByteArrayView name = cursor.name();
    if (name.isEmpty())
        return LineError { nameAt, u"%1 without a valid metric name"_s.arg(QString::fromLatin1(keyword)) };
    if (!cursor.atEnd() && !isBlank(cursor.peek()))
        return LineError { cursor.pos(), u"invalid character in metric name"_s };
    const QString family = QString::fromLatin1(name);
    cursor.skipBlanks();
    if (keyword == "HELP") {
        if (result.help.contains(family))
            return LineError { nameAt, u"second HELP line for %1"_s.arg(family) };
        result.help.insert(family, unescapeHelp(cursor.rest()));
        return std::nullopt;
    }
    const qsizetype typeAt = cursor.pos();
    const QString type = QString::fromLatin1(cursor.token());
    cursor.skipBlanks();
    if (!knownTypes.contains(type) || !cursor.atEnd())
        return LineError { typeAt, u"unknown metric type \"%1\""_s.arg(type.left(40)) };
    if (result.types.contains(family))
        return LineError { nameAt, u"second TYPE line for %1"_s.arg(family) };
    result.types.insert(family, type);
    return std::nullopt;
}

std::optional<LineError> parseSample(LineCursor &cursor, MetricSample *sample)
{
    const QByteArrayView name = cursor.name();
    if (name.isEmpty())
        return LineError { cursor.pos(), u"expected a metric name"_s };
    sample->name = QString::fromLatin1(name);
    cursor.skipBlanks();
    if (cursor.peek() == '{') {
        cursor.advance();
        for (;;) {
            cursor.skipBlanks();
            if (cursor.peek() == '}') {
                cursor.advance();
                break;
            }
            const qsizetype labelAt = cursor.pos();
            const QByteArrayView label = cursor.name();
            if (label.isEmpty() || label.contains(':'))
                return LineError { labelAt,
                    cursor.atEnd() ? u"labels are not closed with '}'"_s : u"expected a label name"_s };
            cursor.skipBlanks();
            if (cursor.peek() != '=')
                return LineError { cursor.pos(), u"expected '=' after label name"_s };
            cursor.advance();
            cursor.skipBlanks();
            LineError error;
            const std::optional<QString> value = cursor.quoted(&error);
            if (!value)
                return error;
            const QString labelName = QString::fromLatin1(label);
            if (sample->labels.contains(labelName))
                return LineError { labelAt, u"duplicate label %1"_s.arg(labelName) };
            sample->labels.insert(labelName, *value);
            cursor.skipBlanks();
            if (cursor.peek() == ',') {
                cursor.advance();
                continue;
            }
            if (cursor.peek() != '}')
                return LineError { cursor.pos(), u"expected ',' or '}' after label value"_s };
        }
    }
    cursor.skipBlanks();
    if (cursor.atEnd())
        return LineError { cursor.pos(), u"missing value"_s };
    const qsizetype valueAt = cursor.pos();
    const std::optional<double> value = parseExpositionValue(cursor.token());
    if (!value)
        return LineError { valueAt, u"invalid value"_s };
    sample->value = *value;
    cursor.skipBlanks();
    if (!cursor.atEnd()) {
        const qsizetype stampAt = cursor.pos();
        const QByteArrayView stamp = cursor.token();
        qint64 ms = 0;
        const auto [end, ec] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), ms);
        if (ec != std::errc() || end != stamp.data() + stamp.size())
            return LineError { stampAt, u"invalid timestamp"_s };
        sample->timestampMs = ms;
        cursor.skipBlanks();
        if (!cursor.atEnd())
            return LineError { cursor.pos(), u"unexpected text after the timestamp"_s };
    }
    return std::nullopt;
}

} // namespace

QString ExpositionIssue::toString() const
{
    return u"line %1, column %2: %3"_s.arg(line).arg(column).arg(message);
}

QList<MetricSample> ExpositionResult::samplesNamed(const QString &name) const
{
    QList<MetricSample> named;
    for (const MetricSample &sample : samples) {
        if (sample.name == name)
            named.append(sample);
    }
    return named;
}

std::optional<double> parseExpositionValue(QByteArrayView text)
{
    if (text.isEmpty())
        return std::nullopt;
    const QByteArray lower = text.toByteArray().toLower();
    if (lower == "nan")
        return std::numeric_limits<double>::quiet_NaN();
    if (lower == "+inf" || lower == "inf")
        return std::numeric_limits<double>::infinity();
    if (lower == "-inf")
        return -std::numeric_limits<double>::infinity();
    // from_chars takes no '+' and one '-': allow exactly one sign of either kind.
    QByteArrayView digits = text.startsWith('+') ? text.sliced(1) : text;
    const QByteArrayView unsignedPart = digits.startsWith('-') ? digits.sliced(1) : digits;
    if (unsignedPart.isEmpty() || unsignedPart.startsWith('+') || unsignedPart.startsWith('-')
        || (text.startsWith('+') && digits.startsWith('-')))
        return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    if (std::isnan(value) || std::isinf(value))
        return std::nullopt; // from_chars spells these "nan(...)"/"infinity": not valid here
    return value;
}

ExpositionResult parseExposition(QByteArrayView text, const ExpositionLimits &limits)
{
    ExpositionResult result;
    auto report = [&](int line, qsizetype offset, const QString &message) {
        if (result.issues.size() < limits.maxIssues)
            result.issues.append({ line, int(offset) + 1, message });
        else
            ++result.droppedIssues;
    };
    const bool cut = limits.maxBytes >= 0 && text.size() > limits.maxBytes;
    if (cut) {
        text = text.first(limits.maxBytes);
        result.truncated = true;
        // The cut may fall mid-line: drop the partial last line.
        const qsizetype lastNewline = text.lastIndexOf('\n');
        text = lastNewline >= 0 ? text.first(lastNewline + 1) : QByteArrayView();
    }

    int lineNumber = 0;
    qsizetype start = 0;
    while (start < text.size()) {
        ++lineNumber;
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        QByteArrayView line = text.sliced(start, end - start);
        start = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.size() > limits.maxLineBytes) {
            report(lineNumber, limits.maxLineBytes,
                u"line longer than %1 bytes, skipped"_s.arg(limits.maxLineBytes));
            continue;
        }
        LineCursor cursor(line);
        cursor.skipBlanks();
        if (cursor.atEnd())
            continue;
        if (cursor.peek() == '#') {
            if (const auto error = parseComment(cursor, result))
                report(lineNumber, error->offset, error->message);
            continue;
        }
        MetricSample sample;
        if (const auto error = parseSample(cursor, &sample)) {
            report(lineNumber, error->offset, error->message);
            continue;
        }
        if (result.samples.size() >= limits.maxSamples) {
            result.truncated = true;
            report(lineNumber, 0, u"more than %1 samples, the rest is ignored"_s.arg(limits.maxSamples));
            break;
        }
        result.samples.append(std::move(sample));
    }
    if (cut)
        report(lineNumber + 1, 0, u"input larger than %1 bytes, the rest is ignored"_s.arg(limits.maxBytes));
    return result;
}
