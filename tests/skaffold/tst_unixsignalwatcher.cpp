#include "system/unixsignalwatcher.h"

#include <QSignalSpy>
#include <QTest>

#include <csignal>

class TestUnixSignalWatcher : public QObject
{
    Q_OBJECT

private slots:
    void deliversSignalsOnTheEventLoop()
    {
        UnixSignalWatcher watcher;
        QVERIFY(watcher.isValid());
        QSignalSpy spy(&watcher, &UnixSignalWatcher::signalReceived);
        ::raise(SIGHUP);
        ::raise(SIGTERM);
        QTRY_COMPARE(spy.size(), 2);
        QCOMPARE(spy.at(0).at(0).toInt(), SIGHUP);
        QCOMPARE(spy.at(1).at(0).toInt(), SIGTERM);
    }

    void onlyOneWatcherAndHandlersRestored()
    {
        {
            UnixSignalWatcher first({ SIGUSR1 });
            UnixSignalWatcher second({ SIGUSR1 });
            QVERIFY(first.isValid());
            QVERIFY(!second.isValid());
        }
        // The default disposition is back: SIGUSR1 ignored here so raising it is harmless.
        struct sigaction current = {};
        ::sigaction(SIGUSR1, nullptr, &current);
        QVERIFY(current.sa_handler == SIG_DFL);
        UnixSignalWatcher again({ SIGUSR1 });
        QVERIFY(again.isValid());
    }
};

QTEST_GUILESS_MAIN(TestUnixSignalWatcher)
#include "tst_unixsignalwatcher.moc"
