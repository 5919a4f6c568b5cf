// Reflector against a scripted server: list → watch, resume, relist on 410, backoff,
// and hostile watch streams (not JSON, wrong kinds, oversized lines, cut connections).

#include "fakehttpserver.h"
#include "testcredentials.h"

#include "kube/kubeclient.h"
#include "kube/reflector.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

namespace {

QJsonObject podObject(const QString &name, int resourceVersion, const QString &phase = "Running")
{
    return QJsonObject {
        { "kind", "Pod" },
        { "apiVersion", "v1" },
        { "metadata",
            QJsonObject { { "name", name }, { "namespace", "shop" }, { "uid", "uid-" + name },
                { "resourceVersion", QString::number(resourceVersion) },
                { "labels", QJsonObject { { "kubernetes-assert", "metrics" } } } } },
        { "status", QJsonObject { { "phase", phase } } },
    };
}

QByteArray eventLine(const QString &type, const QJsonObject &object)
{
    return QJsonDocument(QJsonObject { { "type", type }, { "object", object } })
               .toJson(QJsonDocument::Compact)
        + "\n";
}

QByteArray bookmark(int resourceVersion)
{
    return eventLine("BOOKMARK",
        QJsonObject { { "kind", "Pod" },
            { "metadata", QJsonObject { { "resourceVersion", QString::number(resourceVersion) } } } });
}

QByteArray expired()
{
    return eventLine("ERROR",
        QJsonObject { { "kind", "Status" }, { "status", "Failure" }, { "reason", "Expired" }, { "code", 410 },
            { "message", "too old resource version: 10 (20)" } });
}

} // namespace

class TestReflector : public QObject
{
    Q_OBJECT

    // The scripted cluster: pods by name, the list's resourceVersion, and what the
    // next list or watch request answers with.
    QMap<QString, QJsonObject> m_pods;
    int m_listVersion = 10;
    QList<FakeResponse> m_listFailures;
    QList<FakeResponse> m_watchFailures;

    FakeHttpServer *m_server = nullptr;
    std::unique_ptr<KubeClient> m_client;
    std::unique_ptr<Reflector> m_reflector;

    bool isWatch(const FakeRequest &request) const { return request.query("watch") == "true"; }
    int lists() const
    {
        return m_server->countRequests([this](const FakeRequest &r) { return !isWatch(r); });
    }
    int watches() const
    {
        return m_server->countRequests([this](const FakeRequest &r) { return isWatch(r); });
    }
    const FakeRequest &lastWatch() const
    {
        for (auto it = m_server->requests.crbegin(); it != m_server->requests.crend(); ++it) {
            if (isWatch(*it))
                return *it;
        }
        qFatal("no watch request");
    }
    QStringList cachedNames() const
    {
        QStringList names;
        for (const PodInfo &pod : m_reflector->pods())
            names.append(pod.name);
        names.sort();
        return names;
    }
    void send(const QByteArray &data) { FakeHttpServer::sendChunk(m_server->lastStream(), data); }

    void startSynced()
    {
        m_reflector->start();
        QTRY_VERIFY(m_reflector->isSynced());
        QTRY_VERIFY(m_server->lastStream());
    }

private slots:
    void init()
    {
        m_pods.clear();
        m_pods.insert("a", podObject("a", 5));
        m_pods.insert("b", podObject("b", 7));
        m_listVersion = 10;
        m_listFailures.clear();
        m_watchFailures.clear();
        m_server = new FakeHttpServer(this);
        QVERIFY(m_server->listen());
        m_server->setHandler([this](const FakeRequest &request, QTcpSocket *) {
            if (isWatch(request)) {
                if (!m_watchFailures.isEmpty())
                    return m_watchFailures.takeFirst();
                FakeResponse response;
                response.stream = true;
                return response;
            }
            if (!m_listFailures.isEmpty())
                return m_listFailures.takeFirst();
            QJsonArray items;
            for (const QJsonObject &pod : std::as_const(m_pods))
                items.append(pod);
            const QJsonObject list { { "kind", "PodList" },
                { "metadata", QJsonObject { { "resourceVersion", QString::number(m_listVersion) } } },
                { "items", items } };
            return FakeResponse { 200, QJsonDocument(list).toJson(QJsonDocument::Compact) };
        });
        ClusterAccess access;
        access.target.contextName = "unit";
        access.target.server = m_server->url();
        access.credentials = TestCredentials::token("token");
        m_client = std::make_unique<KubeClient>(access);
        m_reflector = std::make_unique<Reflector>(m_client.get(), "shop", "kubernetes-assert=metrics");
        m_reflector->setBackoff(RetryBackoff(20ms, 200ms));
    }

