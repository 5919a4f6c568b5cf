#include "suites/suitetracker.h"
#include "testpods.h"

#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;
using TestPods::epoch;
using TestPods::ref;
using TestPods::sample;

class TestSuiteTracker : public QObject
{
    Q_OBJECT

    QDateTime m_now;
    std::unique_ptr<SuiteTracker> m_tracker;

    SuiteTracker &tracker() { return *m_tracker; }
    RunState stateOf(const QString &nameSpace, const QString &name)
    {
        const Suite *suite = m_tracker->suite({nameSpace, name});
        return suite ? suite->verdict.state : RunState::Unknown;
    }

private slots:
    void init()
    {
        m_now = epoch;
        m_tracker = std::make_unique<SuiteTracker>();
        m_tracker->setClock([this] { return m_now; });
        m_tracker->setStaleAfter(120s);
    }

    void podsBecomeSuitesAndRuns()
    {
        QSignalSpy added(&tracker(), &SuiteTracker::suiteAdded);
        const PodInfo checkout = TestPods::running("shop", "checkout");
        const PodInfo payments = TestPods::running("shop", "payments", "abcd2");
        tracker().replacePods({checkout, payments});
        QCOMPARE(added.size(), 2);
        QCOMPARE(tracker().keys().size(), 2);
        QCOMPARE(stateOf("shop", "checkout"), RunState::Running);

        // A second pod of the same Deployment is a second run; the newest is current.
        PodInfo newer = TestPods::running("shop", "checkout", "zzzz2", "7d9f8b6c5d", 10);
        tracker().upsertPod(newer);
        QCOMPARE(added.size(), 2);
        const Suite *suite = tracker().suite({"shop", "checkout"});
        QCOMPARE(suite->runs.size(), 2);
        QCOMPARE(suite->currentRun()->pod.name, newer.name);
    }

