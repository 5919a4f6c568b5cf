#include "session/periodicpoll.h"

#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

// A job whose answers the test gives by hand, so overlap and ordering are explicit.
struct ManualJob
{
    QList<PeriodicPoll::Finished> pending;
    int started = 0;
    PeriodicPoll::Job job()
    {
        return [this](PeriodicPoll::Finished finished) {
            ++started;
            pending << std::move(finished);
        };
    }
    void answer(const QString &error = {}) { pending.takeFirst()(error); }
};

class TestPeriodicPoll : public QObject
{
    Q_OBJECT

private slots:
    void pollsAtOnceThenEveryInterval()
    {
        ManualJob job;
        PeriodicPoll poll("http://prom", 20ms, job.job());
        poll.start();
        QCOMPARE(job.started, 1);
        QCOMPARE(poll.status().health, ConnectionStatus::Health::Connecting);
        job.answer();
        QCOMPARE(poll.status().health, ConnectionStatus::Health::Ok);
        QTRY_COMPARE(job.started, 2);
        job.answer();
        QTRY_COMPARE(job.started, 3);
    }

    void neverRunsTwoAtOnce()
    {
        ManualJob job;
        PeriodicPoll poll("http://prom", 5ms, job.job());
        poll.start();
        QTest::qWait(50); // many intervals pass while the first poll hangs
        QCOMPARE(job.started, 1);
        poll.pollNow();
        QCOMPARE(job.started, 1);
        job.answer();
        // pollNow during a poll asks for one more right after it, not for one per call.
        QTRY_COMPARE(job.started, 2);
    }

    void failureIsReportedWithRetryTime()
    {
        ManualJob job;
        PeriodicPoll poll("http://prom", 10ms, job.job());
        poll.setBackoff(RetryBackoff(200ms, 400ms));
        QSignalSpy polled(&poll, &PeriodicPoll::polled);
        poll.start();
        job.answer("http://prom: 503 Service Unavailable");
        QCOMPARE(polled.size(), 1);
        QCOMPARE(polled.first().first().toBool(), false);
        const ConnectionStatus status = poll.status();
        QCOMPARE(status.health, ConnectionStatus::Health::Failed);
        QCOMPARE(status.error, QString("http://prom: 503 Service Unavailable"));
        QVERIFY(status.summary.startsWith("retrying in"));
        QVERIFY(status.nextRetry.isValid());
        // Backoff, not the 10 ms interval: nothing within 100 ms.
        QTest::qWait(100);
        QCOMPARE(job.started, 1);
        QTRY_COMPARE(job.started, 2);
        job.answer();
        QCOMPARE(poll.status().health, ConnectionStatus::Health::Ok);
        QVERIFY(poll.status().error.isEmpty());
    }

    void answersAfterStopAreIgnored()
    {
        ManualJob job;
        PeriodicPoll poll("http://prom", 10ms, job.job());
        QSignalSpy polled(&poll, &PeriodicPoll::polled);
        poll.start();
        poll.stop();
        job.answer("late error");
        QCOMPARE(polled.size(), 0);
        QVERIFY(poll.status().error.isEmpty());
        QTest::qWait(40);
        QCOMPARE(job.started, 1);
    }

    void answerAfterDestructionIsHarmless()
    {
        ManualJob job;
        {
            PeriodicPoll poll("http://prom", 10ms, job.job());
            poll.start();
        }
        job.answer(); // must not touch the destroyed poll
        QCOMPARE(job.started, 1);
    }
};

QTEST_GUILESS_MAIN(TestPeriodicPoll)
#include "tst_periodicpoll.moc"
