// JsonListSplitter: the items and metadata of a List body found without a DOM of the
// whole, checked against QJsonDocument (same items, same refusals) on real, tricky,
// malformed, truncated, mutated, huge and hostile bodies.

#include "kube/jsonlistsplitter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

QByteArray loadData(const QString &path)
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/") + path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file.fileName()));
    return file.readAll();
}

QJsonValue parseValue(QByteArrayView text)
{
    // Wrapped in an array: QJsonDocument reads only objects and arrays at the top.
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson("[" + text.toByteArray() + "]", &error);
    if (error.error != QJsonParseError::NoError || document.array().size() != 1)
        return QJsonValue(QJsonValue::Undefined);
    return document.array().at(0);
}

bool qtAccepts(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    return error.error == QJsonParseError::NoError && document.isObject();
}

} // namespace

class TestJsonListSplitter : public QObject
{
    Q_OBJECT

    // Fails the running test unless the parts are what a DOM of the whole body holds.
    static void compareWithDom(const QByteArray &body);

private slots:
    void realList();
    void sameAsDom_data();
    void sameAsDom();
    void malformed_data();
    void malformed();
    void truncatedAtEveryByte();
    void mutationsAgreeWithQt();
    void numbersAtTheEdgesAgreeWithQt();
    void huge();
    void hostileDepth_data();
    void hostileDepth();
    void manyTopLevelKeys();
};

void TestJsonListSplitter::compareWithDom(const QByteArray &body)
{
    QString error;
    const std::optional<JsonListParts> parts = JsonListSplitter::split(body, &error);
    QVERIFY2(parts, qPrintable(error));
    QVERIFY(error.isEmpty());
    QJsonParseError parseError;
    const QJsonObject root = QJsonDocument::fromJson(body, &parseError).object();
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    const QJsonArray items = root.value("items").toArray();
    QCOMPARE(parts->items.size(), items.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QByteArrayView item = parts->items.at(i);
        QVERIFY2(!item.isEmpty() && item.front() != ' ' && item.back() != ' ', item.data());
        QCOMPARE(parseValue(item), items.at(i));
    }
    if (root.contains("metadata"))
        QCOMPARE(parseValue(parts->metadata), root.value("metadata"));
    else
        QVERIFY(parts->metadata.isEmpty());
}

void TestJsonListSplitter::realList()
{
    const QByteArray body = loadData("kube/podlist.json");
    compareWithDom(body);
    QString error;
    const std::optional<JsonListParts> parts = JsonListSplitter::split(body, &error);
    QVERIFY(parts);
    QCOMPARE(parts->items.size(), 4);
    QCOMPARE(parseValue(parts->metadata).toObject().value("resourceVersion").toString(), "48213");
    const QJsonObject first = parseValue(parts->items.first()).toObject();
    QCOMPARE(first.value("metadata").toObject().value("name").toString(), "checkout-specs-7d9f8b6c5d-x2k9p");
    // The ranges point into the body given: no copies.
    QVERIFY(parts->items.first().data() > body.constData());
    QVERIFY(parts->items.last().data() + parts->items.last().size() < body.constData() + body.size());
}

