#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

// application/x-www-form-urlencoded with every reserved character escaped. Query
// languages (PromQL's '+', Alertmanager matchers' '=~"…"') must reach the server
// verbatim: a bare '+' would be read as a space by Go's url.ParseQuery.
inline QByteArray formEncode(const QList<QPair<QString, QString>> &parameters)
{
    QByteArray encoded;
    for (const auto &[key, value] : parameters) {
        if (!encoded.isEmpty())
            encoded += '&';
        encoded += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    return encoded;
}
