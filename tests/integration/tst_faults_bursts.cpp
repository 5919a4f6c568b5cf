// Fault matrix, API server: 5xx and 429 bursts while the watch must be made again.
// After each fault the tracker must agree with the server's own state (suites, live pods,
// run ids, states, metrics); during it no suite may be Passed on missing data, and a
// light that is not green says what is wrong and when it retries.
#include "faultcluster.h"
#include "suites/suitetracker.h"

#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

class TestFaultsBursts : public FaultTestBase
{
    Q_OBJECT

    static QString describe(const QList<ConnectionStatus> &statuses)
    {
        QStringList lines;
        for (const ConnectionStatus &s : statuses)
            lines << QString("%1 | %2 | %3").arg(int(s.health)).arg(s.summary, s.error);
        return lines.join("\n");
    }

private slots:
    void initTestCase()
    {
        startAll(true, "steady");
        if (QTest::currentTestResolved())
            return;
        QCOMPARE(m_session->status(ClusterSession::Link::Prometheus).health, ConnectionStatus::Health::Ok);
    }

    void cleanup() { endFault(); }

    void cleanupTestCase() { stopAll(); }

    void errorBursts_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("retryAfter");
        QTest::newRow("503") << 503 << 0;
        QTest::newRow("500") << 500 << 0;
        QTest::newRow("429 Retry-After 3") << 429 << 3;
    }

    void errorBursts()
    {
        QFETCH(int, status);
        QFETCH(int, retryAfter);
        m_watch->begin(QString("burst %1").arg(status));
        // Every API request fails for 4 s, and the watch must be made again meanwhile.
        QVERIFY(control("faults", {{"status", status}, {"seconds", 4}, {"retryAfter", retryAfter}}));
        QVERIFY(control("drop-streams"));
        // The cluster light says it: the server's status and when the next try is.
        const QString code = QString::number(status);
        auto retrying = [this, &code]() -> std::optional<ConnectionStatus> {
            for (const ConnectionStatus &seen : m_watch->statuses(ClusterSession::Link::Cluster)) {
                if (seen.error.contains(code) && seen.nextRetry.isValid())
                    return seen;
            }
            return std::nullopt;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(retrying().has_value(), qPrintable(describe(m_watch->statuses(ClusterSession::Link::Cluster))), 15000);
        QVERIFY2(retrying()->summary.startsWith("retrying in"), qPrintable(retrying()->summary));
        // The watch had been working: its drop is retried within a second or so, however
        // many faults came before (the backoff starts over).
        const qint64 firstDelay = m_watch->firstRetryDelayMs(ClusterSession::Link::Cluster);
        QVERIFY2(firstDelay >= 0 && firstDelay <= 1300, qPrintable(QString::number(firstDelay)));
        if (retryAfter > 0) {
            // The server's Retry-After is honoured: the next try is no sooner.
            const qint64 wait = QDateTime::currentDateTimeUtc().msecsTo(retrying()->nextRetry);
            QVERIFY2(wait > (retryAfter - 2) * 1000, qPrintable(QString::number(wait)));
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Cluster).health,
                                  ConnectionStatus::Health::Ok, 40000);
        QVERIFY(turnSteady("failing"));
        QVERIFY(turnSteady("passing"));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Prometheus).health,
                                  ConnectionStatus::Health::Ok, 30000);
    }
};

QTEST_GUILESS_MAIN(TestFaultsBursts)
#include "tst_faults_bursts.moc"
