#include "kubestatus.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace {

// Only the start of a huge body matters for an excerpt; decoding all of it would
// cost time for nothing.
constexpr qsizetype ExcerptInputLimit = 64 * 1024;

QString stripMarkup(const QString &text)
{
    QString out;
    out.reserve(text.size());
    bool inTag = false;
    for (const QChar c : text) {
        if (inTag) {
            if (c == u'>') {
                inTag = false;
                out += u' ';
            }
        } else if (c == u'<') {
            inTag = true;
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

QString sanitizedExcerpt(const QByteArray &body, int maxChars)
{
    QString text = QString::fromUtf8(body.left(ExcerptInputLimit));
    if (text.trimmed().startsWith(u'<'))
        text = stripMarkup(text);
    QString out;
    out.reserve(qMin<qsizetype>(text.size(), maxChars + 1));
    bool pendingSpace = false;
    for (const QChar c : std::as_const(text)) {
        // Control, format and separator characters could hide or fake text in the UI.
        const bool blank = c.isSpace() || c.category() == QChar::Other_Control
            || c.category() == QChar::Other_Format || c.category() == QChar::Other_Surrogate;
        if (blank) {
            pendingSpace = !out.isEmpty();
            continue;
        }
        if (pendingSpace) {
            out += u' ';
            pendingSpace = false;
        }
        if (out.size() >= maxChars) {
            out += u'…';
            return out;
        }
        out += c;
    }
    return out;
}

KubeStatus parseKubeStatus(const QByteArray &body, int maxChars)
{
    KubeStatus result;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject object = document.object();
    if (parseError.error == QJsonParseError::NoError && document.isObject()
        && object.value("kind"_L1).toString() == "Status"_L1) {
        result.isStatus = true;
        result.code = object.value("code"_L1).toInt();
        result.status = object.value("status"_L1).toString();
        result.reason = object.value("reason"_L1).toString();
        // The server's message is shown verbatim, but it is still one line of text.
        result.message = sanitizedExcerpt(object.value("message"_L1).toString().toUtf8(), 2000);
        return result;
    }
    result.message = sanitizedExcerpt(body, maxChars);
    return result;
}
