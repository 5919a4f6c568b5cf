#include "jsonlistsplitter.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cctype>

using namespace Qt::StringLiterals;

namespace {

// One pass over the body: a validating JSON scanner that keeps no values, only where the
// top-level metadata and the items start and end. Recursive, bounded by MaxDepth.
class ListScanner
{
public:
    explicit ListScanner(QByteArrayView body)
        : m_begin(body.data())
        , m_at(body.data())
        , m_end(body.data() + body.size())
    {
    }

    std::optional<JsonListParts> run(QString *error);

private:
    enum class ItemsState { Absent, Array, WrongType };

    const char *m_begin;
    const char *m_at;
    const char *m_end;
    int m_depth = 0;
    QString m_error;

    bool fail(QLatin1StringView what, const char *where)
    {
        if (m_error.isEmpty())
            m_error = u"%1 at byte %2"_s.arg(what).arg(where - m_begin);
        return false;
    }
    bool failAtEnd() { return fail("unexpected end of the body"_L1, m_end); }

    void skipSpace()
    {
        while (m_at < m_end && (*m_at == ' ' || *m_at == '\n' || *m_at == '\r' || *m_at == '\t'))
            ++m_at;
    }
    bool enter()
    {
        if (++m_depth > JsonListSplitter::MaxDepth)
            return fail("nested deeper than 512 levels"_L1, m_at);
        return true;
    }
    // At `close` (after white space): steps over it and leaves the container.
    bool leaveAt(char close)
    {
        skipSpace();
        if (m_at == m_end || *m_at != close)
            return false;
        ++m_at;
        --m_depth;
        return true;
    }
    // After a member or an element: the container's close (*closed) or a comma.
    bool separator(char close, QLatin1StringView expected, bool *closed)
    {
        skipSpace();
        if (m_at == m_end)
            return failAtEnd();
        *closed = leaveAt(close);
        if (*closed)
            return true;
        if (*m_at != ',')
            return fail(expected, m_at);
        ++m_at;
        return true;
    }

    bool value();
    bool object();
    bool memberKey(QByteArrayView *quotedKey, bool *escaped);
    bool array();
    bool string(bool *escaped);
    bool utf8Sequence();
    bool number();
    bool literal(QByteArrayView word);
    static QString keyOf(QByteArrayView quoted, bool escaped);
};

bool ListScanner::value()
{
    if (m_at == m_end)
        return failAtEnd();
    switch (*m_at) {
    case '{':
        return object();
    case '[':
        return array();
    case '"': {
        bool escaped = false;
        return string(&escaped);
    }
    case 't':
        return literal("true");
    case 'f':
        return literal("false");
    case 'n':
        return literal("null");
    default:
        if (*m_at == '-' || *m_at == '.' || (*m_at >= '0' && *m_at <= '9'))
            return number();
        return fail("illegal value"_L1, m_at);
    }
}

bool ListScanner::object()
{
    if (!enter())
        return false;
    ++m_at; // '{'
    if (leaveAt('}'))
        return true;
    for (;;) {
        QByteArrayView key;
        bool escaped = false;
        bool closed = false;
        if (!memberKey(&key, &escaped) || !value()
            || !separator('}', "expected ',' or '}' in an object"_L1, &closed))
            return false;
        if (closed)
            return true;
    }
}

// A member's key and its colon, up to the value; *quotedKey is the key with its quotes.
bool ListScanner::memberKey(QByteArrayView *quotedKey, bool *escaped)
{
    skipSpace();
    if (m_at == m_end)
        return failAtEnd();
    if (*m_at != '"')
        return fail("expected a string key"_L1, m_at);
    const char *keyBegin = m_at;
    if (!string(escaped))
        return false;
    *quotedKey = QByteArrayView(keyBegin, m_at - keyBegin);
    skipSpace();
    if (m_at == m_end)
        return failAtEnd();
    if (*m_at != ':')
        return fail("expected ':' after a key"_L1, m_at);
    ++m_at;
    skipSpace();
    return true;
}

bool ListScanner::array()
{
    if (!enter())
        return false;
    ++m_at; // '['
    if (leaveAt(']'))
        return true;
    for (;;) {
        skipSpace();
        bool closed = false;
        if (!value() || !separator(']', "expected ',' or ']' in an array"_L1, &closed))
            return false;
        if (closed)
            return true;
    }
}

// A string from its opening quote to just after the closing one. Escapes other than \u
// take any character, as QJsonDocument does; \u needs four hex digits. Bytes above 0x7f
// must be well-formed UTF-8 (QJsonDocument refuses the document otherwise).
bool ListScanner::string(bool *escaped)
{
    const char *open = m_at;
    ++m_at;
    while (m_at < m_end) {
        const auto c = static_cast<unsigned char>(*m_at);
        if (c == '"') {
            ++m_at;
            return true;
        }
        if (c == '\\') {
            *escaped = true;
            if (m_end - m_at < 2)
                break;
            if (m_at[1] == 'u') {
                if (m_end - m_at < 6)
                    break;
                for (int i = 2; i < 6; ++i) {
                    if (!std::isxdigit(static_cast<unsigned char>(m_at[i])))
                        return fail("invalid \\u escape in a string"_L1, m_at);
                }
                m_at += 6;
            } else {
                m_at += 2;
            }
        } else if (c >= 0x80) {
            if (!utf8Sequence())
                return false;
        } else {
            ++m_at;
        }
    }
    return fail("unterminated string"_L1, open);
}

bool ListScanner::utf8Sequence()
{
    const auto lead = static_cast<unsigned char>(*m_at);
    int continuation = 0;
    unsigned char low = 0x80; // the bounds of the first continuation byte, which rule
    unsigned char high = 0xbf; // out overlong forms, surrogates and code points > U+10FFFF
    if (lead >= 0xc2 && lead <= 0xdf) {
        continuation = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        continuation = 2;
        if (lead == 0xe0)
            low = 0xa0;
        else if (lead == 0xed)
            high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        continuation = 3;
        if (lead == 0xf0)
            low = 0x90;
        else if (lead == 0xf4)
            high = 0x8f;
    } else {
        return fail("invalid UTF-8 in a string"_L1, m_at);
    }
    if (m_end - m_at <= continuation)
        return fail("unterminated string"_L1, m_at);
    for (int i = 1; i <= continuation; ++i) {
        const auto c = static_cast<unsigned char>(m_at[i]);
        if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xbf))
            return fail("invalid UTF-8 in a string"_L1, m_at);
    }
    m_at += continuation + 1;
    return true;
}

