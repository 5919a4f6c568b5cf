// Fault matrix, logs: the log of a suite pod followed as the window does it (PodLogFeed
// -> LogStream -> LogModel) through dropped streams, a stream cut mid-line, a restart
// without history and a 503 burst, and a pod deleted right after a rerun. The model must
// hold exactly the server's lines (none lost, none twice), and the tracker must follow
// the deleted pod's replacement.
#include "faultcluster.h"
#include "kube/kubeclient.h"
#include "kube/logstream.h"
#include "logmodel.h"
#include "podlogfeed.h"
#include "suites/suitetracker.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

class TestFaultsLogs : public FaultTestBase
{
    Q_OBJECT

    std::unique_ptr<LogModel> m_model;
    std::unique_ptr<PodLogFeed> m_feed;
    QNetworkAccessManager m_network;
    QString m_pod;
    int m_appended = 0;

    bool append(int count, const QString &prefix)
    {
        QJsonArray lines;
        for (int i = 0; i < count; ++i)
            lines << QString("%1 line %2 of the fault matrix").arg(prefix).arg(++m_appended);
        return control("append-log", {{"namespace", FaultCluster::Namespace}, {"pod", m_pod}, {"lines", lines}});
    }
    // The server's whole log of the pod, as plain text lines (colours removed, as the
    // model keeps them).
    QStringList serverLines(const QString &pod)
    {
        QUrl url = m_cluster.server().url();
        url.setPath(QString("/api/v1/namespaces/%1/pods/%2/log").arg(FaultCluster::Namespace, pod));
        url.setQuery("container=specs");
        QNetworkRequest request(url);
        request.setSslConfiguration(m_cluster.server().sslConfiguration());
        request.setRawHeader("Authorization", "Bearer " + m_cluster.server().token());
        QNetworkReply *reply = m_network.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !done.wait(20000))
            return {"(no answer)"};
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError)
            return {"(error) " + reply->errorString()};
        QString text = QString::fromUtf8(reply->readAll());
        text.remove(QRegularExpression("\x1b\\[[0-9;]*[A-Za-z]"));
        QStringList lines = text.split('\n');
        if (!lines.isEmpty() && lines.constLast().isEmpty())
            lines.removeLast();
        return lines;
    }
    QStringList modelLines() const
    {
        QStringList lines;
        for (int row = 0; row < m_model->rowCount(); ++row)
            lines << m_model->lineText(row);
        return lines;
    }
    // Empty when the model holds exactly the server's lines; else where they part.
    QString logDifference(const QString &pod)
    {
        const QStringList server = serverLines(pod);
        const QStringList model = modelLines();
        if (server == model)
            return {};
        qsizetype i = 0;
        while (i < server.size() && i < model.size() && server.at(i) == model.at(i))
            ++i;
        return QString("server %1 lines, model %2; first difference at %3: server '%4' model '%5'")
            .arg(server.size())
            .arg(model.size())
            .arg(i)
            .arg(server.value(i).left(80), model.value(i).left(80));
    }
    QString m_lastLogDifference;
    bool logMatches()
    {
        m_lastLogDifference = logDifference(m_pod);
        return m_lastLogDifference.isEmpty();
    }

