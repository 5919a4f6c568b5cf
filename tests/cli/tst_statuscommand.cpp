// `kassert status` and `kassert rerun`, the real executable against the test API server
// (no Prometheus there: the suites are read through the pod proxy). The JSON must match
// the server's truth, and the exit codes follow the documented rules.
#include "testapiserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run kassert(const QStringList &arguments)
{
    QProcess process;
    process.start(KASSERT_EXECUTABLE, arguments);
    Run run;
    if (!process.waitForFinished(90000)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QJsonObject suiteNamed(const QJsonArray &suites, const QString &name)
{
    for (const QJsonValue &suite : suites) {
        if (suite.toObject().value("name").toString() == name)
            return suite.toObject();
    }
    return {};
}

} // namespace

class TestStatusCommand : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    QStringList base() const { return {"--kubeconfig", m_server.kubeconfigPath(), "-n", "st"}; }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        QVERIFY(!m_server.addSuite("st", "pass", "passing", 0, &error).isEmpty());
        QVERIFY(!m_server.addSuite("st", "fail", "failing", 0, &error).isEmpty());
        QVERIFY(!m_server.addSuite("st", "crash", "crashloop", 0, &error).isEmpty());
        QVERIFY(!m_server.addSuite("ok", "only", "passing", 0, &error).isEmpty());
    }

    void jsonMatchesTheServer()
    {
        const Run run = kassert(QStringList{"status", "--json"} + base());
        QCOMPARE(run.exitCode, 1); // a suite is Failed (and one is Error)
        QJsonParseError parseError;
        const QJsonObject report = QJsonDocument::fromJson(run.out, &parseError).object();
        QVERIFY2(parseError.error == QJsonParseError::NoError, run.out.constData());
        QCOMPARE(report.value("context").toString(), QString("test-token"));
        QCOMPARE(report.value("cluster").toObject().value("ok").toBool(), true);
        QCOMPARE(report.value("prometheus").toObject().value("ok").toBool(), false);

        const QJsonArray suites = report.value("suites").toArray();
        QCOMPARE(suites.size(), 3);
        const QJsonArray truth = m_server.control("state").value("pods").toArray();
        for (const QJsonValue &value : truth) {
            const QJsonObject pod = value.toObject();
            if (pod.value("namespace").toString() != "st")
                continue;
            const QJsonObject suite = suiteNamed(suites, pod.value("suite").toString());
            QVERIFY2(!suite.isEmpty(), qPrintable(pod.value("suite").toString()));
            const QJsonObject current = suite.value("run").toObject();
            QCOMPARE(current.value("pod").toString(), pod.value("pod").toString());
            QCOMPARE(current.value("runId").toString(), pod.value("runId").toString());
            const QString scenario = pod.value("scenario").toString();
            const QString state = suite.value("state").toString();
            if (scenario == "passing") {
                QCOMPARE(state, QString("Passed"));
                QCOMPARE(suite.value("failing").toInt(), 0);
            } else if (scenario == "failing") {
                QCOMPARE(state, QString("Failed"));
                QCOMPARE(suite.value("failing").toInt(),
                         int(pod.value("metrics").toObject().value("assertions_failed").toDouble()));
                QCOMPARE(suite.value("tests").toInt(),
                         int(pod.value("metrics").toObject().value("tests_run").toDouble()));
                // Its failing test, read from the pod's log.
                const QJsonArray failures = suite.value("failures").toArray();
                QVERIFY2(!failures.isEmpty(), run.out.constData());
                const QJsonObject failure = failures.first().toObject();
                QVERIFY2(failure.value("title").toString().contains(" › "), run.out.constData());
                QVERIFY2(failure.value("file").toString().endsWith(".spec.js"), run.out.constData());
                QVERIFY(failure.value("line").toInt() > 0);
            } else {
                QCOMPARE(state, QString("Error"));
                QVERIFY(suite.value("reason").toString().contains("CrashLoopBackOff"));
            }
        }
    }

    void greenNamespaceExitsZero()
    {
        const Run run = kassert({"status", "--kubeconfig", m_server.kubeconfigPath(), "-n", "ok"});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("only") && run.out.contains("Passed"), run.out.constData());
    }

    void rerunWaitsForTheNextResult()
    {
        const Run run = kassert(QStringList{"rerun", "st/pass"} + base());
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("Rerun started"), run.out.constData());
        QVERIFY2(run.out.contains("Passed"), run.out.constData());
    }

    void rerunOfAnUnknownSuiteIsAnError()
    {
        const Run run = kassert(QStringList{"rerun", "st/nope"} + base());
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("no suite st/nope"), run.err.constData());
    }

    void unreachableOrMalformedIsTwo()
    {
        QTemporaryDir dir;
        const QString bad = dir.filePath("config");
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("clusters: [\n  - name: x\n    cluster: {server: 'https://127.0.0.1:1'\n");
        file.close();
        const Run run = kassert({"status", "--kubeconfig", bad});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.out.contains(bad.toUtf8()) || run.err.contains(bad.toUtf8()), run.out.constData());
        QVERIFY(!run.out.contains(m_server.token()));
    }
};

QTEST_GUILESS_MAIN(TestStatusCommand)
#include "tst_statuscommand.moc"
