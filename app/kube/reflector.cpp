#include "reflector.h"

#include "kube/kubeclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#include <utility>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

bool WatchLineBuffer::append(const QByteArray &chunk, QList<QByteArray> *lines)
{
    qsizetype start = 0;
    while (true) {
        const qsizetype newline = chunk.indexOf('\n', start);
        const qsizetype end = newline < 0 ? chunk.size() : newline;
        if (m_pending.size() + (end - start) > m_maxLineBytes) {
            m_pending.clear();
            return false;
        }
        if (newline < 0) {
            m_pending.append(chunk.constData() + start, end - start);
            return true;
        }
        QByteArray line
            = m_pending.isEmpty() ? chunk.mid(start, end - start) : m_pending + chunk.mid(start, end - start);
        m_pending.clear();
        if (line.endsWith('\r'))
            line.chop(1);
        lines->append(line);
        start = newline + 1;
    }
}

std::optional<WatchEvent> parseWatchEvent(const QByteArray &line, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = u"watch event is not a JSON object: %1"_s.arg(parseError.errorString());
        return std::nullopt;
    }
    const QJsonObject root = document.object();
    const QString type = root.value("type"_L1).toString();
    const QJsonValue objectValue = root.value("object"_L1);
    if (!objectValue.isObject()) {
        *error = u"watch event %1: object: expected an object"_s.arg(type);
        return std::nullopt;
    }
    const QJsonObject object = objectValue.toObject();
    WatchEvent event;
    if (type == "ERROR"_L1) {
        event.type = WatchEvent::Type::Error;
        event.errorCode = object.value("code"_L1).toInt();
        event.errorReason = object.value("reason"_L1).toString();
        event.errorMessage = object.value("message"_L1).toString();
        return event;
    }
    static const std::pair<QLatin1StringView, WatchEvent::Type> types[] = {
        { "ADDED"_L1, WatchEvent::Type::Added },
        { "MODIFIED"_L1, WatchEvent::Type::Modified },
        { "DELETED"_L1, WatchEvent::Type::Deleted },
        { "BOOKMARK"_L1, WatchEvent::Type::Bookmark },
    };
    const auto known = std::find_if(
        std::begin(types), std::end(types), [&](const auto &entry) { return entry.first == type; });
    if (known == std::end(types)) {
        *error = u"watch event has an unknown type \"%1\""_s.arg(type.left(40));
        return std::nullopt;
    }
    event.type = known->second;
    // Like client-go: an object of another kind means the stream is not what we asked for.
    const QJsonValue kind = object.value("kind"_L1);
    if (!kind.isUndefined() && kind.toString() != "Pod"_L1) {
        *error = u"watch event %1: expected a Pod, got %2"_s.arg(
            type, kind.isString() ? kind.toString().left(40) : u"a non-string kind"_s);
        return std::nullopt;
    }
    event.resourceVersion = object.value("metadata"_L1).toObject().value("resourceVersion"_L1).toString();
    if (event.type == WatchEvent::Type::Bookmark)
        return event;
    const PodParseResult parsed = parsePod(object);
    event.pod = parsed.pod;
    if (!parsed.pod)
        *error = u"watch event %1: %2"_s.arg(type, parsed.error); // usable for its resourceVersion only
    return event;
}

Reflector::Reflector(
    KubeClient *client, const QString &nameSpace, const QString &labelSelector, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_nameSpace(nameSpace)
    , m_labelSelector(labelSelector)
{
    m_status.endpoint = client->describe();
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] { list(QString()); });
}

Reflector::~Reflector()
{
    abandonWatch();
}

void Reflector::setWatchTimeoutRange(int minSeconds, int maxSeconds)
{
    m_watchMinSeconds = minSeconds;
    m_watchMaxSeconds = qMax(minSeconds, maxSeconds);
}

QList<PodInfo> Reflector::pods() const
{
    return m_pods.values();
}

void Reflector::start()
{
    if (m_running)
        return;
    m_running = true;
    m_announcedOnce = false;
    m_generation.advance();
    setStatus(ConnectionStatus::Health::Connecting, u"connecting"_s);
    list(u"0"_s);
}

