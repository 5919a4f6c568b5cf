#pragma once

#include "connectionstatus.h"
#include "http/httptypes.h"
#include "kube/podinfo.h"
#include "kube/retrybackoff.h"
#include "kube/streamgeneration.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

class KubeClient;
class KubeStream;
class QJsonObject;

// Splits a chunked watch body into its newline-terminated JSON lines. A line may span
// any number of chunks; a line longer than maxLineBytes is an error (the stream is
// then abandoned and the reflector lists again), so a hostile server cannot make us
// buffer without bound.
class WatchLineBuffer
{
public:
    explicit WatchLineBuffer(qsizetype maxLineBytes = 16 * 1024 * 1024)
        : m_maxLineBytes(maxLineBytes)
    {
    }

    // Appends a chunk and returns the lines it completed (without the newline).
    // Returns false, and clears the buffer, when a line grows over the limit.
    bool append(const QByteArray &chunk, QList<QByteArray> *lines);
    void clear() { m_pending.clear(); }
    qsizetype pendingBytes() const { return m_pending.size(); }

private:
    qsizetype m_maxLineBytes;
    QByteArray m_pending;
};

// One decoded watch event.
struct WatchEvent
{
    enum class Type { Added, Modified, Deleted, Bookmark, Error };
    Type type = Type::Added;
    std::optional<PodInfo> pod; // Added, Modified, Deleted
    QString resourceVersion; // of the object (all but Error)
    int errorCode = 0; // Error: the Status code (410 = resourceVersion too old)
    QString errorReason;
    QString errorMessage;
};

// Decodes one watch line; `error` says why a line is not a usable pod event.
std::optional<WatchEvent> parseWatchEvent(const QByteArray &line, QString *error);

// Keeps a live copy of the pods of one namespace (or all) that match a label selector,
// the way client-go's reflector does: LIST (resourceVersion=0 the first time, the
// latest after an expiry), then WATCH from the list's resourceVersion with bookmarks
// and a randomised 5–10 minute timeout, resuming from the last seen resourceVersion
// whenever a watch ends. A 410 (as ERROR event or HTTP status) lists again; network
// errors, 5xx and 429 back off exponentially with jitter (429 honours Retry-After).
//
// The first list of a start() is announced with replaced(); every later list is
// compared with what the reflector held and announced as upserted()/removed() for the
// differences only, so pods deleted during an outage are reported as removed.
// Lists are parsed synchronously (fine up to a few thousand pods).
//
// Lives on the thread of its KubeClient; the client must outlive it.
class Reflector : public QObject
{
    Q_OBJECT
public:
    Reflector(KubeClient *client, const QString &nameSpace, const QString &labelSelector,
        QObject *parent = nullptr);
    ~Reflector() override;

    void start();
    void stop();

    QList<PodInfo> pods() const;
    QString resourceVersion() const { return m_resourceVersion; }
    ConnectionStatus status() const { return m_status; }
    bool isSynced() const { return m_synced; }
    // Items or events that could not be parsed since the last list, for diagnostics.
    QStringList skipped() const { return m_skipped; }

    // For tests: faster backoff, shorter watches.
    void setBackoff(RetryBackoff backoff) { m_backoff = backoff; }
    void setWatchTimeoutRange(int minSeconds, int maxSeconds);
    void setMaxLineBytes(qsizetype bytes) { m_maxLineBytes = bytes; }

signals:
    void replaced(const QList<PodInfo> &pods);
    void upserted(const PodInfo &pod);
    void removed(const QString &nameSpace, const QString &name);
    void statusChanged(const ConnectionStatus &status);
    // Every completed list (first or relist), after its changes were announced.
    void listed(const QString &resourceVersion);

private:
    void list(const QString &resourceVersion);
    void watch();
    void onChunk(const QByteArray &chunk);
    void onWatchFinished(const HttpResult &result);
    void applyEvent(const WatchEvent &event);
    // Backs off, then lists again (every failure ends in a fresh list, so we converge).
    void retryLater(const HttpError &error, std::chrono::milliseconds minimum = {});
    void abandonWatch();
    void setStatus(ConnectionStatus::Health health, const QString &summary, const QString &error = {},
        const QDateTime &nextRetry = {});
    static QString keyOf(const QString &nameSpace, const QString &name) { return nameSpace + u'/' + name; }

    KubeClient *m_client;
    QString m_nameSpace;
    QString m_labelSelector;
    QHash<QString, PodInfo> m_pods;
    QString m_resourceVersion;
    bool m_running = false;
    bool m_synced = false;
    bool m_announcedOnce = false;
    StreamGeneration m_generation; // advances on start() and stop(): late answers are ignored
    QPointer<KubeStream> m_watch;
    WatchLineBuffer m_lines;
    qsizetype m_maxLineBytes = 16 * 1024 * 1024;
    bool m_watchFailed = false; // the current watch hit a bad line or an ERROR event
    int m_watchEvents = 0;
    QDeadlineTimer m_watchStarted;
    RetryBackoff m_backoff;
    QTimer m_retryTimer;
    int m_watchMinSeconds = 300;
    int m_watchMaxSeconds = 600;
    ConnectionStatus m_status;
    QStringList m_skipped;
};
