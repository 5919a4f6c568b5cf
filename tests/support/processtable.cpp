#include "processtable.h"

#include <QDir>
#include <QFile>

#include <unistd.h>

namespace {

QByteArray readProcFile(qint64 pid, const char *name)
{
    QFile file(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1StringView(name)));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The fields of a /proc/PID/stat from the state (field 3) on. The command name before
// them may itself hold spaces and ')', so they start after its last ')'. Empty when
// `stat` has no command name.
QList<QByteArray> fieldsAfterCommand(const QByteArray &stat)
{
    const qsizetype close = stat.lastIndexOf(')');
    if (close <= 0 || close + 2 >= stat.size())
        return {};
    return stat.mid(close + 2).split(' ');
}

} // namespace

namespace ProcessTable {

QList<qint64> live(const std::function<bool(qint64 pid)> &matches)
{
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (numeric && matches(pid) && !isZombie(pid))
            pids << pid;
    }
    return pids;
}

QByteArray commandLine(qint64 pid)
{
    return readProcFile(pid, "cmdline").replace('\0', ' ').trimmed();
}

QList<QByteArray> environment(qint64 pid)
{
    const QByteArray all = readProcFile(pid, "environ");
    return all.isEmpty() ? QList<QByteArray>() : all.split('\0');
}

bool isZombie(qint64 pid)
{
    const QByteArray stat = readProcFile(pid, "stat");
    if (stat.isEmpty())
        return true; // gone meanwhile
    const QList<QByteArray> fields = fieldsAfterCommand(stat);
    return !fields.isEmpty() && fields.first() == "Z";
}

double cpuSeconds(qint64 pid)
{
    if (pid <= 0)
        return -1;
    const QList<QByteArray> fields = fieldsAfterCommand(readProcFile(pid, "stat"));
    if (fields.size() < 13)
        return -1;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    return (fields[11].toDouble() + fields[12].toDouble()) / ticks; // utime, stime
}

QByteArray describe(const QList<qint64> &pids)
{
    QList<QByteArray> lines;
    for (const qint64 pid : pids)
        lines << QByteArray::number(pid) + ": " + commandLine(pid);
    return lines.join("; ");
}

} // namespace ProcessTable