void Reflector::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_synced = false;
    m_generation.advance();
    abandonWatch();
    m_retryTimer.stop();
    setStatus(ConnectionStatus::Health::Off, u"stopped"_s);
}

void Reflector::list(const QString &resourceVersion)
{
    m_client->listPods(
        m_nameSpace, m_labelSelector, this,
        m_generation.guard([this, resourceVersion](const PodListResult &result) {
            if (!m_running)
                return;
            if (!result.error.isError()) {
                QHash<QString, PodInfo> fresh;
                fresh.reserve(result.pods.size());
                for (const PodInfo &pod : result.pods)
                    fresh.insert(keyOf(pod.nameSpace, pod.name), pod);
                if (!m_announcedOnce) {
                    m_pods = std::move(fresh);
                    m_announcedOnce = true;
                    emit replaced(result.pods);
                } else {
                    // Only the differences: what vanished while we were not watching is removed.
                    const QHash<QString, PodInfo> old = std::exchange(m_pods, std::move(fresh));
                    for (auto it = old.cbegin(); it != old.cend(); ++it) {
                        if (!m_pods.contains(it.key()))
                            emit removed(it->nameSpace, it->name);
                    }
                    for (auto it = m_pods.cbegin(); it != m_pods.cend(); ++it) {
                        const auto previous = old.constFind(it.key());
                        if (previous == old.cend() || !(*previous == *it))
                            emit upserted(*it);
                    }
                }
                m_resourceVersion = result.resourceVersion;
                m_skipped = result.skipped;
                m_synced = true;
                setStatus(ConnectionStatus::Health::Ok, u"synced"_s,
                    m_skipped.isEmpty() ? QString() : u"not understood: "_s + m_skipped.join(u"; "_s));
                emit listed(m_resourceVersion);
                watch();
                return;
            }
            const HttpError &error = result.error;
            if (error.kind == HttpError::Kind::Http && error.httpStatus == 410
                && !resourceVersion.isEmpty()) {
                list(QString());
                return;
            }
            retryLater(error, std::chrono::seconds(result.retryAfterSeconds));
        }),
        resourceVersion);
}

void Reflector::watch()
{
    const int timeoutSeconds = QRandomGenerator::global()->bounded(m_watchMinSeconds, m_watchMaxSeconds + 1);
    HttpRequest request;
    request.path = m_nameSpace.isEmpty() ? u"api/v1/pods"_s : u"api/v1/namespaces/%1/pods"_s.arg(m_nameSpace);
    if (!m_labelSelector.isEmpty())
        request.query.addQueryItem(u"labelSelector"_s, m_labelSelector);
    request.query.addQueryItem(u"watch"_s, u"true"_s);
    request.query.addQueryItem(u"allowWatchBookmarks"_s, u"true"_s);
    request.query.addQueryItem(u"resourceVersion"_s, m_resourceVersion);
    request.query.addQueryItem(u"timeoutSeconds"_s, QString::number(timeoutSeconds));
    // The server ends the watch after timeoutSeconds; silence well past that means a
    // half-open connection, which only an inactivity timeout notices.
    request.timeoutMs = (timeoutSeconds + 30) * 1000;

    m_lines = WatchLineBuffer(m_maxLineBytes);
    m_watchFailed = false;
    m_watchEvents = 0;
    m_watchStarted = QDeadlineTimer(1s);
    m_watch = m_client->stream(request, this,
                               m_generation.streamHandlers(this, &Reflector::onChunk, &Reflector::onWatchFinished));
}

