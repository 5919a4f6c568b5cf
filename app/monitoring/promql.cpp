#include "promql.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

QString PromQL::quoted(const QString &text)
{
    QString escaped;
    escaped.reserve(text.size() + 2);
    escaped += u'"';
    for (const QChar c : text) {
        if (c == u'"' || c == u'\\')
            escaped += u'\\';
        if (c == u'\n')
            escaped += u"\\n"_s;
        else
            escaped += c;
    }
    escaped += u'"';
    return escaped;
}

QString PromQL::exactAlternation(const QStringList &values)
{
    QStringList escaped;
    escaped.reserve(values.size());
    for (const QString &value : values)
        escaped.append(QRegularExpression::escape(value));
    return escaped.join(u'|');
}
