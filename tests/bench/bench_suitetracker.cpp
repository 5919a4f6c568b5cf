// How fast SuiteTracker takes a big cluster: 5,000 suite pods listed at once, then 10,000
// watch events (status changes, deletions with replacements), each parsed from the JSON
// line the API server sends, as the reflector does. Prints wall time and peak RSS.
//
//   bench_suitetracker [--smoke] [pods=5000] [events=10000]      (--smoke: 500 and 1,000)
// In-process only (no server, no network): the tracker's own share of the watch-scale
// bench, tests/bench/watchscale.py, which measures the whole path beside kubectl.
#include "kube/podinfo.h"
#include "suites/suitetracker.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <sys/resource.h>

#include <cstdio>

namespace {

long peakRssKiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

QJsonObject templatePod()
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/pods/running.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return QJsonDocument::fromJson(file.readAll()).object();
}

// Pod i of suite i: its own namespace group, deployment, ReplicaSet and run id.
QByteArray podJson(const QJsonObject &base, int suite, int generation, const QString &phase, int restarts)
{
    QJsonObject pod = base;
    QJsonObject meta = pod.value(u"metadata").toObject();
    const QString deployment = QStringLiteral("suite-%1").arg(suite);
    const QString rs = deployment + QStringLiteral("-5d8f7c9b6");
    meta[u"name"] = rs + QStringLiteral("-g%1").arg(generation);
    meta[u"namespace"] = QStringLiteral("team-%1").arg(suite % 50);
    meta[u"uid"] = QStringLiteral("uid-%1-%2").arg(suite).arg(generation);
    meta[u"resourceVersion"] = QString::number(1000 + suite * 7 + generation);
    QJsonObject labels = meta.value(u"labels").toObject();
    labels[u"app"] = deployment;
    labels[u"skaffold.dev/run-id"] = QStringLiteral("run-%1-%2").arg(suite).arg(generation);
    meta[u"labels"] = labels;
    QJsonObject owner;
    owner[u"apiVersion"] = QStringLiteral("apps/v1");
    owner[u"kind"] = QStringLiteral("ReplicaSet");
    owner[u"name"] = rs;
    owner[u"uid"] = QStringLiteral("rs-%1").arg(suite);
    owner[u"controller"] = true;
    meta[u"ownerReferences"] = QJsonArray{owner};
    pod[u"metadata"] = meta;
    QJsonObject status = pod.value(u"status").toObject();
    status[u"phase"] = phase;
    QJsonArray statuses = status.value(u"containerStatuses").toArray();
    if (!statuses.isEmpty()) {
        QJsonObject first = statuses.first().toObject();
        first[u"restartCount"] = restarts;
        statuses[0] = first;
        status[u"containerStatuses"] = statuses;
    }
    pod[u"status"] = status;
    return QJsonDocument(pod).toJson(QJsonDocument::Compact);
}

PodInfo parse(const QByteArray &json)
{
    const PodParseResult result = parsePod(QJsonDocument::fromJson(json).object());
    if (!result.pod)
        qFatal("pod did not parse: %s", qPrintable(result.error));
    return *result.pod;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments().mid(1);
    const bool smoke = args.removeAll(QStringLiteral("--smoke")) > 0;
    const int podCount = args.size() > 0 ? args[0].toInt() : (smoke ? 500 : 5000);
    const int eventCount = args.size() > 1 ? args[1].toInt() : (smoke ? 1000 : 10000);
    if (podCount < 1 || eventCount < 0)
        qFatal("usage: bench_suitetracker [--smoke] [pods] [events]");
    const QJsonObject base = templatePod();

    // The bodies are made before timing: the server's cost is not ours.
    QList<QByteArray> listBodies;
    for (int i = 0; i < podCount; ++i)
        listBodies << podJson(base, i, 0, QStringLiteral("Running"), 0);
    QList<QByteArray> eventBodies;
    QList<bool> isDelete;
    for (int e = 0; e < eventCount; ++e) {
        const int suite = (e * 7919) % podCount;
        const bool replace = e % 10 == 9; // every tenth event: the run is replaced by a new pod
        eventBodies << podJson(base, suite, replace ? 1 + e : 0, QStringLiteral("Running"), e % 4);
        isDelete << replace;
    }
    const long rssBefore = peakRssKiB();

    SuiteTracker tracker;
    int signalsSeen = 0;
    QObject::connect(&tracker, &SuiteTracker::suiteChanged, [&] { ++signalsSeen; });
    QObject::connect(&tracker, &SuiteTracker::suiteAdded, [&] { ++signalsSeen; });

    QElapsedTimer timer;
    timer.start();
    QList<PodInfo> pods;
    pods.reserve(podCount);
    for (const QByteArray &body : std::as_const(listBodies))
        pods << parse(body);
    tracker.replacePods(pods);
    const qint64 listMs = timer.elapsed();

    timer.restart();
    for (int e = 0; e < eventCount; ++e) {
        const PodInfo pod = parse(eventBodies[e]);
        if (isDelete[e]) {
            const int suite = (e * 7919) % podCount;
            tracker.removePod(QStringLiteral("team-%1").arg(suite % 50),
                              QStringLiteral("suite-%1-5d8f7c9b6-g0").arg(suite));
        }
        tracker.upsertPod(pod);
    }
    const qint64 eventsMs = timer.elapsed();

    std::printf("suites tracked          %lld\n", static_cast<long long>(tracker.keys().size()));
    std::printf("list of %d pods         %lld ms (parse + replacePods)\n", podCount, static_cast<long long>(listMs));
    std::printf("%d watch events      %lld ms (%.1f us/event)\n", eventCount, static_cast<long long>(eventsMs),
                eventCount ? 1000.0 * double(eventsMs) / eventCount : 0.0);
    std::printf("signals emitted         %d\n", signalsSeen);
    std::printf("peak RSS                %ld MiB (inputs alone %ld MiB)\n", peakRssKiB() / 1024, rssBefore / 1024);
    std::printf("BENCH suitetracker.list_s %.4f s\n", double(listMs) / 1000.0);
    std::printf("BENCH suitetracker.events_s %.4f s\n", double(eventsMs) / 1000.0);
    std::printf("BENCH suitetracker.rss_mb %.1f MB\n", double(peakRssKiB()) / 1024.0);
    return 0;
}
