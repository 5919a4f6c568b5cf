#include "logs/jestparser.h"

#include <QFile>
#include <QTest>

namespace {

QStringList readLines(const QString &name)
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/logs/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file.fileName()));
    QString text = QString::fromUtf8(file.readAll());
    if (text.endsWith('\n'))
        text.chop(1);
    return text.split('\n');
}

JestParser parseAll(const QStringList &lines)
{
    JestParser parser;
    for (qsizetype i = 0; i < lines.size(); ++i)
        parser.addLine(lines[i], i);
    return parser;
}

// One line per failure: "title | file:line:col | first-last", compared as text.
QStringList describe(const QList<JestFailure> &failures)
{
    QStringList out;
    for (const JestFailure &f : failures) {
        out << QStringLiteral("%1 | %2 | %3:%4:%5 | %6-%7%8")
                   .arg(f.title(), f.specFile, f.file)
                   .arg(f.line)
                   .arg(f.column)
                   .arg(f.firstLogLine)
                   .arg(f.lastLogLine)
                   .arg(f.suiteFailedToRun ? " (suite)" : "");
    }
    return out;
}

} // namespace

class TestJestParser : public QObject
{
    Q_OBJECT

private slots:
    void failingPlain()
    {
        const QStringList lines = readLines("failing-plain.log");
        const JestParser parser = parseAll(lines);
        QCOMPARE(parser.iterations().size(), 1);
        const JestIteration &it = parser.iterations().first();
        QVERIFY(it.complete);
        // The npm banner before the first header belongs to no iteration.
        QCOMPARE(it.firstLogLine, 3);
        QCOMPARE(it.specs.size(), 3);
        QCOMPARE(it.specs[0].file, QStringLiteral("specs/checkout.spec.js"));
        QVERIFY(!it.specs[0].passed);
        QCOMPARE(it.specs[0].seconds, std::optional<double>(5.123));
        QCOMPARE(it.specs[1].file, QStringLiteral("specs/health.spec.js"));
        QVERIFY(it.specs[1].passed);
        QCOMPARE(it.specs[1].seconds, std::nullopt);
        QCOMPARE(lines[it.specs[2].logLine], QStringLiteral("FAIL specs/inventory.spec.js"));

        // "Summary of all failing tests" repeats the blocks: they are not counted again.
        QCOMPARE(describe(it.failures),
                 QStringList({"checkout › payment › charges the card | specs/checkout.spec.js | "
                              "specs/checkout.spec.js:12:24 | 4-19",
                              "checkout › returns the order as JSON | specs/checkout.spec.js | "
                              "/app/specs/checkout.spec.js:19:19 | 21-40",
                              "inventory › lists items | specs/inventory.spec.js | specs/inventory.spec.js:7:18 | 44-54"}));
        const JestFailure &first = it.failures[0];
        QCOMPARE(first.titlePath, QStringList({"checkout", "payment", "charges the card"}));
        QCOMPARE(first.message, QStringLiteral("expect(received).toBe(expected) // Object.is equality\n\n"
                                               "Expected: 200\nReceived: 500"));
        QCOMPARE(first.frames.size(), 1);
        QCOMPARE(first.frames[0].function, QStringLiteral("Object.toBe"));
        const JestFailure &diff = it.failures[1];
        QVERIFY(diff.message.contains("-   \"status\": \"paid\","));
        QVERIFY(diff.message.endsWith("  }"));
        QCOMPARE(diff.frames.size(), 3);
        QCOMPARE(diff.frames[2].file, QStringLiteral("node:internal/process/task_queues"));

        QCOMPARE(it.suites, (JestCounts{true, 2, 1, 0, 0, 3}));
        QCOMPARE(it.tests, (JestCounts{true, 3, 4, 1, 1, 9}));
        QCOMPARE(it.snapshots, (JestCounts{true, 0, 0, 0, 0, 0}));
        QCOMPARE(it.seconds, std::optional<double>(6.789));
    }

