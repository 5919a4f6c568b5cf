#include "podlogfeed.h"

#include "kube/kubeclient.h"
#include "kube/logstream.h"
#include "logmodel.h"

#include <QElapsedTimer>

#include <algorithm>

PodLogFeed::PodLogFeed(LogModel *model, QObject *parent)
    : QObject(parent)
    , m_model(model)
{
    m_drainTimer.setSingleShot(true);
    m_drainTimer.setInterval(0);
    connect(&m_drainTimer, &QTimer::timeout, this, &PodLogFeed::drain);
}

PodLogFeed::~PodLogFeed()
{
    stop();
}

void PodLogFeed::setClient(KubeClient *client)
{
    if (client == m_client)
        return;
    stop();
    m_client = client;
    m_model->clear();
    m_pod.clear();
}

void PodLogFeed::show(const QString &nameSpace, const QString &pod, const QString &container, bool previous)
{
    if (nameSpace == m_nameSpace && pod == m_pod && container == m_container && previous == m_previous && m_stream)
        return;
    m_nameSpace = nameSpace;
    m_pod = pod;
    m_container = container;
    m_previous = previous;
    restart();
}

void PodLogFeed::stop()
{
    dropPending();
    if (!m_stream)
        return;
    // Its last status must not reach listeners of a stream nobody shows any more (or a
    // window being destroyed).
    m_stream->disconnect(this);
    m_stream->stop();
    m_stream->deleteLater();
    m_stream = nullptr;
}

void PodLogFeed::restart()
{
    stop();
    m_model->clear();
    if (!m_client || m_pod.isEmpty())
        return;
    LogStreamOptions options;
    options.container = m_container;
    options.previous = m_previous;
    options.timestamps = true;
    options.tailLines = TailLines;
    options.follow = !m_previous;
    m_stream = new LogStream(m_client, m_nameSpace, m_pod, options, this);
    connect(m_stream, &LogStream::linesReceived, this, &PodLogFeed::enqueue);
    const QString what = tr("%1 in %2/%3").arg(m_container, m_nameSpace, m_pod);
    connect(m_stream, &LogStream::statusChanged, this, [this, what](const ConnectionStatus &status) {
        const bool failing = !status.error.isEmpty();
        if (!failing)
            emit statusChanged(tr("%1: %2").arg(what, status.summary), false);
        else if (status.nextRetry.isValid()) // the summary says when: "retrying in 4 s"
            emit statusChanged(tr("%1; %2").arg(status.error, status.summary), true);
        else
            emit statusChanged(status.error, true);
    });
    connect(m_stream, &LogStream::finished, this, [this, what](const HttpError &error) {
        if (error.isError())
            emit statusChanged(error.toString(), true);
        else
            emit statusChanged(tr("%1: log ended").arg(what), false);
    });
    emit statusChanged(tr("reading %1").arg(what), false);
    m_stream->start();
}

void PodLogFeed::enqueue(const QList<LogLine> &lines)
{
    if (lines.isEmpty())
        return;
    m_pending.push_back(lines);
    m_pendingLines += lines.size();
    // Nothing waiting before: the batch goes in now (as far as one slice allows), so a
    // quiet log shows each line in the turn it arrived.
    if (!m_drainTimer.isActive())
        drain();
}

void PodLogFeed::drain()
{
    QElapsedTimer slice;
    slice.start();
    while (!m_pending.empty()) {
        const QList<LogLine> &front = m_pending.front();
        const qsizetype count = std::min<qsizetype>(LinesPerAppend, front.size() - m_pendingOffset);
        const QList<LogLine> part
            = m_pendingOffset == 0 && count == front.size() ? front : front.sliced(m_pendingOffset, count);
        // Bookkeeping before the model's listeners run: they may stop or restart the feed.
        m_pendingOffset += count;
        m_pendingLines -= count;
        if (m_pendingOffset == front.size()) {
            m_pending.pop_front();
            m_pendingOffset = 0;
        }
        m_model->appendLines(part);
        if (slice.elapsed() >= SliceMilliseconds)
            break;
    }
    if (!m_pending.empty())
        m_drainTimer.start();
}

void PodLogFeed::dropPending()
{
    m_drainTimer.stop();
    m_pending.clear();
    m_pendingOffset = 0;
    m_pendingLines = 0;
}
