#include "failurebundleredaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace FailureBundleRedaction {

namespace {

// Deeply nested JSON is hostile (or broken): stop descending and drop what is below.
constexpr int MaxDepth = 64;

QJsonValue redactAt(const QJsonValue &value, int depth, int *count);

QJsonArray redactEnv(const QJsonArray &env, int depth, int *count)
{
    QJsonArray out;
    for (const QJsonValue &item : env) {
        if (!item.isObject()) {
            out.append(redactAt(item, depth + 1, count));
            continue;
        }
        QJsonObject variable = redactAt(item, depth + 1, count).toObject();
        if (variable.contains("value"_L1) && isSecretName(variable.value("name"_L1).toString())) {
            variable.insert("value"_L1, QString(Redacted));
            ++*count;
        }
        out.append(variable);
    }
    return out;
}

// An annotation value: JSON text is redacted as JSON (kubectl's last-applied copy of
// the spec), anything else is kept unless its key names a secret.
QJsonValue redactAnnotation(const QString &key, const QJsonValue &value, int depth, int *count)
{
    if (isSecretName(key)) {
        ++*count;
        return QString(Redacted);
    }
    if (!value.isString())
        return redactAt(value, depth + 1, count);
    const QByteArray text = value.toString().toUtf8();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || document.isNull())
        return value;
    const int before = *count;
    const QJsonValue inner = redactAt(
        document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array()), depth + 1, count);
    if (*count == before)
        return value;
    const QJsonDocument redacted
        = inner.isObject() ? QJsonDocument(inner.toObject()) : QJsonDocument(inner.toArray());
    return QString::fromUtf8(redacted.toJson(QJsonDocument::Compact));
}

QJsonValue redactAt(const QJsonValue &value, int depth, int *count)
{
    if (depth > MaxDepth) {
        ++*count;
        return QString(Redacted);
    }
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : value.toArray())
            out.append(redactAt(item, depth + 1, count));
        return out;
    }
    if (!value.isObject())
        return value;
    const QJsonObject object = value.toObject();
    QJsonObject out;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() == "env"_L1 && it.value().isArray()) {
            out.insert(it.key(), redactEnv(it.value().toArray(), depth + 1, count));
        } else if (it.key() == "annotations"_L1 && it.value().isObject()) {
            const QJsonObject annotations = it.value().toObject();
            QJsonObject redacted;
            for (auto a = annotations.begin(); a != annotations.end(); ++a)
                redacted.insert(a.key(), redactAnnotation(a.key(), a.value(), depth + 1, count));
            out.insert(it.key(), redacted);
        } else {
            out.insert(it.key(), redactAt(it.value(), depth + 1, count));
        }
    }
    return out;
}

} // namespace

bool isSecretName(const QString &name)
{
    static const QRegularExpression pattern(
        u"TOKEN|PASSWORD|PASSWD|SECRET|KEY|CREDENTIAL"_s, QRegularExpression::CaseInsensitiveOption);
    return pattern.match(name).hasMatch();
}

QJsonValue redact(const QJsonValue &value, int *count)
{
    int replaced = 0;
    QJsonValue out = redactAt(value, 0, &replaced);
    if (count)
        *count = replaced;
    return out;
}

QByteArray redactedPodJson(const QByteArray &body, QString *error, int *count)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = u"pod: not JSON: %1 at offset %2"_s.arg(parseError.errorString()).arg(parseError.offset);
        return {};
    }
    if (!document.isObject()) {
        *error = u"pod: expected a JSON object"_s;
        return {};
    }
    return QJsonDocument(redact(document.object(), count).toObject()).toJson(QJsonDocument::Indented);
}

} // namespace FailureBundleRedaction
