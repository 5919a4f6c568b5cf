#include "endpointsdialog.h"

#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

class TestEndpointsDialog : public QObject
{
    Q_OBJECT

private slots:
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