    void passingPlain()
    {
        const JestParser parser = parseAll(readLines("passing-plain.log"));
        QCOMPARE(parser.iterations().size(), 1);
        const JestIteration &it = parser.iterations().first();
        QCOMPARE(it.specs.size(), 3);
        QVERIFY(std::all_of(it.specs.cbegin(), it.specs.cend(), [](const JestSpecResult &s) { return s.passed; }));
        QVERIFY(it.failures.isEmpty()); // console.log frames are not failures
        QCOMPARE(it.tests, (JestCounts{true, 0, 7, 0, 0, 7}));
        QCOMPARE(it.seconds, std::optional<double>(2.104));
        QVERIFY(it.complete);
    }

    void suiteFailedToRun()
    {
        const JestParser parser = parseAll(readLines("suite-failed-to-run.log"));
        const JestIteration &it = parser.iterations().first();
        QCOMPARE(describe(it.failures),
                 QStringList({"Test suite failed to run | specs/broken.spec.js | specs/broken.spec.js:2:16 | 1-11 (suite)"}));
        QCOMPARE(it.failures[0].message, QStringLiteral("Cannot find module '../lib/client' from 'specs/broken.spec.js'"));
        QCOMPARE(it.suites.failed, 1);
    }

    void colouredEqualsPlainStructure()
    {
        const QStringList lines = readLines("failing-colour.log");
        QVERIFY(lines.first().contains(QChar(0x1b)));
        const JestParser parser = parseAll(lines);
        QCOMPARE(parser.iterations().size(), 1);
        const JestIteration &it = parser.iterations().first();
        QCOMPARE(it.specs.size(), 2);
        QCOMPARE(it.specs[0].file, QStringLiteral("specs/checkout.spec.js"));
        QCOMPARE(it.specs[0].seconds, std::optional<double>(5.123));
        QCOMPARE(describe(it.failures),
                 QStringList({"checkout › payment › charges the card | specs/checkout.spec.js | "
                              "specs/checkout.spec.js:12:24 | 1-12",
                              "checkout › returns the order as JSON | specs/checkout.spec.js | "
                              "/app/specs/checkout.spec.js:19:19 | 14-26"}));
        QCOMPARE(it.failures[0].message, QStringLiteral("expect(received).toBe(expected) // Object.is equality\n\n"
                                                        "Expected: 200\nReceived: 500"));
        QCOMPARE(it.tests, (JestCounts{true, 2, 3, 0, 0, 5}));
        QCOMPARE(it.seconds, std::optional<double>(6.2));
        QVERIFY(it.complete);
    }

    void iterations()
    {
        const QStringList lines = readLines("iterations-plain.log");
        const JestParser parser = parseAll(lines);
        QCOMPARE(parser.iterations().size(), 3);
        const JestIteration &first = parser.iterations()[0];
        const JestIteration &second = parser.iterations()[1];
        const JestIteration &third = parser.iterations()[2];
        QCOMPARE(first.failures.size(), 1);
        QCOMPARE(first.failures[0].title(), QStringLiteral("checkout › charges the card"));
        QVERIFY(second.failures.isEmpty());
        QCOMPARE(second.index, 1);
        QCOMPARE(lines[second.firstLogLine], QStringLiteral("PASS specs/checkout.spec.js"));
        QCOMPARE(second.seconds, std::optional<double>(0.83));
        QCOMPARE(third.failures.size(), 1);
        const JestFailure &timeout = third.failures[0];
        QCOMPARE(timeout.title(), QStringLiteral("health › answers /healthz"));
        QVERIFY(timeout.message.startsWith("thrown: \"Exceeded timeout of 5000 ms for a test.\nAdd a timeout"));
        QCOMPARE(timeout.file, QStringLiteral("specs/health.spec.js"));
        QCOMPARE(timeout.line, 4);
        QCOMPARE(timeout.column, 3);
        QVERIFY(std::all_of(parser.iterations().cbegin(), parser.iterations().cend(),
                            [](const JestIteration &i) { return i.complete; }));
        // Every line belongs to an iteration and they do not overlap.
        QCOMPARE(first.firstLogLine, 0);
        QCOMPARE(first.lastLogLine + 1, second.firstLogLine);
        QCOMPARE(second.lastLogLine + 1, third.firstLogLine);
        QCOMPARE(third.lastLogLine, lines.size() - 1);
    }

