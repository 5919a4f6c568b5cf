#include "kube/podinfo.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

namespace {

QJsonObject loadPod(const QString &name)
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/pods/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file.fileName()));
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class TestPodInfo : public QObject
{
    Q_OBJECT

private slots:
    void runningPod()
    {
        const PodParseResult result = parsePod(loadPod("running.json"));
        QVERIFY2(result.pod, qPrintable(result.error));
        const PodInfo &pod = *result.pod;
        QCOMPARE(pod.nameSpace, "shop");
        QCOMPARE(pod.name, "checkout-specs-7d9f8b6c5d-x2k9p");
        QCOMPARE(pod.uid, "0c6b7b1e-2f9a-4f0e-9a51-4d3f3b1f2a10");
        QCOMPARE(pod.resourceVersion, "184467");
        QCOMPARE(pod.creationTimestamp, QDateTime(QDate(2026, 11, 24), QTime(9, 12, 3), QTimeZone::UTC));
        QCOMPARE(pod.phase, "Running");
        QVERIFY(pod.ready);
        QCOMPARE(pod.runId(), "8a3c1f7e-55b2-4c3e-8f0e-1d2b3c4d5e6f");
        QCOMPARE(pod.assertPort(), 9091);
        QCOMPARE(pod.assertContainer(), "specs");
        QVERIFY(pod.controllerOwner());
        QCOMPARE(pod.controllerOwner()->kind, "ReplicaSet");
        QCOMPARE(pod.controllerOwner()->name, "checkout-specs-7d9f8b6c5d");
        QCOMPARE(pod.containers.size(), 1);
        const ContainerInfo &specs = pod.containers.constFirst();
        QVERIFY(specs.hasStatus);
        QVERIFY(specs.ready && specs.started);
        QCOMPARE(specs.state.kind, ContainerState::Kind::Running);
        QCOMPARE(specs.state.startedAt, QDateTime(QDate(2026, 11, 24), QTime(9, 12, 8), QTimeZone::UTC));
        QCOMPARE(specs.lastState.kind, ContainerState::Kind::None);
    }

    void crashLoopingPod()
    {
        const PodParseResult result = parsePod(loadPod("crashloop.json"));
        QVERIFY2(result.pod, qPrintable(result.error));
        const ContainerInfo &specs = result.pod->containers.constFirst();
        QCOMPARE(specs.state.kind, ContainerState::Kind::Waiting);
        QCOMPARE(specs.state.reason, "CrashLoopBackOff");
        QCOMPARE(specs.restartCount, 5);
        QCOMPARE(result.pod->totalRestarts(), 5);
        QCOMPARE(specs.lastState.kind, ContainerState::Kind::Terminated);
        QCOMPARE(specs.lastState.exitCode, 1);
        QVERIFY(!result.pod->ready);
        QVERIFY(result.pod->runId().isEmpty());
    }

    void pendingMultiContainerPod()
    {
        const PodParseResult result = parsePod(loadPod("pending.json"));
        QVERIFY2(result.pod, qPrintable(result.error));
        const PodInfo &pod = *result.pod;
        QCOMPARE(pod.phase, "Pending");
        QCOMPARE(pod.containers.size(), 2);
        QCOMPARE(pod.assertContainer(), "specs");
        QCOMPARE(pod.containers.at(0).state.reason, "ImagePullBackOff");
        QCOMPARE(pod.containers.at(1).state.startedAt,
                 QDateTime(QDate(2026, 11, 24), QTime(10, 0, 3, 500), QTimeZone::UTC));
        QVERIFY(!pod.controllerOwner());
    }

    void portWithoutAssertNameFallsBackToRuntimeDefault()
    {
        const PodParseResult result = parsePod(loadPod("legacy-port.json"));
        QVERIFY2(result.pod, qPrintable(result.error));
        QCOMPARE(result.pod->assertPort(), 9091);
        QCOMPARE(result.pod->assertContainer(), "runtime");
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");

        QTest::newRow("empty object") << QByteArray("{}") << "metadata.name: missing";
        QTest::newRow("metadata not an object") << QByteArray(R"({"metadata":"x"})") << "metadata: expected an object";
        QTest::newRow("name a number") << QByteArray(R"({"metadata":{"name":5}})") << "metadata.name: expected a string";
        QTest::newRow("label not a string")
            << QByteArray(R"({"metadata":{"name":"p","labels":{"app":7}}})") << "metadata.labels.app: expected a string";
        QTest::newRow("containers not a list")
            << QByteArray(R"({"metadata":{"name":"p"},"spec":{"containers":{}}})") << "spec.containers: expected a list";
        QTest::newRow("port a string")
            << QByteArray(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","ports":[{"containerPort":"9091"}]}]}})")
            << "spec.containers[0].ports[0].containerPort: expected a number";
        QTest::newRow("restartCount a string")
            << QByteArray(R"({"metadata":{"name":"p"},"status":{"containerStatuses":[{"name":"c","restartCount":"5"}]}})")
            << "status.containerStatuses[0].restartCount: expected a number";
        QTest::newRow("bad time")
            << QByteArray(R"({"metadata":{"name":"p","creationTimestamp":"yesterday"}})")
            << "metadata.creationTimestamp: expected an RFC 3339 time";
        QTest::newRow("state terminated wrong type")
            << QByteArray(R"({"metadata":{"name":"p"},"status":{"containerStatuses":[{"name":"c","state":{"terminated":[]}}]}})")
            << "status.containerStatuses[0].state.terminated: expected an object";
    }

    void malformed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        const PodParseResult result = parsePod(QJsonDocument::fromJson(json).object());
        QVERIFY(!result.pod);
        QCOMPARE(result.error, error);
    }

    void hugeLabelSetIsKept()
    {
        QJsonObject labels;
        for (int i = 0; i < 5000; ++i)
            labels.insert(QStringLiteral("k%1").arg(i), QString(1000, QLatin1Char('v')));
        QJsonObject metadata{{"name", "big"}, {"labels", labels}};
        const PodParseResult result = parsePod(QJsonObject{{"metadata", metadata}});
        QVERIFY2(result.pod, qPrintable(result.error));
        QCOMPARE(result.pod->labels.size(), 5000);
    }
};

QTEST_GUILESS_MAIN(TestPodInfo)
#include "tst_podinfo.moc"
