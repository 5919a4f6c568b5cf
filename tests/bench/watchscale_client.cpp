// kassert's side of the watch-scale bench (issues 5 and 10), driven by
// tests/bench/watchscale.py: the app's real path kubeconfig → ClusterAccess → KubeClient →
// Reflector → SuiteTracker, against the test API server. Prints, flushed at once:
//
//   LISTED <pods> <suites> <peak KiB>   the first list (at least --expect pods) is in the tracker
//   MARKER <pods> <suites>   the watch event adding pod --marker has reached the tracker
//   RSS <peak KiB>           getrusage(RUSAGE_SELF) at that moment (the driver reads VmHWM too)
//
// then stays until its stdin closes, so the driver can read /proc/PID/status first.
//
//   watchscale_client --kubeconfig FILE --expect N --marker POD
#include "kube/clusteraccessbuilder.h"
#include "kube/kubeclient.h"
#include "kube/kubeconfig.h"
#include "kube/reflector.h"
#include "suites/suitetracker.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

namespace {

long peakRssKiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

void say(const char *format, long long a, long long b = -1)
{
    if (b < 0)
        std::printf(format, a);
    else
        std::printf(format, a, b);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("kubeconfig"), QStringLiteral("kubeconfig file"), QStringLiteral("FILE")},
                       {QStringLiteral("expect"), QStringLiteral("pods in the first list"), QStringLiteral("N")},
                       {QStringLiteral("marker"), QStringLiteral("the last event's pod"), QStringLiteral("POD")}});
    parser.process(app);
    const int expected = parser.value(QStringLiteral("expect")).toInt();
    const QString marker = parser.value(QStringLiteral("marker"));

    // Diagnostics: the cost of each step of parsing a saved pod list (file → DOM → PodInfo).
    if (qEnvironmentVariableIsSet("WATCHSCALE_PARSE_FILE")) {
        QFile file(qEnvironmentVariable("WATCHSCALE_PARSE_FILE"));
        if (!file.open(QIODevice::ReadOnly))
            return 2;
        std::printf("BASELINE %ld\n", peakRssKiB());
        const QByteArray body = file.readAll();
        std::printf("BODY %lld %ld\n", static_cast<long long>(body.size()), peakRssKiB());
        const QJsonDocument document = QJsonDocument::fromJson(body);
        const QJsonArray items = document.object().value(QStringLiteral("items")).toArray();
        std::printf("DOM %lld %ld\n", static_cast<long long>(items.size()), peakRssKiB());
        QList<PodInfo> pods;
        for (const QJsonValue &item : items)
            pods.append(*parsePod(item.toObject()).pod);
        std::printf("PODS %lld %ld\n", static_cast<long long>(pods.size()), peakRssKiB());
        return 0;
    }
    const KubeconfigResult config = KubeconfigLoader::parseFile(parser.value(QStringLiteral("kubeconfig")));
    if (!config.config) {
        std::fprintf(stderr, "kubeconfig: %s\n", qPrintable(config.error));
        return 2;
    }
    const ClusterAccessResult access = ClusterAccessBuilder::build(*config.config, {});
    if (!access.access) {
        std::fprintf(stderr, "access: %s\n", qPrintable(access.error));
        return 2;
    }
    KubeClient client(*access.access);
    // Diagnostics: where the peak comes from (baseline, after one plain list call).
    if (qEnvironmentVariableIsSet("WATCHSCALE_LIST_ONLY")) {
        std::printf("BASELINE %ld\n", peakRssKiB());
        client.listPods(QString(), QStringLiteral("kubernetes-assert=metrics"), &app, [](const PodListResult &result) {
            std::printf("LISTONLY %lld %ld\n", static_cast<long long>(result.pods.size()), peakRssKiB());
            QCoreApplication::quit();
        });
        return QCoreApplication::exec();
    }
    // The session's reflector: all namespaces, the suite label.
    Reflector reflector(&client, QString(), QStringLiteral("kubernetes-assert=metrics"));
    SuiteTracker tracker;
    QObject::connect(&reflector, &Reflector::replaced, &tracker, &SuiteTracker::replacePods);
    QObject::connect(&reflector, &Reflector::upserted, &tracker, &SuiteTracker::upsertPod);
    QObject::connect(&reflector, &Reflector::removed, &tracker, &SuiteTracker::removePod);

    // Connected after the tracker, so these run once it has applied the change.
    bool listed = false;
    QObject::connect(&reflector, &Reflector::replaced, &app, [&](const QList<PodInfo> &pods) {
        if (listed || pods.size() < expected)
            return;
        listed = true;
        std::printf("LISTED %lld %lld %ld\n", static_cast<long long>(pods.size()),
                    static_cast<long long>(tracker.keys().size()), peakRssKiB());
        std::fflush(stdout);
    });
    bool done = false;
    QObject::connect(&reflector, &Reflector::upserted, &app, [&](const PodInfo &pod) {
        if (done || pod.name != marker)
            return;
        done = true;
        say("MARKER %lld %lld\n", reflector.pods().size(), tracker.keys().size());
        say("RSS %lld\n", peakRssKiB());
    });
    QObject::connect(&reflector, &Reflector::statusChanged, &app, [](const ConnectionStatus &status) {
        if (!status.error.isEmpty())
            std::fprintf(stderr, "reflector: %s\n", qPrintable(status.error));
    });

    // Ends when the driver closes our stdin.
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &app, [&input] {
        char buffer[256];
        if (::read(STDIN_FILENO, buffer, sizeof buffer) <= 0) {
            input.setEnabled(false);
            QCoreApplication::quit();
        }
    });
    reflector.start();
    return QCoreApplication::exec();
}
