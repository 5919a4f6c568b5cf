#include "historychart.h"

#include <QTest>

namespace {

SuiteHistory historyFrom(const QDateTime &first, const QDateTime &end)
{
    SuiteHistory history;
    history.tests = {{first, 5}, {end, 5}};
    history.failing = {{first.addSecs(30), 1}, {end, 0}};
    return history;
}

} // namespace

class TestHistoryChart : public QObject
{
    Q_OBJECT

    const QDateTime m_end = QDateTime(QDate(2026, 11, 26), QTime(18, 0), QTimeZone::UTC);

private slots:
    void axisStart_data()
    {
        QTest::addColumn<int>("range");
        QTest::addColumn<int>("ageSeconds"); // of the first sample; -1: no samples
        QTest::addColumn<int>("expectedSpan");

        QTest::newRow("no samples: the whole range") << 3600 << -1 << 3600;
        QTest::newRow("older than the range") << 3600 << 7200 << 3600;
        QTest::newRow("as old as the range") << 3600 << 3600 << 3600;
        QTest::newRow("half an hour old, with a tenth as margin") << 3600 << 1800 << 1980;
        QTest::newRow("two minutes old: five minutes at least") << 3600 << 120 << 300;
        QTest::newRow("margin capped by the range") << 3600 << 3500 << 3600;
        QTest::newRow("three hours in a day") << 86400 << 3 * 3600 << 11880;
    }

    void axisStart()
    {
        QFETCH(int, range);
        QFETCH(int, ageSeconds);
        QFETCH(int, expectedSpan);
        const SuiteHistory history = ageSeconds < 0 ? SuiteHistory() : historyFrom(m_end.addSecs(-ageSeconds), m_end);
        QCOMPARE(HistoryChart::axisStart(history, m_end, range), m_end.addSecs(-expectedSpan));
    }

    // The earliest of both series counts, whichever holds it.
    void earliestOfEitherSeries()
    {
        SuiteHistory history;
        history.tests = {{m_end.addSecs(-600), 4}};
        history.failing = {{m_end.addSecs(-1200), 1}};
        QCOMPARE(HistoryChart::axisStart(history, m_end, 3600), m_end.addSecs(-1320));
    }
};

QTEST_MAIN(TestHistoryChart)
#include "tst_historychart.moc"
