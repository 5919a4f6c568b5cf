#pragma once

#include "skaffold/skaffoldevent.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;

// Follows GET http://127.0.0.1:PORT/v2/events of one skaffold process. Skaffold opens the
// port some time after it starts, so connecting is retried with a growing pause until it
// answers (or `giveUpAfterMs` passes without any answer: the session then relies on output
// parsing). A stream that ends while skaffold runs is reopened; skaffold replays every past
// event on each connection, so events are de-duplicated by identity and each is delivered once.

class SkaffoldEventStream : public QObject
{
    Q_OBJECT

public:
    explicit SkaffoldEventStream(QObject *parent = nullptr);
    ~SkaffoldEventStream() override;

    void start(quint16 port);
    void stop();
    // Skaffold has exited: read what its closing connection still holds, retry no more,
    // then emit drained() (at once when not connected; at the latest after `graceMs`).
    void finish(int graceMs = 2000);

    void setGiveUpAfter(int ms) { m_giveUpAfterMs = ms; }
    bool isConnected() const { return m_connected; }
    bool hasAnswered() const { return m_answered; }
    int connectionCount() const { return m_connections; }

signals:
    void connected();
    void eventReceived(const SkaffoldEvent &event);
    void lineRejected(const QString &reason); // a line that was not an event
    void unavailable(const QString &reason); // gave up connecting
    void drained();

private:
    void connectNow();
    void readAvailable();
    void handleFinished();
    void takeLine(const QByteArray &line);
    void scheduleRetry();

    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    QTimer m_retry;
    QTimer m_drainGuard;
    quint16 m_port = 0;
    bool m_running = false;
    bool m_connected = false;
    bool m_answered = false; // any connection ever succeeded
    bool m_discarding = false; // skipping the rest of an over-long line
    int m_connections = 0;
    int m_retryDelayMs = 50;
    int m_giveUpAfterMs = 60000;
    qint64 m_startedAtMs = 0;
    QByteArray m_buffer;
    QSet<QByteArray> m_seen;
};