    void cleanup()
    {
        m_reflector.reset();
        m_client.reset();
        delete m_server;
    }

    void backoffDoublesWithJitterUpToTheCap()
    {
        RetryBackoff backoff(100ms, 1000ms);
        const std::pair<qint64, qint64> expected[]
            = { { 100, 150 }, { 200, 300 }, { 400, 600 }, { 800, 1000 }, { 1000, 1000 } };
        for (const auto &[low, high] : expected) {
            const qint64 delay = backoff.next().count();
            QVERIFY2(delay >= low && delay <= high, qPrintable(QString::number(delay)));
        }
        backoff.reset();
        QVERIFY(backoff.next().count() <= 150);
    }

    void backoffStartsOverAfterAHealthyPeriod()
    {
        RetryBackoff backoff(100ms, 10000ms, 50ms);
        backoff.next();
        backoff.next();
        QVERIFY(backoff.next().count() >= 400);
        QTest::qWait(120);
        QVERIFY(backoff.next().count() <= 150);
    }

    void watchLineBufferJoinsAndSplits()
    {
        const QByteArray stream = eventLine("ADDED", podObject("x", 1)) + "\r\n" + bookmark(2)
            + eventLine("DELETED", podObject("x", 3));
        // Every way of cutting the stream into two chunks gives the same lines.
        for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
            WatchLineBuffer buffer;
            QList<QByteArray> lines;
            QVERIFY(buffer.append(stream.left(cut), &lines));
            QVERIFY(buffer.append(stream.mid(cut), &lines));
            QCOMPARE(lines.size(), 4);
            QCOMPARE(lines[1], QByteArray());
            QCOMPARE(lines[2], bookmark(2).chopped(1));
            QCOMPARE(buffer.pendingBytes(), 0);
        }
        // Byte by byte.
        WatchLineBuffer buffer;
        QList<QByteArray> lines;
        for (const char c : stream)
            QVERIFY(buffer.append(QByteArray(1, c), &lines));
        QCOMPARE(lines.size(), 4);
    }

    void watchLineBufferCapsLines()
    {
        WatchLineBuffer buffer(100);
        QList<QByteArray> lines;
        QVERIFY(buffer.append(QByteArray(60, 'x'), &lines));
        QVERIFY(!buffer.append(QByteArray(60, 'x'), &lines));
        QCOMPARE(buffer.pendingBytes(), 0);
        QVERIFY(buffer.append("ok\n", &lines));
        QCOMPARE(lines, QList<QByteArray> { "ok" });
    }

    void parseWatchEventHostile_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << QByteArray("<html>oops</html>") << "not a JSON object";
        QTest::newRow("truncated") << eventLine("ADDED", podObject("a", 1)).left(40) << "not a JSON object";
        QTest::newRow("no object") << QByteArray("{\"type\":\"ADDED\"}") << "object: expected an object";
        QTest::newRow("object is a string")
            << QByteArray("{\"type\":\"ADDED\",\"object\":\"pod\"}") << "object: expected an object";
        QTest::newRow("unknown type") << eventLine("EXPLODED", podObject("a", 1)) << "unknown type";
        QTest::newRow("wrong kind") << eventLine(
            "ADDED", QJsonObject { { "kind", "Service" }, { "metadata", QJsonObject { { "name", "s" } } } })
                                    << "expected a Pod, got Service";
        QTest::newRow("kind not a string")
            << eventLine("MODIFIED", QJsonObject { { "kind", 5 } }) << "non-string kind";
    }

    void parseWatchEventHostile()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, error);
        QString message;
        QVERIFY(!parseWatchEvent(line, &message));
        QVERIFY2(message.contains(error), qPrintable(message));
    }

    void parseWatchEventPodWithBadFieldsKeepsVersion()
    {
        QJsonObject pod = podObject("a", 42);
        pod.insert("status", QJsonObject { { "phase", 12 } });
        QString error;
        const std::optional<WatchEvent> event = parseWatchEvent(eventLine("MODIFIED", pod), &error);
        QVERIFY(event);
        QVERIFY(!event->pod);
        QCOMPARE(event->resourceVersion, "42");
        QVERIFY2(error.contains("status.phase"), qPrintable(error));
    }

    void listsThenWatches()
    {
        QSignalSpy replaced(m_reflector.get(), &Reflector::replaced);
        QSignalSpy statuses(m_reflector.get(), &Reflector::statusChanged);
        startSynced();
        QCOMPARE(replaced.size(), 1);
        QCOMPARE(replaced.first().first().value<QList<PodInfo>>().size(), 2);
        QCOMPARE(
            statuses.first().first().value<ConnectionStatus>().health, ConnectionStatus::Health::Connecting);
        QCOMPARE(m_reflector->status().health, ConnectionStatus::Health::Ok);
        QCOMPARE(m_reflector->status().summary, "synced");

        const FakeRequest &list = m_server->requests.first();
        QCOMPARE(list.url.path(), "/api/v1/namespaces/shop/pods");
        QCOMPARE(list.query("resourceVersion"), "0");
        QCOMPARE(list.query("labelSelector"), "kubernetes-assert=metrics");
        const FakeRequest &watch = lastWatch();
        QCOMPARE(watch.query("resourceVersion"), "10");
        QCOMPARE(watch.query("allowWatchBookmarks"), "true");
        QCOMPARE(watch.query("labelSelector"), "kubernetes-assert=metrics");
        const int timeout = watch.query("timeoutSeconds").toInt();
        QVERIFY2(timeout >= 300 && timeout <= 600, qPrintable(QString::number(timeout)));
    }

    void appliesEventsSplitAcrossChunks()
    {
        QSignalSpy upserted(m_reflector.get(), &Reflector::upserted);
        QSignalSpy removed(m_reflector.get(), &Reflector::removed);
        startSynced();
        const QByteArray events = eventLine("ADDED", podObject("c", 11))
            + eventLine("MODIFIED", podObject("a", 12, "Succeeded"))
            + eventLine("DELETED", podObject("b", 13)) + bookmark(15);
        for (qsizetype i = 0; i < events.size(); i += 7)
            send(events.mid(i, 7));
        QTRY_COMPARE(m_reflector->resourceVersion(), "15");
        QCOMPARE(upserted.size(), 2);
        QCOMPARE(upserted[0].first().value<PodInfo>().name, "c");
        QCOMPARE(upserted[1].first().value<PodInfo>().phase, "Succeeded");
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.first(), (QVariantList { "shop", "b" }));
        QCOMPARE(cachedNames(), (QStringList { "a", "c" }));
    }

    void normalEndResumesFromLastVersion()
    {
        startSynced();
        send(eventLine("ADDED", podObject("c", 11)) + bookmark(14));
        QTRY_COMPARE(m_reflector->resourceVersion(), "14");
        FakeHttpServer::endStream(m_server->lastStream());
        QTRY_COMPARE(watches(), 2);
        QCOMPARE(lastWatch().query("resourceVersion"), "14");
        QCOMPARE(lists(), 1);
        QCOMPARE(m_reflector->status().health, ConnectionStatus::Health::Ok);
    }

    void expiredEventRelistsAndReportsTheDifference()
    {
        QSignalSpy replaced(m_reflector.get(), &Reflector::replaced);
        QSignalSpy upserted(m_reflector.get(), &Reflector::upserted);
        QSignalSpy removed(m_reflector.get(), &Reflector::removed);
        startSynced();
        // While the watch is too old, "a" is deleted, "b" changes and "d" appears.
        m_pods.remove("a");
        m_pods.insert("b", podObject("b", 18, "Failed"));
        m_pods.insert("d", podObject("d", 19));
        m_listVersion = 20;
        send(expired());
        QTRY_COMPARE(lists(), 2);
        QTRY_COMPARE(m_reflector->resourceVersion(), "20");
        const auto relist = std::find_if(m_server->requests.cbegin() + 1, m_server->requests.cend(),
            [this](const FakeRequest &r) { return !isWatch(r); });
        QVERIFY(!relist->hasQuery("resourceVersion")); // the latest, not the cache
        QCOMPARE(replaced.size(), 1);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.first(), (QVariantList { "shop", "a" }));
        QCOMPARE(upserted.size(), 2);
        QCOMPARE(cachedNames(), (QStringList { "b", "d" }));
        QTRY_COMPARE(watches(), 2);
        QCOMPARE(lastWatch().query("resourceVersion"), "20");
    }

    void goneStatusOnWatchRelists()
    {
        m_watchFailures.append(
            FakeResponse { 410, "{\"kind\":\"Status\",\"code\":410,\"reason\":\"Gone\"}" });
        m_reflector->start();
        QTRY_COMPARE(lists(), 2);
        QTRY_COMPARE(watches(), 2);
        QVERIFY(m_reflector->isSynced());
    }

    void hostileLinesRelist_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << QByteArray("this is not json\n") << "not a JSON object";
        QTest::newRow("wrong object type") << eventLine(
            "ADDED", QJsonObject { { "kind", "Service" }, { "metadata", QJsonObject { { "name", "s" } } } })
                                           << "expected a Pod, got Service";
        QTest::newRow("error event 500") << eventLine("ERROR",
            QJsonObject { { "kind", "Status" }, { "code", 500 }, { "reason", "InternalError" },
                { "message", "etcd down" } })
                                         << "500 InternalError: etcd down";
    }

    void hostileLinesRelist()
    {
        QFETCH(QByteArray, data);
        QFETCH(QString, error);
        QSignalSpy statuses(m_reflector.get(), &Reflector::statusChanged);
        startSynced();
        send(data);
        QTRY_COMPARE(lists(), 2);
        QTRY_COMPARE(watches(), 2);
        QTRY_COMPARE(m_reflector->status().health, ConnectionStatus::Health::Ok);
        const auto degraded
            = std::find_if(statuses.cbegin(), statuses.cend(), [](const QList<QVariant> &args) {
                  return args.first().value<ConnectionStatus>().health == ConnectionStatus::Health::Degraded;
              });
        QVERIFY(degraded != statuses.cend());
        const ConnectionStatus status = degraded->first().value<ConnectionStatus>();
        QVERIFY2(status.error.contains(error), qPrintable(status.error));
        QVERIFY(status.summary.startsWith("retrying in "));
        QCOMPARE(cachedNames(), (QStringList { "a", "b" }));
    }

    void oversizedLineRelists()
    {
        startSynced();
        // 17 MiB without a newline, in 1 MiB chunks.
        const QByteArray chunk(1024 * 1024, 'x');
        for (int i = 0; i < 17; ++i)
            send(chunk);
        QTRY_VERIFY_WITH_TIMEOUT(lists() == 2, 15000);
        QTRY_COMPARE(watches(), 2);
        QTRY_COMPARE(m_reflector->status().health, ConnectionStatus::Health::Ok);
    }

    void unparseablePodIsSkippedNotFatal()
    {
        startSynced();
        QJsonObject bad = podObject("z", 30);
        bad.insert(
            "metadata", QJsonObject { { "name", "z" }, { "resourceVersion", "30" }, { "labels", "nope" } });
        send(eventLine("ADDED", bad) + eventLine("ADDED", podObject("c", 31)));
        QTRY_COMPARE(m_reflector->resourceVersion(), "31");
        QCOMPARE(cachedNames(), (QStringList { "a", "b", "c" }));
        QCOMPARE(m_reflector->skipped().size(), 1);
        QCOMPARE(lists(), 1);
    }

    void serverErrorsBackOffThenRecover()
    {
        m_listFailures.append(FakeResponse { 503,
            "{\"kind\":\"Status\",\"code\":503,\"reason\":\"ServiceUnavailable\",\"message\":\"try "
            "later\"}" });
        m_listFailures.append(FakeResponse { 500, "<html>boom</html>" });
        QSignalSpy statuses(m_reflector.get(), &Reflector::statusChanged);
        m_reflector->start();
        QTRY_VERIFY(m_reflector->isSynced());
        QCOMPARE(lists(), 3);
        QList<ConnectionStatus> seen;
        for (const QList<QVariant> &args : std::as_const(statuses))
            seen.append(args.first().value<ConnectionStatus>());
        QCOMPARE(seen.first().health, ConnectionStatus::Health::Connecting);
        QCOMPARE(seen[1].health, ConnectionStatus::Health::Degraded);
        QVERIFY2(seen[1].error.contains("503 ServiceUnavailable: try later"), qPrintable(seen[1].error));
        QVERIFY(seen[1].nextRetry.isValid());
        QCOMPARE(seen.last().health, ConnectionStatus::Health::Ok);
    }

    void tooManyRequestsHonoursRetryAfter()
    {
        FakeResponse throttled { 429, "{\"kind\":\"Status\",\"code\":429,\"reason\":\"TooManyRequests\"}" };
        throttled.headers.append({ QByteArray("Retry-After"), QByteArray("2") });
        m_listFailures.append(throttled);
        QSignalSpy statuses(m_reflector.get(), &Reflector::statusChanged);
        const QDateTime before = QDateTime::currentDateTimeUtc();
        m_reflector->start();
        QTRY_COMPARE(m_reflector->status().health, ConnectionStatus::Health::Degraded);
        QCOMPARE(m_reflector->status().summary, "retrying in 2 s");
        QVERIFY(m_reflector->status().nextRetry >= before.addMSecs(1900));
        QTRY_VERIFY_WITH_TIMEOUT(m_reflector->isSynced(), 10000);
        QCOMPARE(lists(), 2);
    }

    void unauthorizedIsFailedAndRetried()
    {
        m_listFailures.append(FakeResponse { 401,
            "{\"kind\":\"Status\",\"code\":401,\"reason\":\"Unauthorized\",\"message\":\"Unauthorized\"}" });
        QSignalSpy statuses(m_reflector.get(), &Reflector::statusChanged);
        m_reflector->start();
        QTRY_VERIFY(statuses.size() >= 2);
        const ConnectionStatus failed = statuses.at(1).first().value<ConnectionStatus>();
        QCOMPARE(failed.health, ConnectionStatus::Health::Failed);
        QVERIFY(failed.error.contains("401 Unauthorized"));
        QVERIFY(!failed.error.contains("token"));
        QTRY_VERIFY(m_reflector->isSynced());
    }

    void cutWatchRelistsAndConverges()
    {
        QSignalSpy removed(m_reflector.get(), &Reflector::removed);
        startSynced();
        send(eventLine("ADDED", podObject("c", 11)).left(30)); // half an event
        QTest::qWait(20);
        m_pods.remove("b");
        m_pods.insert("c", podObject("c", 11));
        m_listVersion = 12;
        m_server->cutStreams();
        QTRY_COMPARE(lists(), 2);
        QTRY_COMPARE(cachedNames(), (QStringList { "a", "c" }));
        QCOMPARE(removed.size(), 1);
        QTRY_COMPARE(watches(), 2);
        QCOMPARE(lastWatch().query("resourceVersion"), "12");
    }

    void watchClosingAtOnceBacksOff()
    {
        startSynced();
        QSignalSpy statuses(m_reflector.get(), &Reflector::statusChanged);
        FakeHttpServer::endStream(m_server->lastStream());
        QTRY_VERIFY(std::any_of(statuses.cbegin(), statuses.cend(), [](const QList<QVariant> &args) {
            const ConnectionStatus status = args.first().value<ConnectionStatus>();
            return status.health == ConnectionStatus::Health::Degraded
                && status.error.contains("closed right after it opened");
        }));
        QTRY_COMPARE(m_reflector->status().health, ConnectionStatus::Health::Ok);
        QCOMPARE(lists(), 2);
    }

    void stopEndsEverything()
    {
        startSynced();
        m_reflector->stop();
        QCOMPARE(m_reflector->status().health, ConnectionStatus::Health::Off);
        const int before = m_server->requests.size();
        QTest::qWait(300);
        QCOMPARE(m_server->requests.size(), before);
        QTRY_VERIFY(!m_server->lastStream()); // the watch connection was closed
    }
};

QTEST_GUILESS_MAIN(TestReflector)
#include "tst_reflector.moc"
