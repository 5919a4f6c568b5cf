#include "commandline.h"

#include <QDir>
#include <QTest>

using Command = CommandLineOptions::Command;

class TestCommandLine : public QObject
{
    Q_OBJECT

private slots:
    void options_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("kubeconfig");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("nameSpace");

        QTest::newRow("none") << QStringList{} << QString() << QString() << QString();
        QTest::newRow("all long") << QStringList{"--kubeconfig", "/tmp/k.yaml", "--context", "kind", "--namespace", "specs"}
                                  << "/tmp/k.yaml" << "kind" << "specs";
        QTest::newRow("short namespace") << QStringList{"-n", "default"} << QString() << QString() << "default";
        QTest::newRow("equals form") << QStringList{"--context=prod", "--namespace=a"} << QString() << "prod" << "a";
    }

    void options()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, kubeconfig);
        QFETCH(QString, context);
        QFETCH(QString, nameSpace);

        const CommandLineResult result = parseCommandLine(QStringList{"kassert"} + arguments);
        QVERIFY2(result.options.has_value(), qPrintable(result.output));
        QCOMPARE(result.options->command, Command::Gui);
        QCOMPARE(result.options->kubeconfig, kubeconfig);
        QCOMPARE(result.options->context, context);
        QCOMPARE(result.options->nameSpace, nameSpace);
    }

    void commands()
    {
        CommandLineResult status = parseCommandLine({"kassert", "status", "-A", "--json", "--watch"});
        QVERIFY2(status.options, qPrintable(status.output));
        QCOMPARE(status.options->command, Command::Status);
        QVERIFY(status.options->allNamespaces && status.options->json && status.options->watch);

        CommandLineResult rerun = parseCommandLine({"kassert", "--context", "kind", "rerun", "shop/checkout"});
        QVERIFY2(rerun.options, qPrintable(rerun.output));
        QCOMPARE(rerun.options->command, Command::Rerun);
        QCOMPARE(rerun.options->rerunTarget, "shop/checkout");

        CommandLineResult demo = parseCommandLine({"kassert", "--demo"});
        QVERIFY2(demo.options, qPrintable(demo.output));
        QVERIFY(demo.options->demo);

        CommandLineResult urls = parseCommandLine(
            {"kassert", "--prometheus-url", "http://127.0.0.1:9090", "--alertmanager-url", "https://am.example:9093/"});
        QVERIFY2(urls.options, qPrintable(urls.output));
        QCOMPARE(urls.options->prometheusUrl, QUrl("http://127.0.0.1:9090"));
        QCOMPARE(urls.options->alertmanagerUrl.host(), "am.example");

        CommandLineResult dev = parseCommandLine({"kassert", "--skaffold-dev", "/specs/smoke"});
        QVERIFY2(dev.options, qPrintable(dev.output));
        QCOMPARE(dev.options->command, Command::Gui);
        QCOMPARE(dev.options->skaffoldSpecDir, "/specs/smoke");
        QVERIFY(!dev.options->skaffoldRun);

        // Relative to the directory kassert was started in.
        CommandLineResult run = parseCommandLine({"kassert", "--skaffold-run=specs/smoke"});
        QVERIFY2(run.options, qPrintable(run.output));
        QCOMPARE(run.options->skaffoldSpecDir, QDir::current().absoluteFilePath("specs/smoke"));
        QVERIFY(run.options->skaffoldRun);

        CommandLineResult none = parseCommandLine({"kassert"});
        QVERIFY(none.options->skaffoldSpecDir.isEmpty());
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expectedText");

        QTest::newRow("unknown option") << QStringList{"--frobnicate"} << "frobnicate";
        QTest::newRow("missing value") << QStringList{"--context"} << "context";
        QTest::newRow("unknown command") << QStringList{"banana"} << "Unknown command: banana";
        QTest::newRow("status with argument") << QStringList{"status", "x"} << "status takes no arguments: x";
        QTest::newRow("rerun without target") << QStringList{"rerun"} << "NAMESPACE/SUITE";
        QTest::newRow("rerun without namespace") << QStringList{"rerun", "checkout"} << "NAMESPACE/SUITE";
        QTest::newRow("rerun empty suite") << QStringList{"rerun", "shop/"} << "NAMESPACE/SUITE";
        QTest::newRow("-n with -A") << QStringList{"status", "-n", "a", "-A"} << "exclude each other";
        QTest::newRow("json without status") << QStringList{"--json"} << "--json and --watch go with the status command";
        QTest::newRow("demo with status") << QStringList{"status", "--demo"} << "--demo opens the dashboard";
        QTest::newRow("demo with context") << QStringList{"--demo", "--context", "x"} << "--demo brings its own cluster";
        QTest::newRow("prometheus not a url") << QStringList{"--prometheus-url", "prom:9090"} << "--prometheus-url needs";
        QTest::newRow("skaffold dev and run") << QStringList{"--skaffold-dev", "a", "--skaffold-run", "b"}
                                              << "--skaffold-dev and --skaffold-run exclude each other";
        QTest::newRow("skaffold with status") << QStringList{"status", "--skaffold-dev", "a"} << "take no command";
        QTest::newRow("skaffold with demo") << QStringList{"--demo", "--skaffold-run", "a"} << "not --demo";
        QTest::newRow("skaffold empty dir") << QStringList{"--skaffold-dev="} << "need a spec directory";
        QTest::newRow("skaffold without dir") << QStringList{"--skaffold-dev"} << "skaffold-dev";
        QTest::newRow("alertmanager ftp") << QStringList{"--alertmanager-url", "ftp://x/"} << "--alertmanager-url needs";
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expectedText);

        const CommandLineResult result = parseCommandLine(QStringList{"kassert"} + arguments);
        QVERIFY(!result.options.has_value());
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.toStderr);
        QVERIFY2(result.output.contains(expectedText), qPrintable(result.output));
    }
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
