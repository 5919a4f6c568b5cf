#include "streamreadlimit.h"

#include <QNetworkReply>

StreamReadLimit *StreamReadLimit::apply(QNetworkReply *reply, qint64 bytes)
{
    return bytes > 0 ? new StreamReadLimit(reply, bytes) : nullptr;
}

StreamReadLimit::StreamReadLimit(QNetworkReply *reply, qint64 bytes)
    : QObject(reply)
    , m_reply(reply)
    , m_bytes(bytes)
{
    reply->setReadBufferSize(bytes);
    m_quiet.setSingleShot(true);
    connect(&m_quiet, &QTimer::timeout, this, &StreamReadLimit::nudge);
    // Connected before the reader's own slots: this sees what waits before it is taken.
    connect(reply, &QNetworkReply::readyRead, this, &StreamReadLimit::onData);
    connect(reply, &QNetworkReply::finished, this, &StreamReadLimit::onFinished);
}

bool StreamReadLimit::finishedByNudge() const
{
    return m_finishedByNudge;
}

void StreamReadLimit::onData()
{
    if (m_reply->bytesAvailable() <= 0)
        return;
    m_sinceNudge.invalidate();
    m_intervalMs = FirstNudgeMs;
    m_quiet.start(m_intervalMs);
}

void StreamReadLimit::onFinished()
{
    m_quiet.stop();
    m_finishedByNudge = m_reply->error() == QNetworkReply::NoError && m_sinceNudge.isValid()
        && m_sinceNudge.elapsed() <= NudgeEffectMs;
}

void StreamReadLimit::nudge()
{
    if (m_reply->isFinished())
        return;
    m_sinceNudge.start();
    m_reply->setReadBufferSize(m_bytes);
    m_intervalMs = std::min(m_intervalMs * 2, LastNudgeMs);
    m_quiet.start(m_intervalMs);
}
