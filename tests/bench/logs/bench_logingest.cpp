// Log ingest side by side with kubectl (issues 6 and 10): a pod of the test API server
// has written 1,000,000 coloured Jest-like lines (tests/fixtures/apiserver/benchlogs.py);
// we read them with our real LogStream (kubeconfig → KubeContexts → ClusterAccess →
// KubeClient, as the app does) into LogModel, connected as PodLogFeed connects them, and
// `kubectl logs` reads the same log to /dev/null, with the same kubeconfig.
//
// Each reader runs in its own process so its peak RSS is its own (wait4's ru_maxrss of
// that child): ours is this executable started again with --child. Figures are medians
// of --runs runs (default 1: tests/bench/run repeats benches itself), readers alternating.
//   - kassert wall: from LogStream::start() to the last line in the model (measured in
//     the child); also the child's whole process time (start-up, kubeconfig, exit).
//   - kubectl wall: its whole process time (it has no inner clock), with --timestamps so
//     that it reads exactly the bytes we read; plain `kubectl logs` is shown too.
//   - transport: a child that reads the same stream through KubeClient and drops it,
//     so our parse/model cost and the network cost can be told apart; curl when there.
//   - stream: a child that reads it through LogStream and drops the lines, so the
//     stream's share (cutting lines, stamps, UTF-8) and the model's can be told apart.
//
//   bench_logingest [--smoke] [--lines N] [--runs R] [--kubectl PATH]
//   bench_logingest --child ingest|stream|transport KUBECONFIG NAMESPACE POD EXPECTED_LINES
#include "benchprocess.h"
#include "processtable.h"
#include "testapiserver.h"

#include "kube/kubeclient.h"
#include "kube/kubecontexts.h"
#include "kube/logstream.h"
#include "logmodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QStandardPaths>
#include <QThread>

#include <sys/resource.h>

#include <cstdio>

