// No process kassert starts outlives it. The real kassert executable (offscreen) connects
// through a slow exec credential plugin; then it is asked to quit (SIGTERM, SIGINT,
// SIGHUP) or killed (SIGKILL). Every process carrying this test's marker in its
// environment (the plugin, and the plugin's own child) must be gone afterwards.
//
// Skaffold sessions are not covered here: the executable has no command-line way to start
// one; tests/skaffold/tst_noorphans covers them with a runner doing what kassert does.
#include <QDir>
#include <QFile>
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

bool isZombie(const QString &pid)
{
    QFile stat("/proc/" + pid + "/stat");
    if (!stat.open(QIODevice::ReadOnly))
        return true; // gone meanwhile
    const QByteArray fields = stat.readAll();
    const qsizetype close = fields.lastIndexOf(')');
    return close > 0 && close + 2 < fields.size() && fields.at(close + 2) == 'Z';
}

// Live processes whose environment holds `marker` (inherited by every descendant).
QList<qint64> processesCarrying(const QByteArray &marker)
{
    QList<qint64> pids;
    const QStringList entries = QDir("/proc").entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile environ("/proc/" + entry + "/environ");
        if (!environ.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> variables = environ.readAll().split('\0');
        if (variables.contains(marker) && !isZombie(entry))
            pids << pid;
    }
    return pids;
}

QString describe(const QList<qint64> &pids)
{
    QStringList lines;
    for (qint64 pid : pids) {
        QFile cmdline("/proc/" + QString::number(pid) + "/cmdline");
        cmdline.open(QIODevice::ReadOnly);
        lines << QString::number(pid) + ": " + QString::fromLocal8Bit(cmdline.readAll().replace('\0', ' '));
    }
    return lines.join("; ");
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

    // Starts kassert on the slow plugin and waits until the plugin (and its child) run.
    void startApp(const QString &mode, int expectedProcesses)
    {
        const QString kubeconfig = writeKubeconfig(mode);
        QVERIFY(!kubeconfig.isEmpty());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        // Settings and caches of this run stay in the temporary directory.
        env.insert("XDG_CONFIG_HOME", m_tmp.filePath("config"));
        env.insert("XDG_CACHE_HOME", m_tmp.filePath("cache"));
        env.insert("XDG_DATA_HOME", m_tmp.filePath("data"));
        env.remove("KUBECONFIG");
        m_app.setProcessEnvironment(env);
        m_app.setProcessChannelMode(QProcess::ForwardedChannels);
        m_app.start(QStringLiteral(KASSERT_EXECUTABLE), {"--kubeconfig", kubeconfig});
        QVERIFY(m_app.waitForStarted(10000));
        // Slow under sanitizers: the window and the session come up before the plugin runs.
        QTRY_VERIFY2_WITH_TIMEOUT(processesCarrying(m_marker).size() == expectedProcesses
                                      || m_app.state() != QProcess::Running,
            qPrintable(describe(processesCarrying(m_marker))), 60000);
        QVERIFY2(m_app.state() == QProcess::Running, "kassert ended before its plugin ran");
        QCOMPARE(processesCarrying(m_marker).size(), expectedProcesses);
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
        startApp("child", 2); // the shell and its sleep
        if (QTest::currentTestFailed())
            return;
        ::kill(pid_t(m_app.processId()), signalNumber);
        QVERIFY(m_app.waitForFinished(30000));
        QCOMPARE(m_app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_app.exitCode(), 0);
        // The app kills the plugin's whole process group while it quits.
        QTRY_VERIFY2_WITH_TIMEOUT(processesCarrying(m_marker).isEmpty(),
            qPrintable(describe(processesCarrying(m_marker))), 10000);
    }

    // SIGKILL leaves kassert no chance to clean up: the kernel's parent-death signal must
    // end the plugin. (It reaches the plugin itself, not a child the plugin started.)
    void sigkillEndsPlugin()
    {
        startApp("exec", 1);
        if (QTest::currentTestFailed())
            return;
        ::kill(pid_t(m_app.processId()), SIGKILL);
        QVERIFY(m_app.waitForFinished(10000));
        QCOMPARE(m_app.exitStatus(), QProcess::CrashExit);
        QTRY_VERIFY2_WITH_TIMEOUT(processesCarrying(m_marker).isEmpty(),
            qPrintable(describe(processesCarrying(m_marker))), 15000);
    }
};

QTEST_GUILESS_MAIN(TestProcesses)
#include "tst_processes.moc"
