#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>

#include <functional>

// A tiny HTTP/1.1 server on 127.0.0.1 for tests: canned or computed answers, hostile
// ones included (wrong lengths, dropped connections, answers that never come). One
// request per connection (it answers with "Connection: close").
class TestHttpServer : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        QByteArray method;
        QByteArray target; // path and query as sent, e.g. "/api/v1/query?query=up"
        QByteArray path; // decoded path without the query
        QByteArray rawQuery;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;

        QByteArray header(const QByteArray &name) const;
    };

    struct Response
    {
        int status = 200;
        QByteArray contentType = "application/json";
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> extraHeaders;
        bool hang = false; // never answer (for timeouts)
        bool dropConnection = false; // close without a word
        qint64 declaredLength = -1; // Content-Length to claim; -1: the body's size
    };

    using Handler = std::function<Response(const Request &)>;

    explicit TestHttpServer(QObject *parent = nullptr);
    ~TestHttpServer() override;

    bool start(quint16 port = 0); // 0: any free port
    void stop();
    quint16 port() const;
    QByteArray baseUrl() const; // "http://127.0.0.1:PORT/"

    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // Shortcut: always answer this.
    void setResponse(const Response &response);

    const QList<Request> &requests() const { return m_requests; }
    void clearRequests() { m_requests.clear(); }

signals:
    void requestServed(const QByteArray &path);

private:
    void onNewConnection();
    void onReadyRead(class QTcpSocket *socket);

    QTcpServer m_server;
    Handler m_handler;
    QList<Request> m_requests;
};
