#include "suites/suiteidentity.h"
#include "testpods.h"

#include <QTest>

class TestSuiteIdentity : public QObject
{
    Q_OBJECT

private slots:
    void podToSuite_data()
    {
        QTest::addColumn<PodInfo>("pod");
        QTest::addColumn<QString>("suite");

        const PodInfo deployed = TestPods::running("shop", "checkout-specs");
        QTest::newRow("deployment via replicaset hash label") << deployed << "checkout-specs";

        PodInfo noHashLabel = deployed;
        noHashLabel.labels.remove("pod-template-hash");
        QTest::newRow("replicaset hash guessed") << noHashLabel << "checkout-specs";

        PodInfo oddReplicaSet = deployed;
        oddReplicaSet.labels.remove("pod-template-hash");
        oddReplicaSet.owners = {{"ReplicaSet", "hand-made-rs", "u", true}};
        QTest::newRow("replicaset without hash") << oddReplicaSet << "hand-made-rs";

        PodInfo statefulSet = deployed;
        statefulSet.owners = {{"StatefulSet", "db-specs", "u", true}};
        QTest::newRow("statefulset") << statefulSet << "db-specs";

        PodInfo bare = deployed;
        bare.owners.clear();
        QTest::newRow("app label") << bare << "checkout-specs";

        bare.labels.remove("app");
        QTest::newRow("pod name") << bare << deployed.name;
    }

    void podToSuite()
    {
        QFETCH(PodInfo, pod);
        QFETCH(QString, suite);
        const SuiteKey key = suiteKeyForPod(pod);
        QCOMPARE(key.nameSpace, pod.nameSpace);
        QCOMPARE(key.name, suite);
    }

    void orphanSeries_data()
    {
        QTest::addColumn<QString>("pod");
        QTest::addColumn<QString>("suite");
        QTest::newRow("deployment pod") << "checkout-specs-7d9f8b6c5d-x2k9p" << "checkout-specs";
        QTest::newRow("plain name") << "specs" << "specs";
        QTest::newRow("statefulset ordinal") << "db-specs-0" << "db-specs-0";
        QTest::newRow("vowels are not generated") << "my-specs-abcde-fghij" << "my-specs-abcde-fghij";
    }

    void orphanSeries()
    {
        QFETCH(QString, pod);
        QFETCH(QString, suite);
        QCOMPARE(suiteKeyForOrphanSeries("ns", pod).name, suite);
    }
};

QTEST_GUILESS_MAIN(TestSuiteIdentity)
#include "tst_suiteidentity.moc"
