#include "skaffold/recentspecdirectories.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

RecentSpecDirectories::RecentSpecDirectories(QSettings &settings, int capacity)
    : m_settings(settings)
    , m_capacity(qMax(1, capacity))
{
}

QString RecentSpecDirectories::normalized(const QString &dir)
{
    if (dir.trimmed().isEmpty())
        return {};
    return QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
}

QStringList RecentSpecDirectories::list() const
{
    const QVariant value = m_settings.value(QLatin1StringView(SettingsKey));
    QStringList dirs;
    for (const QString &entry : value.toStringList()) {
        const QString dir = normalized(entry);
        if (!dir.isEmpty() && !dirs.contains(dir))
            dirs << dir;
        if (dirs.size() == m_capacity)
            break;
    }
    return dirs;
}

void RecentSpecDirectories::add(const QString &dir)
{
    const QString path = normalized(dir);
    if (path.isEmpty())
        return;
    QStringList dirs = list();
    dirs.removeAll(path);
    dirs.prepend(path);
    store(dirs);
}

void RecentSpecDirectories::remove(const QString &dir)
{
    QStringList dirs = list();
    dirs.removeAll(normalized(dir));
    store(dirs);
}

void RecentSpecDirectories::clear()
{
    m_settings.remove(QLatin1StringView(SettingsKey));
}

void RecentSpecDirectories::store(const QStringList &dirs)
{
    m_settings.setValue(QLatin1StringView(SettingsKey), dirs.mid(0, m_capacity));
}
