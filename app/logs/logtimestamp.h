#pragma once

#include "logline.h"

#include <QStringView>

// The API server's `timestamps=true` prefix: a fixed 9-digit-fraction RFC 3339 stamp
// and one space, `2024-05-01T10:00:00.123456789Z message`. Parsed by hand because it
// runs once per line on streams of millions of lines.
namespace LogTimestamp {

// Length of the stamp without the separating space.
inline constexpr int StampLength = 30;

// Splits the stamp from the text. A line without a valid stamp is returned whole with
// an invalid timestamp, so nothing is ever lost to a parse error.
LogLine split(QStringView raw);

// The stamp as the API server writes it (nanoseconds are zero-filled: QDateTime keeps
// milliseconds), for `sinceTime` and for saving a log with its timestamps.
QString format(const QDateTime &timestamp);

} // namespace LogTimestamp
