// libFuzzer target: a pod watch stream as the Reflector reads it (app/kube/reflector.*):
// WatchLineBuffer splits the chunked body into lines, parseWatchEvent decodes each one
// (and parsePod the object inside). The first byte picks the chunk size, so lines are
// cut at varying places.

#include "fuzzsupport.h"

#include "kube/reflector.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const qsizetype chunkSize = 1 + data[0] % 64;
    const QByteArray body = fuzz::bytes(data + 1, size - 1);

    // A small line limit, so the fuzzer also reaches the "line too long" path.
    constexpr qsizetype MaxLine = 4096;
    WatchLineBuffer buffer(MaxLine);
    QList<QByteArray> lines;
    bool overflowed = false;
    for (qsizetype at = 0; at < body.size() && !overflowed; at += chunkSize) {
        overflowed = !buffer.append(body.mid(at, chunkSize), &lines);
        FUZZ_CHECK(buffer.pendingBytes() <= MaxLine);
    }
    if (!overflowed) {
        // Nothing lost, nothing invented: the lines and the rest are the body again
        // (less the CR of CRLF line ends).
        QList<QByteArray> parts = body.split('\n');
        const QByteArray rest = parts.takeLast();
        FUZZ_CHECK(buffer.pendingBytes() == rest.size());
        FUZZ_CHECK(parts.size() == lines.size());
        for (qsizetype i = 0; i < parts.size(); ++i) {
            QByteArray expected = parts[i];
            if (expected.endsWith('\r'))
                expected.chop(1);
            FUZZ_CHECK(lines[i] == expected);
        }
    } else {
        FUZZ_CHECK(buffer.pendingBytes() == 0);
    }

    for (const QByteArray &line : lines) {
        FUZZ_CHECK(line.size() <= MaxLine);
        QString error;
        const std::optional<WatchEvent> event = parseWatchEvent(line, &error);
        if (!event) {
            FUZZ_CHECK(!error.isEmpty());
            continue;
        }
        if (event->type == WatchEvent::Type::Error || event->type == WatchEvent::Type::Bookmark)
            FUZZ_CHECK(!event->pod);
        if (event->pod)
            FUZZ_CHECK(!event->pod->name.isEmpty());
        else if (event->type != WatchEvent::Type::Error && event->type != WatchEvent::Type::Bookmark)
            FUZZ_CHECK(!error.isEmpty()); // a pod event without a pod says why
    }
    return 0;
}
