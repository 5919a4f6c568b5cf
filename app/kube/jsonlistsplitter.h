#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

// Finds the parts of a Kubernetes List body ({"metadata":{…},"items":[…],…}) as byte
// ranges of the body, without building a DOM of the whole: a 5,000-pod list is 6 MB of
// JSON and its QJsonDocument another 30 MB, while each item parsed on its own (and its
// DOM freed once the caller has made its plain value) costs a few KiB at a time.
//
// The whole body is checked once (structure, strings with their escapes and UTF-8,
// numbers, literals, nesting depth) before any range is handed out, so a body cut short
// or broken anywhere is refused as a whole, as QJsonDocument::fromJson refused it.
// Pure and reentrant; the views point into the body given, which must outlive them.

struct JsonListParts
{
    // The top-level "metadata" value (any JSON value; empty when absent).
    QByteArrayView metadata;
    // Each element of the top-level "items" array, without surrounding whitespace. An
    // absent or null "items" (Go writes an empty list as null) gives none.
    QList<QByteArrayView> items;
};

class JsonListSplitter
{
public:
    // Deeper nesting is refused: no Kubernetes object comes close, and a hostile body
    // of a million '[' must not cost more than one pass over it.
    static constexpr int MaxDepth = 512;

    // The parts of body, or std::nullopt and a message in *error: "not a JSON object: …"
    // (with the byte offset) when the body is not well-formed JSON with an object at the
    // top, "items: expected an array" when items is neither an array nor null. When a
    // key appears twice, the last one counts (as in QJsonDocument).
    static std::optional<JsonListParts> split(QByteArrayView body, QString *error);
};
