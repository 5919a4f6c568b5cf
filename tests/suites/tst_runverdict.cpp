#include "suites/runverdict.h"
#include "testpods.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace std::chrono_literals;
using TestPods::epoch;

namespace {

AssertMetrics sample(double failed, double tests, double suitesTotal, int ageSeconds = 5)
{
    AssertMetrics m;
    m.assertionsFailed = failed;
    m.testsRun = tests;
    m.testSuitesRun = suitesTotal > 0 ? 3 : 0;
    m.testSuitesRunTotal = suitesTotal;
    m.sampledAt = epoch.addSecs(-ageSeconds);
    return m;
}

MetricsReading reading(std::optional<AssertMetrics> last, QString error = {})
{
    return {std::move(last), std::move(error)};
}

} // namespace

Q_DECLARE_METATYPE(MetricsReading)

class TestRunVerdict : public QObject
{
    Q_OBJECT

private slots:
    void states_data()
    {
        QTest::addColumn<PodInfo>("pod");
        QTest::addColumn<MetricsReading>("metrics");
        QTest::addColumn<RunState>("state");
        QTest::addColumn<QString>("reason");

        const PodInfo up = TestPods::running("shop", "checkout");
        const double nan = std::numeric_limits<double>::quiet_NaN();

        QTest::newRow("passed") << up << reading(sample(0, 8, 12)) << RunState::Passed << "8 passed";
        QTest::newRow("failed") << up << reading(sample(2, 8, 12)) << RunState::Failed << "2 failing of 8";
        QTest::newRow("failed without tests_run") << up << reading([] {
            AssertMetrics m = sample(3, 0, 12);
            m.testsRun.reset();
            return m;
        }()) << RunState::Failed << "3 failing";
        QTest::newRow("no tests") << up << reading(sample(0, 0, 12)) << RunState::NoTests << "no tests ran";
        QTest::newRow("first pass not done") << up << reading(sample(0, 0, 0)) << RunState::Running
                                             << "waiting for the first test run";
        QTest::newRow("no metrics yet") << up << reading(std::nullopt) << RunState::Running
                                        << "waiting for the first metrics";
        QTest::newRow("unreachable beats an old pass")
            << up << reading(sample(0, 8, 12), "503 from pod proxy") << RunState::Unknown
            << "metrics unreachable: 503 from pod proxy";
        QTest::newRow("stale pass") << up << reading(sample(0, 8, 12, 180)) << RunState::Stale
                                    << "last sample 3 min ago";
        QTest::newRow("stale failure") << up << reading(sample(1, 8, 12, 7200)) << RunState::Stale
                                       << "last sample 2 h ago";
        QTest::newRow("just fresh") << up << reading(sample(0, 8, 12, 120)) << RunState::Passed << "8 passed";
        QTest::newRow("NaN failures") << up << reading(sample(nan, 8, 12)) << RunState::Unknown
                                      << "the runtime reports a value that is not a number";
        QTest::newRow("+Inf tests") << up << reading(sample(0, std::numeric_limits<double>::infinity(), 12))
                                    << RunState::Unknown << "the runtime reports a value that is not a number";
        QTest::newRow("no assertions_failed") << up << reading([] {
            AssertMetrics m = sample(0, 8, 12);
            m.assertionsFailed.reset();
            return m;
        }()) << RunState::Unknown << "assertions_failed is not exported";
        QTest::newRow("no sample time") << up << reading([] {
            AssertMetrics m = sample(0, 8, 12);
            m.sampledAt = {};
            return m;
        }()) << RunState::Unknown << "metrics carry no sample time";

        PodInfo crashing = TestPods::waiting(up, "CrashLoopBackOff", "back-off 5m0s");
        crashing.containers[0].restartCount = 5;
        crashing.containers[0].lastState.kind = ContainerState::Kind::Terminated;
        crashing.containers[0].lastState.exitCode = 1;
        QTest::newRow("crash loop beats metrics") << crashing << reading(sample(0, 8, 12)) << RunState::Error
                                                  << "CrashLoopBackOff, 5 restarts, last exit 1";
        PodInfo pulling = TestPods::waiting(up, "ImagePullBackOff", "Back-off pulling image \"x:1\"");
        pulling.phase = "Pending";
        QTest::newRow("image pull") << pulling << reading(std::nullopt) << RunState::Pending
                                    << "ImagePullBackOff: Back-off pulling image \"x:1\"";
        QTest::newRow("invalid image name") << TestPods::waiting(up, "InvalidImageName", "bad ref")
                                            << reading(std::nullopt) << RunState::Error << "InvalidImageName: bad ref";
        PodInfo creating = TestPods::waiting(up, "ContainerCreating");
        creating.phase = "Pending";
        QTest::newRow("creating") << creating << reading(std::nullopt) << RunState::Pending << "ContainerCreating";
        PodInfo scheduling = up;
        scheduling.phase = "Pending";
        scheduling.containers[0].hasStatus = false;
        scheduling.containers[0].state = {};
        QTest::newRow("scheduling") << scheduling << reading(std::nullopt) << RunState::Pending
                                    << "pod not running yet";
        PodInfo exited = up;
        exited.phase = "Failed";
        exited.containers[0].state = {};
        exited.containers[0].state.kind = ContainerState::Kind::Terminated;
        exited.containers[0].state.exitCode = 137;
        QTest::newRow("pod failed") << exited << reading(sample(0, 8, 12)) << RunState::Error
                                    << "pod failed, container exited with code 137";
    }

    void states()
    {
        QFETCH(PodInfo, pod);
        QFETCH(MetricsReading, metrics);
        QFETCH(RunState, state);
        QFETCH(QString, reason);

        const RunVerdict verdict = decideRunState(pod, metrics, epoch, 120s);
        QCOMPARE(runStateName(verdict.state), runStateName(state));
        QCOMPARE(verdict.reason, reason);
    }

    // The promise: whatever the input, green only on fresh, reachable, 0-of->0 metrics.
    void neverGreenWithoutFreshPassingMetrics()
    {
        const PodInfo up = TestPods::running("shop", "checkout");
        for (double failed : {0.0, 1.0}) {
            for (double tests : {0.0, 5.0}) {
                for (int age : {0, 119, 121, 10000}) {
                    for (const QString &error : {QString(), QStringLiteral("timeout")}) {
                        const RunVerdict v = decideRunState(up, reading(sample(failed, tests, 3, age), error), epoch, 120s);
                        const bool mayPass = failed == 0 && tests > 0 && age <= 120 && error.isEmpty();
                        QVERIFY2(v.state != RunState::Passed || mayPass, qPrintable(v.reason));
                        QCOMPARE(v.state == RunState::Passed, mayPass);
                    }
                }
            }
        }
    }

    void ages_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("negative") << qint64(-5) << "0 s";
        QTest::newRow("seconds") << qint64(59) << "59 s";
        QTest::newRow("minutes") << qint64(61) << "1 min";
        QTest::newRow("hours") << qint64(7200) << "2 h";
        QTest::newRow("days") << qint64(3 * 86400 + 5) << "3 d";
    }

    void ages()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, text);
        QCOMPARE(formatAge(seconds), text);
    }
};

QTEST_GUILESS_MAIN(TestRunVerdict)
#include "tst_runverdict.moc"
