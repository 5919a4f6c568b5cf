#include "testhttpserver.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <QUrl>

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 422:
        return "Unprocessable Entity";
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

} // namespace

QByteArray TestHttpServer::Request::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

TestHttpServer::TestHttpServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &TestHttpServer::onNewConnection);
}

TestHttpServer::~TestHttpServer() = default;

bool TestHttpServer::start(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

void TestHttpServer::stop()
{
    m_server.close();
    for (QTcpSocket *socket : findChildren<QTcpSocket *>())
        socket->abort();
}

quint16 TestHttpServer::port() const
{
    return m_server.serverPort();
}

QByteArray TestHttpServer::baseUrl() const
{
    return "http://127.0.0.1:" + QByteArray::number(port()) + "/";
}

void TestHttpServer::setResponse(const Response &response)
{
    m_handler = [response](const Request &) {
        return response;
    };
}

void TestHttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        socket->setProperty("buffer", QByteArray());
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void TestHttpServer::onReadyRead(QTcpSocket *socket)
{
    if (socket->property("answered").toBool()) {
        socket->readAll();
        return;
    }
    QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    socket->setProperty("buffer", buffer);
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return;
    Request request;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    request.method = requestLine.value(0);
    request.target = requestLine.value(1);
    const qsizetype question = request.target.indexOf('?');
    request.path
        = QUrl::fromPercentEncoding(request.target.left(question < 0 ? request.target.size() : question))
              .toUtf8();
    request.rawQuery = question < 0 ? QByteArray() : request.target.mid(question + 1);
    qint64 contentLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray key = lines.at(i).left(colon).trimmed();
        const QByteArray value = lines.at(i).mid(colon + 1).trimmed();
        request.headers.append({ key, value });
        if (key.compare("Content-Length", Qt::CaseInsensitive) == 0)
            contentLength = value.toLongLong();
    }
    const qsizetype bodyStart = headerEnd + 4;
    if (buffer.size() - bodyStart < contentLength)
        return; // wait for the rest of the body
    request.body = buffer.mid(bodyStart, contentLength);
    socket->setProperty("answered", true);
    m_requests.append(request);

    const Response response
        = m_handler ? m_handler(request) : Response { 404, "text/plain", "no handler", {}, false, false, -1 };
    emit requestServed(request.path);
    if (response.hang)
        return;
    if (response.dropConnection) {
        socket->disconnectFromHost();
        return;
    }
    QByteArray answer
        = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    if (!response.contentType.isEmpty())
        answer += "Content-Type: " + response.contentType + "\r\n";
    const qint64 length = response.declaredLength >= 0 ? response.declaredLength : response.body.size();
    answer += "Content-Length: " + QByteArray::number(length) + "\r\n";
    for (const auto &[key, value] : response.extraHeaders)
        answer += key + ": " + value + "\r\n";
    answer += "Connection: close\r\n\r\n";
    socket->write(answer);
    socket->write(response.body);
    socket->disconnectFromHost();
}
