#include "suitetracker.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype maxIterationsPerRun = 200;
constexpr qsizetype maxEndedRunsPerSuite = 5;

QString podRef(const QString &nameSpace, const QString &pod)
{
    return nameSpace + u'/' + pod;
}

bool isFailing(RunState state)
{
    return state == RunState::Failed || state == RunState::Error;
}

bool newerThan(const QDateTime &time, const std::optional<AssertMetrics> &previous)
{
    return !previous || !previous->sampledAt.isValid() || time > previous->sampledAt;
}

} // namespace

SuiteTracker::SuiteTracker(QObject *parent)
    : QObject(parent)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

void SuiteTracker::setClock(Clock clock)
{
    m_clock = std::move(clock);
}

void SuiteTracker::setStaleAfter(std::chrono::seconds staleAfter)
{
    m_staleAfter = staleAfter;
}

void SuiteTracker::setNamespaceFilter(const QString &nameSpace)
{
    m_namespaceFilter = nameSpace;
}

QList<SuiteKey> SuiteTracker::keys() const
{
    return m_suites.keys();
}

const Suite *SuiteTracker::suite(const SuiteKey &key) const
{
    const auto it = m_suites.constFind(key);
    return it == m_suites.cend() ? nullptr : &it.value();
}

std::optional<SuiteKey> SuiteTracker::suiteOfPod(const QString &nameSpace, const QString &pod) const
{
    const auto it = m_suiteOfPod.constFind(podRef(nameSpace, pod));
    if (it == m_suiteOfPod.cend())
        return std::nullopt;
    return it.value();
}

Run *SuiteTracker::findRun(const QString &ref, SuiteKey *keyOut)
{
    const auto keyIt = m_suiteOfPod.constFind(ref);
    if (keyIt == m_suiteOfPod.cend())
        return nullptr;
    auto suiteIt = m_suites.find(keyIt.value());
    if (suiteIt == m_suites.end())
        return nullptr;
    for (Run &run : suiteIt->runs) {
        if (!run.ended && podRef(run.pod.nameSpace, run.pod.name) == ref) {
            if (keyOut)
                *keyOut = keyIt.value();
            return &run;
        }
    }
    return nullptr;
}

Suite &SuiteTracker::suiteFor(const SuiteKey &key, bool *created)
{
    auto it = m_suites.find(key);
    *created = it == m_suites.end();
    if (*created) {
        it = m_suites.insert(key, Suite{});
        it->key = key;
    }
    return it.value();
}

void SuiteTracker::replacePods(const QList<PodInfo> &pods)
{
    QSet<SuiteKey> touched;
    QSet<SuiteKey> created;
    QSet<QString> present;
    for (const PodInfo &pod : pods)
        present.insert(podRef(pod.nameSpace, pod.name));

    // Pods that vanished while we were not watching.
    const QStringList known = m_suiteOfPod.keys();
    for (const QString &ref : known) {
        SuiteKey key;
        Run *run = findRun(ref, &key);
        if (run && run->hasPod && !present.contains(ref))
            endRun(ref, &touched);
    }
    for (const PodInfo &pod : pods) {
        const SuiteKey key = suiteKeyForPod(pod);
        if (!m_suites.contains(key))
            created.insert(key);
        insertPod(pod, &touched);
    }
    m_podsSynced = true;
    refresh(touched, created);
}

void SuiteTracker::clear()
{
    const QList<SuiteKey> keys = m_suites.keys();
    m_suites.clear();
    m_suiteOfPod.clear();
    m_lastDecisive.clear();
    m_podsSynced = false;
    for (const SuiteKey &key : keys)
        emit suiteRemoved(key);
}

void SuiteTracker::upsertPod(const PodInfo &pod)
{
    QSet<SuiteKey> touched;
    QSet<SuiteKey> created;
    const SuiteKey key = suiteKeyForPod(pod);
    if (!m_suites.contains(key))
        created.insert(key);
    insertPod(pod, &touched);
    refresh(touched, created);
}

