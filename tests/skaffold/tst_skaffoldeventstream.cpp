// SkaffoldEventStream against a scripted loopback server: hostile bodies, replays on
// reconnect, a server that is late, and one that never comes.
#include "skaffold/skaffoldeventstream.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

namespace {

QByteArray eventLine(const char *task, const char *status, int n)
{
    // Built with QJsonDocument: moc's tokenizer trips over unbalanced braces in raw strings.
    QJsonObject event { { "task", task }, { "status", status } };
    QJsonObject result { { "timestamp", QString("2025-03-01T10:00:0%1Z").arg(n) }, { "taskEvent", event } };
    return QJsonDocument(QJsonObject { { "result", result } }).toJson(QJsonDocument::Compact) + "\n";
}

// Answers each connection with the next scripted response, then closes it.
class ScriptedServer : public QObject
{
public:
    QTcpServer server;
    QList<QByteArray> responses;
    int connections = 0;

    ScriptedServer()
    {
        connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                const QByteArray response
                    = responses.value(connections, responses.isEmpty() ? QByteArray() : responses.last());
                ++connections;
                connect(socket, &QTcpSocket::readyRead, socket, [socket, response] {
                    if (!socket->readAll().contains("\r\n\r\n"))
                        return;
                    socket->write(response);
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
};

QByteArray ok(const QByteArray &body)
{
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + body;
}

} // namespace

class TestSkaffoldEventStream : public QObject
{
    Q_OBJECT

private slots:
    void hostileBody()
    {
        ScriptedServer fake;
        QVERIFY(fake.server.listen(QHostAddress::LocalHost));
        QByteArray body = eventLine("Build", "InProgress", 1);
        body += "not json at all\n";
        body += "\n";
        body += "{\"error\":{\"code\":13,\"message\":\"boom\"}}\n";
        body += QByteArray(MaxSkaffoldEventLineBytes + 10, 'x') + "\n"; // over-long
        body += eventLine("Build", "Completed", 2);
        body += eventLine("Deploy", "InProgress", 3).left(40); // truncated by the close
        fake.responses = { ok(body), ok(body), ok({}) }; // later reconnects get an empty stream

        SkaffoldEventStream stream;
        QSignalSpy events(&stream, &SkaffoldEventStream::eventReceived);
        QSignalSpy rejected(&stream, &SkaffoldEventStream::lineRejected);
        stream.start(fake.server.serverPort());
        QTRY_VERIFY_WITH_TIMEOUT(fake.connections >= 2, 10000); // the stream ended: it reconnects
        QTRY_COMPARE_WITH_TIMEOUT(rejected.size(), 6, 10000);
        // The second connection replayed the same two events: still two.
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(0).at(0).value<SkaffoldEvent>().status, QString("InProgress"));
        QCOMPARE(events.at(1).at(0).value<SkaffoldEvent>().status, QString("Completed"));
        QStringList reasons;
        for (const auto &r : rejected)
            reasons << r.at(0).toString();
        QVERIFY2(reasons.join('|').contains("boom"), qPrintable(reasons.join('|')));
        QVERIFY2(reasons.join('|').contains("too long"), qPrintable(reasons.join('|')));
        stream.stop();
    }

    void lateServerIsRetriedAndErrorsAreNotConnections()
    {
        ScriptedServer fake;
        QVERIFY(fake.server.listen(QHostAddress::LocalHost));
        const quint16 port = fake.server.serverPort();
        fake.server.close(); // not there yet: connection refused
        fake.responses = { "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            ok(eventLine("Deploy", "InProgress", 1)) };

        SkaffoldEventStream stream;
        QSignalSpy connected(&stream, &SkaffoldEventStream::connected);
        QSignalSpy events(&stream, &SkaffoldEventStream::eventReceived);
        stream.start(port);
        QTest::qWait(300);
        QVERIFY(!stream.hasAnswered());
        QVERIFY(fake.server.listen(QHostAddress::LocalHost, port));
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, 10000);
        QVERIFY(fake.connections >= 2);
        QVERIFY(stream.hasAnswered());
        QCOMPARE(connected.size(), stream.connectionCount());
        stream.stop();
    }

    void givesUpWhenNothingAnswers()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        SkaffoldEventStream stream;
        stream.setGiveUpAfter(400);
        QSignalSpy unavailable(&stream, &SkaffoldEventStream::unavailable);
        stream.start(port);
        QVERIFY(unavailable.wait(10000));
        QVERIFY(unavailable.at(0).at(0).toString().contains(QString::number(port)));
        QVERIFY(!stream.isConnected());
    }

    void finishDrainsAndSignals()
    {
        SkaffoldEventStream stream;
        QSignalSpy drained(&stream, &SkaffoldEventStream::drained);
        stream.start(1); // nothing will answer on port 1
        stream.finish();
        QVERIFY(drained.wait(5000));
    }
};

QTEST_GUILESS_MAIN(TestSkaffoldEventStream)
#include "tst_skaffoldeventstream.moc"
