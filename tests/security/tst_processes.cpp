// No process kassert starts outlives it. The real kassert executable (offscreen) is asked
// to quit (SIGTERM, SIGINT, SIGHUP) or killed (SIGKILL) while it
// - connects through a slow exec credential plugin (the plugin and the plugin's own
//   child must be gone afterwards), or
// - runs `skaffold dev` for a spec directory (--skaffold-dev, with the stand-in skaffold
//   of tests/fixtures first on PATH), which must be gone too.
// Every process carrying this test's marker in its environment is counted.
#include "processtable.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>
#include <sys/types.h>

namespace {

// The plugin: "exec" mode is one process (the shell becomes sleep); "child" mode keeps
// the shell waiting on a sleeping child, as wrapper scripts around a CLI do.
const char *const PluginScript = R"(#!/bin/sh
if [ "$1" = exec ]; then exec sleep 300; fi
sleep 300
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"late"}}'
)";

const QString StandInSkaffold = QStringLiteral(KASSERT_TESTS_DIR "/fixtures/skaffold/skaffold");
const QString ValidSpec = QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/valid");

// Live processes whose environment holds `marker` (inherited by every descendant), but
// `except` (kassert itself, when the marker is in its own environment).
QList<qint64> processesCarrying(const QByteArray &marker, qint64 except = 0)
{
    return ProcessTable::live(
        [&](qint64 pid) { return pid != except && ProcessTable::environment(pid).contains(marker); });
}

} // namespace

class TestProcesses : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QByteArray m_marker;
    QProcess m_app;

    QString writeKubeconfig(const QString &mode)
    {
        const QString plugin = m_tmp.filePath("slow-plugin");
        QFile script(plugin);
        if (!script.open(QIODevice::WriteOnly) || script.write(PluginScript) < 0)
            return {};
        script.close();
        script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        const QByteArray markerValue = m_marker.mid(m_marker.indexOf('=') + 1);
        const QByteArray yaml = "apiVersion: v1\n"
                                "kind: Config\n"
                                "clusters:\n"
                                "- name: c\n"
                                "  cluster:\n"
                                "    server: https://127.0.0.1:9\n"
                                "contexts:\n"
                                "- name: slow\n"
                                "  context: {cluster: c, user: u, namespace: default}\n"
                                "current-context: slow\n"
                                "users:\n"
                                "- name: u\n"
                                "  user:\n"
                                "    exec:\n"
                                "      apiVersion: client.authentication.k8s.io/v1\n"
                                "      command: "
            + plugin.toUtf8() + "\n      args: [" + mode.toUtf8()
            + "]\n"
              "      interactiveMode: Never\n"
              "      env:\n"
              "      - name: KASSERT_PROCESS_MARKER\n"
              "        value: "
            + markerValue + "\n";
        const QString path = m_tmp.filePath("kubeconfig");
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(yaml) != yaml.size())
            return {};
        return path;
    }

    // A token kubeconfig for a server that is not there: the session only has to know its
    // context for skaffold to be started.
    QString writeStaticKubeconfig()
    {
        const QByteArray yaml = "apiVersion: v1\n"
                                "kind: Config\n"
                                "clusters:\n"
                                "- name: c\n"
                                "  cluster: {server: 'https://127.0.0.1:9'}\n"
                                "contexts:\n"
                                "- name: static\n"
                                "  context: {cluster: c, user: u, namespace: specs}\n"
                                "current-context: static\n"
                                "users:\n"
                                "- name: u\n"
                                "  user: {token: not-a-secret}\n";
        const QString path = m_tmp.filePath("static-kubeconfig");
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(yaml) != yaml.size())
            return {};
        return path;
    }

    // Starts kassert and waits until `expectedProcesses` carry the marker (kassert aside).
    void startApp(const QStringList &arguments, const QProcessEnvironment &extra, int expectedProcesses)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        // Settings and caches of this run stay in the temporary directory.
        env.insert("XDG_CONFIG_HOME", m_tmp.filePath("config"));
        env.insert("XDG_CACHE_HOME", m_tmp.filePath("cache"));
        env.insert("XDG_DATA_HOME", m_tmp.filePath("data"));
        env.remove("KUBECONFIG");
        env.insert(extra);
        m_app.setProcessEnvironment(env);
        m_app.setProcessChannelMode(QProcess::ForwardedChannels);
        m_app.start(QStringLiteral(KASSERT_EXECUTABLE), arguments);
        QVERIFY(m_app.waitForStarted(10000));
        const auto others = [this] { return processesCarrying(m_marker, m_app.processId()); };
        // Slow under sanitizers: the window and the session come up before the child runs.
        QTRY_VERIFY2_WITH_TIMEOUT(others().size() == expectedProcesses || m_app.state() != QProcess::Running,
            ProcessTable::describe(others()).constData(), 60000);
        QVERIFY2(m_app.state() == QProcess::Running, "kassert ended before its child ran");
        QCOMPARE(others().size(), expectedProcesses);
    }

    // kassert on the slow plugin; the marker is in the plugin's environment only.
    void startAppOnPlugin(const QString &mode, int expectedProcesses)
    {
        const QString kubeconfig = writeKubeconfig(mode);
        QVERIFY(!kubeconfig.isEmpty());
        startApp({"--kubeconfig", kubeconfig}, {}, expectedProcesses);
    }

    // kassert running `skaffold dev` (the stand-in, found on PATH as a user's would be)
    // for a copy of a valid spec directory; the marker is in kassert's environment.
    void startAppWithSkaffold()
    {
        const QString kubeconfig = writeStaticKubeconfig();
        QVERIFY(!kubeconfig.isEmpty());
        const int equals = int(m_marker.indexOf('='));
        const QString markerValue = QString::fromLatin1(m_marker.mid(equals + 1));
        const QString run = m_tmp.filePath(markerValue); // this test function's own files
        const QString bin = run + "/bin";
        const QString spec = run + "/spec";
        QVERIFY(QDir().mkpath(bin) && QDir().mkpath(spec));
        QVERIFY(QFile::link(StandInSkaffold, bin + "/skaffold"));
        for (const char *name : {"skaffold.yaml", "kustomization.yaml"})
            QVERIFY(QFile::copy(ValidSpec + '/' + name, spec + '/' + name));
        QProcessEnvironment extra;
        extra.insert(QString::fromLatin1(m_marker.left(equals)), markerValue);
        extra.insert("PATH", bin + ':' + QProcessEnvironment::systemEnvironment().value("PATH"));
        extra.insert("SKAFFOLD_FAKE_ARGV_FILE", run + "/argv.json");
        startApp({"--kubeconfig", kubeconfig, "--skaffold-dev", spec}, extra, 1);
        if (QTest::currentTestFailed())
            return;
        // It is the session the flag asked for, into the kubeconfig's context.
        QFile argvFile(run + "/argv.json");
        QTRY_VERIFY(argvFile.exists() && argvFile.size() > 0);
        QVERIFY(argvFile.open(QIODevice::ReadOnly));
        const QJsonObject launched = QJsonDocument::fromJson(argvFile.readAll()).object();
        const QStringList argv = launched.value("argv").toVariant().toStringList();
        QCOMPARE(argv.value(0), "dev");
        QVERIFY2(argv.join(' ').contains("-f " + spec + "/skaffold.yaml"), qPrintable(argv.join(' ')));
        QVERIFY2(argv.join(' ').contains("--kube-context static"), qPrintable(argv.join(' ')));
        QCOMPARE(launched.value("cwd").toString(), spec);
    }

    void expectNoneLeft()
    {
        QTRY_VERIFY2_WITH_TIMEOUT(processesCarrying(m_marker).isEmpty(),
            ProcessTable::describe(processesCarrying(m_marker)).constData(), 15000);
    }

    // Asked to quit, kassert exits cleanly, and what it started is gone.
    void quitWithAndExpectNoneLeft(int signalNumber)
    {
        ::kill(pid_t(m_app.processId()), signalNumber);
        QVERIFY(m_app.waitForFinished(30000));
        QCOMPARE(m_app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_app.exitCode(), 0);
        expectNoneLeft();
    }

    // Killed, kassert can clean nothing up: parent-death signals must end its children.
    void killAndExpectNoneLeft()
    {
        ::kill(pid_t(m_app.processId()), SIGKILL);
        QVERIFY(m_app.waitForFinished(10000));
        QCOMPARE(m_app.exitStatus(), QProcess::CrashExit);
        expectNoneLeft();
    }

