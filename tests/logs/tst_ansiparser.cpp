#include "logs/ansiparser.h"

#include <QRandomGenerator>
#include <QTest>

namespace {

const QString E = QStringLiteral("\x1b[");

TextStyle fg(int index)
{
    TextStyle s;
    s.foreground = AnsiColor::indexed(index);
    return s;
}

TextStyle withFlags(TextStyle s, quint8 flags)
{
    s.flags = flags;
    return s;
}

// Runs as text, for readable failures: "start+length:fg/bg/flags".
QString describe(const FormatRuns &runs)
{
    QStringList parts;
    for (const FormatRun &r : runs) {
        parts << QStringLiteral("%1+%2:%3/%4/%5")
                     .arg(r.start)
                     .arg(r.length)
                     .arg(r.style.foreground.packed(), 0, 16)
                     .arg(r.style.background.packed(), 0, 16)
                     .arg(r.style.flags);
    }
    return parts.join(' ');
}

} // namespace

class TestAnsiParser : public QObject
{
    Q_OBJECT

private slots:
    void parsesStyles_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("text");
        QTest::addColumn<FormatRuns>("runs");

        QTest::newRow("plain") << "hello world" << "hello world" << FormatRuns{};
        QTest::newRow("red word") << E + "31mred" + E + "39m plain" << "red plain" << FormatRuns{{0, 3, fg(1)}};
        QTest::newRow("bright") << E + "92mok" + E + "0m" << "ok" << FormatRuns{{0, 2, fg(10)}};
        QTest::newRow("background") << E + "41mX" + E + "49mY" << "XY" << [] {
            TextStyle s;
            s.background = AnsiColor::indexed(1);
            return FormatRuns{{0, 1, s}};
        }();
        QTest::newRow("bright background") << E + "103mX" << "X" << [] {
            TextStyle s;
            s.background = AnsiColor::indexed(11);
            return FormatRuns{{0, 1, s}};
        }();
        QTest::newRow("256 colour") << E + "38;5;196mX" + E + "m" << "X" << FormatRuns{{0, 1, fg(196)}};
        QTest::newRow("256 colour, colon form") << E + "38:5:202mX" << "X" << FormatRuns{{0, 1, fg(202)}};
        QTest::newRow("true colour") << E + "38;2;10;20;30mX" << "X" << [] {
            TextStyle s;
            s.foreground = AnsiColor::rgb(10, 20, 30);
            return FormatRuns{{0, 1, s}};
        }();
        QTest::newRow("true colour bg, colon form with colour space") << E + "48:2::1:2:3mX" << "X" << [] {
            TextStyle s;
            s.background = AnsiColor::rgb(1, 2, 3);
            return FormatRuns{{0, 1, s}};
        }();
        QTest::newRow("true colour then bold in one sequence") << E + "38;2;1;2;3;1mX" << "X" << [] {
            TextStyle s;
            s.foreground = AnsiColor::rgb(1, 2, 3);
            s.flags = TextStyle::Bold;
            return FormatRuns{{0, 1, s}};
        }();
        QTest::newRow("jest PASS badge")
            << E + "0m" + E + "7m" + E + "1m" + E + "32m PASS " + E + "39m" + E + "22m" + E + "27m" + E + "0m file"
            << " PASS  file" << FormatRuns{{0, 6, withFlags(fg(2), TextStyle::Inverse | TextStyle::Bold)}};
        QTest::newRow("22 clears bold and dim") << E + "1;2ma" + E + "22mb" << "ab"
                                                << FormatRuns{{0, 1, withFlags({}, TextStyle::Bold | TextStyle::Dim)}};
        QTest::newRow("23 24 27 29 clear their flags")
            << E + "3;4;7;9ma" + E + "23mb" + E + "24mc" + E + "27md" + E + "29me" << "abcde"
            << FormatRuns{{0, 1, withFlags({}, TextStyle::Italic | TextStyle::Underline | TextStyle::Inverse
                                                   | TextStyle::Strikeout)},
                          {1, 1, withFlags({}, TextStyle::Underline | TextStyle::Inverse | TextStyle::Strikeout)},
                          {2, 1, withFlags({}, TextStyle::Inverse | TextStyle::Strikeout)},
                          {3, 1, withFlags({}, TextStyle::Strikeout)}};
        QTest::newRow("4:0 is no underline") << E + "4ma" + E + "4:0mb" << "ab"
                                             << FormatRuns{{0, 1, withFlags({}, TextStyle::Underline)}};
        QTest::newRow("empty parameter is reset") << E + "31ma" + E + ";mb" << "ab" << FormatRuns{{0, 1, fg(1)}};
        QTest::newRow("nested styles merge into one run when equal")
            << E + "31ma" + E + "39m" + E + "31mb" << "ab" << FormatRuns{{0, 2, fg(1)}};

