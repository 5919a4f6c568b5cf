// Integration: SkaffoldSession and SkaffoldSessions against the stand-in skaffold
// (tests/fixtures/skaffold/skaffold), which serves the real event API on a loopback port.
#include "skaffold/skaffoldsession.h"
#include "skaffold/skaffoldsessions.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString StandIn = QStringLiteral(KASSERT_TESTS_DIR "/fixtures/skaffold/skaffold");
const QString ValidSpec = QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/valid");

QString readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

class TestSkaffoldSession : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<SkaffoldSession> m_session;
    QStringList m_output;

    SkaffoldSession *makeSession(SkaffoldMode mode, const QMap<QString, QString> &env = {})
    {
        SkaffoldLaunch launch;
        launch.mode = mode;
        launch.specDir = ValidSpec;
        launch.kubeContext = "kind-dev";
        launch.nameSpace = "assert";
        launch.rpcHttpPort = SkaffoldSessions::freeLoopbackPort();
        m_session = std::make_unique<SkaffoldSession>(launch);
        m_session->setProgram(StandIn);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (auto it = env.begin(); it != env.end(); ++it)
            environment.insert(it.key(), it.value());
        m_session->setProcessEnvironment(environment);
        connect(m_session.get(), &SkaffoldSession::outputLines, this,
            [this](const QStringList &lines) { m_output += lines; });
        return m_session.get();
    }

    bool outputHas(const QString &line) const { return m_output.contains(line); }
    qsizetype outputIndex(const QString &line) const { return m_output.indexOf(line); }
    bool waitFinished(int ms = 15000)
    {
        if (m_session->state() == SkaffoldSession::State::Finished)
            return true;
        QSignalSpy spy(m_session.get(), &SkaffoldSession::finished);
        return spy.wait(ms);
    }

