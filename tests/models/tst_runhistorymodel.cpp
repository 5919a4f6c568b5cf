#include "../suites/testpods.h"
#include "runhistorymodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using TestPods::epoch;

class TestRunHistoryModel : public QObject
{
    Q_OBJECT

private slots:
    void iterationsOfAllRunsNewestFirst()
    {
        RunHistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

        Suite suite;
        suite.key = {"shop", "checkout"};
        Run old;
        old.pod = TestPods::running("shop", "checkout", "old22");
        old.ended = true;
        old.iterations = {{1, epoch.addSecs(-300), RunState::Passed, 0, 8}, {2, epoch.addSecs(-200), RunState::Failed, 1, 8}};
        Run current;
        current.pod = TestPods::running("shop", "checkout", "new22");
        current.iterations = {{1, epoch.addSecs(-100), RunState::Passed, 0, 8}};
        suite.runs = {current, old};

        model.setSuite(&suite);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, RunHistoryModel::RunIdColumn).data().toString(), "run-new2");
        QCOMPARE(model.index(1, RunHistoryModel::ResultColumn).data().toString(), "Failed");
        QCOMPARE(model.index(1, RunHistoryModel::TestsColumn).data().toString(), "1 / 8");
        QCOMPARE(model.index(1, RunHistoryModel::IterationColumn).data().toInt(), 2);
        QVERIFY(model.index(2, RunHistoryModel::PodColumn).data().toString().endsWith("(gone)"));
        QCOMPARE(model.index(1, 0).data(RunHistoryModel::StateRole).toInt(), int(RunState::Failed));

        model.setSuite(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestRunHistoryModel)
#include "tst_runhistorymodel.moc"