namespace {

const QString Namespace = QStringLiteral("bench");
const QString Pod = QStringLiteral("biglog");

long selfPeakRssKiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// One reader in this process. Prints "CHILD <key> <value>" lines for the parent.
int runChild(const QStringList &args)
{
    if (args.size() != 5) {
        std::fprintf(stderr, "--child needs: ingest|stream|transport KUBECONFIG NAMESPACE POD EXPECTED_LINES\n");
        return 2;
    }
    const bool toModel = args[0] == QStringLiteral("ingest");
    const bool ingest = toModel || args[0] == QStringLiteral("stream");
    const qint64 expected = args[4].toLongLong();
    KubeContexts contexts(KubeconfigLoader::defaultOptions(args[1]));
    if (!contexts.start()) {
        std::fprintf(stderr, "kubeconfig: %s\n", qPrintable(contexts.lastError()));
        return 2;
    }
    KubeClient client(*contexts.access());
    QElapsedTimer timer;
    int exitCode = 0;

    if (ingest) {
        LogModel model;
        LogStreamOptions options;
        options.timestamps = true; // as PodLogFeed asks, but the whole log instead of its tail
        options.follow = false;
        LogStream stream(&client, args[2], args[3], options);
        qint64 batches = 0;
        qint64 dropped = 0; // lines of the stream child, counted instead of kept
        if (toModel)
            QObject::connect(&stream, &LogStream::linesReceived, &model, &LogModel::appendLines);
        else
            QObject::connect(&stream, &LogStream::linesReceived, &model,
                [&](const QList<LogLine> &received) { dropped += received.size(); });
        QObject::connect(&stream, &LogStream::linesReceived, &model, [&] { ++batches; });
        QObject::connect(&stream, &LogStream::finished, &model, [&](const HttpError &error) {
            const double wall = double(timer.nsecsElapsed()) / 1e9;
            if (error.isError()) {
                std::fprintf(stderr, "log stream failed: %s\n", qPrintable(error.toString()));
                exitCode = 1;
            } else if ((toModel ? model.rowCount() : dropped) != expected) {
                std::fprintf(stderr, "expected %lld lines, got %lld\n", static_cast<long long>(expected),
                    static_cast<long long>(toModel ? model.rowCount() : dropped));
                exitCode = 1;
            }
            std::printf("CHILD wall_s %.6f\nCHILD lines %lld\nCHILD batches %lld\n", wall,
                static_cast<long long>(toModel ? model.rowCount() : dropped), static_cast<long long>(batches));
            if (!model.spillError().isEmpty())
                std::fprintf(stderr, "spill error: %s\n", qPrintable(model.spillError()));
            QCoreApplication::exit(exitCode);
        });
        timer.start();
        stream.start();
        QCoreApplication::exec();
    } else {
        // The same request LogStream makes, chunks counted and dropped.
        HttpRequest request;
        request.path = QStringLiteral("api/v1/namespaces/%1/pods/%2/log").arg(args[2], args[3]);
        request.accept = "*/*";
        request.query.addQueryItem(QStringLiteral("timestamps"), QStringLiteral("true"));
        qint64 bytes = 0;
        qint64 newlines = 0;
        HttpStreamHandlers handlers;
        handlers.onChunk = [&](const QByteArray &chunk) {
            bytes += chunk.size();
            newlines += chunk.count('\n');
        };
        handlers.finished = [&](const HttpResult &result) {
            const double wall = double(timer.nsecsElapsed()) / 1e9;
            if (result.error.isError() || newlines != expected) {
                std::fprintf(stderr, "transport: %s, %lld lines\n", qPrintable(result.error.toString()),
                    static_cast<long long>(newlines));
                exitCode = 1;
            }
            std::printf("CHILD wall_s %.6f\nCHILD bytes %lld\n", wall, static_cast<long long>(bytes));
            QCoreApplication::exit(exitCode);
        };
        QObject context;
        timer.start();
        client.stream(request, &context, std::move(handlers));
        QCoreApplication::exec();
    }
    std::printf("CHILD self_rss_kib %ld\n", selfPeakRssKiB());
    return exitCode;
}

double childValue(const QByteArray &output, const QByteArray &key)
{
    for (const QByteArray &line : output.split('\n')) {
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() == 3 && parts[0] == "CHILD" && parts[1] == key)
            return parts[2].toDouble();
    }
    return -1;
}

struct Series
{
    QList<double> wall, rss, inner, cpu, serverCpu;
};

// One reader run, and the CPU time the test API server spent meanwhile. The reader's own
// CPU time tells the work it does apart from what a busy machine left it; the server's
// tells whether the server, not the reader, could have set the pace.
struct Reading
{
    ChildRun run;
    double serverCpuSeconds = 0;
};

Reading readWith(const TestApiServer &server, const QString &program, const QStringList &args,
    const QString &stdoutPath = {})
{
    const double before = ProcessTable::cpuSeconds(server.processId());
    Reading reading{runChild(program, args, stdoutPath)};
    reading.serverCpuSeconds = ProcessTable::cpuSeconds(server.processId()) - before;
    return reading;
}

