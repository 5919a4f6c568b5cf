#include "jestparser.h"

#include "ansiparser.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

// Regular expressions only ever see lines shorter than this: a hostile 1 MiB line
// must not cost a backtracking search. No Jest structure line comes close.
constexpr qsizetype MaxStructuredLine = 4096;

// The line from its first character that `\s` does not match (ASCII white space, as
// the expressions here have no Unicode option).
QStringView afterSpace(QStringView line)
{
    qsizetype i = 0;
    while (i < line.size()
           && (line[i] == u' ' || line[i] == u'\t' || line[i] == u'\n' || line[i] == u'\v' || line[i] == u'\f'
               || line[i] == u'\r'))
        ++i;
    return line.sliced(i);
}

// An escape, a tab or a carriage return anywhere: one pass without a branch per character.
bool needsStripping(QStringView line)
{
    bool found = false;
    for (const QChar qc : line) {
        const char16_t c = qc.unicode();
        found |= (c == 0x1b) | (c == u'\t') | (c == u'\r');
    }
    return found;
}

int indentation(QStringView line)
{
    int n = 0;
    while (n < line.size() && line[n] == u' ')
        ++n;
    return n;
}

bool isInternalFrame(const JestFrame &frame)
{
    return frame.file.contains(u"node_modules"_s) || frame.file.startsWith(u"node:"_s)
        || frame.file.startsWith(u"internal/"_s) || frame.file == u"<anonymous>"_s;
}

// Spec paths appear relative in headers and absolute in frames (/app/specs/x.js).
bool samePath(const QString &frameFile, const QString &specFile)
{
    if (specFile.isEmpty())
        return false;
    return frameFile == specFile || frameFile.endsWith(u'/' + specFile) || specFile.endsWith(u'/' + frameFile);
}

} // namespace

void JestParser::clear()
{
    m_iterations.clear();
    m_specFile.clear();
    m_inBlock = m_blockInFrames = m_repeating = m_summarySeen = false;
    m_messageLines.clear();
    m_messageChars = 0;
    ++m_revision;
}

JestIteration &JestParser::current(qint64 logLine)
{
    if (m_iterations.isEmpty()) {
        JestIteration first;
        // Both ends: a log that starts mid-run (no header) may end on this very line.
        first.firstLogLine = first.lastLogLine = logLine;
        m_iterations.append(first);
    }
    return m_iterations.last();
}

std::optional<JestFrame> JestParser::parseFrame(QStringView line)
{
    if (line.size() > MaxStructuredLine)
        return std::nullopt;
    // Most lines in a block are not frames: what the expression needs first (`at `
    // after white space) is checked without it.
    if (!afterSpace(line).startsWith(u"at "))
        return std::nullopt;
    static const QRegularExpression frameRe(uR"(^\s*at (?:(.*?) \()?([^()]+):(\d+):(\d+)\)?\s*$)"_s);
    const QRegularExpressionMatch m = frameRe.matchView(line);
    if (!m.hasMatch())
        return std::nullopt;
    bool lineOk = false;
    bool columnOk = false;
    JestFrame frame{m.captured(1), m.captured(2).trimmed(), m.capturedView(3).toInt(&lineOk),
                    m.capturedView(4).toInt(&columnOk)};
    if (!lineOk || !columnOk || frame.file.isEmpty())
        return std::nullopt;
    return frame;
}

JestCounts JestParser::parseCounts(QStringView text)
{
    JestCounts counts;
    counts.present = true;
    static const QRegularExpression partRe(uR"(^\s*(\d+)\s+(?:of\s+\d+\s+)?(\w+))"_s);
    for (QStringView part : text.left(MaxStructuredLine).split(u',')) {
        const QRegularExpressionMatch m = partRe.matchView(part);
        if (!m.hasMatch())
            continue;
        bool ok = false;
        const int n = m.capturedView(1).toInt(&ok);
        if (!ok)
            continue;
        const QStringView word = m.capturedView(2);
        if (word == u"failed")
            counts.failed = n;
        else if (word == u"passed")
            counts.passed = n;
        else if (word == u"skipped" || word == u"pending")
            counts.skipped += n;
        else if (word == u"todo")
            counts.todo = n;
        else if (word == u"total")
            counts.total = n;
    }
    return counts;
}