    void repeatedHeaderWithoutSummaryStartsNewIteration()
    {
        JestParser parser;
        parser.addLine(u"PASS specs/a.spec.js", 0);
        parser.addLine(u"PASS specs/b.spec.js", 1);
        parser.addLine(u"FAIL specs/a.spec.js", 2); // the pod restarted mid-run
        QCOMPARE(parser.iterations().size(), 2);
        QCOMPARE(parser.iterations()[1].specs.size(), 1);
    }

    void lineKinds()
    {
        JestParser parser;
        QCOMPARE(parser.addLine(u"FAIL specs/a.spec.js", 0), JestParser::LineKind::FailHeader);
        QCOMPARE(parser.addLine(u"  ● a › b", 1), JestParser::LineKind::FailureTitle);
        QCOMPARE(parser.addLine(u"    boom", 2), JestParser::LineKind::Other);
        QCOMPARE(parser.addLine(u"      at Object.<anonymous> (specs/a.spec.js:1:2)", 3), JestParser::LineKind::Frame);
        QCOMPARE(parser.addLine(u"Test Suites: 1 failed, 1 total", 4), JestParser::LineKind::Summary);
        QCOMPARE(parser.addLine(u"● Validation Warning:", 5), JestParser::LineKind::Other);
    }

    void appOutputAtMarginEndsBlock()
    {
        JestParser parser;
        parser.addLine(u"FAIL specs/a.spec.js", 0);
        parser.addLine(u"  ● a", 1);
        parser.addLine(u"    message", 2);
        parser.addLine(u"server: listening on 8080", 3);
        parser.addLine(u"    not part of the message", 4);
        const JestFailure &f = parser.iterations().first().failures.first();
        QCOMPARE(f.message, QStringLiteral("message"));
        QCOMPARE(f.lastLogLine, 2);
    }

