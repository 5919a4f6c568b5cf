// libFuzzer target: a Kubernetes List body as KubeClient::listPods reads it
// (app/kube/jsonlistsplitter.*): split without a DOM of the whole, then each item parsed
// on its own. The splitter must agree with Qt's parser on what is valid JSON.

#include "fuzzsupport.h"

#include "kube/jsonlistsplitter.h"
#include "kube/podinfo.h"

#include <QJsonDocument>
#include <QJsonObject>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::bytes(data, size);
    QString error;
    const std::optional<JsonListParts> parts = JsonListSplitter::split(body, &error);
    FUZZ_CHECK(parts.has_value() == error.isEmpty());
    if (!parts)
        return 0;
    // Whatever the splitter accepts as a whole, Qt accepts too.
    QJsonParseError qtError;
    QJsonDocument::fromJson(body, &qtError);
    FUZZ_CHECK(qtError.error == QJsonParseError::NoError);
    const char *begin = body.constData();
    const char *end = begin + body.size();
    for (const QByteArrayView item : parts->items) {
        FUZZ_CHECK(item.data() >= begin && item.data() + item.size() <= end);
        QJsonParseError itemError;
        const QJsonDocument document = QJsonDocument::fromJson(item.toByteArray(), &itemError);
        if (item.startsWith('{')) {
            FUZZ_CHECK(itemError.error == QJsonParseError::NoError);
            parsePod(document.object());
        }
    }
    return 0;
}