void JestParser::startFailure(QStringView title, qint64 logLine)
{
    JestFailure failure;
    failure.specFile = m_specFile;
    failure.titlePath = title.trimmed().toString().split(u" › "_s);
    failure.suiteFailedToRun = title.trimmed() == u"Test suite failed to run";
    failure.firstLogLine = failure.lastLogLine = logLine;
    current(logLine).failures.append(failure);
    m_inBlock = true;
    m_blockInFrames = false;
    m_messageLines.clear();
    m_messageChars = 0;
    ++m_revision;
}

void JestParser::chooseLocation(JestFailure &failure)
{
    const JestFrame *chosen = nullptr;
    for (const JestFrame &frame : failure.frames) {
        if (samePath(frame.file, failure.specFile)) {
            chosen = &frame;
            break;
        }
    }
    for (qsizetype i = 0; !chosen && i < failure.frames.size(); ++i) {
        if (!isInternalFrame(failure.frames[i]))
            chosen = &failure.frames[i];
    }
    if (!chosen && !failure.frames.isEmpty())
        chosen = &failure.frames.first();
    if (chosen) {
        failure.file = chosen->file;
        failure.line = chosen->line;
        failure.column = chosen->column;
    }
}

void JestParser::closeBlock()
{
    if (!m_inBlock)
        return;
    m_inBlock = false;
    while (!m_messageLines.isEmpty() && m_messageLines.last().trimmed().isEmpty())
        m_messageLines.removeLast();
    while (!m_messageLines.isEmpty() && m_messageLines.first().trimmed().isEmpty())
        m_messageLines.removeFirst();
    JestFailure &failure = m_iterations.last().failures.last();
    failure.message = m_messageLines.join(u'\n');
    m_messageLines.clear();
    m_messageChars = 0;
    chooseLocation(failure);
    ++m_revision;
}

bool JestParser::addBlockLine(QStringView text, qint64 logLine)
{
    JestFailure &failure = m_iterations.last().failures.last();
    const bool blank = text.trimmed().isEmpty();
    if (!blank)
        failure.lastLogLine = logLine;
    if (const std::optional<JestFrame> frame = parseFrame(text)) {
        m_blockInFrames = true;
        if (failure.frames.size() < MaxFrames) {
            failure.frames.append(*frame);
            ++m_revision;
        }
        return true;
    }
    static const QRegularExpression codeFrameRe(uR"(^\s*(>?)\s*(\d+)?\s*\|)"_s);
    if (text.size() < MaxStructuredLine && text.contains(u'|') && codeFrameRe.matchView(text).hasMatch()) {
        m_blockInFrames = true;
        return false;
    }
    if (m_blockInFrames)
        return false;
    // The message is indented by 4 under the title; keep deeper indentation (diffs).
    const QStringView body = text.mid(std::min(4, indentation(text)));
    if (m_messageChars < MaxMessageChars) {
        m_messageLines.append(body.left(MaxMessageChars - m_messageChars).toString());
        m_messageChars += m_messageLines.last().size() + 1;
    }
    return false;
}