bool record(const char *what, const Reading &reading, Series *series, bool inner)
{
    const ChildRun &run = reading.run;
    if (!run.ok) {
        std::fprintf(stderr, "%s failed: %s\n", what, qPrintable(run.error));
        return false;
    }
    series->wall.append(run.wallSeconds);
    series->rss.append(run.peakRssMiB);
    series->cpu.append(run.cpuSeconds);
    series->serverCpu.append(reading.serverCpuSeconds);
    if (inner)
        series->inner.append(childValue(run.output, "wall_s"));
    std::printf("  %-22s process %7.3f s%s  CPU %6.3f s  peak RSS %6.1f MiB  (server CPU %5.3f s, load %s)\n", what,
        run.wallSeconds,
        inner ? qPrintable(QStringLiteral("  request→last line %1 s").arg(childValue(run.output, "wall_s"), 7, 'f', 3))
              : "",
        run.cpuSeconds, run.peakRssMiB, reading.serverCpuSeconds, qPrintable(loadAverage()));
    std::fflush(stdout);
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    if (!args.isEmpty() && args.first() == QStringLiteral("--child"))
        return runChild(args.mid(1));

    qint64 lines = 1000000;
    int runs = 1; // tests/bench/run starts benches several times and takes the medians
    QString kubectl = QStringLiteral("kubectl");
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == QStringLiteral("--smoke")) {
            lines = 50000;
            runs = 1;
        } else if (args[i] == QStringLiteral("--lines") && i + 1 < args.size()) {
            lines = args[++i].toLongLong();
        } else if (args[i] == QStringLiteral("--runs") && i + 1 < args.size()) {
            runs = args[++i].toInt();
        } else if (args[i] == QStringLiteral("--kubectl") && i + 1 < args.size()) {
            kubectl = args[++i];
        } else {
            std::fprintf(stderr, "usage: bench_logingest [--smoke] [--lines N] [--runs R] [--kubectl PATH]\n");
            return 2;
        }
    }
    if (lines <= 0 || runs <= 0)
        return 2;

    TestApiServer server;
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "test API server: %s\n", qPrintable(error));
        return 1;
    }
    server.control(QStringLiteral("bench-log-pod"),
        {{"namespace", Namespace}, {"name", Pod}, {"lines", double(lines)}}, &error);
    QJsonObject state;
    QElapsedTimer generating;
    generating.start();
    while (error.isEmpty() && !state.value(QStringLiteral("ready")).toBool() && generating.elapsed() < 600000) {
        QThread::msleep(200);
        state = server.control(QStringLiteral("bench-log-state"), {{"namespace", Namespace}, {"pod", Pod}}, &error);
    }
    if (!error.isEmpty() || !state.value(QStringLiteral("ready")).toBool()) {
        std::fprintf(stderr, "bench pod: %s\n", qPrintable(error.isEmpty() ? QStringLiteral("not ready") : error));
        return 1;
    }
    const QString kubeconfig = server.kubeconfigPath();
    const QString self = QCoreApplication::applicationFilePath();
    std::printf("log ingest: %lld Jest lines with ANSI, %.1f MB with timestamps (%.1f MB without); server "
                "generated them in %.1f s; %d run(s) each\n",
        static_cast<long long>(lines), state.value(QStringLiteral("bytes")).toDouble() / 1e6,
        state.value(QStringLiteral("plainBytes")).toDouble() / 1e6,
        state.value(QStringLiteral("generateSeconds")).toDouble(), runs);

    const QStringList childArgs{Namespace, Pod, QString::number(lines)};
    const QStringList kubectlArgs{QStringLiteral("--kubeconfig"), kubeconfig, QStringLiteral("logs"),
        QStringLiteral("-n"), Namespace, Pod};
    Series ours, streamOnly, transport, kube, kubePlain, curl;
    const QString curlPath = QStandardPaths::findExecutable(QStringLiteral("curl"));
    bool ok = true;
    for (int run = 0; run < runs && ok; ++run) {
        ok = record("kassert (LogModel)",
                 readWith(server, self,
                     QStringList{QStringLiteral("--child"), QStringLiteral("ingest"), kubeconfig} + childArgs),
                 &ours, true)
            && record("kubectl --timestamps",
                readWith(server, kubectl, kubectlArgs + QStringList{QStringLiteral("--timestamps")},
                    QStringLiteral("/dev/null")),
                &kube, false)
            && record("kassert LogStream only",
                readWith(server, self,
                    QStringList{QStringLiteral("--child"), QStringLiteral("stream"), kubeconfig} + childArgs),
                &streamOnly, true)
            && record("kassert transport only",
                readWith(server, self,
                    QStringList{QStringLiteral("--child"), QStringLiteral("transport"), kubeconfig} + childArgs),
                &transport, true)
            && record("kubectl (plain)", readWith(server, kubectl, kubectlArgs, QStringLiteral("/dev/null")),
                &kubePlain, false);
        if (ok && !curlPath.isEmpty()) {
            const QString url = server.url().toString() + QStringLiteral("/api/v1/namespaces/%1/pods/%2/log?timestamps=true").arg(Namespace, Pod);
            ok = record("curl (server ceiling)",
                readWith(server, curlPath,
                    {QStringLiteral("-sf"), QStringLiteral("--cacert"), server.caPath(), QStringLiteral("-H"),
                        QStringLiteral("Authorization: Bearer ") + QString::fromLatin1(server.token()), url},
                    QStringLiteral("/dev/null")),
                &curl, false);
        }
    }
    if (!ok)
        return 1;

    const double oursWall = median(ours.inner);
    const double kubeWall = median(kube.wall);
    std::printf("\nmedians of %d run(s), load %s:\n", runs, qPrintable(loadAverage()));
    std::printf("  kassert   %.3f s request→last line in model (%.3f s whole process), peak RSS %.1f MiB\n", oursWall,
        median(ours.wall), median(ours.rss));
    std::printf("  stream    %.3f s (same stream through LogStream, lines dropped), peak RSS %.1f MiB\n",
        median(streamOnly.inner), median(streamOnly.rss));
    std::printf("  transport %.3f s (same stream through KubeClient, dropped), peak RSS %.1f MiB\n",
        median(transport.inner), median(transport.rss));
    std::printf("  kubectl   %.3f s --timestamps, %.3f s plain (whole process), peak RSS %.1f / %.1f MiB\n", kubeWall,
        median(kubePlain.wall), median(kube.rss), median(kubePlain.rss));
    if (!curl.wall.isEmpty())
        std::printf("  curl      %.3f s (what the server can deliver)\n", median(curl.wall));
    std::printf("  CPU       kassert %.3f s, LogStream only %.3f s, transport only %.3f s, kubectl --timestamps "
                "%.3f s; the server spent %.3f s while kassert read, %.3f s while kubectl did\n",
        median(ours.cpu), median(streamOnly.cpu), median(transport.cpu), median(kube.cpu), median(ours.serverCpu),
        median(kube.serverCpu));
    std::printf("  ratio kassert/kubectl: wall %.2f (whole process %.2f; vs plain kubectl %.2f), peak RSS %.2f, CPU %.2f\n",
        oursWall / kubeWall, median(ours.wall) / kubeWall, oursWall / median(kubePlain.wall),
        median(ours.rss) / median(kube.rss), median(ours.cpu) / median(kube.cpu));
    printBench("log_ingest.kassert.wall_s", oursWall, "s");
    printBench("log_ingest.kassert.rss_mb", median(ours.rss), "MiB");
    printBench("log_ingest.kubectl.wall_s", kubeWall, "s");
    printBench("log_ingest.kubectl.rss_mb", median(kube.rss), "MiB");
    // For information (tests/bench/table.py lists them under "other figures").
    printBench("log_ingest.kassert.process_wall_s", median(ours.wall), "s");
    printBench("log_ingest.kassert.cpu_s", median(ours.cpu), "s");
    printBench("log_ingest.kubectl.cpu_s", median(kube.cpu), "s");
    printBench("log_ingest.server_cpu_while_kassert_s", median(ours.serverCpu), "s");
    printBench("log_ingest.server_cpu_while_kubectl_s", median(kube.serverCpu), "s");
    printBench("log_ingest.kassert_stream.wall_s", median(streamOnly.inner), "s");
    printBench("log_ingest.kassert_transport.wall_s", median(transport.inner), "s");
    printBench("log_ingest.kubectl_plain.wall_s", median(kubePlain.wall), "s");
    printBench("log_ingest.kubectl_plain.rss_mb", median(kubePlain.rss), "MiB");
    if (!curl.wall.isEmpty())
        printBench("log_ingest.curl.wall_s", median(curl.wall), "s");
    return 0;
}
