#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>

// Takes secrets out of objects before they are written into a failure bundle, which is
// meant to be attached to a ticket or sent to a colleague. A pod's spec carries its
// environment verbatim; `kubectl apply` copies the whole spec again into the
// last-applied-configuration annotation. Values are replaced, names are kept, so the
// reader still sees which variables were set.
namespace FailureBundleRedaction {

inline constexpr QLatin1StringView Redacted { "[redacted by kassert]" };

// True for an environment variable name that looks like it holds a secret: it contains
// TOKEN, PASSWORD, PASSWD, SECRET, KEY or CREDENTIAL in any case.
bool isSecretName(const QString &name);

// Redacts every `env[].value` with a secret-looking name, anywhere in the value
// (containers, initContainers, ephemeralContainers, templates), and recurses into
// annotations whose text is JSON (kubectl's last-applied-configuration). An annotation
// that names a secret-looking key is replaced as well. Returns the number of values
// replaced through `count` when given.
QJsonValue redact(const QJsonValue &value, int *count = nullptr);

// The pod JSON as written into the bundle: parsed, redacted, indented. A body that is
// not a JSON object yields an empty array and `*error` says why: nothing unredacted is
// ever written.
QByteArray redactedPodJson(const QByteArray &body, QString *error, int *count = nullptr);

} // namespace FailureBundleRedaction
