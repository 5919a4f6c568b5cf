// libFuzzer target: Skaffold's v2 event lines (app/skaffold/skaffoldevent.*), as
// `skaffold dev --rpc-http-port` streams them, one JSON object per line.

#include "fuzzsupport.h"

#include "skaffold/skaffoldevent.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::bytes(data, size);
    for (const QByteArray &line : body.split('\n')) {
        const SkaffoldEventParse parsed = parseSkaffoldEventLine(line);
        if (!parsed.event) {
            FUZZ_CHECK(!parsed.error.isEmpty());
            continue;
        }
        FUZZ_CHECK(!parsed.event->typeName.isEmpty());
        FUZZ_CHECK(!parsed.event->identity.isEmpty());
        // The identity is a digest of the line: parsing again gives the same one.
        FUZZ_CHECK(parseSkaffoldEventLine(line).event->identity == parsed.event->identity);
    }
    return 0;
}
