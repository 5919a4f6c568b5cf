// LogStream against a scripted server: line assembly across chunks, invalid UTF-8,
// lines over 1 MiB, and resuming after drops without losing or repeating a line.

#include "fakehttpserver.h"
#include "testcredentials.h"

#include "kube/kubeclient.h"
#include "kube/logstream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace std::chrono_literals;

namespace {

QByteArray stamp(int second, int nanos)
{
    return QStringLiteral("2026-11-24T09:%1:%2.%3Z")
        .arg(second / 60, 2, 10, QLatin1Char('0'))
        .arg(second % 60, 2, 10, QLatin1Char('0'))
        .arg(nanos, 9, 10, QLatin1Char('0'))
        .toLatin1();
}

QByteArray podJson(bool running)
{
    const QJsonObject state = running
        ? QJsonObject { { "running", QJsonObject { { "startedAt", "2026-11-24T09:00:00Z" } } } }
        : QJsonObject { { "terminated", QJsonObject { { "exitCode", 0 }, { "reason", "Completed" } } } };
    const QJsonObject pod {
        { "kind", "Pod" },
        { "metadata", QJsonObject { { "name", "specs-1" }, { "namespace", "shop" } } },
        { "spec",
            QJsonObject {
                { "containers", QJsonArray { QJsonObject { { "name", "specs" }, { "image", "x" } } } } } },
        { "status",
            QJsonObject { { "phase", running ? "Running" : "Succeeded" },
                { "containerStatuses",
                    QJsonArray { QJsonObject { { "name", "specs" }, { "state", state } } } } } },
    };
    return QJsonDocument(pod).toJson(QJsonDocument::Compact);
}

} // namespace

class TestLogStream : public QObject
{
    Q_OBJECT

    // The container's full log as the server keeps it: "stamp text" lines.
    QList<QByteArray> m_log;
    bool m_running = true;
    // Per log request: how many bytes of the answer to send before cutting (-1: all,
    // and keep the stream open), or a whole response to use instead.
    QList<qsizetype> m_cutAfter;
    QList<FakeResponse> m_logFailures;
    bool m_endNormally = false;

    FakeHttpServer *m_server = nullptr;
    std::unique_ptr<KubeClient> m_client;
    std::unique_ptr<LogStream> m_stream;
    QList<LogLine> m_received;
    std::optional<HttpError> m_finished;

    bool isLog(const FakeRequest &r) const { return r.url.path().endsWith("/log"); }
    QList<FakeRequest> logRequests() const
    {
        QList<FakeRequest> requests;
        for (const FakeRequest &r : std::as_const(m_server->requests)) {
            if (isLog(r))
                requests.append(r);
        }
        return requests;
    }

    QByteArray answer(const FakeRequest &request) const
    {
        QList<QByteArray> lines = m_log;
        if (request.hasQuery("sinceTime")) {
            const qint64 since = *parseLogStampNanos(request.query("sinceTime").toLatin1());
            lines.removeIf(
                [&](const QByteArray &line) { return *parseLogStampNanos(line.left(30)) < since; });
        }
        if (request.hasQuery("tailLines"))
            lines = lines.mid(qMax<qsizetype>(0, lines.size() - request.query("tailLines").toInt()));
        QByteArray body;
        for (const QByteArray &line : std::as_const(lines)) {
            // The server only adds timestamps when asked.
            body += (request.query("timestamps") == "true" ? line : line.mid(31)) + "\n";
        }
        return body;
    }

    void makeStream(LogStreamOptions options)
    {
        m_stream = std::make_unique<LogStream>(m_client.get(), "shop", "specs-1", options);
        m_stream->setBackoff(RetryBackoff(10ms, 50ms));
        connect(m_stream.get(), &LogStream::linesReceived, this,
            [this](const QList<LogLine> &lines) { m_received += lines; });
        connect(m_stream.get(), &LogStream::finished, this,
            [this](const HttpError &error) { m_finished = error; });
    }