void Reflector::onChunk(const QByteArray &chunk)
{
    if (m_watchFailed)
        return;
    QList<QByteArray> lines;
    const bool fits = m_lines.append(chunk, &lines);
    for (const QByteArray &line : std::as_const(lines)) {
        if (line.trimmed().isEmpty())
            continue;
        QString error;
        const std::optional<WatchEvent> event = parseWatchEvent(line, &error);
        if (!event) {
            HttpError protocol { HttpError::Kind::Protocol, m_client->describe(), 0, {}, error };
            abandonWatch();
            retryLater(protocol);
            return;
        }
        if (event->type == WatchEvent::Type::Error) {
            abandonWatch();
            if (event->errorCode == 410) {
                // Our resourceVersion is older than the server's history: start over.
                m_resourceVersion.clear();
                list(QString());
            } else {
                retryLater({ HttpError::Kind::Http, m_client->describe(), event->errorCode,
                    event->errorReason, event->errorMessage });
            }
            return;
        }
        // Kept for diagnostics, bounded: a server may send the same bad pod forever.
        if (!error.isEmpty() && m_skipped.size() < 100)
            m_skipped.append(error);
        applyEvent(*event);
    }
    if (!fits) {
        abandonWatch();
        retryLater({ HttpError::Kind::Protocol, m_client->describe(), 0, {},
            u"watch event larger than %1 MiB"_s.arg(m_maxLineBytes / (1024 * 1024)) });
    }
}

void Reflector::applyEvent(const WatchEvent &event)
{
    ++m_watchEvents;
    if (!event.resourceVersion.isEmpty())
        m_resourceVersion = event.resourceVersion;
    if (!event.pod)
        return;
    const PodInfo &pod = *event.pod;
    const QString key = keyOf(pod.nameSpace, pod.name);
    switch (event.type) {
    case WatchEvent::Type::Added:
    case WatchEvent::Type::Modified: {
        auto existing = m_pods.find(key);
        if (existing != m_pods.end() && *existing == pod)
            return;
        m_pods.insert(key, pod);
        emit upserted(pod);
        break;
    }
    case WatchEvent::Type::Deleted:
        if (m_pods.remove(key))
            emit removed(pod.nameSpace, pod.name);
        break;
    case WatchEvent::Type::Bookmark:
    case WatchEvent::Type::Error:
        break;
    }
}

void Reflector::onWatchFinished(const HttpResult &result)
{
    m_watch = nullptr;
    if (m_watchFailed)
        return;
    const HttpError &error = result.error;
    if (error.kind == HttpError::Kind::Http && error.httpStatus == 410) {
        m_resourceVersion.clear();
        list(QString());
        return;
    }
    if (error.isError()) {
        // A watch that had been working and then broke off (an idle timeout on the way, a
        // restarting server) is a new trouble, not one more of a series: the backoff
        // starts over, so the reflector is back within a second instead of after the
        // delay earlier troubles grew it to.
        if (m_watchEvents > 0 || m_watchStarted.hasExpired())
            m_backoff.reset();
        bool ok = false;
        const int retryAfter = result.header("Retry-After").trimmed().toInt(&ok);
        retryLater(error, std::chrono::seconds(ok ? retryAfter : 0));
        return;
    }
    // A normal end (the server's timeoutSeconds). A watch that closes at once without a
    // single event would make us spin: treat it as a failure.
    if (m_watchEvents == 0 && !m_watchStarted.hasExpired()) {
        retryLater({ HttpError::Kind::Network, m_client->describe(), result.status, {},
            u"the watch closed right after it opened"_s });
        return;
    }
    watch();
}

void Reflector::retryLater(const HttpError &error, std::chrono::milliseconds minimum)
{
    // Retry-After from a hostile server is honoured only up to five minutes.
    const std::chrono::milliseconds delay
        = std::max(m_backoff.next(), std::min<std::chrono::milliseconds>(minimum, 300s));
    const bool authProblem = error.kind == HttpError::Kind::Auth
        || (error.kind == HttpError::Kind::Http && (error.httpStatus == 401 || error.httpStatus == 403));
    const qint64 seconds = (delay.count() + 999) / 1000;
    setStatus(authProblem ? ConnectionStatus::Health::Failed : ConnectionStatus::Health::Degraded,
        u"retrying in %1 s"_s.arg(seconds), error.toString(),
        QDateTime::currentDateTimeUtc().addMSecs(delay.count()));
    m_retryTimer.start(delay);
}

void Reflector::abandonWatch()
{
    m_watchFailed = true;
    if (m_watch)
        m_watch->abort();
    m_watch = nullptr;
    m_lines.clear();
}

void Reflector::setStatus(
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
