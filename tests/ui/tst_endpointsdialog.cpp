// The Endpoints dialog: what it accepts, where it keeps it, and "Test Connection" against
// a real Prometheus and Alertmanager, a refused port, and a URL that must not be probed.
#include "endpointsdialog.h"
#include "freeport.h"
#include "testalertmanager.h"
#include "testprometheus.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTcpServer>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

class TestEndpointsDialog : public QObject
{
    Q_OBJECT

    TestPrometheus m_prometheus;
    TestAlertmanager m_alertmanager;

    static void type(EndpointsDialog &dialog, const QString &prometheus, const QString &alertmanager)
    {
        auto fields = dialog.findChildren<QLineEdit *>();
        fields.at(0)->setText(prometheus);
        fields.at(1)->setText(alertmanager);
    }

private slots:
    void initTestCase()
    {
        QString error;
        if (m_alertmanager.isInstalled())
            QVERIFY2(m_alertmanager.start(&error), qPrintable(error));
        if (m_prometheus.isInstalled()) {
            m_prometheus.setAlertmanager(m_alertmanager.url());
            QVERIFY2(m_prometheus.start(&error), qPrintable(error));
        }
    }

    void testConnectionAgainstRealServers()
    {
        if (!m_prometheus.isInstalled() || !m_alertmanager.isInstalled())
            QSKIP("prometheus and alertmanager are not installed");
        EndpointsDialog dialog("kind-dev", QUrl(), QUrl());
        type(dialog, m_prometheus.url().toString(), m_alertmanager.url().toString());
        QSignalSpy finished(&dialog, &EndpointsDialog::testFinished);
        QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
        QVERIFY(dialog.isTesting());
        QCOMPARE(dialog.testButton()->text(), "Cancel &Test");
        QVERIFY(finished.wait(15000));
        QVERIFY(!dialog.isTesting());
        QVERIFY2(dialog.prometheusResult().startsWith("✓ Prometheus 2."), qPrintable(dialog.prometheusResult()));
        QVERIFY(dialog.prometheusResult().endsWith(", ready"));
        QVERIFY2(dialog.alertmanagerResult().startsWith("✓ Alertmanager 0."), qPrintable(dialog.alertmanagerResult()));
        QCOMPARE(dialog.testButton()->text(), "&Test Connection");
        // Testing neither closes the dialog nor changes what OK would save.
        QCOMPARE(dialog.prometheusUrl(), m_prometheus.url());
    }

    void refusedPortSaysSoPerUrl()
    {
        if (!m_alertmanager.isInstalled())
            QSKIP("alertmanager is not installed");
        const quint16 refused = freeLoopbackPort();
        EndpointsDialog dialog("kind-dev", QUrl(), QUrl());
        type(dialog, QString("http://127.0.0.1:%1").arg(refused), m_alertmanager.url().toString());
        QSignalSpy finished(&dialog, &EndpointsDialog::testFinished);
        dialog.testConnection();
        QVERIFY(finished.wait(15000));
        QVERIFY2(dialog.prometheusResult().startsWith("✗ "), qPrintable(dialog.prometheusResult()));
        QVERIFY2(dialog.prometheusResult().contains("refused", Qt::CaseInsensitive), qPrintable(dialog.prometheusResult()));
        QVERIFY2(dialog.prometheusResult().contains(QString::number(refused)), qPrintable(dialog.prometheusResult()));
        QVERIFY2(dialog.alertmanagerResult().startsWith("✓ Alertmanager"), qPrintable(dialog.alertmanagerResult()));
    }

    void answerThatIsNotPrometheus()
    {
        // Something answers, but not as Prometheus would: the exact HTTP error, per URL.
        if (!m_alertmanager.isInstalled())
            QSKIP("alertmanager is not installed");
        EndpointsDialog dialog("kind-dev", QUrl(), QUrl());
        type(dialog, m_alertmanager.url().toString() + "nothing-here", QString());
        QSignalSpy finished(&dialog, &EndpointsDialog::testFinished);
        dialog.testConnection();
        QVERIFY(finished.wait(15000));
        QVERIFY2(dialog.prometheusResult().startsWith("✗ "), qPrintable(dialog.prometheusResult()));
        QVERIFY2(dialog.prometheusResult().contains("404"), qPrintable(dialog.prometheusResult()));
        QVERIFY(dialog.alertmanagerResult().contains("not tested"));
    }