    QStringList receivedTexts() const
    {
        QStringList texts;
        for (const LogLine &line : m_received)
            texts.append(line.text);
        return texts;
    }
    QStringList logTexts() const
    {
        QStringList texts;
        for (const QByteArray &line : m_log)
            texts.append(QString::fromUtf8(line.mid(31)));
        return texts;
    }

private slots:
    void init()
    {
        m_log.clear();
        m_running = true;
        m_cutAfter.clear();
        m_logFailures.clear();
        m_endNormally = false;
        m_received.clear();
        m_finished.reset();
        m_server = new FakeHttpServer(this);
        QVERIFY(m_server->listen());
        m_server->setHandler([this](const FakeRequest &request, QTcpSocket *socket) {
            if (!isLog(request))
                return FakeResponse { 200, podJson(m_running) };
            if (!m_logFailures.isEmpty())
                return m_logFailures.takeFirst();
            FakeResponse response;
            response.stream = true;
            response.headers = { { "Content-Type", "text/plain" } };
            const QByteArray body = answer(request);
            const qsizetype cut = m_cutAfter.isEmpty() ? -1 : m_cutAfter.takeFirst();
            if (cut >= 0) {
                response.body = body.left(cut);
                QPointer<QTcpSocket> guard = socket;
                QTimer::singleShot(10, this, [guard] {
                    if (guard)
                        guard->abort();
                });
            } else {
                response.body = body;
                if (m_endNormally) {
                    QPointer<QTcpSocket> guard = socket;
                    QTimer::singleShot(30, this, [guard] { FakeHttpServer::endStream(guard); });
                }
            }
            return response;
        });
        ClusterAccess access;
        access.target.contextName = "unit";
        access.target.server = m_server->url();
        access.credentials = TestCredentials::token("token");
        m_client = std::make_unique<KubeClient>(access);
    }

    void cleanup()
    {
        m_stream.reset();
        m_client.reset();
        delete m_server;
    }

