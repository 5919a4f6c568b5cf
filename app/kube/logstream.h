#pragma once

#include "connectionstatus.h"
#include "http/httptypes.h"
#include "kube/retrybackoff.h"
#include "kube/streamgeneration.h"
#include "logs/logline.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <array>
#include <optional>

class KubeClient;
class KubeStream;

// Cuts a log byte stream into lines. A line may span any number of chunks; a line
// longer than maxLineBytes is handed out in pieces (cut on a UTF-8 character
// boundary) so memory stays bounded and nothing is dropped.
class LogLineAssembler
{
public:
    // A line that lies whole in one chunk is a view into that chunk (most lines: no copy);
    // one gathered from several chunks, or cut from a long line, holds its bytes.
    // So a piece is valid as long as the chunk given to append() is.
    struct Piece
    {
        QByteArrayView bytes;
        bool first = true; // starts a line (holds its timestamp)
        bool last = true; // ends a line
        QByteArray storage; // what `bytes` points into when the piece holds its bytes

        static Piece holding(QByteArray bytes, bool first, bool last)
        {
            Piece piece { {}, first, last, std::move(bytes) };
            piece.bytes = piece.storage;
            return piece;
        }
    };

    explicit LogLineAssembler(qsizetype maxLineBytes = 1024 * 1024 + 64)
        : m_maxLineBytes(maxLineBytes)
    {
    }

    void append(QByteArrayView chunk, QList<Piece> *pieces);
    // The unterminated rest at a clean end, as the last piece of its line.
    std::optional<Piece> takeRest();
    void clear();

private:
    qsizetype m_maxLineBytes;
    QByteArray m_pending;
    bool m_continuing = false;
};

// The `timestamps=true` stamp of a log line in nanoseconds since the epoch
// ("2024-05-01T10:00:00.123456789Z" or with an offset); nullopt when it is not one.
std::optional<qint64> parseLogStampNanos(QByteArrayView stamp);

// The same for the stamps of one stream, which mostly share their second with the line
// before: the calendar date and time of day are converted once per second, not per line.
class LogStampParser
{
public:
    std::optional<qint64> nanos(QByteArrayView stamp);

private:
    static constexpr qsizetype SecondBytes = 19; // "YYYY-MM-DDTHH:MM:SS"
    std::array<char, SecondBytes> m_second {};
    bool m_hasSecond = false;
    qint64 m_secondSinceEpoch = 0; // of m_second read as UTC
};

struct LogStreamOptions
{
    QString container; // required by the server when the pod has several
    bool previous = false; // the last terminated container's log
    bool timestamps = false; // fill LogLine::timestamp (always requested internally, for resuming)
    int tailLines = -1; // < 0: the whole log
    QDateTime sinceTime; // invalid: from the start (or tailLines)
    bool follow = true;
};

// Follows one container's log, emitting complete lines in batches. Lines split across
// chunks are joined, invalid UTF-8 becomes U+FFFD, and a line over 1 MiB is split into
// pieces ending in "⏎ [line continues]" instead of being dropped.
//
// Resuming: the server is always asked for timestamps. When the stream drops (network
// error, cut mid-line, 5xx/429 with backoff) it is requested again with sinceTime set
// to the last complete line's second; everything older than that line's stamp is
// dropped, and of the lines with exactly that stamp as many as were already seen (in
// order, checked by content), so no line is lost or repeated. A partial line at the
// drop is discarded and read again in full.
//
// Ending: a followed stream that the server closes normally ends when the container is
// no longer running (we ask for the pod: it exited, or it is gone); while the container
// still runs the close is treated as a drop and the stream resumes. Without follow, or
// for `previous`, a normal close is the end, and so is a 404 while reconnecting (the
// pod was deleted). Other 4xx answers (but 429) end the stream with that error.
// finished() is emitted once.
//
// Lives on the thread of its KubeClient; the client must outlive it.
class LogStream : public QObject
{
    Q_OBJECT
public:
    LogStream(KubeClient *client, const QString &nameSpace, const QString &pod, LogStreamOptions options,
        QObject *parent = nullptr);
    ~LogStream() override;

    void start();
    void stop();

    ConnectionStatus status() const { return m_status; }
    bool isRunning() const { return m_running; }
    int resumes() const { return m_resumes; }

    void setBackoff(RetryBackoff backoff) { m_backoff = backoff; }
    void setMaxLineBytes(qsizetype bytes) { m_maxLineBytes = bytes; }

    // The request for one container's log as `options` ask it, for those who need a log
    // once (a failure report, a bundle) rather than followed.
    static HttpRequest podLogRequest(const QString &nameSpace, const QString &pod, const LogStreamOptions &options);

    static inline const QString ContinuationMarker = QStringLiteral(" ⏎ [line continues]");

signals:
    void linesReceived(const QList<LogLine> &lines);
    void statusChanged(const ConnectionStatus &status);
    void finished(const HttpError &error); // kind None: the log ended normally

private:
    struct Position
    {
        std::optional<qint64> stamp; // nanoseconds of the last complete line
        int linesAtStamp = 0; // complete lines seen with exactly that stamp
        QList<size_t> fingerprints; // of those lines' first pieces, to check the overlap
    };

    void request();
    void onChunk(const QByteArray &chunk);
    void onFinished(const HttpResult &result);
    void processPiece(const LogLineAssembler::Piece &piece, QList<LogLine> *out);
    void resumeLater(const HttpError &error, std::chrono::milliseconds minimum = {});
    void checkContainerThenEnd();
    void end(const HttpError &error);
    void setStatus(ConnectionStatus::Health health, const QString &summary, const QString &error = {},
        const QDateTime &nextRetry = {});

    KubeClient *m_client;
    QString m_nameSpace;
    QString m_pod;
    LogStreamOptions m_options;
    bool m_running = false;
    StreamGeneration m_generation;
    int m_resumes = 0;
    QPointer<KubeStream> m_stream;
    qsizetype m_maxLineBytes = 1024 * 1024;
    LogLineAssembler m_assembler;
    LogStampParser m_stamps;
    RetryBackoff m_backoff;
    QTimer m_retryTimer;
    ConnectionStatus m_status;

    Position m_seen; // what has been emitted (or skipped as already seen)
    // The line being read.
    std::optional<qint64> m_lineStamp;
    qint64 m_lineTextBytes = 0; // text bytes of the current line passed so far
    bool m_midLine = false; // pieces of the current line were handed out, its end was not
    bool m_lineDropped = false; // an already seen line: skip all of it
    qint64 m_lineSkipBytes = 0; // of a long line resumed mid-way: text bytes already emitted
    size_t m_lineFingerprint = 0;
    // After a resume: where the previous connection stopped.
    bool m_resuming = false;
    Position m_resumeAt;
    int m_resumeMatched = 0; // lines with the resume stamp seen again so far
    qint64 m_resumePartialBytes = 0; // emitted text bytes of the line cut at the drop
    std::optional<qint64> m_partialStamp;
};
