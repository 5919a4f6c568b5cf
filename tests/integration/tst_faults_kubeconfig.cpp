// Fault matrix, kubeconfig changed on disk while a session runs: the token rotated to one
// the server refuses, rotated back, and the server moved (another API server with its
// own CA, token and pods). The session follows the file by itself; the cluster light
// says what is wrong without showing either token, and the tracker ends up agreeing
// with whichever server the file names.
#include "faultcluster.h"
#include "suites/suitetracker.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace std::chrono_literals;

namespace {

const QByteArray RevokedToken = "revoked-token-7f3c9e1a2b4d6f80";

} // namespace

class TestFaultsKubeconfig : public QObject
{
    Q_OBJECT

    FaultCluster m_cluster;
    FaultCluster m_moved; // the same suites on another server: other pods, run ids, CA
    QTemporaryDir m_dir;
    QString m_kubeconfig;
    QByteArray m_original;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<FaultWatch> m_watch;
    QString m_lastDisagreement;

    bool convergedWith(FaultCluster &cluster)
    {
        m_lastDisagreement = cluster.disagreement(*m_session);
        return m_lastDisagreement.isEmpty();
    }
    // Replaces the file the way editors and `kubectl config` do: a new file renamed over.
    bool writeKubeconfig(const QByteArray &contents)
    {
        const QString temporary = m_kubeconfig + ".new";
        QFile file(temporary);
        if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size())
            return false;
        file.close();
        return (!QFile::exists(m_kubeconfig) || QFile::remove(m_kubeconfig)) && QFile::rename(temporary, m_kubeconfig);
    }
    static QByteArray readFile(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    bool statusShows(const QByteArray &secret) const
    {
        for (ClusterSession::Link link :
             {ClusterSession::Link::Cluster, ClusterSession::Link::Prometheus, ClusterSession::Link::Alertmanager}) {
            const ConnectionStatus status = m_session->status(link);
            for (const QString &text : {status.summary, status.error, status.endpoint}) {
                if (text.toUtf8().contains(secret))
                    return true;
            }
        }
        return false;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_cluster.start(&error, false), qPrintable(error));
        QVERIFY2(m_moved.start(&error, false), qPrintable(error));
        QVERIFY(m_dir.isValid());
        m_kubeconfig = m_dir.filePath("config");
        m_original = readFile(m_cluster.server().kubeconfigPath());
        QVERIFY(m_original.contains(m_cluster.server().token()));
        QVERIFY(writeKubeconfig(m_original));
        m_session = m_cluster.makeSession(m_kubeconfig);
        m_watch = std::make_unique<FaultWatch>(m_session.get(), m_cluster.server().token());
        QSignalSpy settled(m_session.get(), &ClusterSession::settled);
        m_session->start();
        QVERIFY(settled.wait(30000));
        QTRY_VERIFY2_WITH_TIMEOUT(convergedWith(m_cluster), qPrintable(m_lastDisagreement), 30000);
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

    void tokenRotatedToARevokedOne()
    {
        m_watch->begin("token revoked");
        QByteArray revoked = m_original;
        revoked.replace(m_cluster.server().token(), RevokedToken);
        QVERIFY(writeKubeconfig(revoked));
        // 401: said on the cluster light, with a next try (the file may be fixed).
        QTRY_VERIFY_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Cluster).health
                                     == ConnectionStatus::Health::Failed,
                                 20000);
        const ConnectionStatus status = m_session->status(ClusterSession::Link::Cluster);
        QVERIFY2(status.error.contains("401") || status.error.contains("Unauthorized"), qPrintable(status.error));
        QVERIFY(!statusShows(RevokedToken));
        QVERIFY(!statusShows(m_cluster.server().token()));
        // Nothing can be confirmed with a refused token.
        const SuiteTracker *tracker = m_session->tracker();
        for (const SuiteKey &key : tracker->keys())
            QVERIFY2(tracker->suite(key)->verdict.state != RunState::Passed, qPrintable(key.toString()));
    }

    void tokenRotatedBack()
    {
        m_watch->begin("token restored");
        QVERIFY(writeKubeconfig(m_original));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Cluster).health,
                                  ConnectionStatus::Health::Ok, 30000);
        QTRY_VERIFY2_WITH_TIMEOUT(convergedWith(m_cluster), qPrintable(m_lastDisagreement), 30000);
    }

    void serverMoved()
    {
        m_watch->begin("server moved");
        const QString oldPod = m_session->tracker()->suite({FaultCluster::Namespace, "steady"})->currentRun()->pod.name;
        QVERIFY(writeKubeconfig(readFile(m_moved.server().kubeconfigPath())));
        QTRY_VERIFY_WITH_TIMEOUT(m_session->status(ClusterSession::Link::Cluster).endpoint.contains(
                                     QString::number(m_moved.server().url().port())),
                                 20000);
        QTRY_VERIFY2_WITH_TIMEOUT(convergedWith(m_moved), qPrintable(m_lastDisagreement), 30000);
        QVERIFY(m_session->tracker()->suite({FaultCluster::Namespace, "steady"})->currentRun()->pod.name != oldPod);
        QVERIFY(!statusShows(m_moved.server().token()));
        // Changes on the new server arrive; the old one is no longer asked.
        QString error;
        m_moved.control("set-scenario", {{"namespace", FaultCluster::Namespace}, {"name", "steady"}, {"scenario", "failing"}},
                        &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString pod = m_session->tracker()->suite({FaultCluster::Namespace, "steady"})->currentRun()->pod.name;
        m_moved.control("iterate", {{"namespace", FaultCluster::Namespace}, {"pod", pod}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTRY_VERIFY2_WITH_TIMEOUT(convergedWith(m_moved), qPrintable(m_lastDisagreement), 30000);
        QCOMPARE(m_session->tracker()->suite({FaultCluster::Namespace, "steady"})->verdict.state, RunState::Failed);
    }
};

QTEST_GUILESS_MAIN(TestFaultsKubeconfig)
#include "tst_faults_kubeconfig.moc"
