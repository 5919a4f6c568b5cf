#include "logs/logbuffer.h"
#include "logs/logtimestamp.h"

#include <QTest>
#include <QTimeZone>

namespace {

const QDateTime epoch(QDate(2024, 5, 1), QTime(10, 0), QTimeZone::UTC);

// Deterministic, varied lines: some styled, some with timestamps, lengths vary.
StoredLine makeLine(qint64 i)
{
    static const QString filler(64, 'f');
    StoredLine line;
    line.text = QLatin1StringView("line ") + QString::number(i) + QLatin1Char(' ') + filler.left(int(i % 37));
    if (i % 3 == 0)
        line.timestamp = QDateTime::fromMSecsSinceEpoch(epoch.toMSecsSinceEpoch() + i, QTimeZone::UTC);
    if (i % 5 == 0) {
        TextStyle style;
        style.foreground = AnsiColor::indexed(int(i % 256));
        style.flags = TextStyle::Bold;
        line.runs = {{0, 4, style}};
    }
    line.flags = quint32(i % 7);
    return line;
}

} // namespace

class TestLogBuffer : public QObject
{
    Q_OBJECT

private slots:
    void keepsLinesInMemoryUnderBudget()
    {
        LogBuffer buffer(1 << 20);
        for (int i = 0; i < 100; ++i)
            buffer.append(makeLine(i));
        QCOMPARE(buffer.size(), 100);
        QCOMPARE(buffer.spilledLineCount(), 0);
        QCOMPARE(buffer.line(42), makeLine(42));
        QCOMPARE(buffer.line(100), StoredLine());
        QCOMPARE(buffer.line(-1), StoredLine());
    }

    void millionLinesSpillAndReadBackIdentical()
    {
        const qint64 count = 1000000;
        LogBuffer buffer(4 << 20);
        for (qint64 i = 0; i < count; ++i)
            buffer.append(makeLine(i));
        QCOMPARE(buffer.size(), count);
        QVERIFY(buffer.spilledLineCount() > count / 2);
        QVERIFY2(buffer.memoryBytes() <= buffer.memoryBudget(), qPrintable(QString::number(buffer.memoryBytes())));
        QVERIFY(buffer.spillError().isEmpty());
        // Every line's text in order (block reads), whole lines at a stride (timestamps
        // and runs cost too much to compare a million times in a debug build), then a
        // scattered walk (cache misses).
        for (qint64 i = 0; i < count; ++i) {
            const QString expected = QLatin1StringView("line ") + QString::number(i);
            if (!buffer.text(i).startsWith(expected) || buffer.text(i).size() != expected.size() + 1 + i % 37)
                QFAIL(qPrintable(QStringLiteral("line %1 differs: %2").arg(i).arg(buffer.text(i))));
            if (i % 101 == 0 && buffer.line(i) != makeLine(i))
                QFAIL(qPrintable(QStringLiteral("line %1 differs in style or time").arg(i)));
        }
        for (qint64 i = 0; i < count; i += 7919)
            QCOMPARE(buffer.text(count - 1 - i), makeLine(count - 1 - i).text);
    }

    void hugeLinesAreKeptWhole()
    {
        LogBuffer buffer(1 << 20);
        StoredLine huge;
        huge.text = QString(1 << 20, 'x') + QStringLiteral("end");
        buffer.append(makeLine(0));
        buffer.append(huge);
        buffer.append(makeLine(2));
        QVERIFY(buffer.spilledLineCount() >= 2); // the huge line went over the budget
        QCOMPARE(buffer.line(1).text.size(), (1 << 20) + 3);
        QCOMPARE(buffer.line(1), huge);
        QCOMPARE(buffer.line(0), makeLine(0));
        QCOMPARE(buffer.line(2), makeLine(2));
    }

    void textRoundTripsExactly()
    {
        // Lone surrogates and U+FFFD survive the spill file bit for bit.
        LogBuffer buffer(1);
        StoredLine odd;
        odd.text = QString::fromUtf8("bad \xff\xfe utf8 ") + QChar(0xd800) + QChar(0xdfff) + QChar(0);
        buffer.append(odd);
        buffer.append(makeLine(1));
        QCOMPARE(buffer.spilledLineCount(), 2);
        QCOMPARE(buffer.line(0), odd);
    }

    void capDropsOldestAndCounts()
    {
        LogBuffer buffer(64 << 10);
        buffer.setMaxLines(1000);
        for (int i = 0; i < 5000; ++i) {
            buffer.append(makeLine(i));
            buffer.dropOldest(buffer.excessLines());
        }
        QCOMPARE(buffer.size(), 1000);
        QCOMPARE(buffer.droppedCount(), 4000);
        QCOMPARE(buffer.line(0), makeLine(4000));
        QCOMPARE(buffer.line(999), makeLine(4999));
        QCOMPARE(buffer.excessLines(), 0);

        // Lowering the cap reports the excess without dropping by itself.
        buffer.setMaxLines(10);
        QCOMPARE(buffer.excessLines(), 990);
        QCOMPARE(buffer.size(), 1000);
        buffer.dropOldest(buffer.excessLines());
        QCOMPARE(buffer.line(0), makeLine(4990));
        buffer.setMaxLines(0);
        buffer.append(makeLine(5000));
        QCOMPARE(buffer.excessLines(), 0);
        QCOMPARE(buffer.size(), 11);
    }