    void parsesStamps_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("nanos");
        const qint64 base
            = QDateTime(QDate(2024, 5, 1), QTime(10, 0), QTimeZone::UTC).toSecsSinceEpoch() * 1000000000LL;
        QTest::newRow("fixed nine digits")
            << QByteArray("2024-05-01T10:00:00.123456789Z") << base + 123456789;
        QTest::newRow("short fraction") << QByteArray("2024-05-01T10:00:00.5Z") << base + 500000000;
        QTest::newRow("no fraction") << QByteArray("2024-05-01T10:00:00Z") << base;
        QTest::newRow("offset") << QByteArray("2024-05-01T12:00:00.000000001+02:00") << base + 1;
        QTest::newRow("more than nine digits")
            << QByteArray("2024-05-01T10:00:00.1234567891Z") << base + 123456789;
    }

    void parsesStamps()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, nanos);
        QCOMPARE(parseLogStampNanos(text), std::optional<qint64>(nanos));
    }

    void rejectsNonStamps_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("words") << QByteArray("PASS specs/cart.spec.js");
        QTest::newRow("no zone") << QByteArray("2024-05-01T10:00:00.123");
        QTest::newRow("bad month") << QByteArray("2024-13-01T10:00:00Z");
        QTest::newRow("letters") << QByteArray("2024-05-0xT10:00:00Z");
        QTest::newRow("empty fraction") << QByteArray("2024-05-01T10:00:00.Z");
        QTest::newRow("huge") << QByteArray(100, '1');
    }

    void rejectsNonStamps()
    {
        QFETCH(QByteArray, text);
        QVERIFY(!parseLogStampNanos(text));
    }

    // The stream's parser remembers the last second: whatever came before, each stamp
    // reads as it does alone.
    void streamParserAgreesWithOneShotParsing()
    {
        const QList<QByteArray> stamps = {
            "2024-05-01T10:00:00.1Z", "2024-05-01T10:00:00.2Z", "2024-05-01T10:00:00.3+02:00",
            "2024-05-01T10:00:00.4Z", "2024-05-01T10:00:01Z", "2024-13-01T10:00:01Z", "2024-05-01T10:00:01.Z",
            "2024-05-01T10:00:01.5Z", "2024-05-01T23:59:59.9Z", "2024-05-02T00:00:00Z", "2024-05-01T23:59:59.9Z",
            "2024-05-01T23:59:59.9-01:30", "2024-02-29T10:00:00Z", "2023-02-29T10:00:00Z", "not a stamp at all!",
            "2024-02-29T10:00:00Z", "2024-05-01t10:00:00Z"};
        LogStampParser parser;
        for (const QByteArray &stamp : stamps)
            QVERIFY2(parser.nanos(stamp) == parseLogStampNanos(stamp), stamp.constData());
        QVERIFY(!parser.nanos("2023-02-29T10:00:00Z")); // no such day, also after a valid one
    }

    void assemblerJoinsAcrossChunks()
    {
        const QByteArray stream = "one\ntwo\n\nthree\nfour";
        for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
            LogLineAssembler assembler;
            QList<LogLineAssembler::Piece> pieces;
            assembler.append(QByteArrayView(stream).first(cut), &pieces);
            assembler.append(QByteArrayView(stream).sliced(cut), &pieces);
            QCOMPARE(pieces.size(), 4);
            QCOMPARE(pieces[2].bytes.toByteArray(), QByteArray());
            QCOMPARE(pieces[3].bytes.toByteArray(), "three");
            const auto rest = assembler.takeRest();
            QVERIFY(rest);
            QCOMPARE(rest->bytes.toByteArray(), "four");
            QVERIFY(!assembler.takeRest());
        }
    }

    void assemblerSplitsLongLinesOnCharacterBoundaries()
    {
        // Multi-byte characters of every length, cut by a small limit at every offset.
        const QByteArray line = QStringLiteral("aé€😀b€😀éa😀😀€€ééxyz😀").toUtf8();
        for (qsizetype limit = 4; limit <= 9; ++limit) {
            for (qsizetype chunk = 1; chunk <= line.size(); ++chunk) {
                LogLineAssembler assembler(limit);
                QList<LogLineAssembler::Piece> pieces;
                const QByteArray input = line + "\n";
                for (qsizetype i = 0; i < input.size(); i += chunk)
                    assembler.append(QByteArrayView(input).sliced(i, qMin(chunk, input.size() - i)), &pieces);
                QByteArray joined;
                for (qsizetype i = 0; i < pieces.size(); ++i) {
                    QVERIFY(pieces[i].bytes.size() <= limit);
                    QCOMPARE(pieces[i].first, i == 0);
                    QCOMPARE(pieces[i].last, i == pieces.size() - 1);
                    QVERIFY2(!QString::fromUtf8(pieces[i].bytes).contains(QChar::ReplacementCharacter),
                        pieces[i].bytes.toByteArray().toHex().constData());
                    joined += pieces[i].bytes;
                }
                QCOMPARE(joined, line);
            }
        }
    }

    void followsWithTimestampsStripped()
    {
        m_log = { stamp(1, 1) + " PASS specs/cart.spec.js", stamp(1, 2) + " ",
            stamp(2, 0) + "   ✓ adds (5 ms)" };
        makeStream({});
        m_stream->start();
        QTRY_COMPARE(m_received.size(), 3);
        QCOMPARE(receivedTexts(), logTexts());
        QVERIFY(!m_received.first().timestamp.isValid());
        const FakeRequest request = logRequests().first();
        QCOMPARE(request.url.path(), "/api/v1/namespaces/shop/pods/specs-1/log");
        QCOMPARE(request.query("follow"), "true");
        QCOMPARE(request.query("timestamps"), "true");
        QVERIFY(!request.hasQuery("container"));
        QCOMPARE(m_stream->status().health, ConnectionStatus::Health::Ok);
    }

    void optionsAndTimestamps()
    {
        m_log = { stamp(1, 1) + " a", stamp(2, 123456789) + " b", stamp(3, 0) + " c" };
        LogStreamOptions options;
        options.container = "specs";
        options.timestamps = true;
        options.tailLines = 2;
        options.follow = false;
        m_endNormally = true;
        makeStream(options);
        m_stream->start();
        QTRY_VERIFY(m_finished.has_value());
        QVERIFY(!m_finished->isError());
        QCOMPARE(receivedTexts(), (QStringList { "b", "c" }));
        QCOMPARE(m_received.first().timestamp,
            QDateTime(QDate(2026, 11, 24), QTime(9, 0, 2, 123), QTimeZone::UTC));
        const FakeRequest request = logRequests().first();
        QCOMPARE(request.query("container"), "specs");
        QCOMPARE(request.query("tailLines"), "2");
        QVERIFY(!request.hasQuery("follow"));
        QCOMPARE(m_stream->status().health, ConnectionStatus::Health::Off);
    }

    void invalidUtf8BecomesReplacementCharacters()
    {
        m_log = { stamp(1, 0) + " bad \xff\xfe bytes \xe2\x82", stamp(1, 1) + " ok" };
        makeStream({});
        m_stream->start();
        QTRY_COMPARE(m_received.size(), 2);
        // Qt replaces each byte of a broken sequence.
        QCOMPARE(m_received.first().text, QStringLiteral("bad \uFFFD\uFFFD bytes \uFFFD\uFFFD"));
        QCOMPARE(m_received.last().text, "ok");
    }

    void lineOverOneMebibyteIsSplitWithAMarker()
    {
        QByteArray huge;
        while (huge.size() < 2621440) // 2.5 MiB of mixed-width characters
            huge += QStringLiteral("€uro-😀-").toUtf8();
        m_log = { stamp(1, 0) + " before", stamp(1, 1) + " " + huge, stamp(1, 2) + " after" };
        makeStream({});
        m_stream->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_received.size() >= 5, 10000);
        QCOMPARE(m_received.size(), 5);
        QCOMPARE(m_received.first().text, "before");
        QCOMPARE(m_received.last().text, "after");
        QString joined;
        for (int i = 1; i <= 3; ++i) {
            QString text = m_received[i].text;
            QCOMPARE(text.endsWith(LogStream::ContinuationMarker), i < 3);
            if (i < 3)
                text.chop(LogStream::ContinuationMarker.size());
            QVERIFY(!text.contains(QChar::ReplacementCharacter));
            joined += text;
        }
        QCOMPARE(joined, QString::fromUtf8(huge));
    }

    void cutMidLineResumesWithoutLossOrRepeat()
    {
        // Several lines share stamps (and texts) around the cut, as a burst of Jest output does.
        m_log
            = { stamp(1, 0) + " start", stamp(2, 5) + " ", stamp(2, 5) + " ", stamp(2, 5) + " ● cart › adds",
                  stamp(2, 7) + " same", stamp(2, 7) + " same", stamp(3, 0) + " end" };
        // First answer: up to the middle of the second "same" line; second: all of it.
        const QByteArray full = m_log.join('\n') + '\n';
        m_cutAfter = { full.indexOf(stamp(2, 7) + " same", full.indexOf(" same") + 1) + 33 };
        makeStream({});
        m_stream->start();
        QTRY_COMPARE(m_received.size(), 7);
        QTest::qWait(100);
        QCOMPARE(receivedTexts(), logTexts());
        const QList<FakeRequest> requests = logRequests();
        QCOMPARE(requests.size(), 2);
        QCOMPARE(requests[1].query("sinceTime"), "2026-11-24T09:00:02Z");
        QVERIFY(!requests[1].hasQuery("tailLines"));
        QCOMPARE(m_stream->resumes(), 1);

        // A line appended later still arrives once.
        m_log.append(stamp(4, 0) + " later");
        FakeHttpServer::sendChunk(m_server->lastStream(), m_log.last() + "\n");
        QTRY_COMPARE(m_received.size(), 8);
        QCOMPARE(receivedTexts(), logTexts());
    }

    void resumeAtEveryCutPosition()
    {
        m_log = { stamp(1, 0) + " a", stamp(1, 0) + " a", stamp(1, 0) + " b", stamp(2, 0) + " c",
            stamp(2, 0) + " é€", stamp(3, 0) + " d" };
        const QByteArray full = m_log.join('\n') + '\n';
        for (qsizetype cut = 0; cut < full.size(); cut += 4) {
            m_received.clear();
            m_server->requests.clear();
            m_cutAfter = { cut, cut / 2 };
            makeStream({});
            m_stream->start();
            QTRY_COMPARE(logRequests().size(), 3);
            QTRY_VERIFY(m_received.size() >= m_log.size());
            if (receivedTexts() != logTexts())
                qWarning() << "cut" << cut << receivedTexts();
            QTest::qWait(20);
            QCOMPARE(receivedTexts(), logTexts());
            m_stream.reset();
        }
    }

    void cutInsideALongLineDoesNotRepeatItsPieces()
    {
        const QByteArray huge(2500000, 'x');
        m_log = { stamp(1, 0) + " before", stamp(1, 1) + " " + huge.left(1200000) + "y" + huge.mid(1200001),
            stamp(1, 2) + " after" };
        const QByteArray full = m_log.join('\n') + '\n';
        m_cutAfter = { full.indexOf(" after") - 1000 }; // after two pieces of the long line
        makeStream({});
        m_stream->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_received.size() >= 5, 10000);
        QTest::qWait(100);
        QCOMPARE(m_received.size(), 5);
        QString joined;
        for (int i = 1; i <= 3; ++i)
            joined += m_received[i].text.remove(LogStream::ContinuationMarker);
        QCOMPARE(joined.toLatin1(), m_log[1].mid(31));
        QCOMPARE(m_received.last().text, "after");
        QCOMPARE(logRequests().size(), 2);
    }

    void normalCloseWhileRunningResumesThenEndsWhenExited()
    {
        m_log = { stamp(1, 0) + " one", stamp(1, 1) + " two" };
        m_endNormally = true;
        makeStream({});
        m_stream->start();
        QTRY_COMPARE(m_received.size(), 2);
        QTRY_VERIFY(logRequests().size() >= 2); // the pod runs: resumed
        QVERIFY(!m_finished);
        // Keep the next stream open, write to it, then the container exits.
        m_endNormally = false;
        const qsizetype before = logRequests().size();
        QTRY_VERIFY(logRequests().size() > before);
        QTRY_VERIFY(m_server->lastStream());
        m_log.append(stamp(2, 0) + " three");
        FakeHttpServer::sendChunk(m_server->lastStream(), m_log.last() + "\n");
        QTRY_COMPARE(m_received.size(), 3);
        m_running = false;
        FakeHttpServer::endStream(m_server->lastStream());
        QTRY_VERIFY_WITH_TIMEOUT(m_finished.has_value(), 10000);
        QVERIFY(!m_finished->isError());
        QCOMPARE(receivedTexts(), logTexts());
        QCOMPARE(m_stream->status().summary, "ended");
    }

    void lastLineWithoutNewlineIsKeptAtTheEnd()
    {
        m_log = { stamp(1, 0) + " one" };
        m_running = false;
        m_server->setHandler([this](const FakeRequest &request, QTcpSocket *socket) {
            if (!isLog(request))
                return FakeResponse { 200, podJson(false) };
            FakeResponse response;
            response.stream = true;
            response.body = m_log.first() + "\n" + stamp(1, 1) + " no newline";
            QPointer<QTcpSocket> guard = socket;
            QTimer::singleShot(30, this, [guard] { FakeHttpServer::endStream(guard); });
            return response;
        });
        makeStream({});
        m_stream->start();
        QTRY_VERIFY(m_finished.has_value());
        QCOMPARE(receivedTexts(), (QStringList { "one", "no newline" }));
    }

    void clientErrorsEndTheStream()
    {
        m_logFailures.append(FakeResponse { 400,
            "{\"kind\":\"Status\",\"code\":400,\"reason\":\"BadRequest\",\"message\":\"a container name must "
            "be "
            "specified for pod specs-1, choose one of: [sidecar specs]\"}" });
        makeStream({});
        m_stream->start();
        QTRY_VERIFY(m_finished.has_value());
        QCOMPARE(m_finished->httpStatus, 400);
        QVERIFY(m_finished->message.startsWith("a container name must be specified"));
        QCOMPARE(m_stream->status().health, ConnectionStatus::Health::Failed);
        QCOMPARE(logRequests().size(), 1);
    }

    void serverErrorsRetry()
    {
        m_log = { stamp(1, 0) + " one" };
        m_logFailures.append(FakeResponse { 503, "<html>unavailable</html>" });
        FakeResponse throttled { 429, "{}" };
        throttled.headers.append({ QByteArray("Retry-After"), QByteArray("0") });
        m_logFailures.append(throttled);
        makeStream({});
        QList<ConnectionStatus> seen;
        connect(m_stream.get(), &LogStream::statusChanged, this,
            [&](const ConnectionStatus &s) { seen.append(s); });
        m_stream->start();
        QTRY_COMPARE(m_received.size(), 1);
        QCOMPARE(logRequests().size(), 3);
        QVERIFY(std::any_of(seen.cbegin(), seen.cend(), [](const ConnectionStatus &s) {
            return s.health == ConnectionStatus::Health::Degraded && s.error.contains("503");
        }));
        QCOMPARE(seen.last().health, ConnectionStatus::Health::Ok);
    }

    void stopIsQuiet()
    {
        m_log = { stamp(1, 0) + " one" };
        makeStream({});
        m_stream->start();
        QTRY_COMPARE(m_received.size(), 1);
        m_stream->stop();
        FakeHttpServer::sendChunk(m_server->lastStream(), stamp(1, 1) + " two\n");
        QTest::qWait(100);
        QCOMPARE(m_received.size(), 1);
        QVERIFY(!m_finished);
        QCOMPARE(m_stream->status().health, ConnectionStatus::Health::Off);
    }
};

QTEST_GUILESS_MAIN(TestLogStream)
#include "tst_logstream.moc"