void SuiteTracker::removePod(const QString &nameSpace, const QString &name)
{
    QSet<SuiteKey> touched;
    endRun(podRef(nameSpace, name), &touched);
    refresh(touched);
}

void SuiteTracker::insertPod(const PodInfo &pod, QSet<SuiteKey> *touched)
{
    const QString ref = podRef(pod.nameSpace, pod.name);
    const SuiteKey key = suiteKeyForPod(pod);
    touched->insert(key);

    SuiteKey oldKey;
    if (Run *run = findRun(ref, &oldKey)) {
        if (oldKey == key && run->hasPod && run->pod.uid == pod.uid) {
            run->pod = pod;
            return;
        }
        // A series that now has its pod, or a pod name reused by a new pod: start over.
        touched->insert(oldKey);
        endRun(ref, touched);
        if (!run->hasPod) {
            Suite &oldSuite = m_suites[oldKey];
            oldSuite.runs.removeIf([&](const Run &r) { return !r.hasPod && r.pod.name == pod.name; });
        }
    }
    bool created = false;
    Suite &suite = suiteFor(key, &created);
    Run run;
    run.pod = pod;
    const auto position = std::find_if(suite.runs.begin(), suite.runs.end(), [&](const Run &other) {
        return other.pod.creationTimestamp < pod.creationTimestamp;
    });
    suite.runs.insert(position, run);
    m_suiteOfPod.insert(ref, key);
}

void SuiteTracker::endRun(const QString &ref, QSet<SuiteKey> *touched)
{
    SuiteKey key;
    Run *run = findRun(ref, &key);
    if (!run)
        return;
    run->ended = true;
    m_suiteOfPod.remove(ref);
    touched->insert(key);
}

void SuiteTracker::applyPrometheusSnapshot(const QHash<QString, AssertMetrics> &seriesByPod)
{
    QSet<SuiteKey> touched;
    QSet<SuiteKey> created;
    const QDateTime now = m_clock();
    for (auto suiteIt = m_suites.begin(); suiteIt != m_suites.end(); ++suiteIt) {
        for (Run &run : suiteIt->runs) {
            if (run.ended || !run.hasPod)
                continue;
            const auto series = seriesByPod.constFind(podRef(run.pod.nameSpace, run.pod.name));
            if (series != seriesByPod.cend()) {
                if (newerThan(series->sampledAt, run.prometheus.last))
                    recordIteration(run, *series);
                run.prometheus = {*series, QString()};
            } else if (run.prometheus.last) {
                // The series was there and is gone: Prometheus' scrapes of the pod fail
                // (it marks the series stale) or it stopped scraping it. What it said last
                // is no longer confirmed, so it must not keep the run green.
                run.prometheus.error = tr("Prometheus has no current sample for this pod");
            } else {
                // Scraped pods appear within a scrape interval; one missing longer is not
                // scraped at all (no PodMonitor?) and must not wait as Running forever.
                const QDateTime since = run.pod.startTime.isValid() ? run.pod.startTime : run.pod.creationTimestamp;
                const bool overdue = since.isValid() && since.secsTo(now) > m_staleAfter.count();
                run.prometheus.error = overdue && run.pod.phase == "Running"_L1
                    ? tr("Prometheus has no series for this pod")
                    : QString();
            }
            touched.insert(suiteIt.key());
        }
    }
    updateOrphanSeries(seriesByPod, &touched, &created);
    refresh(touched, created);
}