void TestJsonListSplitter::sameAsDom_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("compact") << QByteArray(
        R"({"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[{"a":1},{"b":[2,3]}]})");
    QTest::newRow("metadata after items")
        << QByteArray(R"({"items":[{"a":1}],"kind":"List","metadata":{"resourceVersion":"9"}})");
    QTest::newRow("whitespace everywhere")
        << QByteArray(" \r\n\t{ \"items\" :\n[ {\"a\" : 1 } ,\t{ } ]\r\n, \"metadata\" : { } }\n\n");
    QTest::newRow("empty items") << QByteArray(R"({"metadata":{},"items":[]})");
    QTest::newRow("empty items with space") << QByteArray(R"({"items":[  ]})");
    QTest::newRow("null items") << QByteArray(R"({"metadata":{"resourceVersion":"3"},"items":null})");
    QTest::newRow("no items") << QByteArray(R"({"kind":"PodList"})");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("brackets in strings")
        << QByteArray("{\"items\":[{\"a\":\"]}],{[\\\"x\"},{\"b\":\"}\"}],\"metadata\":{\"c\":\"]\"}}");
    QTest::newRow("escaped quotes and backslashes")
        << QByteArray("{\"items\":[{\"a\":\"\\\\\\\"],\\\\\"},{\"b\":\"\\\\\"}]}");
    QTest::newRow("unicode") << QByteArray("{\"items\":[{\"name\":\"caf\xc3\xa9 \xe2\x9c\x93 "
                                           "\xf0\x9f\x90\xb3\",\"e\":\"\\u00e9\\ud83d\\udc33\"}]}");
    QTest::newRow("keys that look like items")
        << QByteArray(R"({"x":{"items":[1,2,3]},"items ":[9],"Items":[8],"items":[{"real":true}]})");
    QTest::newRow("escaped key") << QByteArray(
        "{\"\\u0069tems\":[{\"a\":1},{\"a\":2}],\"met\\u0061data\":{\"resourceVersion\":\"5\"}}");
    QTest::newRow("items twice: the last counts")
        << QByteArray(R"({"items":[{"a":1},{"a":2}],"items":[{"b":3}]})");
    QTest::newRow("items then null") << QByteArray(R"({"items":[{"a":1}],"items":null})");
    QTest::newRow("non-object items")
        << QByteArray(R"({"items":[1,-2.5e+3,"s",true,false,null,[1,[2]],{}]})");
    QTest::newRow("numbers") << QByteArray(
        R"({"n":[0,-0,1.5,1e9,1E-9,-12.25e+2,1.,.5,-.5e1,0e1],"items":[]})");
    QTest::newRow("metadata not an object") << QByteArray(R"({"metadata":"v1","items":[]})");
    QTest::newRow("byte order mark") << QByteArray("\xef\xbb\xbf{\"items\":[{}]}");
    QTest::newRow("control character in a string") << QByteArray("{\"items\":[{\"a\":\"tab\there\"}]}");
    QTest::newRow("unknown escape") << QByteArray("{\"items\":[{\"a\":\"\\q\"}]}");
    QTest::newRow("real list") << loadData("kube/podlist.json");
    QTest::newRow("real list compacted")
        << QJsonDocument::fromJson(loadData("kube/podlist.json")).toJson(QJsonDocument::Compact);
}

void TestJsonListSplitter::sameAsDom()
{
    QFETCH(QByteArray, body);
    compareWithDom(body);
}

// A number a double cannot hold makes QJsonDocument refuse the whole document: the
// splitter must refuse it as well (found by fuzz_listsplitter: -1.5e3089090).
void TestJsonListSplitter::numbersAtTheEdgesAgreeWithQt()
{
    const QList<QByteArray> numbers { "1.7976931348623157e308", "-1.5e308", "4.9e-324", "1e-400",
        "-1e-400", "1.8e308", "-1.5e3089090", "1e99999999999999999999" };
    for (const QByteArray &number : numbers) {
        const QByteArray body = R"({"items":[{"containerPort":)" + number + "}]}";
        QString error;
        const bool accepted = JsonListSplitter::split(body, &error).has_value();
        QJsonParseError qtError;
        QJsonDocument::fromJson(body, &qtError);
        QVERIFY2(accepted == (qtError.error == QJsonParseError::NoError),
                 qPrintable(number + ": splitter " + (accepted ? "accepts" : "refuses: " + error)));
    }
}

