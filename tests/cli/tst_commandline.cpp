#include "commandline.h"

#include <QTest>

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
        QCOMPARE(result.options->kubeconfig, kubeconfig);
        QCOMPARE(result.options->context, context);
        QCOMPARE(result.options->nameSpace, nameSpace);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expectedText");

        QTest::newRow("unknown option") << QStringList{"--frobnicate"} << "frobnicate";
        QTest::newRow("missing value") << QStringList{"--context"} << "context";
        QTest::newRow("stray argument") << QStringList{"banana"} << "banana";
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