void SuiteTracker::updateOrphanSeries(const QHash<QString, AssertMetrics> &seriesByPod, QSet<SuiteKey> *touched,
                                      QSet<SuiteKey> *created)
{
    if (!m_podsSynced)
        return; // every series would look orphaned before the first pod list arrives
    QSet<QString> seen;
    for (auto it = seriesByPod.cbegin(); it != seriesByPod.cend(); ++it) {
        const QString &ref = it.key();
        const qsizetype slash = ref.indexOf(u'/');
        if (slash <= 0)
            continue;
        const QString nameSpace = ref.left(slash);
        const QString podName = ref.mid(slash + 1);
        if (!m_namespaceFilter.isEmpty() && nameSpace != m_namespaceFilter)
            continue;
        seen.insert(ref);
        SuiteKey key;
        Run *run = findRun(ref, &key);
        if (run && run->hasPod)
            continue;
        if (!run) {
            key = suiteKeyForOrphanSeries(nameSpace, podName);
            bool isNew = false;
            Suite &suite = suiteFor(key, &isNew);
            if (isNew)
                created->insert(key);
            Run orphan;
            orphan.hasPod = false;
            orphan.pod.nameSpace = nameSpace;
            orphan.pod.name = podName;
            suite.runs.append(orphan);
            m_suiteOfPod.insert(ref, key);
            run = &suite.runs.last();
        }
        if (newerThan(it->sampledAt, run->prometheus.last))
            recordIteration(*run, *it);
        run->prometheus = {*it, QString()};
        touched->insert(key);
    }
    // Series that disappeared take their pod-less runs with them.
    for (auto suiteIt = m_suites.begin(); suiteIt != m_suites.end(); ++suiteIt) {
        const qsizetype removed = suiteIt->runs.removeIf([&](const Run &run) {
            const QString ref = podRef(run.pod.nameSpace, run.pod.name);
            if (run.hasPod || seen.contains(ref))
                return false;
            m_suiteOfPod.remove(ref);
            return true;
        });
        if (removed)
            touched->insert(suiteIt.key());
    }
}

void SuiteTracker::applyPrometheusError(const QString &error)
{
    QSet<SuiteKey> touched;
    for (auto suiteIt = m_suites.begin(); suiteIt != m_suites.end(); ++suiteIt) {
        for (Run &run : suiteIt->runs) {
            if (!run.ended)
                run.prometheus.error = error;
        }
        touched.insert(suiteIt.key());
    }
    refresh(touched);
}

void SuiteTracker::applyDirectMetrics(const QString &nameSpace, const QString &pod, const AssertMetrics &metrics)
{
    SuiteKey key;
    Run *run = findRun(podRef(nameSpace, pod), &key);
    if (!run)
        return;
    if (newerThan(metrics.sampledAt, run->direct.last))
        recordIteration(*run, metrics);
    run->direct = {metrics, QString()};
    refresh({key});
}

void SuiteTracker::applyDirectError(const QString &nameSpace, const QString &pod, const QString &error)
{
    SuiteKey key;
    Run *run = findRun(podRef(nameSpace, pod), &key);
    if (!run)
        return;
    run->direct.error = error;
    refresh({key});
}

void SuiteTracker::recordIteration(Run &run, const AssertMetrics &metrics)
{
    if (!metrics.testSuitesRunTotal)
        return;
    const double total = *metrics.testSuitesRunTotal;
    const std::optional<double> previous = run.lastSuitesRunTotal;
    // Readings from the two sources interleave; an older sample must not look like a reset.
    const MetricsReading newest = run.effectiveMetrics();
    if (newest.last && newest.last->sampledAt.isValid() && metrics.sampledAt < newest.last->sampledAt)
        return;
    run.lastSuitesRunTotal = total;
    const bool moved = previous ? total > *previous || (total < *previous && total > 0) : total > 0;
    if (!moved)
        return;

    Iteration iteration;
    iteration.number = run.iterations.isEmpty() ? 1 : run.iterations.constLast().number + 1;
    iteration.at = metrics.sampledAt;
    iteration.failing = int(metrics.assertionsFailed.value_or(0));
    iteration.tests = int(metrics.testsRun.value_or(0));
    iteration.result = iteration.failing > 0 ? RunState::Failed
        : iteration.tests > 0                ? RunState::Passed
                                             : RunState::NoTests;
    run.iterations.append(iteration);
    if (run.iterations.size() > maxIterationsPerRun)
        run.iterations.removeFirst();
}

