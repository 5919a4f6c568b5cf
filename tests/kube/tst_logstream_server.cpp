// LogStream against the test Kubernetes API server: a followed log cut mid-line and
// dropped still arrives complete (compared with the server's full log), the errors of
// a multi-container pod, previous logs, and the end of a log when the pod is deleted.

#include "testapiserver.h"
#include "testcredentials.h"

#include "kube/kubeclient.h"
#include "kube/logstream.h"

#include <QJsonArray>
#include <QTest>

using namespace std::chrono_literals;

class TestLogStreamServer : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    std::unique_ptr<KubeClient> m_client;
    int m_suites = 0;

    QString addSuite(const QString &scenario)
    {
        QString error;
        const QString pod = m_server.addSuite(
            "logs", QStringLiteral("%1-%2").arg(scenario).arg(++m_suites), scenario, 0, &error);
        if (pod.isEmpty())
            qWarning("add-suite failed: %s", qPrintable(error));
        return pod;
    }

    void control(const QString &op, const QJsonObject &args)
    {
        QString error;
        m_server.control(op, args, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    // The whole log as the server has it now, without following.
    QStringList fullLog(const QString &pod)
    {
        std::optional<HttpResult> result;
        HttpRequest request;
        request.path = "api/v1/namespaces/logs/pods/" + pod + "/log";
        request.query.addQueryItem("container", "specs");
        request.accept = "*/*";
        m_client->send(request, this, [&](const HttpResult &r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000) || !result->ok())
            return { "<no log>" };
        QStringList lines = QString::fromUtf8(result->body).split('\n');
        if (!lines.isEmpty() && lines.last().isEmpty())
            lines.removeLast();
        return lines;
    }

    // The first iteration's output is written by the server's runtime loop shortly after
    // the suite is added: wait until the log stops growing.
    QStringList settledLog(const QString &pod)
    {
        QStringList previous;
        for (int i = 0; i < 50; ++i) {
            const QStringList now = fullLog(pod);
            if (!now.isEmpty() && now == previous)
                return now;
            previous = now;
            QTest::qWait(200);
        }
        return previous;
    }

    static QStringList texts(const QList<LogLine> &lines)
    {
        QStringList result;
        for (const LogLine &line : lines)
            result.append(line.text);
        return result;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        ClusterAccess access;
        access.target.contextName = "test-token";
        access.target.server = m_server.url();
        access.target.caCertificates = QSslCertificate::fromPath(m_server.caPath());
        access.credentials = TestCredentials::token(m_server.token());
        m_client = std::make_unique<KubeClient>(access);
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_server.stop();
    }

    void cutAndDroppedStreamLosesAndRepeatsNothing()
    {
        const QString pod = addSuite("failing");
        QVERIFY(!pod.isEmpty());
        LogStreamOptions options;
        options.container = "specs";
        options.timestamps = true;
        LogStream stream(m_client.get(), "logs", pod, options);
        stream.setBackoff(RetryBackoff(50ms, 500ms));
        QList<LogLine> received;
        connect(&stream, &LogStream::linesReceived, this,
            [&](const QList<LogLine> &lines) { received += lines; });
        const int initial = int(settledLog(pod).size());
        stream.start();
        QVERIFY(initial > 5);
        QTRY_COMPARE(received.size(), initial);
        QVERIFY(received.first().timestamp.isValid());

        // Lines written in one burst share timestamps; some texts repeat.
        control("append-log",
            QJsonObject { { "namespace", "logs" }, { "pod", pod },
                { "lines", QJsonArray { "burst one", "", "", "burst one", "● cart › adds" } } });
        control("cut-log",
            QJsonObject { { "namespace", "logs" }, { "pod", pod },
                { "line", "this line is cut in the middle by the server → ünïcödé" } });
        control("append-log",
            QJsonObject {
                { "namespace", "logs" }, { "pod", pod }, { "lines", QJsonArray { "after the cut", "" } } });
        QTRY_VERIFY_WITH_TIMEOUT(stream.resumes() >= 1, 10000);
        control("drop-streams", {});
        control("append-log",
            QJsonObject {
                { "namespace", "logs" }, { "pod", pod }, { "lines", QJsonArray { "after the drop" } } });
        // An iteration's whole Jest output as well.
        control("iterate", QJsonObject { { "namespace", "logs" }, { "pod", pod } });

        QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty() && fullLog(pod).size() == received.size()
                && texts(received).last() == fullLog(pod).last(),
            15000);
        QTest::qWait(300); // nothing more may arrive
        QCOMPARE(texts(received), fullLog(pod));
        QVERIFY(stream.resumes() >= 2);
        QCOMPARE(stream.status().health, ConnectionStatus::Health::Ok);
    }

    void tailLinesThenFollow()
    {
        const QString pod = addSuite("passing");
        const QStringList log = settledLog(pod);
        LogStreamOptions options;
        options.container = "specs";
        options.tailLines = 3;
        LogStream stream(m_client.get(), "logs", pod, options);
        QList<LogLine> received;
        connect(&stream, &LogStream::linesReceived, this,
            [&](const QList<LogLine> &lines) { received += lines; });
        stream.start();
        QTRY_COMPARE(received.size(), 3);
        QCOMPARE(texts(received), log.mid(log.size() - 3));
        QVERIFY(!received.first().timestamp.isValid()); // not asked for
        control("append-log",
            QJsonObject { { "namespace", "logs" }, { "pod", pod }, { "lines", QJsonArray { "one more" } } });
        QTRY_COMPARE(received.size(), 4);
        QCOMPARE(received.last().text, "one more");
    }

    void multiContainerNeedsAContainer()
    {
        const QString pod = addSuite("multicontainer");
        LogStream stream(m_client.get(), "logs", pod, LogStreamOptions {});
        std::optional<HttpError> finished;
        connect(&stream, &LogStream::finished, this, [&](const HttpError &error) { finished = error; });
        stream.start();
        QTRY_VERIFY(finished.has_value());
        QCOMPARE(finished->httpStatus, 400);
        QVERIFY2(finished->message.startsWith("a container name must be specified"),
            qPrintable(finished->message));
        QCOMPARE(stream.status().health, ConnectionStatus::Health::Failed);
    }

    void previousLogOfACrashLoop()
    {
        const QString pod = addSuite("crashloop");
        control("iterate", QJsonObject { { "namespace", "logs" }, { "pod", pod } });
        LogStreamOptions options;
        options.container = "specs";
        options.previous = true;
        options.follow = false;
        LogStream stream(m_client.get(), "logs", pod, options);
        QList<LogLine> received;
        std::optional<HttpError> finished;
        connect(&stream, &LogStream::linesReceived, this,
            [&](const QList<LogLine> &lines) { received += lines; });
        connect(&stream, &LogStream::finished, this, [&](const HttpError &error) { finished = error; });
        stream.start();
        QTRY_VERIFY(finished.has_value());
        QVERIFY2(!finished->isError(), qPrintable(finished->toString()));
        QVERIFY(!received.isEmpty());
    }

    void deletedPodEndsTheLog()
    {
        const QString pod = addSuite("passing");
        LogStreamOptions options;
        options.container = "specs";
        LogStream stream(m_client.get(), "logs", pod, options);
        stream.setBackoff(RetryBackoff(50ms, 500ms));
        QList<LogLine> received;
        std::optional<HttpError> finished;
        connect(&stream, &LogStream::linesReceived, this,
            [&](const QList<LogLine> &lines) { received += lines; });
        connect(&stream, &LogStream::finished, this, [&](const HttpError &error) { finished = error; });
        stream.start();
        QTRY_VERIFY(!received.isEmpty());
        std::optional<DeleteResult> deleted;
        m_client->deletePod("logs", pod, this, [&](const DeleteResult &r) { deleted = r; });
        QTRY_VERIFY(deleted.has_value());
        QTRY_VERIFY_WITH_TIMEOUT(finished.has_value(), 15000);
        QVERIFY2(!finished->isError(), qPrintable(finished->toString()));
        QCOMPARE(stream.status().summary, "ended");
    }
};

QTEST_GUILESS_MAIN(TestLogStreamServer)
#include "tst_logstream_server.moc"