// JSON's number grammar, as leniently as QJsonDocument reads it: the integer part or the
// fraction may be empty ("1.", ".5"), not both.
bool ListScanner::number()
{
    const char *start = m_at;
    auto digits = [this] {
        const char *from = m_at;
        while (m_at < m_end && *m_at >= '0' && *m_at <= '9')
            ++m_at;
        return m_at - from;
    };
    if (*m_at == '-')
        ++m_at;
    qsizetype mantissa = 0;
    if (m_at < m_end && *m_at == '0') {
        ++m_at;
        mantissa = 1;
    } else {
        mantissa = digits();
    }
    if (m_at < m_end && *m_at == '.') {
        ++m_at;
        mantissa += digits();
    }
    if (mantissa == 0)
        return fail("illegal number"_L1, start);
    if (m_at < m_end && (*m_at == 'e' || *m_at == 'E')) {
        ++m_at;
        if (m_at < m_end && (*m_at == '+' || *m_at == '-'))
            ++m_at;
        if (digits() == 0)
            return fail("illegal number"_L1, start);
    }
    // QJsonDocument also refuses a number its double conversion does not take, such as
    // one that overflows (found by fuzz_listsplitter: -1.5e3089090).
    bool converted = false;
    [[maybe_unused]] const double value = QByteArrayView(start, m_at - start).toDouble(&converted);
    if (!converted)
        return fail("illegal number"_L1, start);
    return true;
}

bool ListScanner::literal(QByteArrayView word)
{
    if (QByteArrayView(m_at, m_end - m_at).startsWith(word)) {
        m_at += word.size();
        return true;
    }
    return fail("illegal value"_L1, m_at);
}

// A key as QJsonDocument reads it; only a key with an escape needs decoding.
QString ListScanner::keyOf(QByteArrayView quoted, bool escaped)
{
    if (!escaped)
        return QString::fromUtf8(quoted.sliced(1, quoted.size() - 2));
    const QByteArray wrapped = '[' + quoted.toByteArray() + ']';
    return QJsonDocument::fromJson(wrapped).array().at(0).toString();
}

std::optional<JsonListParts> ListScanner::run(QString *error)
{
    JsonListParts parts;
    ItemsState items = ItemsState::Absent;
    auto refuse = [&]() -> std::optional<JsonListParts> {
        *error = u"not a JSON object: "_s + m_error;
        return std::nullopt;
    };

    if (QByteArrayView(m_at, m_end - m_at).startsWith("\xef\xbb\xbf")) // a BOM, which Qt skips too
        m_at += 3;
    skipSpace();
    if (m_at == m_end) {
        failAtEnd();
        return refuse();
    }
    if (*m_at != '{') {
        fail("the top level is not an object"_L1, m_at);
        return refuse();
    }
    // The top-level object by hand: its keys decide what is kept.
    m_depth = 1;
    ++m_at;
    bool closed = leaveAt('}');
    while (!closed) {
        QByteArrayView quotedKey;
        bool escaped = false;
        if (!memberKey(&quotedKey, &escaped))
            return refuse();
        const QString key = keyOf(quotedKey, escaped);
        const char *valueBegin = m_at;
        if (key == "items"_L1 && m_at < m_end && *m_at == '[') {
            // The one array whose elements are kept, each as its own range.
            items = ItemsState::Array;
            parts.items.clear();
            ++m_depth;
            ++m_at;
            bool itemsClosed = leaveAt(']');
            while (!itemsClosed) {
                skipSpace();
                const char *itemBegin = m_at;
                if (!value())
                    return refuse();
                parts.items.append(QByteArrayView(itemBegin, m_at - itemBegin));
                if (!separator(']', "expected ',' or ']' in an array"_L1, &itemsClosed))
                    return refuse();
            }
        } else {
            if (!value())
                return refuse();
            if (key == "items"_L1) {
                const QByteArrayView itemsValue(valueBegin, m_at - valueBegin);
                items = itemsValue == "null" ? ItemsState::Absent : ItemsState::WrongType;
                parts.items.clear();
            } else if (key == "metadata"_L1) {
                parts.metadata = QByteArrayView(valueBegin, m_at - valueBegin);
            }
        }
        if (!separator('}', "expected ',' or '}' in an object"_L1, &closed))
            return refuse();
    }
    skipSpace();
    if (m_at != m_end) {
        fail("garbage after the document"_L1, m_at);
        return refuse();
    }
    if (items == ItemsState::WrongType) {
        *error = u"items: expected an array"_s;
        return std::nullopt;
    }
    return parts;
}

} // namespace

std::optional<JsonListParts> JsonListSplitter::split(QByteArrayView body, QString *error)
{
    return ListScanner(body).run(error);
}
