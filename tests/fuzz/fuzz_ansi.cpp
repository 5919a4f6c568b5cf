// libFuzzer target: AnsiParser (app/logs/ansiparser.*), the first thing every log line
// of a pod goes through. The input is UTF-8 text; its first byte also picks where a
// stream chunk boundary falls, to check that chunked feeding equals one feed.

#include "fuzzsupport.h"

#include "logs/ansiparser.h"

namespace {

// Runs lie inside the text, in order, without overlap, each with a non-default style.
void checkRuns(const StyledText &styled)
{
    qsizetype end = 0;
    for (const FormatRun &run : styled.runs) {
        FUZZ_CHECK(run.length > 0);
        FUZZ_CHECK(run.start >= end);
        FUZZ_CHECK(run.start + run.length <= styled.text.size());
        FUZZ_CHECK(!run.style.isDefault());
        end = run.start + run.length;
    }
}

// Escape sequences, C0 controls and tabs never reach the plain text, and each input
// character gives at most one (or, for a tab, at most eight) characters.
void checkPlain(const QString &plain, qsizetype inputChars)
{
    FUZZ_CHECK(plain.size() <= inputChars * 8);
    for (const QChar c : plain)
        FUZZ_CHECK(c.unicode() >= 0x20 || c == u'\n');
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString input = QString::fromUtf8(fuzz::bytes(data, size));

    AnsiParser lineParser;
    const StyledText line = lineParser.parseLine(input);
    checkRuns(line);
    checkPlain(line.text, input.size());
    // The stateless strip is the same text as a full parse.
    FUZZ_CHECK(AnsiParser::stripped(input) == line.text);

    // Without escapes, tabs, CR and other controls (C0, DEL, C1) the text passes
    // unchanged, in length and content.
    bool plainInput = true;
    for (const QChar c : input) {
        const char16_t u = c.unicode();
        plainInput = plainInput && (u >= 0x20 || u == u'\n') && !(u >= 0x7f && u < 0xa0);
    }
    if (plainInput)
        FUZZ_CHECK(line.text == input);

    // A stream cut anywhere parses like the same stream in one piece.
    const qsizetype cut = size ? qsizetype(data[0]) % (input.size() + 1) : 0;
    AnsiParser whole;
    const StyledText once = whole.feed(input);
    AnsiParser chunked;
    StyledText twice = chunked.feed(QStringView(input).first(cut));
    twice.append(chunked.feed(QStringView(input).sliced(cut)));
    checkRuns(once);
    checkPlain(once.text, input.size());
    FUZZ_CHECK(once == twice);
    FUZZ_CHECK(whole.currentStyle() == chunked.currentStyle());
    return 0;
}
