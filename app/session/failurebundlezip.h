#pragma once

#include "failurebundlewriter.h"

#include <QByteArray>
#include <QList>
#include <QString>

// Writes a collected failure bundle as one .zip file (0600) holding the same files as
// the folder, under the bundle's name as top folder. Qt has no public zip writer; this
// is the minimal PKZIP subset every unzip reads: deflate (zlib's, through qCompress)
// or stored when deflate does not help, CRC-32, no ZIP64 (bundles are bounded well
// under 4 GiB by the collector's limits; a larger one is refused). Written under a
// ".partial" name and renamed when complete.
class FailureBundleZip
{
public:
    struct Entry
    {
        QString name; // "kassert-…/logs/specs.log"
        QByteArray data;
    };

    // `zipPath` must end in ".zip" and must not exist.
    static FailureBundleWriter::Result write(const FailureBundleContent &content, const QString &zipPath);

    // The archive bytes for these entries, stamped with `time` (pure; for tests).
    static QByteArray archive(const QList<Entry> &entries, const QDateTime &time, QString *error);
    static quint32 crc32(QByteArrayView data);
};
