// libFuzzer target: the Prometheus HTTP API answers (app/monitoring/prometheusresponse.*),
// as a 200 answer and as an HTTP error answer carrying the same body (error envelopes
// come with 4xx/5xx statuses, proxies' pages too).

#include "fuzzsupport.h"

#include "monitoring/prometheusresponse.h"

namespace {

const QString Endpoint = u"http://prometheus.fuzz:9090"_s;

void checkQuery(const PromQueryResult &result)
{
    if (!result.ok()) {
        FUZZ_CHECK(result.vector.isEmpty() && result.matrix.isEmpty());
        FUZZ_CHECK(!result.error.toString().isEmpty());
        return;
    }
    static const QStringList types = { u"vector"_s, u"matrix"_s, u"scalar"_s, u"string"_s };
    FUZZ_CHECK(types.contains(result.resultType));
    if (result.resultType != u"vector"_s && result.resultType != u"scalar"_s)
        FUZZ_CHECK(result.vector.isEmpty());
    if (result.resultType != u"matrix"_s)
        FUZZ_CHECK(result.matrix.isEmpty());
    if (result.resultType == u"scalar"_s)
        FUZZ_CHECK(result.vector.size() == 1 && result.vector.first().labels.isEmpty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    HttpResult answer;
    answer.status = 200;
    answer.body = fuzz::bytes(data, size);
    answer.headers = { { "Content-Type", "application/json" } };

    checkQuery(parsePromQueryResponse(answer, Endpoint));
    const PromEnvelope envelope = parsePromEnvelope(answer, Endpoint);
    if (envelope.error.isError())
        FUZZ_CHECK(envelope.data.isUndefined() || envelope.data.isNull());

    HttpResult failed = answer;
    failed.status = 422;
    failed.error.kind = HttpError::Kind::Http;
    failed.error.endpoint = Endpoint;
    failed.error.httpStatus = 422;
    failed.error.message = u"Unprocessable Entity"_s;
    const PromQueryResult refused = parsePromQueryResponse(failed, Endpoint);
    FUZZ_CHECK(!refused.ok()); // an error status is never a success, whatever the body
    checkQuery(refused);
    FUZZ_CHECK(parsePromEnvelope(failed, Endpoint).error.isError());
    return 0;
}
