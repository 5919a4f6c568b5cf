// ConnectionBar: the lights say what is wrong and count down to the next retry, once per
// second while a retry is ahead and not at all once none is.
#include "connectionbar.h"

#include <QTest>

class TestConnectionBar : public QObject
{
    Q_OBJECT

    static ConnectionStatus retrying(qint64 inMs, const QString &error = "https://10.0.0.1:6443: 503 Service Unavailable")
    {
        ConnectionStatus status;
        status.health = ConnectionStatus::Health::Degraded;
        status.endpoint = "https://10.0.0.1:6443";
        status.summary = "retrying in 9 s"; // stale on purpose: the bar counts from nextRetry
        status.error = error;
        status.nextRetry = QDateTime::currentDateTimeUtc().addMSecs(inMs);
        return status;
    }

private slots:
    void settledLightsDoNotWakeUp()
    {
        ConnectionBar bar;
        QVERIFY(!bar.isCountingDown());
        ConnectionStatus ok;
        ok.health = ConnectionStatus::Health::Ok;
        ok.summary = "synced";
        ok.endpoint = "https://10.0.0.1:6443";
        bar.setStatus(ConnectionBar::Light::Cluster, ok);
        QVERIFY(!bar.isCountingDown());
        QCOMPARE(bar.lightText(ConnectionBar::Light::Cluster), QString("Cluster: synced"));
        QVERIFY(bar.lightToolTip(ConnectionBar::Light::Cluster).contains("https://10.0.0.1:6443"));
    }

    void tooltipSaysErrorAndNextRetry()
    {
        ConnectionBar bar;
        bar.setStatus(ConnectionBar::Light::Prometheus, retrying(4400));
        QCOMPARE(bar.lightText(ConnectionBar::Light::Prometheus), QString("Prometheus: retrying in 5 s"));
        const QString tip = bar.lightToolTip(ConnectionBar::Light::Prometheus);
        QVERIFY2(tip.contains("https://10.0.0.1:6443: 503 Service Unavailable; retrying in 5 s"), qPrintable(tip));
        QVERIFY(bar.isCountingDown());
        // The other lights are untouched.
        QCOMPARE(bar.lightText(ConnectionBar::Light::Cluster), QString("Cluster"));
    }

    void errorTextIsEscaped()
    {
        ConnectionBar bar;
        bar.setStatus(ConnectionBar::Light::Cluster, retrying(2000, "<b>bold</b> & co"));
        const QString tip = bar.lightToolTip(ConnectionBar::Light::Cluster);
        QVERIFY2(tip.contains("&lt;b&gt;bold&lt;/b&gt; &amp; co"), qPrintable(tip));
    }

    void countsDownOncePerSecondThenStops()
    {
        ConnectionBar bar;
        bar.setStatus(ConnectionBar::Light::Cluster, retrying(2500));
        QCOMPARE(bar.lightText(ConnectionBar::Light::Cluster), QString("Cluster: retrying in 3 s"));
        QTRY_COMPARE_WITH_TIMEOUT(bar.lightText(ConnectionBar::Light::Cluster), QString("Cluster: retrying in 2 s"), 2000);
        QTRY_COMPARE_WITH_TIMEOUT(bar.lightText(ConnectionBar::Light::Cluster), QString("Cluster: retrying in 1 s"), 2000);
        QTRY_COMPARE_WITH_TIMEOUT(bar.lightText(ConnectionBar::Light::Cluster), QString("Cluster: retrying now"), 2000);
        QVERIFY(bar.lightToolTip(ConnectionBar::Light::Cluster).contains("; retrying now"));
        // Due: nothing left to count, so no more wake-ups until the next status.
        QVERIFY(!bar.isCountingDown());
    }

    void wakesOnlyAtSecondBoundaries()
    {
        ConnectionBar bar;
        bar.setStatus(ConnectionBar::Light::Alertmanager, retrying(10000));
        QVERIFY(bar.isCountingDown());
        // Count the text's changes over ~2.3 s: at most one per second (and at least one).
        QStringList seen{bar.lightText(ConnectionBar::Light::Alertmanager)};
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 2300) {
            QTest::qWait(20);
            const QString text = bar.lightText(ConnectionBar::Light::Alertmanager);
            if (text != seen.constLast())
                seen << text;
        }
        QVERIFY2(seen.size() >= 3 && seen.size() <= 4, qPrintable(seen.join(" | ")));
    }

    void newStatusWithoutRetryStopsTheCountdown()
    {
        ConnectionBar bar;
        bar.setStatus(ConnectionBar::Light::Cluster, retrying(30000));
        QVERIFY(bar.isCountingDown());
        ConnectionStatus failed;
        failed.health = ConnectionStatus::Health::Failed;
        failed.summary = "kubeconfig not usable";
        failed.error = "/home/u/.kube/config: line 3: bad indentation";
        bar.setStatus(ConnectionBar::Light::Cluster, failed);
        QVERIFY(!bar.isCountingDown());
        QCOMPARE(bar.lightText(ConnectionBar::Light::Cluster), QString("Cluster: kubeconfig not usable"));
        const QString tip = bar.lightToolTip(ConnectionBar::Light::Cluster);
        QVERIFY(tip.contains("line 3: bad indentation"));
        QVERIFY(tip.contains("kubeconfig not usable"));
    }

    void nearestRetryOfSeveralLightsDrivesTheTimer()
    {
        ConnectionBar bar;
        bar.setStatus(ConnectionBar::Light::Cluster, retrying(60000));
        bar.setStatus(ConnectionBar::Light::Prometheus, retrying(1200));
        QTRY_COMPARE_WITH_TIMEOUT(bar.lightText(ConnectionBar::Light::Prometheus), QString("Prometheus: retrying now"), 3000);
        // Prometheus is due; the cluster light still counts, so the timer stays armed.
        QVERIFY(bar.isCountingDown());
        QVERIFY(bar.lightText(ConnectionBar::Light::Cluster).startsWith("Cluster: retrying in 5"));
    }
};

QTEST_MAIN(TestConnectionBar)
#include "tst_connectionbar.moc"
