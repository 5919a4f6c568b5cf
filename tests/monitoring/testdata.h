#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

// Sample files of the monitoring tests, under tests/data/monitoring/.
inline QByteArray monitoringData(const QString &name)
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/monitoring/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", qPrintable(name));
    return file.readAll();
}