    void parseFrame_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("function");
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("lineNumber");
        QTest::addColumn<int>("column");
        QTest::newRow("named") << "      at Object.<anonymous> (specs/a.spec.js:12:15)" << true << "Object.<anonymous>"
                               << "specs/a.spec.js" << 12 << 15;
        QTest::newRow("bare") << "    at specs/a.spec.js:3:1" << true << "" << "specs/a.spec.js" << 3 << 1;
        QTest::newRow("async") << "    at async Promise.all (index 0)" << false << "" << "" << 0 << 0;
        QTest::newRow("anonymous") << "    at new Promise (<anonymous>)" << false << "" << "" << 0 << 0;
        QTest::newRow("node internal") << "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"
                                       << true << "process.processTicksAndRejections"
                                       << "node:internal/process/task_queues" << 95 << 5;
        QTest::newRow("not a frame") << "    expected at least 1 call" << false << "" << "" << 0 << 0;
        QTest::newRow("overflowing line number") << "    at f (a.js:99999999999999:1)" << false << "" << "" << 0 << 0;
        QTest::newRow("huge line") << "    at f (" + QString(1 << 20, 'x') + ".js:1:1)" << false << "" << "" << 0 << 0;
    }

    void parseFrame()
    {
        QFETCH(QString, line);
        QFETCH(bool, valid);
        const std::optional<JestFrame> frame = JestParser::parseFrame(line);
        QCOMPARE(frame.has_value(), valid);
        if (!valid)
            return;
        QFETCH(QString, function);
        QFETCH(QString, file);
        QFETCH(int, lineNumber);
        QFETCH(int, column);
        QCOMPARE(frame->function, function);
        QCOMPARE(frame->file, file);
        QCOMPARE(frame->line, lineNumber);
        QCOMPARE(frame->column, column);
    }

    void parseCounts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<JestCounts>("counts");
        QTest::newRow("all kinds") << " 1 failed, 1 skipped, 1 todo, 3 passed, 6 total" << JestCounts{true, 1, 3, 1, 1, 6};
        QTest::newRow("of total") << " 2 passed, 2 of 5 total" << JestCounts{true, 0, 2, 0, 0, 2};
        QTest::newRow("garbage") << " lots failed, , ,x" << JestCounts{true, 0, 0, 0, 0, 0};
        QTest::newRow("overflow") << " 99999999999999999999 failed, 1 total" << JestCounts{true, 0, 0, 0, 0, 1};
    }

    void parseCounts()
    {
        QFETCH(QString, text);
        QFETCH(JestCounts, counts);
        QCOMPARE(JestParser::parseCounts(text), counts);
    }

    void hostileInput()
    {
        JestParser parser;
        const QString huge(1 << 20, 'x');
        parser.addLine(QStringLiteral("FAIL ") + huge, 0);
        parser.addLine(QStringLiteral("  ● ") + huge, 1);
        parser.addLine(QStringLiteral("    ") + huge, 2);
        for (int i = 0; i < 100; ++i)
            parser.addLine(QStringLiteral("    ") + huge, 3 + i);
        for (int i = 0; i < 100; ++i)
            parser.addLine(QStringLiteral("      at f (a.js:%1:1)").arg(i), 200 + i);
        parser.addLine(QStringLiteral("Test Suites: ") + huge, 400);
        parser.addLine(QString::fromUtf8("\xff\xfe\x1b[31m\x1b[999999999m  \xe2\x97\x8f broken \xc3"), 401);
        QVERIFY(!parser.iterations().isEmpty());
        const JestIteration &it = parser.iterations().first();
        QCOMPARE(it.failures.size(), 1); // the second ● is not indented as a block title
        QVERIFY(it.failures[0].message.size() <= JestParser::MaxMessageChars);
        QCOMPARE(it.failures[0].frames.size(), JestParser::MaxFrames);
        QVERIFY(it.failures[0].titlePath.first().size() <= 4096);
    }

    void truncatedStream()
    {
        // The log ends in the middle of a block: the failure is there with what came.
        const QStringList lines = readLines("failing-plain.log").mid(0, 10);
        const JestParser parser = parseAll(lines);
        QCOMPARE(parser.iterations().first().failures.size(), 1);
        QVERIFY(!parser.iterations().first().complete);
        QCOMPARE(lines.size(), 10);
        QCOMPARE(parser.iterations().first().failures[0].lastLogLine, 9);
    }

    // Found by fuzz_jest: an iteration begun by a line other than a header (a log cut
    // before it) had lastLogLine -1 while that line was its last.
    void iterationWithoutHeaderSpansItsLines_data()
    {
        QTest::addColumn<QStringList>("lines");
        QTest::newRow("failure title") << QStringList{"app starting", "  \u25cf Test suite failed to run"};
        QTest::newRow("summary") << QStringList{"", "", "Test Suites: 1 failed, 1 total"};
    }

    void iterationWithoutHeaderSpansItsLines()
    {
        QFETCH(QStringList, lines);
        const JestParser parser = parseAll(lines);
        QCOMPARE(parser.iterations().size(), 1);
        QCOMPARE(parser.iterations().first().firstLogLine, lines.size() - 1);
        QCOMPARE(parser.iterations().first().lastLogLine, lines.size() - 1);
    }

    void revisionMovesOnlyOnChange()
    {
        JestParser parser;
        const quint64 start = parser.revision();
        parser.addLine(u"just the app talking", 0);
        QCOMPARE(parser.revision(), start);
        parser.addLine(u"PASS specs/a.spec.js", 1);
        QVERIFY(parser.revision() > start);
    }
};

QTEST_GUILESS_MAIN(TestJestParser)
#include "tst_jestparser.moc"
