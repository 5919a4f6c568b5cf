#pragma once

// A scripted HTTP/1.1 server on 127.0.0.1 for unit tests of KubeClient, Reflector and
// LogStream: every request is recorded and handed to a test-provided handler, which
// answers at once (status, headers, body) or keeps the connection for streaming
// (chunked transfer encoding), so tests can send chunks, end the stream or cut it.

#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

struct FakeRequest
{
    QByteArray method;
    QUrl url; // path and query as sent
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QString query(const QString &key) const { return QUrlQuery(url).queryItemValue(key, QUrl::FullyDecoded); }
    bool hasQuery(const QString &key) const { return QUrlQuery(url).hasQueryItem(key); }
};

struct FakeResponse
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers = { { "Content-Type", "application/json" } };
    bool stream = false; // chunked; the test drives the socket with sendChunk/endStream
};

class FakeHttpServer : public QObject
{
public:
    using Handler = std::function<FakeResponse(const FakeRequest &, QTcpSocket *)>;

    explicit FakeHttpServer(QObject *parent = nullptr)
        : QObject(parent)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    void setHandler(Handler handler) { m_handler = std::move(handler); }

    QList<FakeRequest> requests;
    QList<QPointer<QTcpSocket>> streams;

    int countRequests(const std::function<bool(const FakeRequest &)> &match) const
    {
        return int(std::count_if(requests.cbegin(), requests.cend(), match));
    }

    static void sendChunk(QTcpSocket *socket, const QByteArray &data)
    {
        if (!socket || data.isEmpty())
            return;
        socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
        socket->flush();
    }
    static void endStream(QTcpSocket *socket)
    {
        if (!socket)
            return;
        socket->write("0\r\n\r\n");
        socket->flush();
        socket->disconnectFromHost();
    }
    // Drops every open stream abruptly, mid-chunk if need be.
    void cutStreams()
    {
        for (const QPointer<QTcpSocket> &socket : std::as_const(streams)) {
            if (socket)
                socket->abort();
        }
        streams.clear();
    }
    QTcpSocket *lastStream() const
    {
        for (auto it = streams.crbegin(); it != streams.crend(); ++it) {
            if (*it && (*it)->state() == QAbstractSocket::ConnectedState)
                return *it;
        }
        return nullptr;
    }

private:
    void onReadyRead(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        FakeRequest request;
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        request.method = requestLine.value(0);
        request.url = QUrl::fromEncoded(requestLine.value(1));
        qsizetype contentLength = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon < 0)
                continue;
            const QByteArray name = lines[i].left(colon).trimmed();
            const QByteArray value = lines[i].mid(colon + 1).trimmed();
            request.headers.append({ name, value });
            if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
                contentLength = value.toLongLong();
        }
        if (buffer.size() < headerEnd + 4 + contentLength)
            return;
        request.body = buffer.mid(headerEnd + 4, contentLength);
        buffer.remove(0, headerEnd + 4 + contentLength);
        requests.append(request);

        const FakeResponse response = m_handler ? m_handler(request, socket) : FakeResponse { 404, "{}" };
        QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + " "
            + reasonPhrase(response.status) + "\r\n";
        for (const auto &[name, value] : response.headers)
            head += name + ": " + value + "\r\n";
        head += "Connection: close\r\n";
        if (response.stream) {
            head += "Transfer-Encoding: chunked\r\n\r\n";
            socket->write(head);
            streams.append(socket);
            sendChunk(socket, response.body);
            return;
        }
        head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n\r\n";
        socket->write(head + response.body);
        socket->disconnectFromHost();
    }

    static QByteArray reasonPhrase(int status)
    {
        switch (status) {
        case 200:
            return "OK";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 410:
            return "Gone";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        default:
            return "Status";
        }
    }

    QTcpServer m_server;
    Handler m_handler;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};
