// Responsiveness under a log flood (issues 6 and 10): the real LogPanel, shown
// (offscreen), follows the tail of a pod that writes 50,000 coloured Jest-like lines a
// second for 10 s (tests/fixtures/apiserver/benchlogs.py), fed as the Logs tab feeds it:
// PodLogFeed → LogStream → LogModel, the client from the kubeconfig through KubeContexts.
//
// A 1 ms Qt::PreciseTimer ticks on the GUI thread the whole time; the gaps between its
// ticks are what the user would feel as a frozen window. Prints the longest gap and the
// 99th percentile, and checks that every line the server wrote arrived in the model.
//
//   bench_logstall [--smoke] [--seconds S] [--rate LINES_PER_S] [--budget-mib M]
#include "benchprocess.h"
#include "testapiserver.h"

#include "kube/kubeclient.h"
#include "kube/kubecontexts.h"
#include "logmodel.h"
#include "logpanel.h"
#include "logview.h"
#include "podlogfeed.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTimer>

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <vector>

namespace {

const QString Namespace = QStringLiteral("bench");
const QString Pod = QStringLiteral("flood");

// CPU time of the calling thread (the GUI thread) in nanoseconds.
qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(double(values.size()) * p))];
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    double seconds = 10;
    double rate = 50000;
    qint64 budgetMiB = 0; // 0: the model's default memory budget, as in the app
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == QStringLiteral("--smoke"))
            seconds = 2;
        else if (args[i] == QStringLiteral("--seconds") && i + 1 < args.size())
            seconds = args[++i].toDouble();
        else if (args[i] == QStringLiteral("--rate") && i + 1 < args.size())
            rate = args[++i].toDouble();
        else if (args[i] == QStringLiteral("--budget-mib") && i + 1 < args.size())
            budgetMiB = args[++i].toLongLong();
        else {
            std::fprintf(stderr, "usage: bench_logstall [--smoke] [--seconds S] [--rate LINES_PER_S] [--budget-mib M]\n");
            return 2;
        }
    }
    const qint64 lines = qint64(seconds * rate);
    if (lines <= 0)
        return 2;

    TestApiServer server;
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "test API server: %s\n", qPrintable(error));
        return 1;
    }
    server.control(QStringLiteral("bench-flood-pod"),
        {{"namespace", Namespace}, {"name", Pod}, {"rate", rate}, {"lines", double(lines)}}, &error);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "bench pod: %s\n", qPrintable(error));
        return 1;
    }

    KubeContexts contexts(KubeconfigLoader::defaultOptions(server.kubeconfigPath()));
    if (!contexts.start()) {
        std::fprintf(stderr, "kubeconfig: %s\n", qPrintable(contexts.lastError()));
        return 1;
    }
    KubeClient client(*contexts.access());
    LogModel model;
    if (budgetMiB > 0)
        model.setMemoryBudget(budgetMiB * 1024 * 1024);
    LogPanel panel;
    panel.setModel(&model);
    panel.resize(1400, 900);
    panel.show();
    PodLogFeed feed(&model);
    feed.setClient(&client);

    // The probe: gaps between ticks of a 1 ms timer, from the request to the last line.
    // Beside each gap, the GUI thread's CPU time in it: on a loaded machine a gap can be
    // long because the thread waited for a CPU, which the CPU time tells apart.
    std::vector<double> gapsMs;
    std::vector<double> cpuMs;
    std::vector<double> endsMs; // when each gap ended, to tell start-up from the flood
    gapsMs.reserve(size_t(seconds * 1500) + 10000);
    cpuMs.reserve(gapsMs.capacity());
    endsMs.reserve(gapsMs.capacity());
    QElapsedTimer clock;
    qint64 lastTick = 0;
    qint64 lastCpu = threadCpuNs();
    const qint64 firstCpu = lastCpu;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(1);
    const qint64 deadlineMs = qint64(seconds * 3000) + 60000;
    bool timedOut = false;
    double ingestSeconds = 0;
    QObject::connect(&probe, &QTimer::timeout, &app, [&] {
        const qint64 now = clock.nsecsElapsed();
        const qint64 cpu = threadCpuNs();
        gapsMs.push_back(double(now - lastTick) / 1e6);
        cpuMs.push_back(double(cpu - lastCpu) / 1e6);
        endsMs.push_back(double(now) / 1e6);
        lastTick = now;
        lastCpu = cpu;
        if (model.droppedLineCount() + model.rowCount() >= lines || clock.elapsed() > deadlineMs) {
            timedOut = clock.elapsed() > deadlineMs;
            ingestSeconds = double(now) / 1e9;
            probe.stop();
            app.quit();
        }
    });
    clock.start();
    probe.start();
    feed.show(Namespace, Pod, QStringLiteral("bench"));
    app.exec();
    feed.stop();

    const QJsonObject state
        = server.control(QStringLiteral("bench-log-state"), {{"namespace", Namespace}, {"pod", Pod}}, &error);
    const qint64 written = qint64(state.value(QStringLiteral("produced")).toDouble());
    const qint64 received = model.droppedLineCount() + model.rowCount();

    const double maxMs = percentile(gapsMs, 1.0);
    const double p99Ms = percentile(gapsMs, 0.99);
    const double cpuMaxMs = percentile(cpuMs, 1.0);
    const double cpuP99Ms = percentile(cpuMs, 0.99);
    const auto over = [&](double ms) { return std::count_if(gapsMs.begin(), gapsMs.end(), [ms](double g) { return g > ms; }); };
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);

    std::printf("log stall: %.0f lines/s for %.1f s into the shown LogPanel (offscreen, %dx%d), load %s\n", rate,
        seconds, panel.width(), panel.height(), qPrintable(loadAverage()));
    std::printf("  lines written by the server %lld, in the model %lld, in %.2f s (following: %s)\n",
        static_cast<long long>(written), static_cast<long long>(received), ingestSeconds,
        panel.logView()->isFollowing() ? "yes" : "no");
    std::printf("  1 ms timer ticks %zu; gap max %.1f ms, p99 %.1f ms; gaps > 16 ms: %lld, > 50 ms: %lld\n",
        gapsMs.size(), maxMs, p99Ms, static_cast<long long>(over(16)), static_cast<long long>(over(50)));
    std::printf("  GUI thread CPU time in one gap: max %.1f ms, p99 %.1f ms; %.2f s in all (%.0f%% of the time)\n",
        cpuMaxMs, cpuP99Ms, double(lastCpu - firstCpu) / 1e9, 100.0 * double(lastCpu - firstCpu) / 1e9 / ingestSeconds);
    std::printf("  peak RSS (this process, RUSAGE_SELF) %.1f MiB\n", double(usage.ru_maxrss) / 1024.0);
    std::vector<size_t> longest(gapsMs.size());
    std::iota(longest.begin(), longest.end(), size_t(0));
    const size_t shown = std::min<size_t>(5, longest.size());
    std::partial_sort(longest.begin(), longest.begin() + qsizetype(shown), longest.end(),
        [&](size_t a, size_t b) { return gapsMs[a] > gapsMs[b]; });
    std::printf("  longest gaps (ms, GUI CPU ms, ended at s):");
    for (size_t i = 0; i < shown; ++i)
        std::printf(" %.1f/%.1f@%.2f", gapsMs[longest[i]], cpuMs[longest[i]], endsMs[longest[i]] / 1000.0);
    std::printf("\n");
    printBench("stall.max_ms", maxMs, "ms");
    printBench("stall.p99_ms", p99Ms, "ms");
    printBench("stall.cpu_max_ms", cpuMaxMs, "ms");
    printBench("stall.cpu_p99_ms", cpuP99Ms, "ms");
    if (timedOut || !error.isEmpty() || written != lines || received != written) {
        std::fprintf(stderr, "FAILED: %s\n",
            qPrintable(!error.isEmpty() ? error
                                        : QStringLiteral("server wrote %1 of %2 lines, the model has %3")
                                              .arg(written)
                                              .arg(lines)
                                              .arg(received)));
        return 1;
    }
    return 0;
}
