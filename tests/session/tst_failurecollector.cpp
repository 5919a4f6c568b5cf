#include "session/failurecollector.h"

#include <QFile>
#include <QTest>

class TestFailureCollector : public QObject
{
    Q_OBJECT

    static QByteArray sample(const char *name)
    {
        QFile file(QString(KASSERT_TESTS_DIR "/data/logs/") + name);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private slots:
    void colouredLogGivesTitlesAndSpecLines()
    {
        const QList<FailureRef> failures = FailureCollector::failuresFromLog(sample("failing-colour.log"));
        QCOMPARE(failures.size(), 2);
        QCOMPARE(failures.at(0).title, QString("checkout › payment › charges the card"));
        QVERIFY2(failures.at(0).file.endsWith("specs/checkout.spec.js"), qPrintable(failures.at(0).file));
        QCOMPARE(failures.at(0).line, 12);
    }

    void theLastPassWithFailuresCounts()
    {
        // Two passes with different failures: the later one is what fails now.
        const QList<FailureRef> failures = FailureCollector::failuresFromLog(sample("iterations-plain.log"));
        QCOMPARE(failures.size(), 1);
        QCOMPARE(failures.at(0).title, QString("health › answers /healthz"));
    }

    void passingOrGarbageLogsGiveNothing()
    {
        QVERIFY(FailureCollector::failuresFromLog(sample("passing-plain.log")).isEmpty());
        QVERIFY(FailureCollector::failuresFromLog(QByteArray("\xff\xfe\x00 not jest\n", 14)).isEmpty());
        QVERIFY(FailureCollector::failuresFromLog(QByteArray()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFailureCollector)
#include "tst_failurecollector.moc"
