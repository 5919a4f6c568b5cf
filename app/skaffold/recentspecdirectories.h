#pragma once

#include <QStringList>

class QSettings;

// The spec directories the user opened lately, newest first, kept in QSettings: cleaned
// absolute paths, no duplicates, at most `capacity` entries. Values read back from the
// settings file are re-validated (types, emptiness, cap) since the file may be edited.

class RecentSpecDirectories
{
public:
    static constexpr auto SettingsKey = "skaffold/recentSpecDirectories";
    static constexpr int DefaultCapacity = 10;

    explicit RecentSpecDirectories(QSettings &settings, int capacity = DefaultCapacity);

    QStringList list() const;
    void add(const QString &dir); // moves it to the front
    void remove(const QString &dir);
    void clear();

private:
    void store(const QStringList &dirs);
    static QString normalized(const QString &dir);

    QSettings &m_settings;
    int m_capacity;
};
