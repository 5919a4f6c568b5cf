#include "processtable.h"

#include <QDir>
#include <QFile>

namespace {

QByteArray readProcFile(qint64 pid, const char *name)
{
    QFile file(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1StringView(name)));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
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
    // The state follows the command name, which may itself hold ')'.
    const QByteArray stat = readProcFile(pid, "stat");
    if (stat.isEmpty())
        return true; // gone meanwhile
    const qsizetype close = stat.lastIndexOf(')');
    return close > 0 && close + 2 < stat.size() && stat.at(close + 2) == 'Z';
}

QByteArray describe(const QList<qint64> &pids)
{
    QList<QByteArray> lines;
    for (const qint64 pid : pids)
        lines << QByteArray::number(pid) + ": " + commandLine(pid);
    return lines.join("; ");
}

} // namespace ProcessTable
