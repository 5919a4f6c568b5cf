// libFuzzer target: JestParser (app/logs/jestparser.*), fed a pod's log line by line as
// the log view does. Checks that results stay bounded and consistent with the lines
// they cite, whatever the log holds.

#include "fuzzsupport.h"

#include "logs/jestparser.h"

#include <QStringList>

namespace {

void checkLine(qint64 logLine, qint64 lines)
{
    FUZZ_CHECK(logLine >= -1 && logLine < lines);
}

void checkIterations(const QList<JestIteration> &iterations, qint64 lines)
{
    for (qsizetype i = 0; i < iterations.size(); ++i) {
        const JestIteration &iteration = iterations[i];
        FUZZ_CHECK(iteration.index == i);
        checkLine(iteration.firstLogLine, lines);
        checkLine(iteration.lastLogLine, lines);
        FUZZ_CHECK(iteration.firstLogLine <= iteration.lastLogLine);
        for (const JestSpecResult &spec : iteration.specs)
            checkLine(spec.logLine, lines);
        for (const JestFailure &failure : iteration.failures) {
            FUZZ_CHECK(failure.message.size() <= JestParser::MaxMessageChars);
            FUZZ_CHECK(failure.frames.size() <= JestParser::MaxFrames);
            FUZZ_CHECK(!failure.titlePath.isEmpty());
            checkLine(failure.firstLogLine, lines);
            checkLine(failure.lastLogLine, lines);
            FUZZ_CHECK(failure.firstLogLine >= iteration.firstLogLine);
            FUZZ_CHECK(failure.firstLogLine <= failure.lastLogLine);
            for (const JestFrame &frame : failure.frames)
                FUZZ_CHECK(frame.line >= 0 && frame.column >= 0);
        }
        for (const JestCounts *counts : { &iteration.suites, &iteration.tests, &iteration.snapshots }) {
            FUZZ_CHECK(counts->failed >= 0 && counts->passed >= 0 && counts->skipped >= 0);
            FUZZ_CHECK(counts->todo >= 0 && counts->total >= 0);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(fuzz::bytes(data, size));
    const QStringList lines = text.split(u'\n');

    JestParser parser;
    quint64 revision = parser.revision();
    for (qsizetype i = 0; i < lines.size(); ++i) {
        parser.addLine(lines[i], i);
        FUZZ_CHECK(parser.revision() >= revision);
        revision = parser.revision();
        JestParser::parseFrame(lines[i]);
        JestParser::parseCounts(lines[i]);
    }
    checkIterations(parser.iterations(), lines.size());

    // The same log again after clear() gives the same results: no state survives.
    const QList<JestIteration> first = parser.iterations();
    parser.clear();
    FUZZ_CHECK(parser.iterations().isEmpty());
    for (qsizetype i = 0; i < lines.size(); ++i)
        parser.addLine(lines[i], i);
    FUZZ_CHECK(parser.iterations() == first);
    return 0;
}
