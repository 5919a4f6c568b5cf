#include "skaffold/skaffoldcommand.h"

#include <QTest>

class TestSkaffoldCommand : public QObject
{
    Q_OBJECT

private slots:
    void arguments_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("kubeconfig");
        QTest::addColumn<QString>("profile");
        QTest::addColumn<int>("port");
        QTest::addColumn<QStringList>("expected");

        const QStringList head { "-f", "/specs/checkout/skaffold.yaml", "--kube-context", "kind-dev",
            "--namespace", "assert" };
        const QStringList tail { "--interactive=false", "--update-check=false" };
        QTest::newRow("dev") << int(SkaffoldMode::Dev) << ""
                             << "" << 50123
                             << QStringList { "dev" } + head + tail
                + QStringList { "--rpc-http-port", "50123", "--label", "skaffold.dev/tail=true" };
        QTest::newRow("run") << int(SkaffoldMode::Run) << ""
                             << "" << 50123
                             << QStringList { "run" } + head + tail
                + QStringList { "--rpc-http-port", "50123" };
        QTest::newRow("dev with kubeconfig and profile")
            << int(SkaffoldMode::Dev) << "/home/me/.kube/other config"
            << "ci" << 4000
            << QStringList { "dev" } + head
                + QStringList { "--kubeconfig", "/home/me/.kube/other config", "-p", "ci" } + tail
                + QStringList { "--rpc-http-port", "4000", "--label", "skaffold.dev/tail=true" };
        QTest::newRow("run without event API")
            << int(SkaffoldMode::Run) << ""
            << "minikube" << 0 << QStringList { "run" } + head + QStringList { "-p", "minikube" } + tail;
    }

    void arguments()
    {
        QFETCH(int, mode);
        QFETCH(QString, kubeconfig);
        QFETCH(QString, profile);
        QFETCH(int, port);
        QFETCH(QStringList, expected);

        SkaffoldLaunch launch;
        launch.mode = SkaffoldMode(mode);
        launch.specDir = "/specs/checkout/";
        launch.kubeContext = "kind-dev";
        launch.nameSpace = "assert";
        launch.kubeconfig = kubeconfig;
        launch.profile = profile;
        launch.rpcHttpPort = quint16(port);
        QCOMPARE(skaffoldArguments(launch), expected);
    }

    void emptyContextAndNamespaceAreLeftToSkaffold()
    {
        SkaffoldLaunch launch;
        launch.specDir = "/s";
        const QStringList args = skaffoldArguments(launch);
        QVERIFY(!args.contains("--kube-context"));
        QVERIFY(!args.contains("--namespace"));
        QCOMPARE(args.mid(0, 3), (QStringList { "dev", "-f", "/s/skaffold.yaml" }));
    }

    void hostileValuesStaySingleArguments()
    {
        SkaffoldLaunch launch;
        launch.mode = SkaffoldMode::Run;
        launch.specDir = "/tmp/a dir; rm -rf ~";
        launch.kubeContext = "ctx --namespace kube-system";
        launch.nameSpace = "ns";
        const QStringList args = skaffoldArguments(launch);
        QCOMPARE(args.at(2), QString("/tmp/a dir; rm -rf ~/skaffold.yaml"));
        QCOMPARE(args.at(4), QString("ctx --namespace kube-system"));
        QCOMPARE(args.count("--namespace"), 1);
    }

    void commandLineForDisplay()
    {
        QCOMPARE(skaffoldCommandLine("skaffold", { "run", "-f", "/a b/skaffold.yaml", "-p", "it's" }),
            QString("skaffold run -f '/a b/skaffold.yaml' -p 'it'\\''s'"));
        QCOMPARE(skaffoldCommandLine("skaffold", { "dev", "" }), QString("skaffold dev ''"));
    }
};

QTEST_GUILESS_MAIN(TestSkaffoldCommand)
#include "tst_skaffoldcommand.moc"