    void cancelStopsTheProbe()
    {
        // A server that accepts and never answers: the probe waits until cancelled.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        EndpointsDialog dialog("kind-dev", QUrl(), QUrl());
        dialog.setTestTimeout(std::chrono::minutes(5));
        type(dialog, QString("http://127.0.0.1:%1").arg(silent.serverPort()), QString());
        QSignalSpy finished(&dialog, &EndpointsDialog::testFinished);
        dialog.testConnection();
        QVERIFY(dialog.isTesting());
        QVERIFY(silent.waitForNewConnection(10000));
        QCOMPARE(dialog.prometheusResult(), "Testing…");
        QTest::mouseClick(dialog.testButton(), Qt::LeftButton); // now "Cancel Test"
        QVERIFY(!dialog.isTesting());
        QCOMPARE(dialog.prometheusResult(), "Test cancelled.");
        QTest::qWait(200);
        QCOMPARE(finished.size(), 0); // a cancelled probe never reports

        // Editing a URL cancels too.
        dialog.testConnection();
        QVERIFY(dialog.isTesting());
        QTest::keyClick(dialog.findChildren<QLineEdit *>().at(0), Qt::Key_Backspace);
        QVERIFY(!dialog.isTesting());
        QVERIFY(dialog.prometheusResult().isEmpty());
    }

    void credentialsAreNeverProbedNorShown()
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        EndpointsDialog dialog("kind-dev", QUrl(), QUrl());
        type(dialog, QString("http://admin:hunter2@127.0.0.1:%1").arg(listener.serverPort()), QString());
        QSignalSpy finished(&dialog, &EndpointsDialog::testFinished);
        dialog.testConnection();
        QCOMPARE(finished.size(), 1); // nothing to wait for
        QVERIFY(!listener.hasPendingConnections());
        QTest::qWait(100);
        QVERIFY(!listener.hasPendingConnections());
        for (QLabel *label : dialog.findChildren<QLabel *>()) {
            QVERIFY2(!label->text().contains("hunter2"), qPrintable(label->text()));
            QVERIFY(!label->toolTip().contains("hunter2"));
        }
        QVERIFY(dialog.prometheusResult().contains("not tested", Qt::CaseInsensitive));
    }

    void emptyMeansDiscovery()
    {
        EndpointsDialog dialog("kind-dev", QUrl(), QUrl());
        QVERIFY(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
        QVERIFY(dialog.prometheusUrl().isEmpty());
        QVERIFY(dialog.alertmanagerUrl().isEmpty());
    }

    void onlyHttpUrlsWithoutCredentials_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::newRow("port-forward") << "http://127.0.0.1:9090" << true;
        QTest::newRow("thanos") << "https://thanos.example.com/prefix/" << true;
        QTest::newRow("no scheme") << "localhost:9090" << true; // as a browser reads it
        QTest::newRow("ftp") << "ftp://example.com" << false;
        QTest::newRow("credentials") << "https://user:secret@example.com" << false;
        QTest::newRow("garbage") << "http://" << false;
    }
    void onlyHttpUrlsWithoutCredentials()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        EndpointsDialog dialog("kind-dev", QUrl(), QUrl());
        auto fields = dialog.findChildren<QLineEdit *>();
        QCOMPARE(fields.size(), 2);
        fields.first()->setText(text);
        QCOMPARE(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled(), ok);
        QCOMPARE(dialog.prometheusUrl().isEmpty(), !ok);
    }

    void settingsKeysSurviveOddContextNames()
    {
        const QString key = EndpointsDialog::settingsKey("arn:aws:eks:eu-1:123:cluster/prod", "prometheus");
        QCOMPARE(key.count('/'), 2); // endpoints/<encoded>/prometheus: no group from the name
        QVERIFY(key != EndpointsDialog::settingsKey("arn:aws:eks:eu-1:123:cluster/test", "prometheus"));
    }
};

QTEST_MAIN(TestEndpointsDialog)
#include "tst_endpointsdialog.moc"
