#include "failurebundlezip.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QtEndian>

#include <array>

using namespace Qt::StringLiterals;

namespace {

constexpr quint32 LocalHeaderSignature = 0x04034b50;
constexpr quint32 CentralHeaderSignature = 0x02014b50;
constexpr quint32 EndSignature = 0x06054b50;
constexpr quint16 VersionNeeded = 20; // deflate
constexpr quint16 MadeByUnix = (3 << 8) | 20;
constexpr quint16 Utf8Names = 1 << 11;
constexpr qint64 MaxArchiveBytes = 0xFFFFFFFFLL - 1024 * 1024;

void put16(QByteArray &out, quint16 value)
{
    char bytes[2];
    qToLittleEndian(value, bytes);
    out.append(bytes, 2);
}

void put32(QByteArray &out, quint32 value)
{
    char bytes[4];
    qToLittleEndian(value, bytes);
    out.append(bytes, 4);
}

// MS-DOS date and time, the only stamp every unzip reads (local time, 2 s steps).
std::pair<quint16, quint16> dosTime(const QDateTime &time)
{
    const QDateTime local = time.toLocalTime();
    const QDate d = local.date();
    const QTime t = local.time();
    const int year = qBound(1980, d.year(), 2107);
    return { quint16((t.hour() << 11) | (t.minute() << 5) | (t.second() / 2)),
        quint16(((year - 1980) << 9) | (d.month() << 5) | d.day()) };
}

// Raw deflate: qCompress gives a 4-byte size, then a zlib stream (2-byte header,
// deflate data, 4-byte Adler-32).
QByteArray rawDeflate(const QByteArray &data)
{
    const QByteArray zlib = qCompress(data, 6);
    if (zlib.size() < 4 + 2 + 4)
        return {};
    return zlib.mid(4 + 2, zlib.size() - 4 - 2 - 4);
}

} // namespace

quint32 FailureBundleZip::crc32(QByteArrayView data)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t {};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : data)
        crc = table[(crc ^ quint8(byte)) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

QByteArray FailureBundleZip::archive(const QList<Entry> &entries, const QDateTime &time, QString *error)
{
    const auto [dosT, dosD] = dosTime(time);
    QByteArray out;
    QByteArray central;
    for (const Entry &entry : entries) {
        const QByteArray name = entry.name.toUtf8();
        const quint32 crc = crc32(entry.data);
        QByteArray stored = rawDeflate(entry.data);
        quint16 method = 8;
        if (stored.isEmpty() || stored.size() >= entry.data.size()) {
            stored = entry.data;
            method = 0;
        }
        if (out.size() + stored.size() + 2 * name.size() + 1024 > MaxArchiveBytes) {
            *error = QObject::tr("the bundle is too large for a zip file; export it as a folder");
            return {};
        }
        const quint32 offset = quint32(out.size());
        put32(out, LocalHeaderSignature);
        put16(out, VersionNeeded);
        put16(out, Utf8Names);
        put16(out, method);
        put16(out, dosT);
        put16(out, dosD);
        put32(out, crc);
        put32(out, quint32(stored.size()));
        put32(out, quint32(entry.data.size()));
        put16(out, quint16(name.size()));
        put16(out, 0);
        out += name;
        out += stored;

        put32(central, CentralHeaderSignature);
        put16(central, MadeByUnix);
        put16(central, VersionNeeded);
        put16(central, Utf8Names);
        put16(central, method);
        put16(central, dosT);
        put16(central, dosD);
        put32(central, crc);
        put32(central, quint32(stored.size()));
        put32(central, quint32(entry.data.size()));
        put16(central, quint16(name.size()));
        put16(central, 0); // extra
        put16(central, 0); // comment
        put16(central, 0); // disk
        put16(central, 0); // internal attributes
        put32(central, quint32(0100600) << 16); // a regular file, rw for its owner only
        put32(central, offset);
        central += name;
    }
    if (entries.size() > 0xFFFF) {
        *error = QObject::tr("too many files for a zip file");
        return {};
    }
    const quint32 centralOffset = quint32(out.size());
    out += central;
    put32(out, EndSignature);
    put16(out, 0);
    put16(out, 0);
    put16(out, quint16(entries.size()));
    put16(out, quint16(entries.size()));
    put32(out, quint32(central.size()));
    put32(out, centralOffset);
    put16(out, 0);
    return out;
}

FailureBundleWriter::Result FailureBundleZip::write(
    const FailureBundleContent &content, const QString &zipPath)
{
    FailureBundleWriter::Result result;
    const QFileInfo info(zipPath);
    if (!zipPath.endsWith(u".zip"_s, Qt::CaseInsensitive)) {
        result.error = QObject::tr("%1 is not a .zip name").arg(zipPath);
        return result;
    }
    if (!info.dir().exists()) {
        result.error = QObject::tr("folder %1 does not exist").arg(info.path());
        return result;
    }
    if (info.exists()) {
        result.error = QObject::tr("%1 exists already").arg(zipPath);
        return result;
    }
    // The top folder is named like the file, so unpacking it next to others stays tidy.
    const QString top = info.completeBaseName().isEmpty() ? FailureBundleWriter::bundleName(content)
                                                          : info.completeBaseName();
    QList<Entry> entries;
    entries.append({ top + u"/summary.json"_s,
        QJsonDocument(FailureBundleWriter::summary(content)).toJson(QJsonDocument::Indented) });
    for (const FailureBundlePart &part : content.parts) {
        if (!part.ok())
            continue;
        const QString relative = QDir::cleanPath(part.file);
        if (relative.startsWith(u"../"_s) || relative == u".."_s || QDir::isAbsolutePath(relative)) {
            result.error = QObject::tr("refusing to write %1 outside the bundle").arg(part.file);
            return result;
        }
        entries.append({ top + u'/' + relative, part.data });
    }
    QString error;
    const QByteArray bytes = archive(
        entries, content.exportedAt.isValid() ? content.exportedAt : QDateTime::currentDateTimeUtc(), &error);
    if (!error.isEmpty()) {
        result.error = error;
        return result;
    }
    const QString partial = zipPath + u".partial"_s;
    QFile file(partial);
    if (!file.open(
            QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        result.error = QObject::tr("cannot create %1: %2").arg(partial, file.errorString());
        return result;
    }
    const bool written = file.write(bytes) == bytes.size() && file.flush();
    file.close();
    if (!written || file.error() != QFileDevice::NoError) {
        result.error = QObject::tr("cannot write %1: %2").arg(partial, file.errorString());
        QFile::remove(partial);
        return result;
    }
    if (!QFile::rename(partial, zipPath)) {
        result.error = QObject::tr("cannot rename %1 to %2").arg(partial, zipPath);
        QFile::remove(partial);
        return result;
    }
    result.path = zipPath;
    return result;
}
