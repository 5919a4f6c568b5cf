// libFuzzer target: parseExposition (app/monitoring/expositionparser.*), the text a
// pod's /metrics endpoint serves. Parsed once with the default limits and once with tiny
// ones, so the limit paths are explored too.

#include "fuzzsupport.h"

#include "monitoring/expositionparser.h"

#include <cmath>

namespace {

void checkResult(const ExpositionResult &result, const ExpositionLimits &limits)
{
    FUZZ_CHECK(result.samples.size() <= limits.maxSamples);
    FUZZ_CHECK(result.issues.size() <= limits.maxIssues);
    FUZZ_CHECK(result.droppedIssues >= 0);
    for (const ExpositionIssue &issue : result.issues) {
        FUZZ_CHECK(issue.line >= 1 && issue.column >= 1);
        FUZZ_CHECK(!issue.message.isEmpty());
        FUZZ_CHECK(!issue.toString().isEmpty());
    }
    for (const MetricSample &sample : result.samples) {
        FUZZ_CHECK(!sample.name.isEmpty());
        for (auto label = sample.labels.cbegin(); label != sample.labels.cend(); ++label)
            FUZZ_CHECK(!label.key().isEmpty());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text = fuzz::bytes(data, size);

    const ExpositionLimits defaults;
    const ExpositionResult result = parseExposition(text, defaults);
    checkResult(result, defaults);
    FUZZ_CHECK(!result.truncated); // fuzz inputs stay far below the default limits

    ExpositionLimits tiny;
    tiny.maxBytes = 512;
    tiny.maxSamples = 4;
    tiny.maxLineBytes = 96;
    tiny.maxIssues = 2;
    const ExpositionResult limited = parseExposition(text, tiny);
    checkResult(limited, tiny);
    if (text.size() > tiny.maxBytes)
        FUZZ_CHECK(limited.truncated);

    // Each line as a bare value: NaN or ±Inf only when it says so.
    for (const QByteArray &line : text.split('\n')) {
        if (const std::optional<double> value = parseExpositionValue(line)) {
            if (std::isnan(*value))
                FUZZ_CHECK(line.toLower().contains("nan"));
        }
    }
    return 0;
}
