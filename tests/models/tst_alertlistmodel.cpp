#include "alertlistmodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

class TestAlertListModel : public QObject
{
    Q_OBJECT

private slots:
    void showsAlerts()
    {
        AlertListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        SuiteAlert firing{"AssertionsFailed", "active", {{"namespace", "shop"}, {"pod", "p"}},
                          QDateTime::currentDateTimeUtc(), {{"summary", "2 assertions failing in shop/p"}}, {}};
        SuiteAlert silenced = firing;
        silenced.state = "suppressed";
        silenced.silencedBy = {"8f1c"};
        model.setAlerts({firing, silenced});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, AlertListModel::NameColumn).data().toString(), "AssertionsFailed");
        QCOMPARE(model.index(0, AlertListModel::StateColumn).data().toString(), "firing");
        QCOMPARE(model.index(1, AlertListModel::StateColumn).data().toString(), "silenced");
        QCOMPARE(model.index(0, AlertListModel::SummaryColumn).data().toString(), "2 assertions failing in shop/p");
        QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains("namespace=shop"));
        model.setAlerts({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestAlertListModel)
#include "tst_alertlistmodel.moc"
