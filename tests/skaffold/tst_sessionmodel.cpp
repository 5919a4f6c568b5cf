#include "sessionmodel.h"
#include "skaffold/skaffoldsession.h"
#include "skaffold/skaffoldsessions.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

namespace {
const QString StandIn = QStringLiteral(KASSERT_TESTS_DIR "/fixtures/skaffold/skaffold");
const QString ValidSpec = QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/valid");
const QString ProfilesSpec = QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/profiles");
} // namespace

class TestSessionModel : public QObject
{
    Q_OBJECT

private slots:
    void followsSessions()
    {
        SkaffoldSessions sessions;
        sessions.setProgram(StandIn);
        SessionModel model(&sessions);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);

        SkaffoldLaunch dev;
        dev.specDir = ValidSpec;
        SkaffoldSession *first = sessions.start(dev);
        SkaffoldLaunch run;
        run.mode = SkaffoldMode::Run;
        run.specDir = ProfilesSpec;
        run.profile = "ci";
        SkaffoldSession *second = sessions.start(run);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.sessionAt(0), first);
        QCOMPARE(model.rowOf(second), 1);

        const QModelIndex row0 = model.index(0);
        QCOMPARE(row0.data(SessionModel::SpecDirRole).toString(), ValidSpec);
        QCOMPARE(row0.data(SessionModel::ModeRole).toString(), QString("dev"));
        QVERIFY(row0.data(SessionModel::CommandRole).toString().startsWith("skaffold dev -f " + ValidSpec));
        QCOMPARE(row0.data(SessionModel::SessionRole).value<SkaffoldSession *>(), first);
        QVERIFY(
            model.index(1).data(Qt::DisplayRole).toString().startsWith("profiles · skaffold run -p ci · "));

        // Phase and run id arrive through dataChanged for the session's row only.
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        QTRY_VERIFY_WITH_TIMEOUT(!row0.data(SessionModel::RunIdRole).toString().isEmpty(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(
            row0.data(SessionModel::PhaseRole).toString(), QString("Watching for changes"), 15000);
        QVERIFY(changes.size() > 0);
        for (const auto &change : changes) {
            const QModelIndex topLeft = change.at(0).toModelIndex();
            QCOMPARE(topLeft, change.at(1).toModelIndex());
        }
        QVERIFY(row0.data(SessionModel::IsLiveRole).toBool());

        // `run` finishes by itself.
        const QModelIndex row1 = model.index(1);
        QTRY_COMPARE_WITH_TIMEOUT(
            row1.data(SessionModel::ExitRole).toInt(), int(SkaffoldSession::Exit::Completed), 15000);
        QCOMPARE(row1.data(SessionModel::ExitCodeRole).toInt(), 0);
        QVERIFY(!row1.data(SessionModel::IsLiveRole).toBool());

        QSignalSpy allStopped(&sessions, &SkaffoldSessions::allStopped);
        sessions.stopAll();
        QVERIFY(allStopped.wait(15000));
        QCOMPARE(row0.data(SessionModel::PhaseRole).toString(), QString("Stopped"));
        QCOMPARE(row0.data(SessionModel::StateRole).toInt(), int(SkaffoldSession::State::Finished));

        sessions.remove(first);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.sessionAt(0), second);
        QVERIFY(!model.sessionAt(1));
    }
};

QTEST_GUILESS_MAIN(TestSessionModel)
#include "tst_sessionmodel.moc"
