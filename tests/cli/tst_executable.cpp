// Runs the real kassert executable the way a user does from a shell.
#include <QProcess>
#include <QTest>

class TestExecutable : public QObject
{
    Q_OBJECT

    struct Outcome
    {
        int exitCode;
        QString out;
        QString err;
    };

    static Outcome run(const QStringList &arguments)
    {
        QProcess process;
        // No display on purpose: --help and --version must not need one.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(KASSERT_EXECUTABLE), arguments);
        if (!process.waitForFinished(30000))
            return {-1, {}, QStringLiteral("timed out")};
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }

private slots:
    void version()
    {
        const Outcome outcome = run({QStringLiteral("--version")});
        QCOMPARE(outcome.exitCode, 0);
        QVERIFY2(QRegularExpression(QStringLiteral("^kassert \\d+\\.\\d+\\.\\d+\n$")).match(outcome.out).hasMatch(),
                 qPrintable(outcome.out + outcome.err));
    }

    void help()
    {
        const Outcome outcome = run({QStringLiteral("--help")});
        QCOMPARE(outcome.exitCode, 0);
        for (const char *option : {"--kubeconfig", "--context", "--namespace", "-n,", "--version", "status", "rerun",
                                   "--all-namespaces", "--json", "--watch", "--demo", "--prometheus-url",
                                   "--alertmanager-url"})
            QVERIFY2(outcome.out.contains(QLatin1StringView(option)), option);
    }

    void badOption()
    {
        const Outcome outcome = run({QStringLiteral("--no-such-option")});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY(outcome.out.isEmpty());
        QVERIFY(outcome.err.contains(QStringLiteral("no-such-option")));
        QVERIFY(outcome.err.contains(QStringLiteral("--help")));
    }
};

QTEST_GUILESS_MAIN(TestExecutable)
#include "tst_executable.moc"
