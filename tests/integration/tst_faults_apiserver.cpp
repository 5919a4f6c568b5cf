// Fault matrix, API server: watches dropped, restarts with and without history (410),
// 5xx and 429 bursts. After each fault the tracker must agree with the server's own state
// (suites, live pods, run ids, states, metrics); during it no suite may be Passed on
// missing data, and a light that is not green says what is wrong and when it retries.
#include "faultcluster.h"
#include "suites/suitetracker.h"

#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

class TestFaultsApiServer : public QObject
{
    Q_OBJECT

    FaultCluster m_cluster;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<FaultWatch> m_watch;

    QString podOf(const QString &suite)
    {
        const Suite *found = m_session->tracker()->suite({FaultCluster::Namespace, suite});
        return found && found->currentRun() ? found->currentRun()->pod.name : QString();
    }
    bool control(const QString &op, const QJsonObject &args = {})
    {
        QString error;
        m_cluster.control(op, args, &error);
        if (!error.isEmpty())
            qWarning() << op << error;
        return error.isEmpty();
    }
    // Changes the cluster while the session reconnects: steady fails once, then passes.
    bool turnSteady(const QString &scenario)
    {
        return control("set-scenario", {{"namespace", FaultCluster::Namespace}, {"name", "steady"}, {"scenario", scenario}})
            && control("iterate", {{"namespace", FaultCluster::Namespace}, {"pod", podOf("steady")}});
    }
    bool converged()
    {
        const QString before = m_lastDisagreement;
        m_lastDisagreement = m_cluster.disagreement(*m_session);
        if (qEnvironmentVariableIsSet("FAULTS_TRACE") && m_lastDisagreement != before)
            qInfo() << QTime::currentTime().toString("hh:mm:ss.zzz") << m_lastDisagreement;
        return m_lastDisagreement.isEmpty();
    }
    QString m_lastDisagreement;
    static QString describe(const QList<ConnectionStatus> &statuses)
    {
        QStringList lines;
        for (const ConnectionStatus &s : statuses)
            lines << QString("%1 | %2 | %3").arg(int(s.health)).arg(s.summary, s.error);
        return lines.join("\n");
    }

private slots:
    void initTestCase()
    {
        QString error;
        if (!m_cluster.start(&error))
            QSKIP(qPrintable(error));
        m_session = m_cluster.makeSession();
        m_session->setFocusedSuite({FaultCluster::Namespace, "steady"});
        m_watch = std::make_unique<FaultWatch>(m_session.get(), m_cluster.server().token());
        QSignalSpy settled(m_session.get(), &ClusterSession::settled);
        m_session->start();
        QVERIFY(settled.wait(30000));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 40000);
        QCOMPARE(m_session->status(ClusterSession::Link::Prometheus).health, ConnectionStatus::Health::Ok);
    }

    void cleanup()
    {
        m_watch->end();
        QVERIFY2(m_watch->violations().isEmpty(), qPrintable(m_watch->violations().join("\n")));
    }

    void cleanupTestCase()
    {
        m_watch.reset();
        m_session.reset();
    }

    void watchesDropped()
    {
        m_watch->begin("drop-streams");
        QVERIFY(control("drop-streams"));
        QVERIFY(turnSteady("failing"));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
        QCOMPARE(m_session->tracker()->suite({FaultCluster::Namespace, "steady"})->verdict.state, RunState::Failed);
        QVERIFY(turnSteady("passing"));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
    }

    void restartKeepingHistory()
    {
        m_watch->begin("restart with history");
        QVERIFY(control("restart", {{"keepHistory", true}}));
        // A new suite while the watch reconnects: it must arrive from the resumed watch.
        QVERIFY(!m_cluster.server().addSuite(FaultCluster::Namespace, "newcomer", "failing", 0).isEmpty());
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
        QVERIFY(control("remove-suite", {{"namespace", FaultCluster::Namespace}, {"name", "newcomer"}}));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
    }

    void restartLosingHistory()
    {
        m_watch->begin("restart without history");
        const QString before = podOf("broken");
        QVERIFY(control("restart", {{"keepHistory", false}}));
        // Every resourceVersion the session knows is now too old (410): only a relist
        // brings these changes.
        QVERIFY(!m_cluster.server().addSuite(FaultCluster::Namespace, "latecomer", "passing", 0).isEmpty());
        QVERIFY(control("remove-suite", {{"namespace", FaultCluster::Namespace}, {"name", "latecomer"}}));
        QVERIFY(!m_cluster.server().addSuite(FaultCluster::Namespace, "latecomer", "failing", 0).isEmpty());
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
        QCOMPARE(podOf("broken"), before);
        QCOMPARE(m_session->tracker()->suite({FaultCluster::Namespace, "latecomer"})->verdict.state, RunState::Failed);
        QVERIFY(control("remove-suite", {{"namespace", FaultCluster::Namespace}, {"name", "latecomer"}}));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
    }

    void errorBursts_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("retryAfter");
        QTest::newRow("503") << 503 << 0;
        QTest::newRow("500") << 500 << 0;
        QTest::newRow("429 Retry-After 3") << 429 << 3;
    }

    void errorBursts()
    {
        QFETCH(int, status);
        QFETCH(int, retryAfter);
        m_watch->begin(QString("burst %1").arg(status));
        // Every API request fails for 4 s, and the watch must be made again meanwhile.
        QVERIFY(control("faults", {{"status", status}, {"seconds", 4}, {"retryAfter", retryAfter}}));
        QVERIFY(control("drop-streams"));
        // The cluster light says it: the server's status and when the next try is.
        const QString code = QString::number(status);
        auto retrying = [this, &code]() -> std::optional<ConnectionStatus> {
            for (const ConnectionStatus &seen : m_watch->statuses(ClusterSession::Link::Cluster)) {
                if (seen.error.contains(code) && seen.nextRetry.isValid())
                    return seen;
            }
            return std::nullopt;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(retrying().has_value(), qPrintable(describe(m_watch->statuses(ClusterSession::Link::Cluster))), 15000);
        QVERIFY2(retrying()->summary.startsWith("retrying in"), qPrintable(retrying()->summary));
        // The watch had been working: its drop is retried within a second or so, however
        // many faults came before (the backoff starts over).
        const qint64 firstDelay = m_watch->firstRetryDelayMs(ClusterSession::Link::Cluster);
        QVERIFY2(firstDelay >= 0 && firstDelay <= 1300, qPrintable(QString::number(firstDelay)));
        if (retryAfter > 0) {
            // The server's Retry-After is honoured: the next try is no sooner.
            const qint64 wait = QDateTime::currentDateTimeUtc().msecsTo(retrying()->nextRetry);
            QVERIFY2(wait > (retryAfter - 2) * 1000, qPrintable(QString::number(wait)));
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Cluster).health,
                                  ConnectionStatus::Health::Ok, 40000);
        QVERIFY(turnSteady("failing"));
        QVERIFY(turnSteady("passing"));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Prometheus).health,
                                  ConnectionStatus::Health::Ok, 30000);
    }
};

QTEST_GUILESS_MAIN(TestFaultsApiServer)
#include "tst_faults_apiserver.moc"
