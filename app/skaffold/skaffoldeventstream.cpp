#include "skaffold/skaffoldeventstream.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {
constexpr int FirstRetryDelayMs = 50;
constexpr int MaxRetryDelayMs = 500;
// A session lasting days in dev mode accumulates events; past this many identities the
// oldest replays could be re-delivered, which only re-applies already-known state.
constexpr qsizetype MaxRememberedEvents = 200000;
} // namespace

SkaffoldEventStream::SkaffoldEventStream(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &SkaffoldEventStream::connectNow);
    m_drainGuard.setSingleShot(true);
    connect(&m_drainGuard, &QTimer::timeout, this, [this] {
        stop();
        emit drained();
    });
}

SkaffoldEventStream::~SkaffoldEventStream()
{
    stop();
}

void SkaffoldEventStream::start(quint16 port)
{
    stop();
    m_port = port;
    m_running = true;
    m_answered = false;
    m_retryDelayMs = FirstRetryDelayMs;
    m_startedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_seen.clear();
    connectNow();
}

void SkaffoldEventStream::stop()
{
    m_running = false;
    m_retry.stop();
    m_drainGuard.stop();
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        if (reply->isRunning())
            reply->abort();
        reply->deleteLater();
    }
    m_connected = false;
}

void SkaffoldEventStream::finish(int graceMs)
{
    m_running = false;
    m_retry.stop();
    if (!m_reply || !m_connected) {
        stop();
        QTimer::singleShot(0, this, &SkaffoldEventStream::drained);
        return;
    }
    m_drainGuard.start(graceMs); // handleFinished() emits drained() when the server closes first
}

void SkaffoldEventStream::connectNow()
{
    if (!m_running || m_reply)
        return;
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(m_port);
    url.setPath(u"/v2/events"_s);
    QNetworkRequest request(url);
    request.setTransferTimeout(0); // an endless stream
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setRawHeader("Accept", "application/json");
    m_buffer.clear();
    m_discarding = false;
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200 && !m_connected) {
            m_connected = true;
            m_answered = true;
            ++m_connections;
            m_retryDelayMs = FirstRetryDelayMs;
            emit connected();
        }
    });
    connect(m_reply, &QNetworkReply::readyRead, this, &SkaffoldEventStream::readAvailable);
    connect(m_reply, &QNetworkReply::finished, this, &SkaffoldEventStream::handleFinished);
}

void SkaffoldEventStream::readAvailable()
{
    if (!m_reply || !m_connected)
        return;
    m_buffer += m_reply->readAll();
    qsizetype start = 0;
    for (qsizetype end = m_buffer.indexOf('\n'); end >= 0; end = m_buffer.indexOf('\n', start)) {
        if (m_discarding)
            m_discarding = false;
        else
            takeLine(m_buffer.sliced(start, end - start));
        start = end + 1;
    }
    m_buffer.remove(0, start);
    if (m_buffer.size() > MaxSkaffoldEventLineBytes) {
        emit lineRejected(tr("event line longer than %1 bytes skipped").arg(MaxSkaffoldEventLineBytes));
        m_buffer.clear();
        m_discarding = true;
    }
}

void SkaffoldEventStream::takeLine(const QByteArray &line)
{
    if (line.trimmed().isEmpty())
        return;
    const SkaffoldEventParse parsed = parseSkaffoldEventLine(line);
    if (!parsed.event) {
        emit lineRejected(parsed.error);
        return;
    }
    if (m_seen.contains(parsed.event->identity))
        return;
    if (m_seen.size() >= MaxRememberedEvents)
        m_seen.clear();
    m_seen.insert(parsed.event->identity);
    emit eventReceived(*parsed.event);
}

void SkaffoldEventStream::handleFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    readAvailable();
    m_reply = nullptr;
    reply->deleteLater();
    m_connected = false;
    if (m_drainGuard.isActive()) {
        m_drainGuard.stop();
        emit drained();
        return;
    }
    if (!m_running)
        return;
    // Before the first answer, stop after a while: an older skaffold or a busy port
    // means no event API, and the output is all there is.
    if (!m_answered && QDateTime::currentMSecsSinceEpoch() - m_startedAtMs > m_giveUpAfterMs) {
        m_running = false;
        emit unavailable(tr("no event API on port %1: %2").arg(m_port).arg(reply->errorString()));
        return;
    }
    scheduleRetry();
}

void SkaffoldEventStream::scheduleRetry()
{
    m_retry.start(m_retryDelayMs);
    m_retryDelayMs = qMin(m_retryDelayMs * 2, MaxRetryDelayMs);
}