void SuiteTracker::applyAlerts(const QList<SuiteAlert> &alerts)
{
    QHash<SuiteKey, QList<SuiteAlert>> bySuite;
    for (const SuiteAlert &alert : alerts) {
        const QString nameSpace = alert.labels.value(u"namespace"_s);
        const QString pod = alert.labels.value(u"pod"_s);
        if (nameSpace.isEmpty())
            continue;
        std::optional<SuiteKey> key = pod.isEmpty() ? std::nullopt : suiteOfPod(nameSpace, pod);
        if (!key) {
            for (const QString &label : {u"app"_s, u"deployment"_s, u"suite"_s}) {
                const SuiteKey candidate{nameSpace, alert.labels.value(label)};
                if (!candidate.name.isEmpty() && m_suites.contains(candidate)) {
                    key = candidate;
                    break;
                }
            }
        }
        if (!key && !pod.isEmpty() && m_suites.contains(suiteKeyForOrphanSeries(nameSpace, pod)))
            key = suiteKeyForOrphanSeries(nameSpace, pod);
        if (key)
            bySuite[*key].append(alert);
    }
    QSet<SuiteKey> touched;
    for (auto it = m_suites.begin(); it != m_suites.end(); ++it) {
        QList<SuiteAlert> mine = bySuite.value(it.key());
        if (mine != it->alerts) {
            it->alerts = std::move(mine);
            touched.insert(it.key());
        }
    }
    refresh(touched);
}

void SuiteTracker::reevaluate()
{
    QSet<SuiteKey> touched;
    for (auto it = m_suites.begin(); it != m_suites.end(); ++it) {
        const Suite before = it.value();
        decide(it.value());
        bool changed = before.verdict != it->verdict;
        for (qsizetype i = 0; !changed && i < it->runs.size(); ++i)
            changed = before.runs.at(i).verdict != it->runs.at(i).verdict;
        if (changed)
            touched.insert(it.key());
    }
    refresh(touched);
}

void SuiteTracker::decide(Suite &suite)
{
    const QDateTime now = m_clock();
    for (Run &run : suite.runs) {
        if (run.ended)
            continue;
        run.verdict = run.hasPod ? decideRunState(run.pod, run.effectiveMetrics(), now, m_staleAfter)
                                 : decideMetricsState(run.effectiveMetrics(), now, m_staleAfter);
    }
    const Run *current = suite.currentRun();
    suite.verdict = current ? current->verdict : RunVerdict{};
}

void SuiteTracker::trimEndedRuns(Suite &suite)
{
    qsizetype ended = 0;
    suite.runs.removeIf([&](const Run &run) { return run.ended && ++ended > maxEndedRunsPerSuite; });
}

void SuiteTracker::refresh(const QSet<SuiteKey> &touched, const QSet<SuiteKey> &created)
{
    for (const SuiteKey &key : touched) {
        auto it = m_suites.find(key);
        if (it == m_suites.end())
            continue;
        if (!it->hasLiveRun()) {
            m_suites.erase(it);
            m_lastDecisive.remove(key);
            if (!created.contains(key))
                emit suiteRemoved(key);
            continue;
        }
        trimEndedRuns(it.value());
        decide(it.value());
        const RunState state = it->verdict.state;
        const QString reason = it->verdict.reason;
        if (created.contains(key))
            emit suiteAdded(key);
        else
            emit suiteChanged(key);

        // Turns: passing -> failing and back, remembered across Unknown/Stale spells.
        if (state == RunState::Passed || isFailing(state)) {
            const auto last = m_lastDecisive.constFind(key);
            const bool turned = last != m_lastDecisive.cend() && isFailing(*last) != isFailing(state);
            const RunState from = turned ? *last : state;
            m_lastDecisive.insert(key, state);
            if (turned)
                emit suiteTurned(key, from, state, reason);
        }
    }
}
