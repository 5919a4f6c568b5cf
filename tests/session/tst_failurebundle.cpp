// Export failure bundle against the test API server: a failing suite, a crash-looping
// one with its previous log, a pod with two containers, a user who may not read events
// or use the pod proxy, injected server errors, a deleted pod, a cut log, cancelling,
// and every kind of credential: none of them ever appears in a bundle.
#include "monitoring/metricsscraper.h"
#include "session/clustersession.h"
#include "session/failurebundle.h"
#include "suites/suitetracker.h"
#include "testapiserver.h"
#include "testhttpserver.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace std::chrono_literals;

class TestFailureBundle : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    QTemporaryDir m_configs;
    std::unique_ptr<ClusterSession> m_session;

    std::unique_ptr<ClusterSession> makeSession(const QString &kubeconfig)
    {
        ClusterSession::Options options;
        options.kubeconfig = kubeconfig;
        options.nameSpace = "qa";
        options.scrapeInterval = 200ms;
        return std::make_unique<ClusterSession>(options);
    }

    const Run *runOf(const QString &suite) const
    {
        const Suite *found = m_session->tracker()->suite({ "qa", suite });
        return found ? found->currentRun() : nullptr;
    }

    // A kubeconfig for the test server with the given `user:` lines.
    QString kubeconfigWith(const QString &name, const QString &userLines)
    {
        const QString path = m_configs.filePath(name + ".yaml");
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(
            QString("apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n"
                    "    server: %1\n    certificate-authority: %2\nusers:\n- name: u\n  user:\n%3\n"
                    "contexts:\n- name: c\n  context:\n    cluster: test\n    user: u\n    namespace: qa\n"
                    "current-context: c\n")
                .arg(m_server.url().toString(), m_server.caPath(), userLines)
                .toUtf8());
        return path;
    }

    struct Exported
    {
        FailureBundle::Result result;
        QJsonObject summary;
        QHash<QString, QJsonObject> parts; // by name
    };

    Exported exportRun(KubeClient *client, const QString &suite, const Run &run, const QString &directory,
        qint64 maxLogBytes = 32 * 1024 * 1024)
    {
        Exported exported;
        FailureBundle bundle(client);
        QSignalSpy finished(&bundle, &FailureBundle::finished);
        QSignalSpy progress(&bundle, &FailureBundle::progress);
        FailureBundle::Request request;
        request.suite = { "qa", suite };
        request.run = run;
        request.directory = directory;
        request.maxLogBytes = maxLogBytes;
        bundle.start(request);
        if (!finished.wait(30000))
            return exported;
        exported.result = finished.first().first().value<FailureBundle::Result>();
        if (!exported.result.ok())
            return exported;
        exported.summary = readJson(exported.result.path + "/summary.json");
        for (const QJsonValue &part : exported.summary["parts"].toArray())
            exported.parts.insert(part["name"].toString(), part.toObject());
        // Progress counted every part once, up to the total.
        if (progress.isEmpty() || progress.last().at(1).toInt() != exported.parts.size())
            exported.result.error = "progress did not reach every part";
        return exported;
    }

    static QJsonObject readJson(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object()
                                              : QJsonObject();
    }

    static QByteArray read(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static QStringList filesOf(const QString &folder)
    {
        QStringList files;
        QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << it.next();
        return files;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_configs.isValid());
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        for (const auto &[name, scenario] : QList<std::pair<QString, QString>> {
                 { "fail", "failing" }, { "crash", "crashloop" }, { "multi", "multicontainer" } }) {
            QVERIFY2(!m_server.addSuite("qa", name, scenario, 0, &error).isEmpty(), qPrintable(error));
        }
        m_session = makeSession(m_server.kubeconfigPath());
        QSignalSpy settled(m_session.get(), &ClusterSession::settled);
        m_session->start();
        QVERIFY(settled.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(runOf("fail") && !runOf("fail")->iterations.isEmpty()
                && runOf("fail")->verdict.state == RunState::Failed,
            15000);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_session->tracker()->suite({ "qa", "crash" })->verdict.state, RunState::Error, 15000);
    }

    void cleanupTestCase() { m_session.reset(); }

    void failingSuite()
    {
        QTemporaryDir out;
        const Run run = *runOf("fail");
        const Exported bundle = exportRun(m_session->client(), "fail", run, out.path());
        QVERIFY2(bundle.result.ok() && bundle.result.error.isEmpty(), qPrintable(bundle.result.error));

        // kassert-<suite>-<runid8>-<yyyyMMdd-HHmmss>, private.
        const QString runId8 = run.pod.runId().remove('-').left(8);
        QVERIFY(!run.pod.runId().isEmpty());
        QVERIFY2(QRegularExpression("/kassert-fail-" + runId8 + "-\\d{8}-\\d{6}$")
                     .match(bundle.result.path)
                     .hasMatch(),
            qPrintable(bundle.result.path));
        QCOMPARE(QFileInfo(bundle.result.path).permissions() & 0x0077, QFile::Permissions());
        for (const QString &file : filesOf(bundle.result.path))
            QCOMPARE(QFileInfo(file).permissions() & 0x0077, QFile::Permissions());

        const QJsonObject &summary = bundle.summary;
        QCOMPARE(summary["suite"]["name"].toString(), "fail");
        QCOMPARE(summary["state"].toString(), "Failed");
        QCOMPARE(summary["reason"].toString(), run.verdict.reason);
        QCOMPARE(summary["run"]["runId"].toString(), run.pod.runId());
        QCOMPARE(summary["run"]["pod"].toString(), run.pod.name);
        QCOMPARE(summary["iterations"].toArray().size(), run.iterations.size());
        QCOMPARE(summary["iterations"][0]["result"].toString(), "Failed");
        QVERIFY(summary["cluster"].toString().contains(m_server.url().toString()));

        // The parsed failures point into the spec, and the log they came from is there.
        const QByteArray log = read(bundle.result.path + "/logs/specs.log");
        QVERIFY(log.contains("FAIL"));
        const QJsonArray failures = summary["failures"].toArray();
        QCOMPARE(failures.size(), 1);
        QVERIFY(failures[0]["file"].toString().endsWith(".spec.js"));
        QVERIFY(failures[0]["line"].toInt() > 0);
        const QString title = failures[0]["title"].toString();
        QVERIFY2(log.contains(title.section(" › ", -1).toUtf8()), qPrintable(title));

        // Every part worked but Prometheus, which this cluster does not have.
        for (const QString name : { "pod", "events", "logs/specs", "metrics" })
            QVERIFY2(bundle.parts[name]["ok"].toBool(),
                qPrintable(name + ": " + bundle.parts[name]["error"].toString()));
        QVERIFY(!bundle.parts.contains("logs/specs/previous"));
        QCOMPARE(bundle.parts["prometheus"]["ok"].toBool(), false);
        QVERIFY2(bundle.parts["prometheus"]["error"].toString().contains("no Prometheus"),
            qPrintable(bundle.parts["prometheus"]["error"].toString()));
        QVERIFY(!QFile::exists(bundle.result.path + "/prometheus.json"));
        QCOMPARE(bundle.result.failedParts.size(), 1);

        const QJsonObject pod = readJson(bundle.result.path + "/pod.json");
        QCOMPARE(pod["metadata"]["uid"].toString(), run.pod.uid);
        QCOMPARE(pod["spec"]["containers"][0]["env"][0]["name"].toString(), "RERUN_WAIT");

        const QJsonObject events = readJson(bundle.result.path + "/events.json");
        QCOMPARE(events["kind"].toString(), "EventList");
        QStringList reasons;
        for (const QJsonValue &event : events["items"].toArray()) {
            QCOMPARE(event["involvedObject"]["uid"].toString(), run.pod.uid);
            reasons << event["reason"].toString();
        }
        QVERIFY2(reasons.contains("Scheduled") && reasons.contains("Started"), qPrintable(reasons.join(',')));

        // The snapshot is the runtime's own text: it says what the tracker says.
        const ScrapeResult scraped = MetricsScraper::fromExposition(
            read(bundle.result.path + "/metrics.txt"), QDateTime::currentDateTimeUtc(), "bundle");
        QVERIFY2(scraped.ok(), qPrintable(scraped.error.toString()));
        QCOMPARE(scraped.metrics.assertionsFailed.value_or(-1), 1.0);
        QCOMPARE(scraped.metrics.testsRun.value_or(-1), double(run.iterations.last().tests));
    }

    void crashLoopKeepsThePreviousLog()
    {
        QTemporaryDir out;
        const Run run = *runOf("crash");
        QVERIFY(run.pod.totalRestarts() >= 1);
        const Exported bundle = exportRun(m_session->client(), "crash", run, out.path());
        QVERIFY2(bundle.result.ok(), qPrintable(bundle.result.error));
        QCOMPARE(bundle.summary["state"].toString(), "Error");
        QVERIFY2(bundle.parts["logs/specs/previous"]["ok"].toBool(),
            qPrintable(bundle.parts["logs/specs/previous"]["error"].toString()));
        QVERIFY(read(bundle.result.path + "/logs/specs.previous.log").contains("Cannot find module"));
        // The runtime is down: the scrape fails, and the bundle says how.
        QCOMPARE(bundle.parts["metrics"]["ok"].toBool(), false);
        QCOMPARE(bundle.parts["metrics"]["httpStatus"].toInt(), 503);

        const QJsonObject events = readJson(bundle.result.path + "/events.json");
        bool backOff = false;
        for (const QJsonValue &event : events["items"].toArray()) {
            if (event["reason"].toString() == "BackOff") {
                backOff = true;
                QCOMPARE(event["type"].toString(), "Warning");
                QVERIFY(event["count"].toInt() >= run.pod.totalRestarts());
            }
        }
        QVERIFY(backOff);
    }

    void everyContainerHasItsLog()
    {
        QTemporaryDir out;
        const Run run = *runOf("multi");
        QCOMPARE(run.pod.containers.size(), 2);
        const Exported bundle = exportRun(m_session->client(), "multi", run, out.path());
        QVERIFY2(bundle.result.ok(), qPrintable(bundle.result.error));
        QVERIFY(read(bundle.result.path + "/logs/sidecar.log").contains("starting main dispatch loop"));
        QVERIFY(read(bundle.result.path + "/logs/specs.log").contains("PASS"));
        QCOMPARE(bundle.summary["failures"].toArray().size(), 0);
    }

    void restrictedUserGetsAPartialBundle()
    {
        QTemporaryDir out;
        auto restricted
            = makeSession(kubeconfigWith("restricted", "    token: " + QString(m_server.restrictedToken())));
        restricted->start();
        QTRY_VERIFY(restricted->client());
        const Exported bundle = exportRun(restricted->client(), "fail", *runOf("fail"), out.path());
        QVERIFY2(bundle.result.ok(), qPrintable(bundle.result.error));
        QCOMPARE(bundle.parts["events"]["ok"].toBool(), false);
        QCOMPARE(bundle.parts["events"]["httpStatus"].toInt(), 403);
        QCOMPARE(bundle.parts["events"]["reason"].toString(), "Forbidden");
        QVERIFY(bundle.parts["events"]["error"].toString().contains("cannot list resource \"events\""));
        QCOMPARE(bundle.parts["metrics"]["httpStatus"].toInt(), 403);
        QVERIFY(bundle.parts["pod"]["ok"].toBool());
        QVERIFY(bundle.parts["logs/specs"]["ok"].toBool());
        QVERIFY(!QFile::exists(bundle.result.path + "/events.json"));
        QVERIFY(QFile::exists(bundle.result.path + "/logs/specs.log"));
        QVERIFY(bundle.result.failedParts.join('\n').contains("403"));
    }

    void serverErrorsAndGonePods()
    {
        QTemporaryDir out;
        QString error;
        m_server.control("faults",
            QJsonObject { { "status", 500 }, { "count", 1 },
                { "paths", QJsonArray { "/api/v1/namespaces/qa/events" } } },
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        Exported bundle = exportRun(m_session->client(), "fail", *runOf("fail"), out.path());
        QVERIFY2(bundle.result.ok(), qPrintable(bundle.result.error));
        QCOMPARE(bundle.parts["events"]["httpStatus"].toInt(), 500);
        QVERIFY(bundle.parts["pod"]["ok"].toBool());

        // The run's pod was deleted meanwhile: the bundle still says what was known.
        Run ghost = *runOf("fail");
        ghost.pod.name = "fail-ghost-xxxxx";
        ghost.pod.uid = "00000000-0000-4000-8000-000000000000";
        bundle = exportRun(m_session->client(), "fail", ghost, out.path());
        QVERIFY2(bundle.result.ok(), qPrintable(bundle.result.error));
        QCOMPARE(bundle.parts["pod"]["httpStatus"].toInt(), 404);
        QCOMPARE(bundle.parts["logs/specs"]["httpStatus"].toInt(), 404);
        QVERIFY(bundle.parts["events"]["ok"].toBool());
        QCOMPARE(readJson(bundle.result.path + "/events.json")["items"].toArray().size(), 0);
        QCOMPARE(bundle.summary["state"].toString(), "Failed");
    }

    void longLogsAreCut()
    {
        QTemporaryDir out;
        const Run run = *runOf("fail");
        QJsonArray lines;
        for (int i = 0; i < 2000; ++i)
            lines.append(QString("filler line %1 ").arg(i) + QString(100, 'x'));
        QString error;
        m_server.control("append-log",
            QJsonObject { { "namespace", "qa" }, { "pod", run.pod.name }, { "lines", lines } }, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const Exported bundle = exportRun(m_session->client(), "fail", run, out.path(), 64 * 1024);
        QVERIFY2(bundle.result.ok(), qPrintable(bundle.result.error));
        QCOMPARE(read(bundle.result.path + "/logs/specs.log").size(), 64 * 1024);
        QCOMPARE(bundle.parts["logs/specs"]["truncated"].toBool(), true);
        QVERIFY(bundle.parts["logs/specs"]["note"].toString().contains("65536"));
    }

    void cancelLeavesNothing()
    {
        QTemporaryDir out;
        for (bool inProgress : { false, true }) {
            FailureBundle bundle(m_session->client());
            QSignalSpy finished(&bundle, &FailureBundle::finished);
            if (inProgress) {
                connect(&bundle, &FailureBundle::progress, &bundle, [&bundle] { bundle.cancel(); });
            }
            FailureBundle::Request request;
            request.suite = { "qa", "fail" };
            request.run = *runOf("fail");
            request.directory = out.path();
            bundle.start(request);
            if (!inProgress)
                bundle.cancel();
            QVERIFY(finished.wait(30000));
            const auto result = finished.first().first().value<FailureBundle::Result>();
            QVERIFY(result.canceled);
            QVERIFY(!result.ok());
            // Nothing else arrives later.
            QTest::qWait(300);
            QCOMPARE(finished.size(), 1);
            QVERIFY(QDir(out.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
        }
    }

    void noCredentialEverInABundle_data()
    {
        QTest::addColumn<QString>("userLines");
        QTest::addColumn<bool>("authorized");
        QTest::newRow("token") << "    token: " + QString(m_server.token()) << true;
        QTest::newRow("restricted token") << "    token: " + QString(m_server.restrictedToken()) << true;
        QTest::newRow("client certificate") << QString("    client-certificate: %1\n    client-key: %2")
                                                   .arg(m_server.clientCertPath(), m_server.clientKeyPath())
                                            << true;
        // The test server knows no basic auth: every request is refused, and the refusals
        // that end up in summary.json must not quote the password either.
        QTest::newRow("basic auth") << "    username: bundle-user\n    password: pw-BASIC-9f8e7d6c5b"
                                    << false;
    }

    void noCredentialEverInABundle()
    {
        QFETCH(QString, userLines);
        QFETCH(bool, authorized);
        QTemporaryDir out;
        auto session = makeSession(kubeconfigWith(QTest::currentDataTag(), userLines));
        session->start();
        QTRY_VERIFY(session->client());
        const Exported bundle = exportRun(session->client(), "fail", *runOf("fail"), out.path());
        QVERIFY2(bundle.result.ok(), qPrintable(bundle.result.error));
        QCOMPARE(bundle.parts["pod"]["ok"].toBool(), authorized);
        if (!authorized)
            QCOMPARE(bundle.parts["pod"]["httpStatus"].toInt(), 401);

        QList<QByteArray> secrets { m_server.token(), m_server.restrictedToken(), "pw-BASIC-9f8e7d6c5b",
            QByteArray("bundle-user:pw-BASIC-9f8e7d6c5b").toBase64() };
        for (const QString &pem : { m_server.clientKeyPath(), m_server.clientCertPath() }) {
            for (const QByteArray &line : read(pem).split('\n')) {
                if (!line.startsWith("-----") && line.trimmed().size() >= 16)
                    secrets << line.trimmed();
            }
        }
        QVERIFY(secrets.size() > 8);
        const QStringList files = filesOf(bundle.result.path);
        QVERIFY(files.size() >= (authorized ? 2 : 1)); // unauthorized: summary.json alone
        for (const QString &file : files) {
            const QByteArray data = read(file);
            for (const QByteArray &secret : secrets)
                QVERIFY2(!data.contains(secret), qPrintable(file + " holds a credential"));
        }
        for (const QString &failed : bundle.result.failedParts) {
            for (const QByteArray &secret : secrets)
                QVERIFY(!failed.toUtf8().contains(secret));
        }
    }

    // Last: once Prometheus is in the cluster, sessions made later would find it too.
    void prometheusValuesThroughTheServiceProxy()
    {
        // A stand-in Prometheus behind the service proxy, found like the session finds one
        // (by the operator's label); it answers the run's series and records the query.
        TestHttpServer prometheus;
        QVERIFY(prometheus.start());
        const Run run = *runOf("fail");
        prometheus.setHandler([&run](const TestHttpServer::Request &request) {
            const QByteArray form = request.method == "POST" ? request.body : request.rawQuery;
            const QString query = QUrlQuery(QString::fromLatin1(form).replace('+', ' '))
                                      .queryItemValue("query", QUrl::FullyDecoded);
            QByteArray result = "[]";
            if (request.path == "/api/v1/query" && query.contains("pod=\"" + run.pod.name + "\""))
                result = "[{\"metric\":{\"__name__\":\"assertions_failed\",\"namespace\":\"qa\",\"pod\":\""
                    + run.pod.name.toUtf8()
                    + "\"},\"value\":[1764167400.5,\"1\"]},"
                      "{\"metric\":{\"__name__\":\"tests_run\",\"namespace\":\"qa\",\"pod\":\""
                    + run.pod.name.toUtf8() + "\"},\"value\":[1764167400.5,\"NaN\"]}]";
            return TestHttpServer::Response { 200, "application/json",
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":" + result + "}}", {},
                false, false, -1 };
        });
        QString error;
        m_server.control("add-service",
            { { "namespace", "monitoring" }, { "name", "prometheus-operated" },
                { "labels", QJsonObject { { "operated-prometheus", "true" } } },
                { "ports", QJsonArray { QJsonObject { { "name", "web" }, { "port", 9090 } } } },
                { "target", QString(prometheus.baseUrl()).chopped(1) } },
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        QTemporaryDir out;
        const Exported bundle = exportRun(m_session->client(), "fail", run, out.path());
        m_server.control(
            "remove-service", { { "namespace", "monitoring" }, { "name", "prometheus-operated" } });
        QVERIFY2(bundle.result.ok(), qPrintable(bundle.result.error));
        QVERIFY2(bundle.parts["prometheus"]["ok"].toBool(),
            qPrintable(bundle.parts["prometheus"]["error"].toString()));
        const QJsonObject values = readJson(bundle.result.path + "/prometheus.json");
        QVERIFY(values["endpoint"].toString().contains("prometheus-operated"));
        QVERIFY(values["query"].toString().contains("namespace=\"qa\""));
        const QJsonArray samples = values["samples"].toArray();
        QCOMPARE(samples.size(), 2);
        QCOMPARE(samples[0]["metric"]["__name__"].toString(), "assertions_failed");
        QCOMPARE(samples[0]["value"].toDouble(), 1.0);
        QCOMPARE(samples[1]["value"].toString(), "NaN");
        QCOMPARE(samples[0]["time"].toString(), "2025-11-26T14:30:00.500Z");
    }
};

QTEST_GUILESS_MAIN(TestFailureBundle)
#include "tst_failurebundle.moc"
