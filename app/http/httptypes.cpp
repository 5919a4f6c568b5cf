#include "httptypes.h"

using namespace Qt::StringLiterals;

QString HttpError::toString() const
{
    QString text = endpoint;
    if (httpStatus > 0)
        text += u": "_s + QString::number(httpStatus);
    if (!reason.isEmpty())
        text += (httpStatus > 0 ? u" "_s : u": "_s) + reason;
    if (!message.isEmpty())
        text += u": "_s + message;
    return text;
}

QByteArray HttpResult::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}
