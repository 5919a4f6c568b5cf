#include "logtimestamp.h"

#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace LogTimestamp {

namespace {

// Reads `count` ASCII digits at `pos`; -1 when any is not a digit.
int digits(QStringView s, qsizetype pos, int count)
{
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const char16_t c = s[pos + i].unicode();
        if (c < u'0' || c > u'9')
            return -1;
        value = value * 10 + (c - u'0');
    }
    return value;
}

} // namespace

LogLine split(QStringView raw)
{
    // 2024-05-01T10:00:00.123456789Z<space>
    // 0123456789012345678901234567890
    if (raw.size() < StampLength || raw[4] != u'-' || raw[7] != u'-' || raw[10] != u'T' || raw[13] != u':'
        || raw[16] != u':' || raw[19] != u'.' || raw[29] != u'Z'
        || (raw.size() > StampLength && raw[StampLength] != u' ')) {
        return {QDateTime(), raw.toString()};
    }
    const int year = digits(raw, 0, 4);
    const int month = digits(raw, 5, 2);
    const int day = digits(raw, 8, 2);
    const int hour = digits(raw, 11, 2);
    const int minute = digits(raw, 14, 2);
    const int second = digits(raw, 17, 2);
    const int millis = digits(raw, 20, 3);
    const int rest = digits(raw, 23, 6);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || millis < 0 || rest < 0)
        return {QDateTime(), raw.toString()};
    const QDate date(year, month, day);
    const QTime time(hour, minute, second, millis);
    if (!date.isValid() || !time.isValid())
        return {QDateTime(), raw.toString()};
    const qsizetype textStart = raw.size() > StampLength ? StampLength + 1 : StampLength;
    return {QDateTime(date, time, QTimeZone::UTC), raw.mid(textStart).toString()};
}

QString format(const QDateTime &timestamp)
{
    if (!timestamp.isValid())
        return {};
    return timestamp.toUTC().toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s) + u"000000Z"_s;
}

} // namespace LogTimestamp