    void metricsDecideStateAndIterations()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod});
        QSignalSpy changed(&tracker(), &SuiteTracker::suiteChanged);

        tracker().applyPrometheusSnapshot({{ref(pod), sample(0, 8, 3, m_now.addSecs(-2))}});
        QCOMPARE(stateOf("shop", "checkout"), RunState::Passed);
        QCOMPARE(changed.size(), 1);

        m_now = m_now.addSecs(5);
        tracker().applyPrometheusSnapshot({{ref(pod), sample(2, 8, 6, m_now.addSecs(-1))}});
        QCOMPARE(stateOf("shop", "checkout"), RunState::Failed);
        QCOMPARE(tracker().suite({"shop", "checkout"})->verdict.reason, "2 failing of 8");

        // The same sample again is not a new iteration.
        tracker().applyPrometheusSnapshot({{ref(pod), sample(2, 8, 6, m_now.addSecs(-1))}});
        const Run *run = tracker().suite({"shop", "checkout"})->currentRun();
        QCOMPARE(run->iterations.size(), 2);
        QCOMPARE(run->iterations.at(0).result, RunState::Passed);
        QCOMPARE(run->iterations.at(1).result, RunState::Failed);
        QCOMPARE(run->iterations.at(1).number, 2);
        QCOMPARE(run->flakiness(), 1);
    }

    void directScrapeIsFresherThanPrometheus()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod});
        tracker().applyDirectMetrics("shop", pod.name, sample(1, 8, 9, m_now.addSecs(-1)));
        QCOMPARE(stateOf("shop", "checkout"), RunState::Failed);
        // An older Prometheus sample neither wins nor looks like a counter reset.
        tracker().applyPrometheusSnapshot({{ref(pod), sample(0, 8, 6, m_now.addSecs(-20))}});
        QCOMPARE(stateOf("shop", "checkout"), RunState::Failed);
        QCOMPARE(tracker().suite({"shop", "checkout"})->currentRun()->iterations.size(), 1);
    }

    void seriesGoneFromPrometheusIsNeverGreen()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod});
        tracker().applyPrometheusSnapshot({{ref(pod), sample(0, 8, 3, m_now)}});
        QCOMPARE(stateOf("shop", "checkout"), RunState::Passed);
        // Prometheus answers, but no longer has the pod's series (its scrapes fail): the
        // last pass is not confirmed any more.
        m_now = m_now.addSecs(5);
        tracker().applyPrometheusSnapshot({});
        QCOMPARE(stateOf("shop", "checkout"), RunState::Unknown);
        QCOMPARE(tracker().suite({"shop", "checkout"})->verdict.reason,
                 "metrics unreachable: Prometheus has no current sample for this pod");
        // The series coming back makes it green again.
        tracker().applyPrometheusSnapshot({{ref(pod), sample(0, 8, 3, m_now)}});
        QCOMPARE(stateOf("shop", "checkout"), RunState::Passed);
    }

    void largerRunCounterWinsBetweenCloseReadings()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod});
        // A direct scrape already holds the 10th pass; Prometheus' sample, stamped with its
        // scrape's start 50 ms later, still carries the 6th: the direct one is newer.
        tracker().applyDirectMetrics("shop", pod.name, sample(2, 8, 10, m_now));
        tracker().applyPrometheusSnapshot({{ref(pod), sample(0, 8, 6, m_now.addMSecs(50))}});
        const Run *run = tracker().suite({"shop", "checkout"})->currentRun();
        QCOMPARE(run->effectiveMetrics().last->testSuitesRunTotal.value_or(-1), 10.0);
        QCOMPARE(stateOf("shop", "checkout"), RunState::Failed);
        // Readings far apart in time: the later one wins, whatever its counter.
        m_now = m_now.addSecs(30);
        tracker().applyPrometheusSnapshot({{ref(pod), sample(0, 8, 12, m_now)}});
        run = tracker().suite({"shop", "checkout"})->currentRun();
        QCOMPARE(run->effectiveMetrics().last->testSuitesRunTotal.value_or(-1), 12.0);
        QCOMPARE(stateOf("shop", "checkout"), RunState::Passed);
    }

    void prometheusDownIsNeverGreen()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod});
        tracker().applyPrometheusSnapshot({{ref(pod), sample(0, 8, 3, m_now)}});
        QCOMPARE(stateOf("shop", "checkout"), RunState::Passed);
        tracker().applyPrometheusError("connection refused");
        QCOMPARE(stateOf("shop", "checkout"), RunState::Unknown);
        QCOMPARE(tracker().suite({"shop", "checkout"})->verdict.reason, "metrics unreachable: connection refused");
        // A working direct scrape still tells the truth while Prometheus is away.
        tracker().applyDirectMetrics("shop", pod.name, sample(0, 8, 3, m_now));
        QCOMPARE(stateOf("shop", "checkout"), RunState::Passed);
        tracker().applyDirectError("shop", pod.name, "503 from pod proxy");
        QCOMPARE(stateOf("shop", "checkout"), RunState::Unknown);
    }

    void timeMakesSamplesStale()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod});
        tracker().applyPrometheusSnapshot({{ref(pod), sample(0, 8, 3, m_now)}});
        QSignalSpy changed(&tracker(), &SuiteTracker::suiteChanged);
        m_now = m_now.addSecs(60);
        tracker().reevaluate();
        QCOMPARE(changed.size(), 0);
        m_now = m_now.addSecs(121);
        tracker().reevaluate();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(stateOf("shop", "checkout"), RunState::Stale);
    }

    void unscrapedPodIsNotRunningForever()
    {
        const PodInfo pod = TestPods::running("shop", "checkout", "x2k9p", "7d9f8b6c5d", 600);
        tracker().replacePods({pod});
        tracker().applyPrometheusSnapshot({});
        QCOMPARE(stateOf("shop", "checkout"), RunState::Unknown);
        QCOMPARE(tracker().suite({"shop", "checkout"})->verdict.reason,
                 "metrics unreachable: Prometheus has no series for this pod");

        const PodInfo young = TestPods::running("shop", "fresh", "b2c4d", "7d9f8b6c5d", 10);
        tracker().upsertPod(young);
        tracker().applyPrometheusSnapshot({});
        QCOMPARE(stateOf("shop", "fresh"), RunState::Running);
    }

    void turnsAreEmittedOnce()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod});
        QSignalSpy turned(&tracker(), &SuiteTracker::suiteTurned);
        double total = 3;
        auto poll = [&](double failed) {
            m_now = m_now.addSecs(5);
            total += 3;
            tracker().applyPrometheusSnapshot({{ref(pod), sample(failed, 8, total, m_now)}});
        };
        poll(0); // first knowledge is not a turn
        QCOMPARE(turned.size(), 0);
        poll(1);
        QCOMPARE(turned.size(), 1);
        QCOMPARE(turned.at(0).at(1).value<RunState>(), RunState::Passed);
        QCOMPARE(turned.at(0).at(2).value<RunState>(), RunState::Failed);
        poll(2); // still failing
        tracker().applyPrometheusError("timeout"); // unknown in between
        poll(3);
        QCOMPARE(turned.size(), 1);
        poll(0);
        QCOMPARE(turned.size(), 2);
        QCOMPARE(turned.at(1).at(2).value<RunState>(), RunState::Passed);
        tracker().applyPrometheusError("timeout");
        poll(0); // back from Unknown to the same Passed: no turn
        QCOMPARE(turned.size(), 2);
    }

    void deletedPodEndsRunAndReplacementContinuesSuite()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod});
        QSignalSpy removed(&tracker(), &SuiteTracker::suiteRemoved);
        const PodInfo replacement = TestPods::running("shop", "checkout", "q7r8s", "7d9f8b6c5d", 1);
        tracker().upsertPod(replacement);
        tracker().removePod("shop", pod.name);
        QCOMPARE(removed.size(), 0);
        const Suite *suite = tracker().suite({"shop", "checkout"});
        QCOMPARE(suite->runs.size(), 2);
        QCOMPARE(suite->currentRun()->pod.name, replacement.name);
        QVERIFY(suite->runs.at(1).ended);

        tracker().removePod("shop", replacement.name);
        QCOMPARE(removed.size(), 1);
        QVERIFY(!tracker().suite({"shop", "checkout"}));
    }

    void relistDropsVanishedPods()
    {
        const PodInfo a = TestPods::running("shop", "checkout");
        const PodInfo b = TestPods::running("shop", "payments", "abcd2");
        tracker().replacePods({a, b});
        QSignalSpy removed(&tracker(), &SuiteTracker::suiteRemoved);
        tracker().replacePods({a});
        QCOMPARE(removed.size(), 1);
        QCOMPARE(tracker().keys().size(), 1);
        QCOMPARE(tracker().keys().constFirst().name, "checkout");
    }

    void clearForgetsEverythingWithoutTurns()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod});
        tracker().applyPrometheusSnapshot({{ref(pod), sample(0, 8, 3, m_now)}});
        QSignalSpy removed(&tracker(), &SuiteTracker::suiteRemoved);
        QSignalSpy turned(&tracker(), &SuiteTracker::suiteTurned);
        tracker().clear();
        QCOMPARE(removed.size(), 1);
        QVERIFY(tracker().keys().isEmpty());
        QVERIFY(!tracker().suiteOfPod("shop", pod.name));

        // The same suite in the next context starts without memory: failing at first
        // sight is not a pass->fail turn.
        tracker().replacePods({pod});
        tracker().applyPrometheusSnapshot({{ref(pod), sample(2, 8, 6, m_now)}});
        QCOMPARE(stateOf("shop", "checkout"), RunState::Failed);
        QCOMPARE(turned.size(), 0);
    }

    void seriesWithoutPodsBecomeSuites()
    {
        tracker().setNamespaceFilter("shop");
        // Before the first pod list, no series counts as orphaned.
        tracker().applyPrometheusSnapshot({{"shop/legacy-specs-7d9f8b6c5d-x2k9p", sample(1, 4, 2, m_now)}});
        QVERIFY(tracker().keys().isEmpty());

        tracker().replacePods({});
        QSignalSpy added(&tracker(), &SuiteTracker::suiteAdded);
        tracker().applyPrometheusSnapshot({{"shop/legacy-specs-7d9f8b6c5d-x2k9p", sample(1, 4, 2, m_now)},
                                           {"other/elsewhere", sample(0, 4, 2, m_now)}});
        QCOMPARE(added.size(), 1);
        QCOMPARE(stateOf("shop", "legacy-specs"), RunState::Failed);
        QVERIFY(!tracker().suite({"shop", "legacy-specs"})->currentRun()->hasPod);

        // The pod shows up: the series is explained by it, no duplicate run.
        PodInfo pod = TestPods::running("shop", "legacy-specs", "x2k9p");
        tracker().upsertPod(pod);
        QCOMPARE(tracker().suite({"shop", "legacy-specs"})->runs.size(), 1);
        QVERIFY(tracker().suite({"shop", "legacy-specs"})->currentRun()->hasPod);

        // A series that disappears takes its pod-less suite with it.
        tracker().applyPrometheusSnapshot({{"shop/gone-1", sample(0, 4, 2, m_now)}});
        QVERIFY(tracker().suite({"shop", "gone-1"}));
        QSignalSpy removed(&tracker(), &SuiteTracker::suiteRemoved);
        tracker().applyPrometheusSnapshot({});
        QCOMPARE(removed.size(), 1);
    }

    void alertsAttachToSuites()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod, TestPods::running("shop", "payments", "abcd2")});
        SuiteAlert byPod{"AssertionsFailed", "active", {{"namespace", "shop"}, {"pod", pod.name}}, m_now, {}, {}};
        SuiteAlert byApp{"AssertionsFailed", "suppressed", {{"namespace", "shop"}, {"app", "payments"}}, m_now, {}, {}};
        SuiteAlert unrelated{"Other", "active", {{"namespace", "kube-system"}}, m_now, {}, {}};
        tracker().applyAlerts({byPod, byApp, unrelated});
        QCOMPARE(tracker().suite({"shop", "checkout"})->alerts.size(), 1);
        QVERIFY(tracker().suite({"shop", "checkout"})->isFiring());
        QCOMPARE(tracker().suite({"shop", "payments"})->alerts.size(), 1);
        QVERIFY(!tracker().suite({"shop", "payments"})->isFiring());

        QSignalSpy changed(&tracker(), &SuiteTracker::suiteChanged);
        tracker().applyAlerts({byPod, byApp});
        QCOMPARE(changed.size(), 0);
        tracker().applyAlerts({});
        QCOMPARE(changed.size(), 2);
    }

    void counterResetAfterRestartStartsNewIteration()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        tracker().replacePods({pod});
        tracker().applyDirectMetrics("shop", pod.name, sample(0, 8, 30, m_now));
        m_now = m_now.addSecs(3);
        tracker().applyDirectMetrics("shop", pod.name, sample(0, 8, 3, m_now));
        QCOMPARE(tracker().suite({"shop", "checkout"})->currentRun()->iterations.size(), 2);
    }

    void manyPodsStayConsistent()
    {
        QList<PodInfo> pods;
        for (int i = 0; i < 2000; ++i)
            pods << TestPods::running(QString("ns%1").arg(i % 500 % 7), QString("suite%1").arg(i % 500),
                                      QString("p%1").arg(i, 4, 10, QChar('0')));
        tracker().replacePods(pods);
        QCOMPARE(tracker().keys().size(), 500);
        for (const PodInfo &pod : pods)
            tracker().removePod(pod.nameSpace, pod.name);
        QVERIFY(tracker().keys().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSuiteTracker)
#include "tst_suitetracker.moc"