        // Malformed SGR never leaks into the text and never breaks the style.
        QTest::newRow("38;5 without index") << E + "38;5mX" << "X" << FormatRuns{};
        QTest::newRow("38 alone") << E + "38mX" << "X" << FormatRuns{};
        QTest::newRow("38;5;256 out of range") << E + "38;5;256mX" << "X" << FormatRuns{};
        QTest::newRow("38;2 short") << E + "38;2;1;2mX" << "X" << FormatRuns{};
        QTest::newRow("huge number") << E + "999999999mX" << "X" << FormatRuns{};
        QTest::newRow("huge number then valid") << E + "99999999999999999999;31mX" << "X" << FormatRuns{{0, 1, fg(1)}};
        QTest::newRow("unterminated at end") << "ok" + E + "31" << "ok" << FormatRuns{};
        QTest::newRow("lone escape at end") << QStringLiteral("ok\x1b") << "ok" << FormatRuns{};
        QTest::newRow("escape escape") << QStringLiteral("a\x1b\x1b[31mb") << "ab" << FormatRuns{{1, 1, fg(1)}};
        QTest::newRow("overlong CSI dropped") << E + QString(1000, '1') + "mX" << "X" << FormatRuns{};
        QTest::newRow("CSI broken by control") << E + "31\x01X" << "X" << FormatRuns{};