void TestJsonListSplitter::malformed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << QByteArray() << "not a JSON object: unexpected end of the body at byte 0";
    QTest::newRow("blank") << QByteArray(" \n") << "not a JSON object: unexpected end of the body at byte 2";
    QTest::newRow("html") << QByteArray("<html>oops</html>")
                          << "not a JSON object: the top level is not an object at byte 0";
    QTest::newRow("array root") << QByteArray("[]")
                                << "not a JSON object: the top level is not an object at byte 0";
    QTest::newRow("string root") << QByteArray(R"("items")")
                                 << "not a JSON object: the top level is not an object at byte 0";
    QTest::newRow("nul bytes") << QByteArray("\0\0\0{", 4)
                               << "not a JSON object: the top level is not an object at byte 0";
    QTest::newRow("nul after") << QByteArray("{}\0", 3)
                               << "not a JSON object: garbage after the document at byte 2";
    QTest::newRow("garbage after") << QByteArray(R"({"items":[]} {})")
                                   << "not a JSON object: garbage after the document at byte 13";
    QTest::newRow("unterminated string")
        << QByteArray(R"({"items":[{"a":"b}]})") << "not a JSON object: unterminated string at byte 15";
    QTest::newRow("unterminated key")
        << QByteArray(R"({"items)") << "not a JSON object: unterminated string at byte 1";
    QTest::newRow("escape at the end")
        << QByteArray("{\"a\":\"\\") << "not a JSON object: unterminated string at byte 5";
    QTest::newRow("short \\u") << QByteArray("{\"a\":\"\\u12\"}")
                               << "not a JSON object: invalid \\u escape in a string at byte 6";
    QTest::newRow("bad UTF-8") << QByteArray("{\"items\":[{\"a\":\"\xc0\x80\"}]}")
                               << "not a JSON object: invalid UTF-8 in a string at byte 16";
    QTest::newRow("UTF-8 surrogate") << QByteArray("{\"k\":\"\xed\xa0\x80\"}")
                                     << "not a JSON object: invalid UTF-8 in a string at byte 6";
    QTest::newRow("UTF-8 above U+10FFFF") << QByteArray("{\"k\":\"\xf4\x90\x80\x80\"}")
                                          << "not a JSON object: invalid UTF-8 in a string at byte 6";
    QTest::newRow("UTF-8 cut") << QByteArray("{\"k\":\"\xe2\x9c")
                               << "not a JSON object: unterminated string at byte 6";
    QTest::newRow("missing colon") << QByteArray(R"({"items" []})")
                                   << "not a JSON object: expected ':' after a key at byte 9";
    QTest::newRow("key not a string")
        << QByteArray(R"({items:[]})") << "not a JSON object: expected a string key at byte 1";
    QTest::newRow("trailing comma in items")
        << QByteArray(R"({"items":[{},]})") << "not a JSON object: illegal value at byte 13";
    QTest::newRow("trailing comma in object")
        << QByteArray(R"({"items":[],})") << "not a JSON object: expected a string key at byte 12";
    QTest::newRow("missing comma in items") << QByteArray(
        R"({"items":[{} {}]})") << "not a JSON object: expected ',' or ']' in an array at byte 13";
    QTest::newRow("missing comma in object")
        << QByteArray(R"({"a":1 "b":2})") << "not a JSON object: expected ',' or '}' in an object at byte 7";
    QTest::newRow("bad literal") << QByteArray(R"({"items":[tru]})")
                                 << "not a JSON object: illegal value at byte 10";
    QTest::newRow("bad number") << QByteArray(R"({"items":[-]})")
                                << "not a JSON object: illegal number at byte 10";
    QTest::newRow("leading zero") << QByteArray(R"({"items":[01]})")
                                  << "not a JSON object: expected ',' or ']' in an array at byte 11";
    QTest::newRow("only a dot") << QByteArray(R"({"items":[-.e1]})")
                                << "not a JSON object: illegal number at byte 10";
    QTest::newRow("bad exponent") << QByteArray(R"({"items":[1e+]})")
                                  << "not a JSON object: illegal number at byte 10";
    QTest::newRow("inner object broken") << QByteArray(R"({"items":[{"a":{"b" 1}}]})")
                                         << "not a JSON object: expected ':' after a key at byte 20";
    QTest::newRow("items an object") << QByteArray(R"({"items":{"a":1}})") << "items: expected an array";
    QTest::newRow("items a string") << QByteArray(R"({"items":"[]"})") << "items: expected an array";
    QTest::newRow("items a number") << QByteArray(R"({"items":0})") << "items: expected an array";
    QTest::newRow("items false") << QByteArray(R"({"items":false})") << "items: expected an array";
    QTest::newRow("array, then not") << QByteArray(R"({"items":[],"items":{}})")
                                     << "items: expected an array";
    // A broken body is reported as broken even when items has the wrong type.
    QTest::newRow("wrong type and broken")
        << QByteArray(R"({"items":{},"x":})") << "not a JSON object: illegal value at byte 16";
}

void TestJsonListSplitter::malformed()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!JsonListSplitter::split(body, &error));
    QCOMPARE(error, message);
    // QJsonDocument refuses these too, or finds no array in items.
    QVERIFY(!qtAccepts(body) || !QJsonDocument::fromJson(body).object().value("items").isArray());
}

void TestJsonListSplitter::truncatedAtEveryByte()
{
    const QByteArray body = "{\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[{\"metadata\":{\"name\":"
                            "\"a\\\"]}\"},\"n\":[1,2.5,true,null]},{\"s\":\"caf"
                            "\xc3\xa9"
                            "\\u00e9\"}]}";
    QVERIFY(qtAccepts(body));
    compareWithDom(body);
    for (qsizetype n = 0; n < body.size(); ++n) {
        QString error;
        const std::optional<JsonListParts> parts = JsonListSplitter::split(body.left(n), &error);
        QVERIFY2(!parts, qPrintable(QString::number(n)));
        QVERIFY2(error.startsWith("not a JSON object: "), qPrintable(error));
        QVERIFY(!qtAccepts(body.left(n)));
    }
}

