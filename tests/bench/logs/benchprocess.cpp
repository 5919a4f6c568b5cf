#include "benchprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryFile>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

extern char **environ;

ChildRun runChild(const QString &program, const QStringList &args, const QString &stdoutPath)
{
    ChildRun run;
    QTemporaryFile out;
    QTemporaryFile err;
    if (!out.open() || !err.open()) {
        run.error = QStringLiteral("cannot create temporary files");
        return run;
    }
    const QByteArray outPath = stdoutPath.isEmpty() ? out.fileName().toLocal8Bit() : stdoutPath.toLocal8Bit();
    const QByteArray errPath = err.fileName().toLocal8Bit();

    QList<QByteArray> argv8{program.toLocal8Bit()};
    for (const QString &arg : args)
        argv8.append(arg.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &a : argv8)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, outPath.constData(), O_WRONLY | O_TRUNC | O_CREAT, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, errPath.constData(), O_WRONLY | O_TRUNC | O_CREAT, 0600);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);

    QElapsedTimer wall;
    wall.start();
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        run.error = QStringLiteral("cannot start %1: %2").arg(program, QString::fromLocal8Bit(std::strerror(spawned)));
        return run;
    }
    int status = 0;
    rusage usage{};
    pid_t waited = 0;
    do {
        waited = wait4(pid, &status, 0, &usage);
    } while (waited < 0 && errno == EINTR);
    run.wallSeconds = double(wall.nsecsElapsed()) / 1e9;
    run.peakRssMiB = double(usage.ru_maxrss) / 1024.0; // KiB on Linux
    run.cpuSeconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.ok = waited == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (stdoutPath.isEmpty())
        run.output = out.readAll();
    if (!run.ok)
        run.error = QStringLiteral("%1 exited with %2: %3")
                        .arg(program)
                        .arg(WIFEXITED(status) ? QString::number(WEXITSTATUS(status))
                                               : QStringLiteral("signal %1").arg(WTERMSIG(status)))
                        .arg(QString::fromLocal8Bit(err.readAll().left(2000)));
    return run;
}

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype mid = values.size() / 2;
    return values.size() % 2 ? values.at(mid) : (values.at(mid - 1) + values.at(mid)) / 2;
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll().split(' ').value(0));
}
