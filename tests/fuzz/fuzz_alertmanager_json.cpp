// libFuzzer target: AlertmanagerClient's pure parsing of API v2 answers (alerts, alert
// groups, silences; app/monitoring/alertmanagerclient.*), as 200 answers and as HTTP
// error answers carrying the same body.

#include "fuzzsupport.h"

#include "monitoring/alertmanagerclient.h"

namespace {

const QString Endpoint = u"http://alertmanager.fuzz:9093"_s;

// Errors are shown verbatim in the window: they quote at most a snippet of the body.
void checkError(const HttpError &error)
{
    FUZZ_CHECK(error.isError());
    FUZZ_CHECK(error.toString().size() <= 2048);
}

void checkAll(const HttpResult &answer)
{
    const AlertsResult alerts = AlertmanagerClient::parseAlerts(answer, Endpoint);
    if (!alerts.ok()) {
        checkError(alerts.error);
        FUZZ_CHECK(alerts.alerts.isEmpty());
    }
    const AlertGroupsResult groups = AlertmanagerClient::parseGroups(answer, Endpoint);
    if (!groups.ok()) {
        checkError(groups.error);
        FUZZ_CHECK(groups.groups.isEmpty());
    }
    const SilencesResult silences = AlertmanagerClient::parseSilences(answer, Endpoint);
    if (!silences.ok()) {
        checkError(silences.error);
        FUZZ_CHECK(silences.silences.isEmpty());
    }
    for (const Silence &silence : silences.silences) {
        for (const AlertMatcher &matcher : silence.matchers)
            matcher.toFilter();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    HttpResult answer;
    answer.status = 200;
    answer.body = fuzz::bytes(data, size);
    checkAll(answer);

    HttpResult failed = answer;
    failed.status = 400;
    failed.error.kind = HttpError::Kind::Http;
    failed.error.endpoint = Endpoint;
    failed.error.httpStatus = 400;
    failed.error.message = u"Bad Request"_s;
    FUZZ_CHECK(!AlertmanagerClient::parseAlerts(failed, Endpoint).ok());
    checkAll(failed);
    return 0;
}