        // Other sequences are stripped.
        QTest::newRow("erase line and cursor up") << E + "2K" + E + "1Adone" << "done" << FormatRuns{};
        QTest::newRow("private mode") << E + "?25lhidden cursor" + E + "?25h" << "hidden cursor" << FormatRuns{};
        QTest::newRow("osc title with BEL") << QStringLiteral("\x1b]0;jest\x07run") << "run" << FormatRuns{};
        QTest::newRow("osc 8 link with ST")
            << QStringLiteral("\x1b]8;;https://x.test\x1b\\link\x1b]8;;\x1b\\") << "link" << FormatRuns{};
        QTest::newRow("charset designation") << QStringLiteral("\x1b(Bx") << "x" << FormatRuns{};
        QTest::newRow("keypad mode") << QStringLiteral("\x1b=x") << "x" << FormatRuns{};
        QTest::newRow("8-bit CSI") << QStringLiteral("\u009b31mx") << "x" << FormatRuns{{0, 1, fg(1)}};
        QTest::newRow("controls dropped") << QStringLiteral("a\rb\x07" "c\x08") << "abc" << FormatRuns{};
        QTest::newRow("tab stops") << QStringLiteral("ab\tc\t\td") << "ab      c               d" << FormatRuns{};
        QTest::newRow("replacement char kept") << QString::fromUtf8("a\xff\xfe" "b") << QString::fromUtf8("a\xff\xfe" "b")
                                               << FormatRuns{};
    }

    void parsesStyles()
    {
        QFETCH(QString, input);
        QFETCH(QString, text);
        QFETCH(FormatRuns, runs);
        AnsiParser parser;
        const StyledText out = parser.parseLine(input);
        QCOMPARE(out.text, text);
        QCOMPARE(describe(out.runs), describe(runs));
    }

    void styleCarriesAcrossLines()
    {
        AnsiParser parser;
        const StyledText first = parser.parseLine(E + "1;33mwarning:");
        const StyledText second = parser.parseLine(QStringLiteral("still yellow") + E + "0m gone");
        const TextStyle boldYellow = withFlags(fg(3), TextStyle::Bold);
        QCOMPARE(first.runs, FormatRuns({{0, 8, boldYellow}}));
        QCOMPARE(second.text, QStringLiteral("still yellow gone"));
        QCOMPARE(second.runs, FormatRuns({{0, 12, boldYellow}}));
        QVERIFY(parser.currentStyle().isDefault());
    }

    // A QString line without escapes is shared, not copied: the result must be what the
    // character-by-character path makes of it, with whatever style earlier lines left open.
    void plainLinesParseAsTheirCharactersWould()
    {
        const QStringList pieces = {E + "1;31m", E + "0m", E + "38;5;", "plain words ", "", "\t", "\r", "\u00e9t\u00e9",
                                    QString::fromUtf8("\xf0\x9f\x98\x80"), "\u0085", "\x7f", E + "]0;title\x07", "\u009b"};
        QRandomGenerator random(20261126);
        AnsiParser shared;
        AnsiParser copied;
        int sharedLines = 0;
        for (int i = 0; i < 5000; ++i) {
            QString line;
            const int count = int(random.bounded(4));
            for (int p = 0; p < count; ++p)
                line += pieces.at(int(random.bounded(pieces.size())));
            const StyledText viaString = shared.parseLine(line);
            const StyledText viaView = copied.parseLine(QStringView(line));
            QCOMPARE(viaString, viaView);
            QCOMPARE(shared.currentStyle(), copied.currentStyle());
            if (!line.isEmpty() && viaString.text.constData() == line.constData())
                ++sharedLines;
        }
        QVERIFY(sharedLines > 100); // the fast path was taken
    }

    void unterminatedSequenceDoesNotSwallowNextLine()
    {
        AnsiParser parser;
        parser.parseLine(E + "38;5;");
        const StyledText next = parser.parseLine(QStringLiteral("next line"));
        QCOMPARE(next.text, QStringLiteral("next line"));
        QVERIFY(next.runs.isEmpty());
        parser.parseLine(QStringLiteral("\x1b]0;never closed"));
        QCOMPARE(parser.parseLine(QStringLiteral("after osc")).text, QStringLiteral("after osc"));
    }

    // A chunked stream must give exactly what the whole input gives, wherever it is cut.
    void splitAtEveryPosition_data()
    {
        QTest::addColumn<QString>("input");
        QTest::newRow("jest header") << E + "0m" + E + "7m" + E + "1m" + E + "31m FAIL " + E + "39m" + E + "22m" + E
                + "27m" + E + "0m " + E + "2mspecs/" + E + "22m" + E + "1ma.spec.js" + E + "22m";
        QTest::newRow("true colour and osc")
            << E + "38;2;255;128;0mtrue" + E + "0m\x1b]8;;http://x\x1b\\link\x1b]8;;\x07 " + E + "48:5:17mbg";
        QTest::newRow("malformed mixed") << "a" + E + "38;5mb" + E + "999999999mc\x1b(Bd" + E + "?1049he\x1b";
        QTest::newRow("lines") << "one" + E + "31m\ntwo\t" + E + "0m\nthree";
        QTest::newRow("surrogates") << QString::fromUtf8("\xf0\x9f\x98\x80") + E + "1m" + QString::fromUtf8("\xf0\x9f\x98\x80");
    }

    void splitAtEveryPosition()
    {
        QFETCH(QString, input);
        AnsiParser whole;
        const StyledText expected = whole.feed(input);
        for (qsizetype cut = 0; cut <= input.size(); ++cut) {
            AnsiParser parser;
            StyledText out = parser.feed(QStringView(input).left(cut));
            out.append(parser.feed(QStringView(input).mid(cut)));
            QVERIFY2(out.text == expected.text, qPrintable(QStringLiteral("cut at %1").arg(cut)));
            QVERIFY2(out.runs == expected.runs,
                     qPrintable(QStringLiteral("cut at %1: %2 vs %3").arg(cut).arg(describe(out.runs), describe(expected.runs))));
        }
        // And byte by byte.
        AnsiParser parser;
        StyledText out;
        for (const QChar c : input)
            out.append(parser.feed(QStringView(&c, 1)));
        QCOMPARE(out, expected);
    }

    void megabyteLine()
    {
        QString line;
        const int pieces = 10000;
        for (int i = 0; i < pieces; ++i)
            line += E + QString::number(31 + i % 7) + "m" + QString(100, QChar('a' + i % 26));
        QVERIFY(line.size() > 1000000);
        AnsiParser parser;
        const StyledText out = parser.parseLine(line);
        QCOMPARE(out.text.size(), pieces * 100);
        QCOMPARE(out.runs.size(), pieces);
        QCOMPARE(out.runs.last().start, (pieces - 1) * 100);
        QCOMPARE(out.runs.last().style.foreground, AnsiColor::indexed((pieces - 1) % 7 + 1));

        // A megabyte of parameters is one overlong sequence: dropped, text after it kept.
        const QString hostile = E + QString(1 << 20, ';') + "31mtail";
        QCOMPARE(parser.parseLine(hostile).text, QStringLiteral("tail"));
    }

    void nonUtf8Input()
    {
        const QByteArray bytes("\x1b[31m\xc3\x28 bad \xff\xfe\xfd\x1b[0m ok");
        AnsiParser parser;
        const StyledText out = parser.parseLine(QString::fromUtf8(bytes));
        QVERIFY(out.text.contains(QChar::ReplacementCharacter));
        QVERIFY(out.text.endsWith(QStringLiteral(" ok")));
        QCOMPARE(out.runs.size(), 1);
        QCOMPARE(out.runs.first().start, 0);
        QCOMPARE(out.runs.first().style, fg(1));
    }

    void strippedRemovesEverything()
    {
        QCOMPARE(AnsiParser::stripped(E + "1m" + E + "31m  " + E + "1m\u25cf " + E + "22mtitle" + E + "39m"),
                 QStringLiteral("  \u25cf title"));
        QCOMPARE(AnsiParser::stripped(u"no escapes"), QStringLiteral("no escapes"));
    }

    // Found by fuzz_ansi: without ESC, tab or CR the line was returned as it was, with
    // its other controls and its 8-bit (C1) sequences, unlike parseLine.
    void strippedDropsControlsAndC1Sequences_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("expected");
        QTest::newRow("C0 controls") << QString::fromUtf8(QByteArray("a\0b\x0b" "c\x07" "d", 7)) << "abcd";
        QTest::newRow("DEL") << QString::fromUtf8("a\x7f" "b") << "ab";
        QTest::newRow("8-bit CSI") << (QString(QChar(0x9b)) + "31mred" + QChar(0x9b) + "0m") << "red";
        QTest::newRow("8-bit OSC") << (QString(QChar(0x9d)) + "0;title" + QChar(0x9c) + "text") << "text";
        QTest::newRow("unicode") << QStringLiteral("caf\u00e9 \u25cf ok") << QStringLiteral("caf\u00e9 \u25cf ok");
    }

    void strippedDropsControlsAndC1Sequences()
    {
        QFETCH(QString, line);
        QFETCH(QString, expected);
        QCOMPARE(AnsiParser::stripped(line), expected);
        QCOMPARE(AnsiParser::stripped(line), AnsiParser().parseLine(line).text);
    }

    // The input fuzz_ansi found (tests/fuzz/corpus/fuzz_ansi/regression-stripped-controls):
    // NUL and VT among invalid UTF-8, no ESC.
    void strippedFuzzInput()
    {
        const QString line = QString::fromUtf8(
            QByteArray::fromHex("202070306520e0879cbae4a4cdad00005160000b445e879cba303021"));
        const QString plain = AnsiParser::stripped(line);
        QCOMPARE(plain, AnsiParser().parseLine(line).text);
        QVERIFY(!plain.contains(QChar(0)));
        QVERIFY(!plain.contains(QChar(0x0b)));
        QVERIFY(plain.startsWith(QStringLiteral("  p0e ")));
        QVERIFY(plain.endsWith(QStringLiteral("00!")));
    }

    void resetForgetsStyleAndPending()
    {
        AnsiParser parser;
        parser.feed(E + "31mred" + E + "38;5");
        parser.reset();
        const StyledText out = parser.feed(u";9mtext");
        QCOMPARE(out.text, QStringLiteral(";9mtext"));
        QVERIFY(out.runs.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAnsiParser)
#include "tst_ansiparser.moc"
