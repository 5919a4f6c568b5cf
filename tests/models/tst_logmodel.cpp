#include "failurelistmodel.h"
#include "logmodel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

namespace {

QList<LogLine> sample(const QString &name)
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/logs/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file.fileName()));
    QString text = QString::fromUtf8(file.readAll());
    if (text.endsWith('\n'))
        text.chop(1);
    QList<LogLine> lines;
    for (const QString &t : text.split('\n'))
        lines.append({QDateTime(), t});
    return lines;
}

// Feeds lines in batches of `batch`, as a stream would.
void feed(LogModel &model, const QList<LogLine> &lines, int batch)
{
    for (qsizetype i = 0; i < lines.size(); i += batch)
        model.appendLines(lines.mid(i, batch));
}

} // namespace

class TestLogModel : public QObject
{
    Q_OBJECT

private slots:
    void batchesAreOneInsertEach()
    {
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        const QDateTime t(QDate(2024, 5, 1), QTime(10, 0), QTimeZone::UTC);
        model.appendLines({{t, QStringLiteral("\x1b[32mgreen\x1b[39m")}, {t.addSecs(1), QStringLiteral("plain")}});
        model.appendLines({});
        model.appendLines({{QDateTime(), QStringLiteral("third")}});
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(inserted[0][1].toInt(), 0);
        QCOMPARE(inserted[0][2].toInt(), 1);
        QCOMPARE(inserted[1][1].toInt(), 2);
        QCOMPARE(model.rowCount(), 3);

        const QModelIndex first = model.index(0);
        QCOMPARE(first.data().toString(), QStringLiteral("green"));
        QCOMPARE(first.data(LogModel::TimestampRole).toDateTime(), t);
        const FormatRuns runs = first.data(LogModel::FormatRunsRole).value<FormatRuns>();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs[0].style.foreground, AnsiColor::indexed(2));
        QCOMPARE(model.index(2).data(LogModel::TimestampRole).toDateTime(), QDateTime());
        QCOMPARE(model.index(2).data(LogModel::LineNumberRole).toLongLong(), 2);
        QVERIFY(model.roleNames().contains(LogModel::FormatRunsRole));
    }

    void styleCarriesAcrossBatches()
    {
        LogModel model;
        model.appendLines({{QDateTime(), QStringLiteral("\x1b[31mred starts")}});
        model.appendLines({{QDateTime(), QStringLiteral("still red\x1b[0m")}});
        QCOMPARE(model.line(1).runs.size(), 1);
        QCOMPARE(model.line(1).runs[0].style.foreground, AnsiColor::indexed(1));
    }

    void jestResultsAndLineRoles()
    {
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy failuresChanged(&model, &LogModel::failuresChanged);
        const QList<LogLine> lines = sample("failing-colour.log");
        feed(model, lines, 5);
        QCOMPARE(model.rowCount(), lines.size());
        QCOMPARE(model.iterations().size(), 1);
        QVERIFY(failuresChanged.size() >= 2);
        const QList<JestFailure> failures = model.failures();
        QCOMPARE(failures.size(), 2);
        QCOMPARE(failures[0].title(), QStringLiteral("checkout › payment › charges the card"));
        QCOMPARE(failures[0].line, 12);

        const int header = model.rowOfLineNumber(failures[1].firstLogLine);
        QVERIFY(model.index(header).data(LogModel::IsFailureHeaderRole).toBool());
        QVERIFY(!model.index(header + 1).data(LogModel::IsFailureHeaderRole).toBool());
        QCOMPARE(model.index(header).data().toString(), QStringLiteral("  ● checkout › returns the order as JSON"));
        QCOMPARE(model.index(0).data(LogModel::IterationIndexRole).toInt(), 0);
        QCOMPARE(model.index(0).data(LogModel::LineKindRole).toInt(), int(JestParser::LineKind::FailHeader));
    }

    void shownIterationAndFailureList()
    {
        LogModel model;
        FailureListModel failureList;
        failureList.setLogModel(&model);
        QAbstractItemModelTester tester(&failureList, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QList<LogLine> lines = sample("iterations-plain.log");

        // First iteration done: its failure is listed.
        const int firstEnd = int(lines.indexOf(LogLine{QDateTime(), QStringLiteral("checkout: upstream payment gateway restarted")}));
        QVERIFY(firstEnd > 0);
        feed(model, lines.mid(0, firstEnd + 2), 3); // and the next header
        QCOMPARE(model.iterations().size(), 2);
        // The second iteration runs without failures yet: the finished one stays shown.
        QCOMPARE(model.effectiveShownIteration(), 0);
        QCOMPARE(failureList.rowCount(), 1);
        QCOMPARE(failureList.index(0).data(FailureListModel::TitleRole).toString(), QStringLiteral("checkout › charges the card"));
        QCOMPARE(failureList.index(0).data().toString(), QStringLiteral("checkout › charges the card\ncheckout.spec.js:12"));
        QCOMPARE(failureList.index(0).data(FailureListModel::LineRole).toInt(), 12);
        QCOMPARE(failureList.index(0).data(FailureListModel::FileRole).toString(), QStringLiteral("specs/checkout.spec.js"));

        feed(model, lines.mid(firstEnd + 2), 4);
        QCOMPARE(model.iterations().size(), 3);
        QCOMPARE(model.effectiveShownIteration(), 2);
        QCOMPARE(failureList.rowCount(), 1);
        QCOMPARE(failureList.index(0).data(FailureListModel::TitleRole).toString(), QStringLiteral("health › answers /healthz"));

        QSignalSpy changed(&model, &LogModel::failuresChanged);
        model.setShownIteration(1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(failureList.rowCount(), 0);
        model.setShownIteration(0);
        QCOMPARE(failureList.rowCount(), 1);
        model.setShownIteration(-1);
        QCOMPARE(model.effectiveShownIteration(), 2);
    }

    void capDropsRowsAndCounts()
    {
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy dropped(&model, &LogModel::droppedLineCountChanged);
        model.setMaxLines(100);
        for (int b = 0; b < 10; ++b) {
            QList<LogLine> batch;
            for (int i = 0; i < 30; ++i)
                batch.append({QDateTime(), QStringLiteral("line %1").arg(b * 30 + i)});
            model.appendLines(batch);
        }
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.droppedLineCount(), 200);
        QCOMPARE(dropped.last().first().toLongLong(), 200);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("line 200"));
        QCOMPARE(model.index(0).data(LogModel::LineNumberRole).toLongLong(), 200);
        QCOMPARE(model.rowOfLineNumber(250), 50);
        QCOMPARE(model.rowOfLineNumber(199), -1);
        QCOMPARE(model.rowOfLineNumber(300), -1);

        // A batch larger than the cap keeps its tail.
        QList<LogLine> big;
        for (int i = 0; i < 250; ++i)
            big.append({QDateTime(), QStringLiteral("big %1").arg(i)});
        model.appendLines(big);
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("big 150"));

        model.setMaxLines(10);
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.index(9).data().toString(), QStringLiteral("big 249"));
    }

    void spilledLinesStillServeData()
    {
        LogModel model;
        model.setMemoryBudget(16 * 1024);
        QList<LogLine> batch;
        for (int i = 0; i < 5000; ++i)
            batch.append({QDateTime(), QStringLiteral("\x1b[1mline\x1b[22m %1").arg(i)});
        model.appendLines(batch);
        QCOMPARE(model.rowCount(), 5000);
        QCOMPARE(model.index(3).data().toString(), QStringLiteral("line 3"));
        QCOMPARE(model.index(3).data(LogModel::FormatRunsRole).value<FormatRuns>().size(), 1);
        QCOMPARE(model.index(4999).data().toString(), QStringLiteral("line 4999"));
        QVERIFY(model.spillError().isEmpty());
    }

    void clearResetsEverything()
    {
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        feed(model, sample("failing-plain.log"), 50);
        QVERIFY(!model.failures().isEmpty());
        QSignalSpy failuresChanged(&model, &LogModel::failuresChanged);
        model.appendLines({{QDateTime(), QStringLiteral("\x1b[31mopen style")}});
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.iterations().isEmpty());
        QVERIFY(model.failures().isEmpty());
        QCOMPARE(failuresChanged.size(), 1);
        model.appendLines({{QDateTime(), QStringLiteral("fresh")}});
        QVERIFY(model.line(0).runs.isEmpty()); // the style did not survive the clear
        QCOMPARE(model.index(0).data(LogModel::LineNumberRole).toLongLong(), 0);
    }

    void hostileLines()
    {
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString huge = QString(1 << 20, 'y');
        model.appendLines({{QDateTime(), huge},
                           {QDateTime(), QString::fromUtf8("\xff\xfe\x1b[38;5m\x1b[999999999mtext\x1b")},
                           {QDateTime(), QString()}});
        QCOMPARE(model.index(0).data().toString().size(), 1 << 20);
        QCOMPARE(model.index(1).data().toString(), QString::fromUtf8("\xff\xfe") + "text");
        QCOMPARE(model.index(2).data().toString(), QString());
    }
};

QTEST_GUILESS_MAIN(TestLogModel)
#include "tst_logmodel.moc"