private slots:
    void initTestCase()
    {
        startAll(false, "steady");
        if (QTest::currentTestResolved())
            return;
        m_pod = podOf("steady");
        m_model = std::make_unique<LogModel>();
        m_feed = std::make_unique<PodLogFeed>(m_model.get());
        m_feed->setClient(m_session->client());
        m_feed->show(FaultCluster::Namespace, m_pod, "specs");
        QTRY_VERIFY2_WITH_TIMEOUT(logMatches(), qPrintable(m_lastLogDifference), 20000);
        QVERIFY(m_model->rowCount() > 10); // the first Jest pass
    }

    void cleanup() { endFault(); }

    void cleanupTestCase()
    {
        m_feed.reset();
        m_model.reset();
        stopAll();
    }

    void streamsDropped()
    {
        m_watch->begin("log: drop-streams");
        QVERIFY(append(300, "before drop"));
        QVERIFY(control("drop-streams"));
        QVERIFY(append(300, "after drop"));
        QTRY_VERIFY2_WITH_TIMEOUT(logMatches(), qPrintable(m_lastLogDifference), 20000);
    }

    void cutMidLine()
    {
        m_watch->begin("log: cut mid-line");
        QVERIFY(append(20, "before cut"));
        QVERIFY(control("cut-log", {{"namespace", FaultCluster::Namespace},
                                    {"pod", m_pod},
                                    {"line", "a long line that the server cuts in half " + QString(400, 'x') + " end"}}));
        QVERIFY(append(20, "after cut"));
        QTRY_VERIFY2_WITH_TIMEOUT(logMatches(), qPrintable(m_lastLogDifference), 20000);
        QVERIFY(m_feed->findChild<LogStream *>()->resumes() > 0);
    }

    void restartWithoutHistory()
    {
        m_watch->begin("log: restart without history");
        QVERIFY(append(50, "before restart"));
        QVERIFY(control("restart", {{"keepHistory", false}}));
        QVERIFY(append(50, "after restart"));
        QTRY_VERIFY2_WITH_TIMEOUT(logMatches(), qPrintable(m_lastLogDifference), 20000);
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
    }

    void burstOnTheLog()
    {
        m_watch->begin("log: 503 burst");
        LogStream *stream = m_feed->findChild<LogStream *>();
        QList<ConnectionStatus> statuses;
        qint64 firstDelay = -1; // how far ahead the first retry was when announced
        QObject listening; // ends the connection with this function, whatever happens
        connect(stream, &LogStream::statusChanged, &listening, [&statuses, &firstDelay](const ConnectionStatus &s) {
            statuses << s;
            if (firstDelay < 0 && s.nextRetry.isValid())
                firstDelay = QDateTime::currentDateTimeUtc().msecsTo(s.nextRetry);
        });
        const QString logPath = QString("/api/v1/namespaces/%1/pods/%2/log").arg(FaultCluster::Namespace, m_pod);
        QVERIFY(control("faults", {{"status", 503}, {"seconds", 3}, {"paths", QJsonArray{logPath}}}));
        QVERIFY(control("drop-streams"));
        QVERIFY(append(100, "during burst"));
        // The stream says what is wrong and when it tries again.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(statuses.cbegin(), statuses.cend(),
                                             [](const ConnectionStatus &s) {
                                                 return s.error.contains("503") && s.nextRetry.isValid()
                                                     && s.summary.startsWith("retrying in");
                                             }),
                                 15000);
        // Three drops came before this one; the log had flowed since, so the backoff
        // started over and the first retry is within about a second.
        QVERIFY2(firstDelay >= 0 && firstDelay <= 1300, qPrintable(QString::number(firstDelay)));
        QTRY_VERIFY2_WITH_TIMEOUT(logMatches(), qPrintable(m_lastLogDifference), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(stream->status().health, ConnectionStatus::Health::Ok, 10000);
        for (const ConnectionStatus &status : std::as_const(statuses))
            QVERIFY(!status.error.toUtf8().contains(m_cluster.server().token()));
    }

    void podDeletedDuringRerun()
    {
        m_watch->begin("pod deleted during a rerun");
        const QString runId = m_session->tracker()->suite({FaultCluster::Namespace, "steady"})->currentRun()->pod.runId();
        QSignalSpy rerun(m_session.get(), &ClusterSession::rerunFinished);
        m_session->rerun({FaultCluster::Namespace, "steady"});
        QVERIFY(rerun.wait(10000));
        QVERIFY2(rerun.at(0).at(1).value<ClusterSession::ActionResult>().ok,
                 qPrintable(rerun.at(0).at(1).value<ClusterSession::ActionResult>().message));
        // The rerun's output is all there before the pod goes.
        QTRY_VERIFY2_WITH_TIMEOUT(logMatches(), qPrintable(m_lastLogDifference), 20000);
        const QStringList lastWords = serverLines(m_pod);
        QSignalSpy feedStatus(m_feed.get(), &PodLogFeed::statusChanged);
        QSignalSpy restart(m_session.get(), &ClusterSession::restartFinished);
        m_session->restartRun({FaultCluster::Namespace, "steady"});
        QVERIFY(restart.wait(10000));
        QVERIFY(restart.at(0).at(1).value<ClusterSession::ActionResult>().ok);
        // The old pod's log ends with exactly its lines; the replacement is a new run.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(feedStatus.cbegin(), feedStatus.cend(),
                                             [](const QList<QVariant> &args) {
                                                 return args.at(0).toString().endsWith("log ended");
                                             }),
                                 20000);
        QCOMPARE(modelLines(), lastWords);
        QTRY_VERIFY2_WITH_TIMEOUT(converged(), qPrintable(m_lastDisagreement), 45000);
        const Suite *steady = m_session->tracker()->suite({FaultCluster::Namespace, "steady"});
        QVERIFY(steady->currentRun()->pod.name != m_pod);
        QVERIFY(steady->currentRun()->pod.runId() != runId);
        QVERIFY(std::any_of(steady->runs.cbegin(), steady->runs.cend(),
                            [this](const Run &run) { return run.pod.name == m_pod && run.ended; }));
    }
};

QTEST_MAIN(TestFaultsLogs)
#include "tst_faults_logs.moc"
