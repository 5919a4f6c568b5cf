#pragma once

#include <QString>
#include <QStringList>

// Building PromQL from names we did not choose (namespaces, pod names): quoting and
// regex escaping, so a name can never change the query's meaning.
namespace PromQL {

// A double-quoted PromQL string literal: "a\"b\\c".
QString quoted(const QString &text);
// An RE2 alternation matching exactly these strings: "a|b\\.c".
QString exactAlternation(const QStringList &values);

} // namespace PromQL
