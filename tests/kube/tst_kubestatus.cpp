#include "kube/kubestatus.h"

#include <QFile>
#include <QTest>

namespace {

QByteArray loadData(const QString &name)
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/kube/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file.fileName()));
    return file.readAll();
}

} // namespace

class TestKubeStatus : public QObject
{
    Q_OBJECT

private slots:
    void statuses_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("isStatus");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("message");

        QTest::newRow("forbidden")
            << "status-forbidden.json" << true << 403 << "Forbidden"
            << "pods is forbidden: User \"system:serviceaccount:ci:viewer\" cannot list "
               "resource \"pods\" in API group \"\" in the namespace \"kube-system\"";
        QTest::newRow("expired") << "status-expired.json" << true << 410 << "Expired"
                                 << "too old resource version: 1200 (1534)";
        QTest::newRow("unauthorized") << "status-unauthorized.json" << true << 401 << "Unauthorized"
                                      << "Unauthorized";
        QTest::newRow("html from a load balancer") << "bad-gateway.html" << false << 0 << ""
                                                   << "502 Bad Gateway 502 Bad Gateway nginx/1.25.3";
    }

    void statuses()
    {
        QFETCH(QString, file);
        QFETCH(bool, isStatus);
        QFETCH(int, code);
        QFETCH(QString, reason);
        QFETCH(QString, message);
        const KubeStatus status = parseKubeStatus(loadData(file));
        QCOMPARE(status.isStatus, isStatus);
        QCOMPARE(status.code, code);
        QCOMPARE(status.reason, reason);
        QCOMPARE(status.message, message);
    }

    void plainTextIsCutAndSanitized()
    {
        QByteArray body = "upstream connect error\r\n\x1b[31mreset\x07 ";
        body += QByteArray(500, 'x');
        const KubeStatus status = parseKubeStatus(body);
        QVERIFY(!status.isStatus);
        QVERIFY(status.message.startsWith("upstream connect error [31mreset xxx"));
        QCOMPARE(status.message.size(), 201); // 200 characters and the ellipsis
        QVERIFY(status.message.endsWith(u'…'));
        for (const QChar c : status.message)
            QVERIFY2(c.isPrint(), qPrintable(QString::number(c.unicode())));
    }

    void malformedAndTruncatedJson_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QByteArray() << "";
        // (moc mis-reads raw strings with an odd number of quotes: escaped on purpose)
        QTest::newRow("truncated") << QByteArray("{\"kind\":\"Status\",\"message\":\"no")
                                   << "{\"kind\":\"Status\",\"message\":\"no";
        QTest::newRow("array") << QByteArray(R"([1,2])") << "[1,2]";
        QTest::newRow("other kind") << QByteArray(R"({"kind":"Pod","message":"x"})")
                                    << R"({"kind":"Pod","message":"x"})";
        QTest::newRow("invalid utf-8") << QByteArray("bad \xff\xfe bytes") << "bad \uFFFD\uFFFD bytes";
    }

    void malformedAndTruncatedJson()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        const KubeStatus status = parseKubeStatus(body);
        QVERIFY(!status.isStatus);
        QCOMPARE(status.message, message);
    }

    void wrongTypesInAStatus()
    {
        const KubeStatus status
            = parseKubeStatus(R"({"kind":"Status","code":"404","reason":7,"message":{"a":1}})");
        QVERIFY(status.isStatus);
        QCOMPARE(status.code, 0);
        QCOMPARE(status.reason, "");
        QCOMPARE(status.message, "");
    }

    void hostileMessageStaysOneLine()
    {
        const KubeStatus status = parseKubeStatus(
            "{\"kind\":\"Status\",\"code\":500,\"message\":\"line one\\nline two\\u202e\\u0000evil\"}");
        QVERIFY(status.isStatus);
        QCOMPARE(status.message, "line one line two evil");
    }

    void hugeBody()
    {
        QByteArray body(64 * 1024 * 1024, 'a');
        const KubeStatus status = parseKubeStatus(body);
        QCOMPARE(status.message.size(), 201);
        // A huge HTML page: only its start is looked at.
        QByteArray html = "<html><body>" + QByteArray(32 * 1024 * 1024, 'b');
        QCOMPARE(parseKubeStatus(html).message.size(), 201);
    }

    void hugeStatusMessageIsCut()
    {
        const QByteArray body
            = "{\"kind\":\"Status\",\"code\":500,\"message\":\"" + QByteArray(10000, 'm') + "\"}";
        const KubeStatus status = parseKubeStatus(body);
        QVERIFY(status.isStatus);
        QCOMPARE(status.message.size(), 2001);
    }
};

QTEST_GUILESS_MAIN(TestKubeStatus)
#include "tst_kubestatus.moc"