    void dropAcrossSpillBoundaryAndSpillAgain()
    {
        LogBuffer buffer(16 << 10);
        for (int i = 0; i < 3000; ++i)
            buffer.append(makeLine(i));
        const qint64 spilled = buffer.spilledLineCount();
        QVERIFY(spilled > 0);
        buffer.dropOldest(spilled + 10); // every spilled line and some in memory
        QCOMPARE(buffer.spilledLineCount(), 0);
        QCOMPARE(buffer.spillFileBytes(), 0); // the file was emptied
        QCOMPARE(buffer.line(0), makeLine(spilled + 10));
        for (int i = 3000; i < 6000; ++i)
            buffer.append(makeLine(i));
        QVERIFY(buffer.spilledLineCount() > 0);
        for (qint64 i = 0; i < buffer.size(); ++i)
            QCOMPARE(buffer.line(i), makeLine(spilled + 10 + i));
    }

    void clearForgetsEverything()
    {
        LogBuffer buffer(1024);
        for (int i = 0; i < 100; ++i)
            buffer.append(makeLine(i));
        buffer.setMaxLines(5);
        buffer.dropOldest(buffer.excessLines());
        buffer.clear();
        QCOMPARE(buffer.size(), 0);
        QCOMPARE(buffer.droppedCount(), 0);
        QCOMPARE(buffer.spilledLineCount(), 0);
        buffer.append(makeLine(7));
        QCOMPARE(buffer.line(0), makeLine(7));
    }

    void budgetChangeSpills()
    {
        LogBuffer buffer(1 << 20);
        for (int i = 0; i < 1000; ++i)
            buffer.append(makeLine(i));
        QCOMPARE(buffer.spilledLineCount(), 0);
        buffer.setMemoryBudget(8 << 10);
        QVERIFY(buffer.spilledLineCount() > 0);
        QVERIFY(buffer.memoryBytes() <= 8 << 10);
        QCOMPARE(buffer.line(0), makeLine(0));
        QCOMPARE(buffer.line(999), makeLine(999));
    }

    void timestampSplit_data()
    {
        QTest::addColumn<QString>("raw");
        QTest::addColumn<QDateTime>("timestamp");
        QTest::addColumn<QString>("text");
        QTest::newRow("stamped") << "2024-05-01T10:00:00.123456789Z hello world"
                                 << QDateTime(QDate(2024, 5, 1), QTime(10, 0, 0, 123), QTimeZone::UTC) << "hello world";
        QTest::newRow("empty message") << "2024-05-01T10:00:00.000000000Z"
                                       << QDateTime(QDate(2024, 5, 1), QTime(10, 0), QTimeZone::UTC) << "";
        QTest::newRow("keeps further spaces") << "2024-05-01T10:00:00.000000000Z   indented"
                                              << QDateTime(QDate(2024, 5, 1), QTime(10, 0), QTimeZone::UTC)
                                              << "  indented";
        QTest::newRow("no stamp") << "plain line" << QDateTime() << "plain line";
        QTest::newRow("short fraction") << "2024-05-01T10:00:00.123Z hi" << QDateTime()
                                        << "2024-05-01T10:00:00.123Z hi";
        QTest::newRow("invalid date") << "2024-13-45T10:00:00.000000000Z x" << QDateTime()
                                      << "2024-13-45T10:00:00.000000000Z x";
        QTest::newRow("letters in digits") << "2024-05-0xT10:00:00.000000000Z x" << QDateTime()
                                           << "2024-05-0xT10:00:00.000000000Z x";
        QTest::newRow("no separating space") << "2024-05-01T10:00:00.000000000Zx" << QDateTime()
                                             << "2024-05-01T10:00:00.000000000Zx";
    }

    void timestampSplit()
    {
        QFETCH(QString, raw);
        QFETCH(QDateTime, timestamp);
        QFETCH(QString, text);
        const LogLine line = LogTimestamp::split(raw);
        QCOMPARE(line.timestamp, timestamp);
        QCOMPARE(line.text, text);
    }

    void timestampFormat()
    {
        const QDateTime t(QDate(2024, 5, 1), QTime(10, 0, 0, 123), QTimeZone::UTC);
        QCOMPARE(LogTimestamp::format(t), QStringLiteral("2024-05-01T10:00:00.123000000Z"));
        QCOMPARE(LogTimestamp::split(LogTimestamp::format(t) + " x").timestamp, t);
        QCOMPARE(LogTimestamp::format(QDateTime()), QString());
    }
};

QTEST_GUILESS_MAIN(TestLogBuffer)
#include "tst_logbuffer.moc"
