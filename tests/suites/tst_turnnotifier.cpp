#include "suites/turnnotifier.h"

#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

class TestTurnNotifier : public QObject
{
    Q_OBJECT

    std::unique_ptr<TurnNotifier> m_notifier;

private slots:
    void init()
    {
        m_notifier = std::make_unique<TurnNotifier>();
        m_notifier->setSettleInterval(50ms);
    }

    void oneFailureOneMessage()
    {
        QSignalSpy spy(m_notifier.get(), &TurnNotifier::notify);
        m_notifier->suiteTurned({"shop", "checkout"}, RunState::Passed, RunState::Failed, "2 failing of 8");
        QVERIFY(spy.wait(2000));
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), "A test suite is failing");
        QCOMPARE(spy.at(0).at(1).toString(), "shop/checkout: 2 failing of 8");
        QCOMPARE(spy.at(0).at(2).toBool(), true);
        QTest::qWait(120);
        QCOMPARE(spy.size(), 1);
    }

    void severalSuitesCoalesce()
    {
        QSignalSpy spy(m_notifier.get(), &TurnNotifier::notify);
        m_notifier->suiteTurned({"shop", "a"}, RunState::Passed, RunState::Failed, "1 failing of 3");
        m_notifier->suiteTurned({"shop", "b"}, RunState::Passed, RunState::Error, "CrashLoopBackOff, 2 restarts");
        m_notifier->suiteTurned({"shop", "c"}, RunState::Failed, RunState::Passed, "3 passed");
        QVERIFY(spy.wait(2000));
        QTRY_COMPARE(spy.size(), 2);
        QCOMPARE(spy.at(0).at(0).toString(), "2 test suites are failing");
        QCOMPARE(spy.at(0).at(1).toString(), "shop/a: 1 failing of 3\nshop/b: CrashLoopBackOff, 2 restarts");
        QCOMPARE(spy.at(1).at(0).toString(), "A test suite passes again");
        QCOMPARE(spy.at(1).at(2).toBool(), false);
    }

    void flapWithinWindowIsSilent()
    {
        QSignalSpy spy(m_notifier.get(), &TurnNotifier::notify);
        m_notifier->suiteTurned({"shop", "a"}, RunState::Passed, RunState::Failed, "1 failing of 3");
        m_notifier->suiteTurned({"shop", "a"}, RunState::Failed, RunState::Passed, "3 passed");
        QTest::qWait(150);
        QCOMPARE(spy.size(), 0);
    }

    void mutedSaysNothing()
    {
        QSignalSpy spy(m_notifier.get(), &TurnNotifier::notify);
        m_notifier->suiteTurned({"shop", "a"}, RunState::Passed, RunState::Failed, "1 failing of 3");
        m_notifier->setMuted(true);
        m_notifier->suiteTurned({"shop", "b"}, RunState::Passed, RunState::Failed, "1 failing of 3");
        QTest::qWait(150);
        QCOMPARE(spy.size(), 0);
        m_notifier->setMuted(false);
        m_notifier->suiteTurned({"shop", "b"}, RunState::Passed, RunState::Failed, "1 failing of 3");
        QVERIFY(spy.wait(2000));
    }
};

QTEST_GUILESS_MAIN(TestTurnNotifier)
#include "tst_turnnotifier.moc"
