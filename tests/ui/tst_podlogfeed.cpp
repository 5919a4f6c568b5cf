// PodLogFeed against the test API server's bench pods (benchlogs.py): the tail of a big
// log and a flooding pod arrive complete and in order although bursts go into the model
// a slice per event-loop turn; stopping drops what was still waiting.

#include "testapiserver.h"

#include "kube/kubeclient.h"
#include "kube/kubecontexts.h"
#include "logmodel.h"
#include "podlogfeed.h"

#include <QSignalSpy>
#include <QTest>

class TestPodLogFeed : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    std::unique_ptr<KubeContexts> m_contexts;
    std::unique_ptr<KubeClient> m_client;

    static QString consoleLine(int i)
    {
        return QStringLiteral("  console.log: request %1 took %2 ms from checkout to payments").arg(i).arg(i % 97);
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        m_contexts = std::make_unique<KubeContexts>(KubeconfigLoader::defaultOptions(m_server.kubeconfigPath()));
        QVERIFY2(m_contexts->start(), qPrintable(m_contexts->lastError()));
        m_client = std::make_unique<KubeClient>(*m_contexts->access());
    }

    // The tail of a log that has ended: exactly the last TailLines lines, in order.
    void tailOfABigLogArrivesWhole()
    {
        const int lines = 3 * PodLogFeed::TailLines;
        QString error;
        m_server.control("bench-log-pod", {{"name", "tail"}, {"lines", lines}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server.control("bench-log-state", {{"pod", "tail"}}).value("ready").toBool(), 60000);

        LogModel model;
        PodLogFeed feed(&model);
        QSignalSpy status(&feed, &PodLogFeed::statusChanged);
        feed.setClient(m_client.get());
        feed.show("bench", "tail", "bench");
        QTRY_VERIFY_WITH_TIMEOUT(!status.isEmpty() && status.last().at(0).toString().endsWith("log ended"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(feed.pendingLineCount(), 0, 10000);
        QCOMPARE(model.rowCount(), PodLogFeed::TailLines);
        const int first = lines - PodLogFeed::TailLines; // a multiple of 500: a FAIL header
        QVERIFY2(model.lineText(0).contains("FAIL"), qPrintable(model.lineText(0)));
        for (int row = 2; row < model.rowCount(); row += 997) {
            const int i = first + row;
            if (i % 500 > 9 && i % 500 < 495)
                QCOMPARE(model.lineText(row), consoleLine(i));
        }
        QCOMPARE(model.lineText(model.rowCount() - 2), consoleLine(lines - 2));
    }

    // A pod writing 20,000 lines/s: every line arrives once, in order.
    void floodArrivesInOrder()
    {
        const int lines = 40000;
        QString error;
        m_server.control("bench-flood-pod", {{"name", "flood"}, {"rate", 20000}, {"lines", lines}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        LogModel model;
        PodLogFeed feed(&model);
        feed.setClient(m_client.get());
        feed.show("bench", "flood", "bench");
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), lines, 60000);
        QCOMPARE(feed.pendingLineCount(), 0);
        for (int row = 0; row < lines; row += 499) {
            if (row % 500 > 9 && row % 500 < 495)
                QCOMPARE(model.lineText(row), consoleLine(row));
        }
        QTest::qWait(300); // nothing more comes
        QCOMPARE(model.rowCount(), lines);
    }

    // Lines still waiting when the user looks elsewhere never reach the model.
    void stopDropsWhatWaits()
    {
        QString error;
        m_server.control("bench-flood-pod", {{"name", "flood2"}, {"rate", 200000}, {"lines", 200000}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        LogModel model;
        PodLogFeed feed(&model);
        feed.setClient(m_client.get());
        feed.show("bench", "flood2", "bench");
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() > 0, 30000);
        feed.stop();
        QCOMPARE(feed.pendingLineCount(), 0);
        const int rows = model.rowCount();
        QTest::qWait(200);
        QCOMPARE(model.rowCount(), rows);
    }
};

QTEST_MAIN(TestPodLogFeed)
#include "tst_podlogfeed.moc"