private slots:
    void init()
    {
        QVERIFY(m_tmp.isValid());
        m_output.clear();
    }

    void cleanup()
    {
        // Never leave a stand-in behind, even when a check failed half-way.
        if (m_session && m_session->isLive())
            m_session->kill();
        if (m_session)
            waitFinished(5000);
        m_session.reset();
    }

    void devSessionWithEvents()
    {
        const QString argvFile = m_tmp.filePath("argv.json");
        SkaffoldSession *session
            = makeSession(SkaffoldMode::Dev, { { "SKAFFOLD_FAKE_ARGV_FILE", argvFile } });
        session->start();
        QCOMPARE(session->state(), SkaffoldSession::State::Starting);
        QTRY_COMPARE_WITH_TIMEOUT(session->phase(), (SkaffoldPhase { "DevLoop", "Completed" }), 15000);

        // The exact argv, run in the spec directory.
        const QJsonObject recorded = QJsonDocument::fromJson(readAll(argvFile).toUtf8()).object();
        QStringList argv;
        for (const QJsonValue &arg : recorded.value("argv").toArray())
            argv << arg.toString();
        QCOMPARE(argv, session->arguments());
        QCOMPARE(argv,
            (QStringList { "dev", "-f", ValidSpec + "/skaffold.yaml", "--kube-context", "kind-dev",
                "--namespace", "assert", "--interactive=false", "--update-check=false", "--rpc-http-port",
                QString::number(session->launch().rpcHttpPort), "--label", "skaffold.dev/tail=true" }));
        QCOMPARE(recorded.value("cwd").toString(), ValidSpec);

        // What the event API told (the output may have been faster).
        QCOMPARE(session->state(), SkaffoldSession::State::Running);
        QTRY_VERIFY_WITH_TIMEOUT(session->eventApiConnected() && !session->resources().isEmpty(), 10000);
        QVERIFY2(QRegularExpression("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
                     .match(session->runId())
                     .hasMatch(),
            qPrintable(session->runId()));
        QCOMPARE(session->artifacts().value("kassert-spec"), QString("Build Completed"));
        QCOMPARE(session->resources().value("deployment/kassert-spec"),
            QString("Succeeded: Deployment rollout complete"));
        QVERIFY(session->actionableError().isEmpty());
        QCOMPARE(session->phaseText(), QString("Watching for changes"));

        // The output, in order, batched.
        QTRY_VERIFY_WITH_TIMEOUT(outputHas("Watching for changes..."), 5000);
        QVERIFY(outputIndex("Generating tags...") < outputIndex("Starting deploy..."));
        QVERIFY(outputIndex("Starting deploy...") < outputIndex("Press Ctrl+C to exit"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_output.contains("[kassert-spec-6d5f7b8c9-x2x9q assert] PASS specs/checkout.spec.js (1/5)"),
            10000);

        QSignalSpy progress(session, &SkaffoldSession::stopProgress);
        session->stop();
        QCOMPARE(session->state(), SkaffoldSession::State::Stopping);
        QCOMPARE(session->phaseText(), QString("Cleaning up"));
        QVERIFY(waitFinished());
        QCOMPARE(session->exit(), SkaffoldSession::Exit::Stopped);
        QCOMPARE(session->exitCode(), 0);
        QVERIFY(outputHas("Cleaning up..."));
        QVERIFY(outputIndex("Cleaning up...") < outputIndex(" - deployment.apps \"kassert-spec\" deleted"));
        QVERIFY(progress.size() >= 1);
        QVERIFY(!session->eventApiConnected());
    }

    void replayedEventsCountOnce()
    {
        // The API opens late (the client keeps trying) and drops the first stream after
        // three events; the second connection replays them.
        SkaffoldSession *session = makeSession(SkaffoldMode::Run,
            { { "SKAFFOLD_FAKE_RPC_DELAY", "0.7" }, { "SKAFFOLD_FAKE_DROP_AFTER", "3" },
                { "SKAFFOLD_FAKE_STEP", "0.3" } });
        session->start();
        QVERIFY(waitFinished());
        QCOMPARE(session->exit(), SkaffoldSession::Exit::Completed);
        // finished() comes after the closing stream was read to its end.
        QVERIFY(session->resources().contains("deployment/kassert-spec"));
        const QList<SkaffoldEvent> events = session->recentEvents();
        QSet<QByteArray> identities;
        int metas = 0, buildsCompleted = 0, deploysStarted = 0;
        for (const SkaffoldEvent &e : events) {
            identities.insert(e.identity);
            metas += e.kind == SkaffoldEvent::Kind::Meta;
            buildsCompleted
                += e.kind == SkaffoldEvent::Kind::Task && e.task == "Build" && e.status == "Completed";
            deploysStarted
                += e.kind == SkaffoldEvent::Kind::Task && e.task == "Deploy" && e.status == "InProgress";
        }
        QCOMPARE(identities.size(), events.size());
        QCOMPARE(metas, 1);
        QCOMPARE(buildsCompleted, 1);
        QCOMPARE(deploysStarted, 1);
        QVERIFY(!session->runId().isEmpty());
    }

    void firstBuildFailureEndsDev()
    {
        SkaffoldSession *session = makeSession(SkaffoldMode::Dev,
            { { "SKAFFOLD_FAKE_SCENARIO", "build-fail" }, { "SKAFFOLD_FAKE_STEP", "0.3" } });
        session->start();
        QVERIFY(waitFinished());
        QCOMPARE(session->exit(), SkaffoldSession::Exit::Error);
        QCOMPARE(session->exitCode(), 1);
        QCOMPARE(session->exitText(), QString("Failed (exit code 1)"));
        QCOMPARE(session->phase(), (SkaffoldPhase { "Build", "Failed" }));
        const SkaffoldActionableError error = session->actionableError();
        QCOMPARE(error.code, QString("BUILD_USER_ERROR"));
        QVERIFY2(error.message.startsWith("build [kassert-spec] failed"), qPrintable(error.message));
        QCOMPARE(error.suggestions, QStringList { "Fix the Dockerfile and try again" });
        QCOMPARE(session->lastError(), error.message);
        QTRY_VERIFY(m_output.contains("build [kassert-spec] failed: exit status 1. Docker build ran into "
                                      "internal error. Please retry."));
    }

    void deployFailureInRun()
    {
        SkaffoldSession *session = makeSession(SkaffoldMode::Run,
            { { "SKAFFOLD_FAKE_SCENARIO", "deploy-fail" }, { "SKAFFOLD_FAKE_STEP", "0.3" } });
        session->start();
        QVERIFY(waitFinished());
        QCOMPARE(session->exit(), SkaffoldSession::Exit::Error);
        QCOMPARE(session->actionableError().code, QString("DEPLOY_KUBECTL_APPLY_ERR"));
        QCOMPARE(session->actionableError().suggestions, QStringList { "Check your cluster connection" });
    }

    void runCompletes()
    {
        SkaffoldSession *session = makeSession(SkaffoldMode::Run);
        session->start();
        QVERIFY(waitFinished());
        QCOMPARE(session->exit(), SkaffoldSession::Exit::Completed);
        QCOMPARE(session->exitCode(), 0);
        QVERIFY(!outputHas("Press Ctrl+C to exit"));
        QVERIFY(outputHas("Deployments stabilized in 1.204 seconds"));
    }

    void usageErrorExit127()
    {
        // A wrapper adding a flag skaffold does not know, as a newer kassert might with an older skaffold.
        const QString wrapper = m_tmp.filePath("skaffold");
        QFile file(wrapper);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#!/bin/sh\nexec \"" + StandIn.toUtf8() + "\" \"$@\" --no-such-flag\n");
        file.close();
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        SkaffoldSession *session = makeSession(SkaffoldMode::Dev);
        session->setProgram(wrapper);
        session->start();
        QVERIFY(waitFinished());
        QCOMPARE(session->exit(), SkaffoldSession::Exit::UsageError);
        QCOMPARE(session->exitCode(), 127);
        QVERIFY2(session->lastError().contains("Error: unknown flag: --no-such-flag"),
            qPrintable(session->lastError()));
    }

    void stopEscalatesWhenSigintIsIgnored()
    {
        const QString signalFile = m_tmp.filePath("signals.txt");
        SkaffoldSession *session = makeSession(SkaffoldMode::Dev,
            { { "SKAFFOLD_FAKE_SCENARIO", "ignore-sigint" }, { "SKAFFOLD_FAKE_SIGNAL_FILE", signalFile } });
        session->setCleanupTimeout(700);
        session->setTerminateTimeout(700);
        session->start();
        QTRY_COMPARE_WITH_TIMEOUT(session->phase(), (SkaffoldPhase { "DevLoop", "Completed" }), 15000);
        QSignalSpy progress(session, &SkaffoldSession::stopProgress);
        session->stop();
        QVERIFY(waitFinished());
        QCOMPARE(session->exit(), SkaffoldSession::Exit::Killed);
        QCOMPARE(readAll(signalFile), QString("SIGINT\nSIGTERM\n"));
        QVERIFY(progress.size() >= 3);
        QVERIFY(progress.last().at(0).toLongLong() >= 1400);
        QCOMPARE(progress.last().at(1).toInt(), 700);
        QTRY_VERIFY(m_output.contains("kassert: skaffold did not exit after SIGTERM; sending SIGKILL"));
    }

    void slowCleanupWithinTimeoutIsANormalStop()
    {
        const QString signalFile = m_tmp.filePath("signals-slow.txt");
        SkaffoldSession *session = makeSession(SkaffoldMode::Dev,
            { { "SKAFFOLD_FAKE_SCENARIO", "slow-cleanup" }, { "SKAFFOLD_FAKE_CLEANUP_SECONDS", "1.2" },
                { "SKAFFOLD_FAKE_SIGNAL_FILE", signalFile } });
        session->setCleanupTimeout(20000);
        session->start();
        QTRY_COMPARE_WITH_TIMEOUT(session->phase(), (SkaffoldPhase { "DevLoop", "Completed" }), 15000);
        QSignalSpy progress(session, &SkaffoldSession::stopProgress);
        session->stop();
        QVERIFY(waitFinished());
        QCOMPARE(session->exit(), SkaffoldSession::Exit::Stopped);
        QCOMPARE(readAll(signalFile), QString("SIGINT\n"));
        QVERIFY(progress.size() >= 2); // ticks while cleaning up
    }

    void outputFallbackWithoutEventApi()
    {
        SkaffoldSession *session = makeSession(SkaffoldMode::Dev, { { "SKAFFOLD_FAKE_SCENARIO", "no-rpc" } });
        session->setEventApiGiveUpAfter(300);
        QSignalSpy changed(session, &SkaffoldSession::changed);
        session->start();
        QTRY_COMPARE_WITH_TIMEOUT(session->phase(), (SkaffoldPhase { "DevLoop", "Completed" }), 15000);
        QVERIFY(!session->eventApiConnected());
        QVERIFY(session->runId().isEmpty());
        QVERIFY(session->recentEvents().isEmpty());
        QVERIFY(changed.size() >= 4); // build, deploy, status check, watching
        QTRY_VERIFY_WITH_TIMEOUT(m_output.join('\n').contains("kassert: event API unavailable"), 10000);
    }

    void missingBinary_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("path") << "/nonexistent/bin/skaffold"
                              << "/nonexistent/bin/skaffold";
        QTest::newRow("PATH") << "skaffold-not-installed-anywhere"
                              << "on PATH";
    }

    void missingBinary()
    {
        QFETCH(QString, program);
        QFETCH(QString, mentions);
        SkaffoldSession *session = makeSession(SkaffoldMode::Dev);
        session->setProgram(program);
        QSignalSpy finished(session, &SkaffoldSession::finished);
        session->start();
        QVERIFY(finished.wait(5000));
        QCOMPARE(session->exit(), SkaffoldSession::Exit::NotFound);
        QVERIFY(session->lastError().contains("https://skaffold.dev/docs/install/"));
        QVERIFY2(session->lastError().contains(mentions), qPrintable(session->lastError()));
        QVERIFY(!session->isLive());
    }

    void severalSessionsStopAll()
    {
        SkaffoldSessions sessions;
        sessions.setProgram(StandIn);
        sessions.setCleanupTimeout(10000);
        SkaffoldLaunch a;
        a.specDir = ValidSpec;
        SkaffoldLaunch b;
        b.specDir = QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/profiles");
        b.profile = "ci";
        QString error;
        SkaffoldSession *first = sessions.start(a, &error);
        QVERIFY(first);
        QVERIFY(first->launch().rpcHttpPort != 0);
        QVERIFY(!sessions.start(a, &error));
        QVERIFY2(error.contains("already runs"), qPrintable(error));
        SkaffoldSession *second = sessions.start(b, &error);
        QVERIFY(second);
        QCOMPARE(sessions.liveCount(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(first->phase().task, QString("DevLoop"), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(second->phase().task, QString("DevLoop"), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!first->runId().isEmpty() && !second->runId().isEmpty(), 15000);
        QVERIFY(first->runId() != second->runId());

        QSignalSpy allStopped(&sessions, &SkaffoldSessions::allStopped);
        sessions.stopAll();
        QVERIFY(allStopped.wait(15000));
        QCOMPARE(sessions.liveCount(), 0);
        QCOMPARE(first->exit(), SkaffoldSession::Exit::Stopped);
        QCOMPARE(second->exit(), SkaffoldSession::Exit::Stopped);
        QVERIFY(!sessions.start(a, &error)); // no new sessions while quitting

        QSignalSpy removed(&sessions, &SkaffoldSessions::sessionAboutToBeRemoved);
        sessions.remove(first);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(sessions.sessions(), QList<SkaffoldSession *> { second });
    }
};

QTEST_GUILESS_MAIN(TestSkaffoldSession)
#include "tst_skaffoldsession.moc"
