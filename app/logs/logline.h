#pragma once

#include <QDateTime>
#include <QString>

// One line of a container's log as it arrives from the stream: the time the runtime
// stamped it (invalid when the stream had no timestamps) and the raw text, which may
// still hold ANSI escape sequences. Batches of these feed LogModel::appendLines.
struct LogLine
{
    QDateTime timestamp;
    QString text;

    friend bool operator==(const LogLine &, const LogLine &) = default;
};