// Every byte of a small list replaced by a few troublesome ones: the splitter accepts
// exactly what QJsonDocument accepts, and then finds the same items.
void TestJsonListSplitter::mutationsAgreeWithQt()
{
    const QByteArray body
        = R"({"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[{"a":"x]","b":[1,{"c":-2e3}]},[],"s",null,12]})";
    // Its terminating NUL is one of them: a NUL byte inside JSON is troublesome too.
    static constexpr char Replacements[] = "\"\\{}[],:0-e.ntu x\x80\xff";
    const QByteArray replacements(Replacements, sizeof Replacements);
    int accepted = 0;
    for (qsizetype at = 0; at < body.size(); ++at) {
        for (const char replacement : replacements) {
            QByteArray mutated = body;
            mutated[at] = replacement;
            QString error;
            const std::optional<JsonListParts> parts = JsonListSplitter::split(mutated, &error);
            const bool qtItemsAreArray = qtAccepts(mutated)
                && (QJsonDocument::fromJson(mutated).object().value("items").isArray()
                    || QJsonDocument::fromJson(mutated).object().value("items").isNull()
                    || !QJsonDocument::fromJson(mutated).object().contains("items"));
            QVERIFY2(parts.has_value() == qtItemsAreArray,
                qPrintable(
                    QString::fromLatin1(mutated.toHex()) + u' ' + QString::fromUtf8(mutated) + u' ' + error));
            if (parts) {
                ++accepted;
                compareWithDom(mutated);
            } else {
                QVERIFY(!error.isEmpty());
            }
        }
    }
    QVERIFY(accepted > 0); // the mutations also kept some bodies valid
}

void TestJsonListSplitter::huge()
{
    // 100,000 items of a few shapes, 13 MB: every one found, in order.
    constexpr int Count = 100000;
    QByteArray body = R"({"kind":"PodList","items":[)";
    body.reserve(Count * 140);
    for (int i = 0; i < Count; ++i) {
        if (i)
            body += ',';
        body += R"({"metadata":{"name":"pod-)" + QByteArray::number(i)
            + "\",\"namespace\":\"ns\",\"labels\":{\"a\":\"]}\\\"{[\"}},\"spec\":{\"containers\":[{\"name\":"
              "\"c\",\"ports\":[]}]}}";
    }
    body += R"(],"metadata":{"resourceVersion":"100000"}})";
    QString error;
    const std::optional<JsonListParts> parts = JsonListSplitter::split(body, &error);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->items.size(), Count);
    for (const int i : { 0, 1, 4999, 50000, Count - 1 }) {
        const QJsonObject item = parseValue(parts->items.at(i)).toObject();
        QCOMPARE(item.value("metadata").toObject().value("name").toString(), QString("pod-%1").arg(i));
    }
    QCOMPARE(parseValue(parts->metadata).toObject().value("resourceVersion").toString(), "100000");
    // Cut in the middle of the last item: refused as a whole.
    QVERIFY(!JsonListSplitter::split(body.left(body.size() - 60), &error));
}

void TestJsonListSplitter::hostileDepth_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("accepted");
    // The top object is level 1, items level 2, an item level 3.
    const auto nested = [](int levels, char open, char close) {
        return QByteArray(R"({"items":[)") + QByteArray(levels, open) + QByteArray(levels, close) + "]}";
    };
    QTest::newRow("510 arrays in items") << nested(510, '[', ']') << true;
    QTest::newRow("511 arrays in items") << nested(511, '[', ']') << false;
    QTest::newRow("deep objects") << QByteArray(R"({"items":[)")
            + QByteArray(600 * 1, ' ').replace(' ', "{\"a\":") + "1" + QByteArray(600, '}')
            + "]}" << false;
    QTest::newRow("a million [ in items") << QByteArray(R"({"items":[)") + QByteArray(1000000, '[') << false;
    QTest::newRow("a million [ elsewhere") << QByteArray(R"({"x":)") + QByteArray(1000000, '[') << false;
    QTest::newRow("a million [ at the top") << QByteArray(1000000, '[') << false;
}

void TestJsonListSplitter::hostileDepth()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, accepted);
    QString error;
    const std::optional<JsonListParts> parts = JsonListSplitter::split(body, &error);
    QCOMPARE(parts.has_value(), accepted);
    if (accepted) {
        compareWithDom(body);
    } else {
        QVERIFY2(error.startsWith("not a JSON object: "), qPrintable(error));
        if (body.startsWith('{'))
            QVERIFY2(error.contains("nested deeper than 512 levels"), qPrintable(error));
    }
}

void TestJsonListSplitter::manyTopLevelKeys()
{
    // Lots of unrelated keys (each with a decoded escape) before items: all skipped.
    QByteArray body = "{";
    for (int i = 0; i < 20000; ++i)
        body += "\"k\\u00e9" + QByteArray::number(i) + "\":[\"items\"],";
    body += R"("items":[{"a":1}]})";
    QString error;
    const std::optional<JsonListParts> parts = JsonListSplitter::split(body, &error);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->items.size(), 1);
    QCOMPARE(parts->items.first(), R"({"a":1})");
}

QTEST_GUILESS_MAIN(TestJsonListSplitter)
#include "tst_jsonlistsplitter.moc"
