// Reflector against the test Kubernetes API server: after every fault (watch dropped,
// history compacted, restart with history lost, 5xx and 429 bursts, a pod deleted) its
// cache converges to exactly what a fresh list returns and what the server's state says.

#include "testapiserver.h"
#include "testcredentials.h"

#include "kube/kubeclient.h"
#include "kube/reflector.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

namespace {

const QString Selector = QStringLiteral("kubernetes-assert=metrics");

QMap<QString, PodInfo> byName(const QList<PodInfo> &pods)
{
    QMap<QString, PodInfo> map;
    for (const PodInfo &pod : pods)
        map.insert(pod.nameSpace + '/' + pod.name, pod);
    return map;
}

} // namespace

class TestReflectorServer : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    std::unique_ptr<KubeClient> m_client;
    std::unique_ptr<Reflector> m_reflector;
    int m_suites = 0;

    QString addSuite(const QString &nameSpace = "conv")
    {
        QString error;
        const QString pod
            = m_server.addSuite(nameSpace, QStringLiteral("suite-%1").arg(++m_suites), "passing", 0, &error);
        if (pod.isEmpty())
            qWarning("add-suite failed: %s", qPrintable(error));
        return pod;
    }

    QJsonObject control(const QString &op, const QJsonObject &args = {})
    {
        QString error;
        const QJsonObject answer = m_server.control(op, args, &error);
        if (!error.isEmpty())
            qWarning("control %s failed: %s", qPrintable(op), qPrintable(error));
        return answer;
    }

    // A fresh list straight from the server, compared with the reflector's cache, and
    // the pod names with the server's own state.
    bool converged()
    {
        std::optional<PodListResult> fresh;
        m_client->listPods({}, Selector, this, [&](const PodListResult &result) { fresh = result; });
        if (!QTest::qWaitFor([&] { return fresh.has_value(); }, 10000) || fresh->error.isError())
            return false;
        const QMap<QString, PodInfo> cached = byName(m_reflector->pods());
        if (cached != byName(fresh->pods))
            return false;
        QStringList stateNames;
        for (const QJsonValue &pod : control("state").value("pods").toArray())
            stateNames.append(
                pod.toObject().value("namespace").toString() + '/' + pod.toObject().value("pod").toString());
        stateNames.sort();
        return stateNames == cached.keys();
    }

    void startReflector()
    {
        m_reflector = std::make_unique<Reflector>(m_client.get(), QString(), Selector);
        m_reflector->setBackoff(RetryBackoff(50ms, 1000ms));
        m_reflector->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_reflector->isSynced(), 10000);
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        control("config", QJsonObject { { "bookmarkSeconds", 1 } });
        for (int i = 0; i < 3; ++i)
            QVERIFY(!addSuite().isEmpty());
        QVERIFY(!addSuite("other").isEmpty());
        ClusterAccess access;
        access.target.contextName = "test-token";
        access.target.server = m_server.url();
        access.target.caCertificates = QSslCertificate::fromPath(m_server.caPath());
        access.credentials = TestCredentials::token(m_server.token());
        m_client = std::make_unique<KubeClient>(access);
    }

    void cleanup() { m_reflector.reset(); }

    void cleanupTestCase()
    {
        m_reflector.reset();
        m_client.reset();
        m_server.stop();
    }

    void listsAndWatchesAddsAndRemovals()
    {
        startReflector();
        QTRY_VERIFY(converged());
        QSignalSpy removed(m_reflector.get(), &Reflector::removed);
        const QString added = addSuite();
        QTRY_VERIFY(byName(m_reflector->pods()).contains("conv/" + added));
        control("remove-suite",
            QJsonObject { { "namespace", "conv" }, { "name", QStringLiteral("suite-%1").arg(m_suites) } });
        QTRY_VERIFY(!byName(m_reflector->pods()).contains("conv/" + added));
        QCOMPARE(removed.size(), 1);
        QTRY_VERIFY(converged());
    }

    void bookmarksAdvanceTheResourceVersion()
    {
        startReflector();
        const QString before = m_reflector->resourceVersion();
        addSuite("other"); // moves the server's resourceVersion on
        QTRY_VERIFY(m_reflector->resourceVersion().toLongLong() > before.toLongLong());
    }

    void watchDropped()
    {
        startReflector();
        control("drop-streams");
        const QString added = addSuite();
        QTRY_VERIFY_WITH_TIMEOUT(byName(m_reflector->pods()).contains("conv/" + added), 15000);
        QTRY_COMPARE(m_reflector->status().health, ConnectionStatus::Health::Ok);
        QTRY_VERIFY(converged());
    }

    void compactedHistoryRelists()
    {
        startReflector();
        // No bookmarks and short watches: the next watch starts from the last pod event's
        // resourceVersion, which the compaction below makes too old (ERROR 410).
        control("config", QJsonObject { { "bookmarkSeconds", 3600 } });
        m_reflector->setWatchTimeoutRange(2, 2);
        control("drop-streams");
        QSignalSpy listed(m_reflector.get(), &Reflector::listed);
        QTRY_VERIFY(listed.size() >= 1); // the relist after the drop, with 2 s watches from now on
        listed.clear();
        // Other kinds move the resourceVersion on without a pod event.
        control("add-service", QJsonObject { { "namespace", "conv" }, { "name", "compact-me" } });
        control("compact");
        QTRY_VERIFY_WITH_TIMEOUT(listed.size() >= 1, 10000); // watch ends, ERROR 410, list
        control("config", QJsonObject { { "bookmarkSeconds", 1 } });
        const QString added = addSuite();
        QTRY_VERIFY(byName(m_reflector->pods()).contains("conv/" + added));
        QTRY_VERIFY(converged());
    }

    void restartWithHistoryLost()
    {
        startReflector();
        QSignalSpy removed(m_reflector.get(), &Reflector::removed);
        QSignalSpy replaced(m_reflector.get(), &Reflector::replaced);
        const QMap<QString, PodInfo> before = byName(m_reflector->pods());
        // A slow first retry, so the changes below happen before the reflector lists again.
        m_reflector->setBackoff(RetryBackoff(1500ms, 3000ms));
        control("restart", QJsonObject { { "keepHistory", false } });
        // Changes while the reflector is away: a suite removed, one added.
        control("remove-suite", QJsonObject { { "namespace", "conv" }, { "name", "suite-1" } });
        const QString added = addSuite();
        QTRY_VERIFY_WITH_TIMEOUT(byName(m_reflector->pods()).contains("conv/" + added), 20000);
        QTRY_VERIFY(converged());
        QVERIFY(std::any_of(removed.cbegin(), removed.cend(), [&](const QList<QVariant> &args) {
            return before.value("conv/" + args.at(1).toString()).labels.value("app") == "suite-1";
        }));
        QCOMPARE(replaced.size(), 0); // differences only, no reset
        // Every pod kept got the server's new resourceVersion.
        for (const PodInfo &pod : m_reflector->pods()) {
            if (before.contains(pod.nameSpace + '/' + pod.name))
                QVERIFY(pod.resourceVersion != before.value(pod.nameSpace + '/' + pod.name).resourceVersion);
        }
    }

    void serverErrorBurst()
    {
        startReflector();
        QList<ConnectionStatus> seen;
        connect(m_reflector.get(), &Reflector::statusChanged, this,
            [&](const ConnectionStatus &s) { seen.append(s); });
        control("faults", QJsonObject { { "status", 503 }, { "count", 3 } });
        control("drop-streams");
        const QString added = addSuite();
        QTRY_VERIFY_WITH_TIMEOUT(byName(m_reflector->pods()).contains("conv/" + added), 20000);
        QTRY_VERIFY(converged());
        QVERIFY(std::any_of(seen.cbegin(), seen.cend(), [](const ConnectionStatus &s) {
            return s.health == ConnectionStatus::Health::Degraded && s.error.contains("503");
        }));
        QCOMPARE(m_reflector->status().health, ConnectionStatus::Health::Ok);
    }

    void throttledBurst()
    {
        startReflector();
        QList<ConnectionStatus> seen;
        connect(m_reflector.get(), &Reflector::statusChanged, this,
            [&](const ConnectionStatus &s) { seen.append(s); });
        control("faults", QJsonObject { { "status", 429 }, { "count", 2 }, { "retryAfter", 1 } });
        control("drop-streams");
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(seen.cbegin(), seen.cend(),
                                     [](const ConnectionStatus &s) { return s.error.contains("429"); }),
            10000);
        const auto throttled = std::find_if(
            seen.cbegin(), seen.cend(), [](const ConnectionStatus &s) { return s.error.contains("429"); });
        QCOMPARE(throttled->summary, "retrying in 1 s"); // Retry-After outweighs the 50 ms backoff
        const QString added = addSuite();
        QTRY_VERIFY_WITH_TIMEOUT(byName(m_reflector->pods()).contains("conv/" + added), 20000);
        QTRY_VERIFY(converged());
    }

    void deletedPodIsReplaced()
    {
        startReflector();
        const QList<PodInfo> pods = m_reflector->pods();
        const auto victim = std::find_if(
            pods.cbegin(), pods.cend(), [](const PodInfo &pod) { return pod.nameSpace == "other"; });
        QVERIFY(victim != pods.cend());
        QSignalSpy removed(m_reflector.get(), &Reflector::removed);
        std::optional<DeleteResult> deleted;
        m_client->deletePod(
            victim->nameSpace, victim->name, this, [&](const DeleteResult &r) { deleted = r; });
        QTRY_VERIFY(deleted.has_value());
        QVERIFY(!deleted->error.isError());
        QTRY_VERIFY_WITH_TIMEOUT(removed.size() == 1, 10000);
        QCOMPARE(removed.first(), (QVariantList { victim->nameSpace, victim->name }));
        // The replacement: same Deployment, a new name and a new run id.
        const auto replacement = [&]() -> std::optional<PodInfo> {
            for (const PodInfo &pod : m_reflector->pods()) {
                if (pod.nameSpace == victim->nameSpace && pod.name != victim->name
                    && pod.labels.value("app") == victim->labels.value("app"))
                    return pod;
            }
            return std::nullopt;
        };
        QTRY_VERIFY(replacement().has_value());
        QVERIFY(replacement()->runId() != victim->runId());
        QTRY_VERIFY(converged());
    }
};

QTEST_GUILESS_MAIN(TestReflectorServer)
#include "tst_reflector_server.moc"
