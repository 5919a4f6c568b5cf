// How LogModel takes a long, busy Jest log: N coloured Jest-like lines with timestamps
// (a failing iteration every 500 lines), appended in batches as LogStream delivers
// them, under the default memory budget (so the tail of the run spills to disk).
// Prints wall time, the slowest batch (what one event-loop turn costs), peak RSS, and
// the time to search the whole log (in slices, with the slowest slice).
//
//   bench_logmodel [lines=1000000] [batch=1000] [budgetMiB=LogBuffer's default, 16]
#include "logmodel.h"
#include "logsearch.h"
#include "logs/logtimestamp.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTimeZone>

#include <sys/resource.h>

#include <cstdio>

namespace {

long peakRssKiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// One line of a Jest run, cycling through what a real failing run prints.
QString jestLine(qint64 i)
{
    static const QString E = QStringLiteral("\x1b[");
    switch (i % 500) {
    case 0:
        return E + "0m" + E + "7m" + E + "1m" + E + "31m FAIL " + E + "39m" + E + "22m" + E + "27m" + E + "0m " + E
            + "2mspecs/" + E + "22m" + E + "1mcheckout.spec.js" + E + "22m";
    case 1:
        return E + "1m" + E + "31m  " + E + "1m\u25cf " + E + "22m" + E + "1mcheckout \u203a charges the card " + E
            + "39m" + E + "22m";
    case 3:
        return "    " + E + "2mexpect(" + E + "22m" + E + "31mreceived" + E + "39m" + E + "2m).toBe(" + E + "22m" + E
            + "32mexpected" + E + "39m" + E + "2m)" + E + "22m";
    case 5:
        return "    Expected: " + E + "32m200" + E + "39m";
    case 6:
        return "    Received: " + E + "31m500" + E + "39m";
    case 8:
        return "      " + E + "2mat Object.toBe (" + E + "22mspecs/checkout.spec.js" + E + "2m:12:24)" + E + "22m";
    case 495:
        return E + "1mTest Suites: " + E + "22m" + E + "1m" + E + "31m1 failed" + E + "39m" + E + "22m, 1 total";
    case 496:
        return E + "1mTests:       " + E + "22m" + E + "1m" + E + "31m1 failed" + E + "39m" + E + "22m, "
            + E + "1m" + E + "32m9 passed" + E + "39m" + E + "22m, 10 total";
    case 499:
        return E + "2mRan all test suites" + E + "22m" + E + "2m." + E + "22m";
    default:
        return QStringLiteral("  console.log: request %1 took %2 ms from checkout to payments").arg(i).arg(i % 97);
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qint64 lineCount = args.size() > 1 ? args[1].toLongLong() : 1000000;
    const int batchSize = args.size() > 2 ? args[2].toInt() : 1000;
    const qint64 budgetMiB = args.size() > 3 ? args[3].toLongLong() : LogBuffer::DefaultMemoryBudget / (1024 * 1024);
    if (lineCount <= 0 || batchSize <= 0 || budgetMiB <= 0) {
        std::fprintf(stderr, "usage: bench_logmodel [lines] [batch] [budgetMiB]\n");
        return 2;
    }

    LogModel model;
    model.setMemoryBudget(budgetMiB * 1024 * 1024);
    const QDateTime start(QDate(2024, 5, 1), QTime(10, 0), QTimeZone::UTC);

    QElapsedTimer total;
    total.start();
    qint64 slowestBatchUs = 0;
    qint64 generateUs = 0;
    for (qint64 i = 0; i < lineCount; i += batchSize) {
        QElapsedTimer gen;
        gen.start();
        QList<LogLine> batch;
        batch.reserve(batchSize);
        for (qint64 j = i; j < std::min(lineCount, i + batchSize); ++j) {
            // As LogStream hands them over: the stamp split from the raw line.
            const QString raw = LogTimestamp::format(start.addMSecs(j)) + u' ' + jestLine(j);
            batch.append(LogTimestamp::split(raw));
        }
        generateUs += gen.nsecsElapsed() / 1000;
        QElapsedTimer append;
        append.start();
        model.appendLines(batch);
        slowestBatchUs = std::max(slowestBatchUs, append.nsecsElapsed() / 1000);
    }
    const qint64 appendMs = total.elapsed() - generateUs / 1000;

    QElapsedTimer searchTimer;
    searchTimer.start();
    LogSearch search;
    search.setModel(&model);
    search.setPattern(QStringLiteral("Received"), false, true);
    qint64 slowestSliceUs = 0;
    while (search.isScanning()) {
        QElapsedTimer slice;
        slice.start();
        QCoreApplication::processEvents(); // one slice per turn of the loop
        slowestSliceUs = std::max(slowestSliceUs, slice.nsecsElapsed() / 1000);
    }
    const qint64 searchMs = searchTimer.elapsed();

    std::printf("lines                   %lld in batches of %d\n", static_cast<long long>(model.rowCount()), batchSize);
    std::printf("append                  %lld ms (%.2f us/line; generating the input took %lld ms more)\n",
                static_cast<long long>(appendMs), 1000.0 * double(appendMs) / double(lineCount),
                static_cast<long long>(generateUs / 1000));
    std::printf("slowest batch           %.1f ms\n", double(slowestBatchUs) / 1000.0);
    std::printf("iterations / failures   %lld / %lld (latest)\n", static_cast<long long>(model.iterations().size()),
                static_cast<long long>(model.failures().size()));
    std::printf("search all lines        %lld ms, %lld matches, slowest slice %.1f ms\n",
                static_cast<long long>(searchMs), static_cast<long long>(search.matches().size()),
                double(slowestSliceUs) / 1000.0);
    std::printf("peak RSS                %ld MiB (memory budget %lld MiB)\n", peakRssKiB() / 1024,
                static_cast<long long>(budgetMiB));
    if (!model.spillError().isEmpty())
        std::printf("spill error             %s\n", qPrintable(model.spillError()));
    return 0;
}
