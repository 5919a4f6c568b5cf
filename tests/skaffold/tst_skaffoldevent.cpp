#include "skaffold/skaffoldevent.h"
#include "skaffold/skaffoldoutputscanner.h"

#include <QTest>

class TestSkaffoldEvent : public QObject
{
    Q_OBJECT

private slots:
    void metaEvent()
    {
        const auto parsed = parseSkaffoldEventLine(
            R"({"result":{"timestamp":"2025-03-01T10:00:00.123456789Z","metaEvent":{"entry":"Starting Skaffold: &{Version:v2.13.2}","metadata":{"build":{"artifacts":[{"type":"DOCKER","name":"app"}]},"runID":"5f0c6d2e-1111-4c3b-9e1a-000000000001"}}}})");
        QVERIFY2(parsed.event, qPrintable(parsed.error));
        QCOMPARE(parsed.event->kind, SkaffoldEvent::Kind::Meta);
        QCOMPARE(parsed.event->typeName, QString("metaEvent"));
        QCOMPARE(parsed.event->runId, QString("5f0c6d2e-1111-4c3b-9e1a-000000000001"));
        QVERIFY(parsed.event->entry.startsWith("Starting Skaffold"));
        QCOMPARE(parsed.event->timestamp, QDateTime(QDate(2025, 3, 1), QTime(10, 0, 0, 123), QTimeZone::UTC));
    }

    void taskEventWithActionableError()
    {
        const auto parsed = parseSkaffoldEventLine(
            R"({"result":{"timestamp":"2025-03-01T10:00:01Z","taskEvent":{"id":"Build-2","task":"Build","iteration":2,"status":"Failed","actionableErr":{"errCode":"BUILD_USER_ERROR","message":"build [app] failed","suggestions":[{"suggestionCode":"FIX_USER_BUILD_ERR","action":"Fix the Dockerfile"},{"action":"Run docker build yourself"},{"suggestionCode":"X"}]}}}})");
        QVERIFY2(parsed.event, qPrintable(parsed.error));
        const SkaffoldEvent &e = *parsed.event;
        QCOMPARE(e.kind, SkaffoldEvent::Kind::Task);
        QCOMPARE(e.task, QString("Build"));
        QCOMPARE(e.id, QString("Build-2"));
        QCOMPARE(e.iteration, 2);
        QCOMPARE(e.status, QString("Failed"));
        QCOMPARE(e.error.code, QString("BUILD_USER_ERROR"));
        QCOMPARE(e.error.message, QString("build [app] failed"));
        QCOMPARE(e.error.suggestions, (QStringList { "Fix the Dockerfile", "Run docker build yourself" }));
    }

    void subtaskEvents()
    {
        auto parsed = parseSkaffoldEventLine(
            R"({"result":{"timestamp":"2025-03-01T10:00:02Z","buildSubtaskEvent":{"id":"0","task_id":"Build-0","artifact":"app","step":"Cache","status":"InProgress"}}})");
        QVERIFY(parsed.event);
        QCOMPARE(parsed.event->kind, SkaffoldEvent::Kind::BuildSubtask);
        QCOMPARE(parsed.event->taskId, QString("Build-0"));
        QCOMPARE(parsed.event->artifact, QString("app"));
        QCOMPARE(parsed.event->step, QString("Cache"));

        parsed = parseSkaffoldEventLine(
            R"({"result":{"timestamp":"2025-03-01T10:00:03Z","statusCheckSubtaskEvent":{"id":"deployment/app","task_id":"StatusCheck-0","resource":"deployment/app","status":"Failed","message":"container crashed","statusCode":"STATUSCHECK_CONTAINER_TERMINATED","actionableErr":{"errCode":"STATUSCHECK_CONTAINER_TERMINATED","message":"pod crashed"}}}})");
        QVERIFY(parsed.event);
        QCOMPARE(parsed.event->kind, SkaffoldEvent::Kind::StatusCheckSubtask);
        QCOMPARE(parsed.event->resource, QString("deployment/app"));
        QCOMPARE(parsed.event->message, QString("container crashed"));
        QCOMPARE(parsed.event->error.message, QString("pod crashed"));

        parsed = parseSkaffoldEventLine(
            R"({"result":{"timestamp":"2025-03-01T10:00:04Z","terminationEvent":{"status":"Failed","err":{"errCode":"DEPLOY_KUBECTL_APPLY_ERR","message":"apply failed"}}}})");
        QVERIFY(parsed.event);
        QCOMPARE(parsed.event->kind, SkaffoldEvent::Kind::Termination);
        QCOMPARE(parsed.event->error.code, QString("DEPLOY_KUBECTL_APPLY_ERR"));

        parsed = parseSkaffoldEventLine(
            R"({"result":{"timestamp":"2025-03-01T10:00:05Z","portEvent":{"localPort":8080}}})");
        QVERIFY(parsed.event);
        QCOMPARE(parsed.event->kind, SkaffoldEvent::Kind::Other);
        QCOMPARE(parsed.event->typeName, QString("portEvent"));
    }