private slots:
    void init()
    {
        QVERIFY(m_tmp.isValid());
        m_marker = "KASSERT_PROCESS_MARKER=" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    }

    void cleanup()
    {
        if (m_app.state() != QProcess::NotRunning) {
            m_app.kill();
            m_app.waitForFinished(10000);
        }
        // Whatever failed above, leave nothing running.
        for (qint64 pid : processesCarrying(m_marker))
            ::kill(pid_t(pid), SIGKILL);
    }

    void quitSignalEndsPluginAndItsChildren_data()
    {
        QTest::addColumn<int>("signalNumber");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
        QTest::newRow("SIGHUP") << int(SIGHUP);
    }

    void quitSignalEndsPluginAndItsChildren()
    {
        QFETCH(int, signalNumber);
        startAppOnPlugin("child", 2); // the shell and its sleep
        if (QTest::currentTestFailed())
            return;
        // The app kills the plugin's whole process group while it quits.
        quitWithAndExpectNoneLeft(signalNumber);
    }

    // SIGKILL leaves kassert no chance to clean up: the kernel's parent-death signal must
    // end the plugin. (It reaches the plugin itself, not a child the plugin started.)
    void sigkillEndsPlugin()
    {
        startAppOnPlugin("exec", 1);
        if (QTest::currentTestFailed())
            return;
        killAndExpectNoneLeft();
    }

    void quitSignalStopsSkaffold_data()
    {
        QTest::addColumn<int>("signalNumber");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
    }

    // Asked to quit, kassert stops its sessions (skaffold cleans up) before it exits.
    void quitSignalStopsSkaffold()
    {
        QFETCH(int, signalNumber);
        startAppWithSkaffold();
        if (QTest::currentTestFailed())
            return;
        quitWithAndExpectNoneLeft(signalNumber);
    }

    // Killed, kassert cannot stop anything: skaffold's parent-death signal ends it.
    void sigkillEndsSkaffold()
    {
        startAppWithSkaffold();
        if (QTest::currentTestFailed())
            return;
        killAndExpectNoneLeft();
    }
};

QTEST_GUILESS_MAIN(TestProcesses)
#include "tst_processes.moc"
