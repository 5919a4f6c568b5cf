#include "logstream.h"

#include "kube/kubeclient.h"

#include <QDate>
#include <QHash>
#include <QTime>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace {

// Lines of one stamp whose content is remembered for checking the overlap; beyond
// that (a flood of lines within one nanosecond) only their count is compared.
constexpr int MaxFingerprints = 10000;
// "2024-05-01T10:00:00.123456789Z " ahead of the text.
constexpr qsizetype StampAndSpace = 31;
// Bytes of a received chunk cut into lines at a time (about 2,500 Jest lines).
constexpr qsizetype ChunkWindowBytes = 256 * 1024;
// Of a log we have not read yet, what may wait in memory: beyond it TCP holds the server
// back. Without a bound a flood we parse slower than it comes piles up (a 100 MB log's
// ingest peaked at 260 MiB instead of 110 MiB).
constexpr qint64 ReadBufferBytes = 1024 * 1024;

int digits(QByteArrayView text, qsizetype from, qsizetype count, bool *ok)
{
    int value = 0;
    for (qsizetype i = from; i < from + count; ++i) {
        const char c = text.at(i);
        if (c < '0' || c > '9') {
            *ok = false;
            return 0;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

} // namespace

std::optional<qint64> parseLogStampNanos(QByteArrayView stamp)
{
    return LogStampParser().nanos(stamp);
}

std::optional<qint64> LogStampParser::nanos(QByteArrayView stamp)
{
    // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
    if (stamp.size() < 20 || stamp.size() > 40 || stamp.at(4) != '-' || stamp.at(7) != '-'
        || (stamp.at(10) != 'T' && stamp.at(10) != 't') || stamp.at(13) != ':' || stamp.at(16) != ':')
        return std::nullopt;
    const QByteArrayView second = stamp.first(SecondBytes);
    if (!m_hasSecond || second != QByteArrayView(m_second.data(), SecondBytes)) {
        bool ok = true;
        const QDate date(digits(stamp, 0, 4, &ok), digits(stamp, 5, 2, &ok), digits(stamp, 8, 2, &ok));
        const QTime time(digits(stamp, 11, 2, &ok), digits(stamp, 14, 2, &ok), digits(stamp, 17, 2, &ok));
        if (!ok || !date.isValid() || !time.isValid())
            return std::nullopt;
        m_secondSinceEpoch = QDateTime(date, time, QTimeZone::UTC).toSecsSinceEpoch();
        std::copy(second.begin(), second.end(), m_second.begin());
        m_hasSecond = true;
    }
    qsizetype at = SecondBytes;
    qint64 fraction = 0;
    if (stamp.at(at) == '.') {
        ++at;
        int count = 0;
        while (at < stamp.size() && stamp.at(at) >= '0' && stamp.at(at) <= '9') {
            if (count < 9) {
                fraction = fraction * 10 + (stamp.at(at) - '0');
                ++count;
            }
            ++at;
        }
        if (count == 0)
            return std::nullopt;
        for (; count < 9; ++count)
            fraction *= 10;
    }
    qint64 offsetSeconds = 0;
    const QByteArrayView zone = stamp.sliced(at);
    if (zone == "Z" || zone == "z") {
        offsetSeconds = 0;
    } else if (zone.size() == 6 && (zone.at(0) == '+' || zone.at(0) == '-') && zone.at(3) == ':') {
        bool ok = true;
        const int hours = digits(zone, 1, 2, &ok);
        const int minutes = digits(zone, 4, 2, &ok);
        if (!ok)
            return std::nullopt;
        offsetSeconds = (hours * 3600 + minutes * 60) * (zone.at(0) == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    return (m_secondSinceEpoch - offsetSeconds) * 1000000000LL + fraction;
}

void LogLineAssembler::append(QByteArrayView chunk, QList<Piece> *pieces)
{
    qsizetype start = 0;
    while (start < chunk.size()) {
        const qsizetype newline = chunk.indexOf('\n', start);
        const qsizetype end = newline < 0 ? chunk.size() : newline;
        if (newline >= 0 && m_pending.isEmpty() && end - start <= m_maxLineBytes) {
            pieces->append({ chunk.sliced(start, end - start), !m_continuing, true, {} });
            m_continuing = false;
            start = newline + 1;
            continue;
        }
        qsizetype from = start;
        while (m_pending.size() + (end - from) > m_maxLineBytes) {
            // Fill the pending line up to the limit and hand that out as a piece.
            const qsizetype take = m_maxLineBytes - m_pending.size();
            m_pending.append(chunk.sliced(from, take));
            from += take;
            // Do not cut a UTF-8 sequence in two: if the last lead byte starts a sequence
            // that is not complete yet, the piece ends before it.
            qsizetype cut = m_pending.size();
            for (qsizetype p = cut - 1; p >= 0 && p >= cut - 4; --p) {
                const uchar byte = uchar(m_pending.at(p));
                if ((byte & 0xC0) == 0x80)
                    continue;
                const int length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
                if (p + length > cut && p > 0)
                    cut = p;
                break;
            }
            pieces->append(Piece::holding(m_pending.left(cut), !m_continuing, false));
            m_pending.remove(0, cut);
            m_continuing = true;
        }
        m_pending.append(chunk.sliced(from, end - from));
        if (newline < 0)
            return;
        pieces->append(Piece::holding(m_pending, !m_continuing, true));
        m_pending.clear();
        m_continuing = false;
        start = newline + 1;
    }
}

std::optional<LogLineAssembler::Piece> LogLineAssembler::takeRest()
{
    if (m_pending.isEmpty() && !m_continuing)
        return std::nullopt;
    Piece rest = Piece::holding(m_pending, !m_continuing, true);
    clear();
    return rest;
}

void LogLineAssembler::clear()
{
    m_pending.clear();
    m_continuing = false;
}

LogStream::LogStream(KubeClient *client, const QString &nameSpace, const QString &pod,
    LogStreamOptions options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_nameSpace(nameSpace)
    , m_pod(pod)
    , m_options(std::move(options))
{
    m_status.endpoint = client->describe();
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &LogStream::request);
}

LogStream::~LogStream()
{
    if (m_stream)
        m_stream->abort();
}

void LogStream::start()
{
    if (m_running)
        return;
    m_running = true;
    m_generation.advance();
    m_resumes = 0;
    m_seen = {};
    m_resuming = false;
    m_resumeAt = {};
    m_resumePartialBytes = 0;
    m_midLine = false;
    m_assembler = LogLineAssembler(m_maxLineBytes + StampAndSpace);
    setStatus(ConnectionStatus::Health::Connecting, u"connecting"_s);
    request();
}

void LogStream::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_generation.advance();
    m_retryTimer.stop();
    if (m_stream)
        m_stream->abort();
    m_stream = nullptr;
    setStatus(ConnectionStatus::Health::Off, u"stopped"_s);
}

HttpRequest LogStream::podLogRequest(const QString &nameSpace, const QString &pod, const LogStreamOptions &options)
{
    HttpRequest request;
    request.path = u"api/v1/namespaces/%1/pods/%2/log"_s.arg(nameSpace, pod);
    request.accept = "*/*";
    request.timeoutMs = options.follow ? 0 : 60000;
    if (!options.container.isEmpty())
        request.query.addQueryItem(u"container"_s, options.container);
    if (options.follow)
        request.query.addQueryItem(u"follow"_s, u"true"_s);
    if (options.previous)
        request.query.addQueryItem(u"previous"_s, u"true"_s);
    if (options.timestamps)
        request.query.addQueryItem(u"timestamps"_s, u"true"_s);
    if (options.tailLines >= 0)
        request.query.addQueryItem(u"tailLines"_s, QString::number(options.tailLines));
    if (options.sinceTime.isValid())
        request.query.addQueryItem(u"sinceTime"_s, options.sinceTime.toUTC().toString(Qt::ISODate));
    return request;
}

void LogStream::request()
{
    LogStreamOptions asked = m_options;
    asked.timestamps = true;
    if (m_resuming) {
        // sinceTime is read with second precision by some servers: ask from the start of
        // the second and drop the overlap ourselves.
        asked.tailLines = -1;
        asked.sinceTime = QDateTime::fromSecsSinceEpoch(*m_resumeAt.stamp / 1000000000LL, QTimeZone::UTC);
    }
    HttpRequest request = podLogRequest(m_nameSpace, m_pod, asked);
    request.readBufferBytes = ReadBufferBytes;
    m_stream = m_client->stream(request, this,
                                m_generation.streamHandlers(this, &LogStream::onChunk, &LogStream::onFinished));
}

void LogStream::onChunk(const QByteArray &chunk)
{
    // The log flows again: a later drop is a new trouble and retries within a second,
    // not after the delay earlier drops grew the backoff to.
    m_backoff.reset();
    setStatus(ConnectionStatus::Health::Ok, u"streaming"_s);
    // A chunk holds whatever arrived while the event loop was busy, up to the whole log:
    // it is cut into lines a window at a time, each window's lines handed out at once,
    // so the lines in flight (several times the bytes they came from) stay bounded.
    const int generation = m_generation.current();
    for (qsizetype at = 0; at < chunk.size() && m_generation.isCurrent(generation); at += ChunkWindowBytes) {
        QList<LogLineAssembler::Piece> pieces;
        m_assembler.append(QByteArrayView(chunk).sliced(at, std::min(ChunkWindowBytes, chunk.size() - at)), &pieces);
        QList<LogLine> lines;
        lines.reserve(pieces.size());
        for (const LogLineAssembler::Piece &piece : std::as_const(pieces))
            processPiece(piece, &lines);
        if (!lines.isEmpty())
            emit linesReceived(lines); // a listener may stop (or restart) the stream
    }
}

void LogStream::processPiece(const LogLineAssembler::Piece &piece, QList<LogLine> *out)
{
    QByteArrayView text = piece.bytes;
    if (piece.first) {
        const qsizetype space = text.indexOf(' ');
        m_lineStamp = space > 0 ? m_stamps.nanos(text.first(space)) : std::nullopt;
        if (m_lineStamp)
            text = text.sliced(space + 1);
        m_lineTextBytes = 0;
        m_lineDropped = false;
        m_lineSkipBytes = 0;
        m_lineFingerprint = qHash(text);
        if (m_resuming && m_lineStamp) {
            const qint64 resumeStamp = *m_resumeAt.stamp;
            if (*m_lineStamp < resumeStamp) {
                m_lineDropped = true;
            } else if (*m_lineStamp == resumeStamp) {
                const int index = m_resumeMatched++;
                if (index < m_resumeAt.linesAtStamp) {
                    const bool sameText = index >= m_resumeAt.fingerprints.size()
                        || m_resumeAt.fingerprints.at(index) == m_lineFingerprint;
                    // A different line where a seen one should be: the log is not what we
                    // read before (rotated, replaced); show everything from here on.
                    m_lineDropped = sameText;
                    m_resuming = sameText;
                } else {
                    m_lineSkipBytes = m_resumePartialBytes;
                    m_resuming = false;
                }
            } else {
                m_resuming = false;
            }
        }
    }

    const qint64 start = m_lineTextBytes;
    m_lineTextBytes += text.size();
    const bool wholePieceSkipped = m_lineSkipBytes > 0 && m_lineTextBytes <= m_lineSkipBytes;
    if (!m_lineDropped && !wholePieceSkipped) {
        const qsizetype skip = qsizetype(qBound<qint64>(0, m_lineSkipBytes - start, text.size()));
        LogLine line;
        if (m_options.timestamps && m_lineStamp)
            line.timestamp = QDateTime::fromMSecsSinceEpoch(*m_lineStamp / 1000000, QTimeZone::UTC);
        line.text = QString::fromUtf8(text.sliced(skip));
        if (!piece.last)
            line.text += ContinuationMarker;
        out->append(std::move(line));
    }

    m_midLine = !piece.last;
    // A dropped line was counted when it was first read.
    if (piece.last && m_lineStamp && !m_lineDropped) {
        if (m_seen.stamp == m_lineStamp) {
            ++m_seen.linesAtStamp;
            if (m_seen.fingerprints.size() < MaxFingerprints)
                m_seen.fingerprints.append(m_lineFingerprint);
        } else {
            // Reuses the list's memory: this runs for nearly every line.
            m_seen.stamp = m_lineStamp;
            m_seen.linesAtStamp = 1;
            m_seen.fingerprints.clear();
            m_seen.fingerprints.append(m_lineFingerprint);
        }
    }
}

void LogStream::onFinished(const HttpResult &result)
{
    m_stream = nullptr;
    const HttpError &error = result.error;
    if (!error.isError()) {
        if (!m_options.follow || m_options.previous)
            end({});
        else
            checkContainerThenEnd();
        return;
    }
    if (error.kind == HttpError::Kind::Http) {
        if (error.httpStatus == 404 && m_resumes > 0) {
            end({}); // the pod went away while we were reconnecting: its log has ended
        } else if (error.httpStatus == 429 || error.httpStatus >= 500) {
            bool ok = false;
            const int retryAfter = result.header("Retry-After").trimmed().toInt(&ok);
            resumeLater(error, std::chrono::seconds(ok ? qBound(0, retryAfter, 300) : 0));
        } else {
            end(error);
        }
        return;
    }
    if (error.kind == HttpError::Kind::Network || error.kind == HttpError::Kind::Timeout) {
        resumeLater(error);
        return;
    }
    end(error);
}

void LogStream::checkContainerThenEnd()
{
    m_client->getPod(m_nameSpace, m_pod, this, m_generation.guard([this](const PodResult &result) {
        if (result.error.kind == HttpError::Kind::Http && result.error.httpStatus == 404) {
            end({}); // the pod is gone: its log has ended
            return;
        }
        if (result.error.isError()) {
            resumeLater(result.error);
            return;
        }
        const QList<ContainerInfo> &containers = result.pod->containers;
        const auto container
            = std::find_if(containers.cbegin(), containers.cend(), [this](const ContainerInfo &c) {
                  return m_options.container.isEmpty() || c.name == m_options.container;
              });
        if (container != containers.cend() && container->state.kind == ContainerState::Kind::Running) {
            resumeLater({ HttpError::Kind::Network, m_client->describe(), 0, {},
                u"the log stream closed while the container is running"_s });
            return;
        }
        end({});
    }));
}

void LogStream::resumeLater(const HttpError &error, std::chrono::milliseconds minimum)
{
    // Where to pick up. While still inside the overlap of an earlier resume nothing new
    // was shown, so that resume point stays.
    if (!m_resuming) {
        if (m_midLine && !m_lineDropped && m_lineStamp) {
            m_resumeAt = m_seen.stamp == m_lineStamp ? m_seen : Position { m_lineStamp, 0, {} };
            m_resumePartialBytes = m_lineTextBytes;
        } else {
            m_resumeAt = m_seen;
            m_resumePartialBytes = 0;
        }
    }
    m_resuming = m_resumeAt.stamp.has_value();
    m_resumeMatched = 0;
    m_midLine = false;
    m_lineDropped = false;
    m_lineSkipBytes = 0;
    m_lineTextBytes = 0;
    m_assembler.clear(); // a partial line is read again in full
    ++m_resumes;

    const std::chrono::milliseconds delay = std::max(m_backoff.next(), minimum);
    const qint64 seconds = (delay.count() + 999) / 1000;
    setStatus(ConnectionStatus::Health::Degraded, u"retrying in %1 s"_s.arg(seconds), error.toString(),
        QDateTime::currentDateTimeUtc().addMSecs(delay.count()));
    m_retryTimer.start(delay);
}

void LogStream::end(const HttpError &error)
{
    if (!error.isError()) {
        // The container's last words may lack a newline.
        if (const std::optional<LogLineAssembler::Piece> rest = m_assembler.takeRest()) {
            QList<LogLine> lines;
            processPiece(*rest, &lines);
            if (!lines.isEmpty())
                emit linesReceived(lines);
        }
    }
    m_running = false;
    m_generation.advance();
    m_retryTimer.stop();
    if (error.isError())
        setStatus(ConnectionStatus::Health::Failed, u"stopped"_s, error.toString());
    else
        setStatus(ConnectionStatus::Health::Off, u"ended"_s);
    emit finished(error);
}

void LogStream::setStatus(
    ConnectionStatus::Health health, const QString &summary, const QString &error, const QDateTime &nextRetry)
{
    ConnectionStatus status;
    status.health = health;
    status.endpoint = m_client->describe();
    status.summary = summary;
    status.error = error;
    status.nextRetry = nextRetry;
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged(m_status);
}