    void identityIsStableAcrossKeyOrder()
    {
        const auto a = parseSkaffoldEventLine(
            R"({"result":{"timestamp":"2025-03-01T10:00:00Z","taskEvent":{"task":"Deploy","status":"InProgress"}}})");
        const auto b = parseSkaffoldEventLine(
            R"({"result":{"taskEvent":{"status":"InProgress","task":"Deploy"},"timestamp":"2025-03-01T10:00:00Z"}})");
        const auto c = parseSkaffoldEventLine(
            R"({"result":{"timestamp":"2025-03-01T10:00:00.000000001Z","taskEvent":{"task":"Deploy","status":"InProgress"}}})");
        QVERIFY(a.event && b.event && c.event);
        QCOMPARE(a.event->identity, b.event->identity);
        QVERIFY(a.event->identity != c.event->identity);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("errorContains");
        QTest::newRow("empty") << QByteArray() << "not JSON";
        QTest::newRow("truncated") << QByteArray(R"({"result":{"timestamp":"2025-03-01T10:00:00Z","taskEv)")
                                   << "not JSON";
        QTest::newRow("array") << QByteArray("[1,2]") << "not a JSON object";
        QTest::newRow("no result") << QByteArray(R"({"foo":{}})") << "no \"result\"";
        QTest::newRow("result not object") << QByteArray(R"({"result":"x"})") << "no \"result\"";
        QTest::newRow("no body") << QByteArray(R"({"result":{"timestamp":"x"}})") << "no event body";
        QTest::newRow("stream error")
            << QByteArray(R"({"error":{"code":2,"message":"stream closed"}})") << "stream closed";
        QTest::newRow("huge") << QByteArray(R"({"result":{"taskEvent":{"task":")")
                + QByteArray(MaxSkaffoldEventLineBytes, 'x') + QByteArray(R"("}}})")
                              << "too long";
        QTest::newRow("binary") << QByteArray("\xff\xfe\x00garbage", 10) << "not JSON";
    }

    void malformed()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, errorContains);
        const auto parsed = parseSkaffoldEventLine(line);
        QVERIFY(!parsed.event);
        QVERIFY2(parsed.error.contains(errorContains), qPrintable(parsed.error));
    }

    void wrongTypesReadAsAbsent()
    {
        const auto parsed = parseSkaffoldEventLine(
            R"({"result":{"timestamp":42,"taskEvent":{"task":["Build"],"iteration":"3","status":null,"actionableErr":"oops"}}})");
        QVERIFY(parsed.event);
        QCOMPARE(parsed.event->kind, SkaffoldEvent::Kind::Task);
        QVERIFY(parsed.event->task.isEmpty());
        QCOMPARE(parsed.event->iteration, 0);
        QVERIFY(parsed.event->error.isEmpty());
        QVERIFY(!parsed.event->timestamp.isValid());
    }

    void outputPhases_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("task");
        QTest::addColumn<QString>("status");
        QTest::newRow("tags") << "Generating tags..."
                              << "Build"
                              << "InProgress";
        QTest::newRow("cache") << "Checking cache..."
                               << "Build"
                               << "InProgress";
        QTest::newRow("deploy") << "Starting deploy..."
                                << "Deploy"
                                << "InProgress";
        QTest::newRow("stabilize") << "Waiting for deployments to stabilize..."
                                   << "StatusCheck"
                                   << "InProgress";
        QTest::newRow("stable") << "Deployments stabilized in 3.2 seconds"
                                << "StatusCheck"
                                << "Completed";
        QTest::newRow("ctrl-c") << "Press Ctrl+C to exit"
                                << "DevLoop"
                                << "Completed";
        QTest::newRow("watching") << "Watching for changes..."
                                  << "DevLoop"
                                  << "Completed";
        QTest::newRow("cleanup") << "Cleaning up..."
                                 << "Cleanup"
                                 << "InProgress";
        QTest::newRow("build failed") << "build [app] failed: exit status 1"
                                      << "Build"
                                      << "Failed";
        QTest::newRow("app log mentioning deploy") << "[pod app] Starting deploy..."
                                                   << ""
                                                   << "";
        QTest::newRow("unrelated") << " - app -> app:latest"
                                   << ""
                                   << "";
    }

    void outputPhases()
    {
        QFETCH(QString, line);
        QFETCH(QString, task);
        QFETCH(QString, status);
        const auto phase = phaseFromOutputLine(line);
        QCOMPARE(phase.has_value(), !task.isEmpty());
        if (phase) {
            QCOMPARE(phase->task, task);
            QCOMPARE(phase->status, status);
        }
    }

    void describesPhases()
    {
        QCOMPARE(describePhase({ "Build", "InProgress" }, 0), QString("Building"));
        QCOMPARE(describePhase({ "DevLoop", "Completed" }, 2), QString("Watching for changes (iteration 2)"));
        QCOMPARE(describePhase({ "StatusCheck", "Failed" }, 0), QString("Deployments did not stabilize"));
        QCOMPARE(describePhase({}, 0), QString("Starting"));
    }
};

QTEST_GUILESS_MAIN(TestSkaffoldEvent)
#include "tst_skaffoldevent.moc"
