// No skaffold process may outlive kassert: neither when kassert is asked to quit with
// SIGTERM (it stops every session: SIGINT, cleanup), nor when it is SIGKILLed (the
// children's PR_SET_PDEATHSIG delivers SIGTERM, and the stand-in cleans up and exits).
#include "processtable.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

const QString StandIn = QStringLiteral(KASSERT_TESTS_DIR "/fixtures/skaffold/skaffold");
const QString ValidSpec = QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/valid");

// Live stand-in `skaffold dev` processes whose command line mentions `marker`.
QList<qint64> processesMentioning(const QString &marker)
{
    return ProcessTable::live([&](qint64 pid) {
        const QByteArray line = ProcessTable::commandLine(pid);
        return line.contains(marker.toUtf8()) && line.contains("fixtures/skaffold/skaffold dev -f");
    });
}

} // namespace

class TestNoOrphans : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QProcess m_runner;
    QStringList m_specDirs;
    QByteArray m_output;

    bool runnerSaid(const char *text)
    {
        m_output += m_runner.readAll();
        return m_output.contains(text);
    }

    // Two spec directories with unique paths, so the process table shows only our stand-ins.
    void makeSpecDirs()
    {
        m_specDirs.clear();
        for (const char *name : { "one", "two" }) {
            const QString dir = m_tmp.filePath(QString(QTest::currentTestFunction()) + "-" + name);
            QVERIFY(QDir().mkpath(dir));
            QVERIFY(QFile::copy(ValidSpec + "/skaffold.yaml", dir + "/skaffold.yaml"));
            m_specDirs << dir;
        }
    }

    void startRunner(const QString &signalFile)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SKAFFOLD_FAKE_SIGNAL_FILE", signalFile);
        m_runner.setProcessEnvironment(env);
        m_runner.setProcessChannelMode(QProcess::MergedChannels);
        m_runner.start(QStringLiteral(SKAFFOLD_SESSION_RUNNER), QStringList { StandIn } + m_specDirs);
        QVERIFY(m_runner.waitForStarted(5000));
        QTRY_VERIFY2_WITH_TIMEOUT(
            runnerSaid("ready") || m_runner.state() != QProcess::Running, m_output.constData(), 20000);
        QVERIFY2(m_runner.state() == QProcess::Running, m_output.constData());
        QCOMPARE(processesMentioning(m_tmp.path()).size(), 2);
    }

private slots:
    void init()
    {
        QVERIFY(m_tmp.isValid());
        m_output.clear();
    }

    void cleanup()
    {
        if (m_runner.state() != QProcess::NotRunning) {
            m_runner.kill();
            m_runner.waitForFinished(5000);
        }
        // Whatever failed above, do not leave stand-ins running.
        for (qint64 pid : processesMentioning(m_tmp.path()))
            ::kill(pid_t(pid), SIGKILL);
    }

    void sigtermStopsEverySession()
    {
        makeSpecDirs();
        const QString signalFile = m_tmp.filePath("sigterm-signals.txt");
        startRunner(signalFile);
        if (QTest::currentTestFailed())
            return;
        ::kill(pid_t(m_runner.processId()), SIGTERM);
        QVERIFY(m_runner.waitForFinished(20000));
        QCOMPARE(m_runner.exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_runner.exitCode(), 0);
        QVERIFY2(runnerSaid("all stopped"), m_output.constData());
        QVERIFY(processesMentioning(m_tmp.path()).isEmpty());
        // Each skaffold got the interrupt a terminal's Ctrl+C would send, and cleaned up.
        QFile file(signalFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("SIGINT\nSIGINT\n"));
    }

    void sigkillLeavesNoOrphan()
    {
        makeSpecDirs();
        const QString signalFile = m_tmp.filePath("sigkill-signals.txt");
        startRunner(signalFile);
        if (QTest::currentTestFailed())
            return;
        ::kill(pid_t(m_runner.processId()), SIGKILL);
        QVERIFY(m_runner.waitForFinished(10000));
        QCOMPARE(m_runner.exitStatus(), QProcess::CrashExit);
        QTRY_VERIFY_WITH_TIMEOUT(processesMentioning(m_tmp.path()).isEmpty(), 15000);
        // Linux sends the death signal once per reparenting, and a dying multi-threaded
        // parent may hand its children from thread to thread first: SIGTERM can come twice.
        QFile file(signalFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> received = file.readAll().trimmed().split('\n');
        QVERIFY2(received.size() >= 2, qPrintable(received.join(' ')));
        for (const QByteArray &signal : received)
            QCOMPARE(signal, QByteArray("SIGTERM"));
    }
};

QTEST_GUILESS_MAIN(TestNoOrphans)
#include "tst_noorphans.moc"