JestParser::LineKind JestParser::addLine(QStringView rawLine, qint64 logLine)
{
    QString strippedStorage;
    QStringView line = rawLine;
    if (needsStripping(line)) {
        strippedStorage = AnsiParser::stripped(rawLine);
        line = strippedStorage;
    }
    if (!m_iterations.isEmpty())
        m_iterations.last().lastLogLine = logLine;

    const int indent = indentation(line);
    const QStringView body = line.mid(indent);
    // Every marker below starts with one of a few characters: most lines need no
    // string comparison at all.
    const char16_t first = body.isEmpty() ? u'\0' : body.front().unicode();

    // PASS / FAIL header: ` PASS  specs/a.spec.js (1.2 s)` coloured, `PASS specs/...` plain.
    if (indent <= 2 && (first == u'P' || first == u'F') && (body.startsWith(u"PASS ") || body.startsWith(u"FAIL "))
        && line.size() < MaxStructuredLine) {
        static const QRegularExpression headerRe(
            uR"(^(PASS|FAIL)\s+(.+?)(?:\s+\((\d+(?:\.\d+)?)\s*(ms|s|m)\))?\s*$)"_s);
        const QRegularExpressionMatch m = headerRe.matchView(body);
        if (m.hasMatch()) {
            const bool passed = m.capturedView(1) == u"PASS";
            if (m_repeating)
                return passed ? LineKind::PassHeader : LineKind::FailHeader;
            closeBlock();
            const QString file = m.captured(2);
            const bool seenInThisIteration = !m_iterations.isEmpty()
                && std::any_of(m_iterations.last().specs.cbegin(), m_iterations.last().specs.cend(),
                               [&](const JestSpecResult &s) { return s.file == file; });
            if (!m_iterations.isEmpty() && (m_iterations.last().complete || m_summarySeen || seenInThisIteration)) {
                m_iterations.last().lastLogLine = logLine - 1;
                JestIteration next;
                next.index = int(m_iterations.size());
                next.firstLogLine = logLine;
                m_iterations.append(next);
                m_summarySeen = false;
            }
            JestSpecResult spec{file, passed, std::nullopt, logLine};
            if (!m.capturedView(3).isEmpty()) {
                const double value = m.capturedView(3).toDouble();
                const QStringView unit = m.capturedView(4);
                spec.seconds = unit == u"ms" ? value / 1000.0 : unit == u"m" ? value * 60.0 : value;
            }
            JestIteration &it = current(logLine);
            it.specs.append(spec);
            it.lastLogLine = logLine;
            m_specFile = file;
            ++m_revision;
            return passed ? LineKind::PassHeader : LineKind::FailHeader;
        }
    }

    if (indent >= 1 && indent <= 4 && first == u'●' && body.startsWith(u"● ")) {
        const QStringView title = body.mid(2).trimmed();
        // `● Console` is how old Jest versions title captured console output.
        if (!title.isEmpty() && title != u"Console") {
            if (m_repeating)
                return LineKind::FailureTitle;
            closeBlock();
            startFailure(title.left(MaxStructuredLine), logLine);
            return LineKind::FailureTitle;
        }
    }

    if (indent == 0 && (first == u'S' || first == u'T' || first == u'R')) {
        if (body.startsWith(u"Summary of all failing tests")) {
            closeBlock();
            m_repeating = true;
            return LineKind::Summary;
        }
        if (body.startsWith(u"Test Suites:")) {
            closeBlock();
            m_repeating = false;
            m_summarySeen = true;
            current(logLine).suites = parseCounts(body.mid(12));
            ++m_revision;
            return LineKind::Summary;
        }
        if (m_summarySeen && body.startsWith(u"Tests:")) {
            current(logLine).tests = parseCounts(body.mid(6));
            ++m_revision;
            return LineKind::Summary;
        }
        if (m_summarySeen && body.startsWith(u"Snapshots:")) {
            current(logLine).snapshots = parseCounts(body.mid(10));
            ++m_revision;
            return LineKind::Summary;
        }
        if (m_summarySeen && body.startsWith(u"Time:") && line.size() < MaxStructuredLine) {
            static const QRegularExpression timeRe(uR"(^Time:\s+(\d+(?:\.\d+)?)\s*(ms|s|m)\b)"_s);
            const QRegularExpressionMatch m = timeRe.matchView(body);
            if (m.hasMatch()) {
                const double value = m.capturedView(1).toDouble();
                const QStringView unit = m.capturedView(2);
                current(logLine).seconds = unit == u"ms" ? value / 1000.0 : unit == u"m" ? value * 60.0 : value;
                ++m_revision;
            }
            return LineKind::Summary;
        }
        if (body.startsWith(u"Ran all test suites")
            || (m_summarySeen && body.startsWith(u"Ran ") && body.contains(u" test suite"))) {
            closeBlock();
            m_repeating = false;
            if (!m_iterations.isEmpty()) {
                m_iterations.last().complete = true;
                ++m_revision;
            }
            return LineKind::Summary;
        }
    }

    if (m_inBlock && !m_repeating) {
        // Output at the left margin (the app's own logging) ends the block.
        if (!body.isEmpty() && indent < 2) {
            closeBlock();
            return LineKind::Other;
        }
        return addBlockLine(line, logLine) ? LineKind::Frame : LineKind::Other;
    }
    return LineKind::Other;
}
