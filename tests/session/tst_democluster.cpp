#include "session/democluster.h"
#include "session/demomonitoringconfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <yaml-cpp/yaml.h>

#include <csignal>
#include <cstdio>

#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

// Children of this test process, from /proc (zombies included: they would be unreaped).
QList<qint64> childProcesses()
{
    QList<qint64> out;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields[1].toLongLong() == qint64(::getpid()))
            out << pid;
    }
    return out;
}

// Gone, or a zombie nobody has reaped yet (it no longer runs).
bool processAlive(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2, 1) != "Z";
}

struct Kubeconfig
{
    QUrl server;
    QByteArray token;
    QSslConfiguration ssl;
};

Kubeconfig readKubeconfig(const QString &path)
{
    Kubeconfig k;
    const YAML::Node root = YAML::LoadFile(path.toStdString());
    const YAML::Node cluster = root["clusters"][0]["cluster"];
    k.server = QUrl(QString::fromStdString(cluster["server"].as<std::string>()));
    k.token = QByteArray::fromStdString(root["users"][0]["user"]["token"].as<std::string>());
    k.ssl = QSslConfiguration::defaultConfiguration();
    k.ssl.setCaCertificates(QSslCertificate::fromPath(
        QString::fromStdString(cluster["certificate-authority"].as<std::string>())));
    return k;
}

struct Answer
{
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// Test code may block: one request, up to 15 s.
Answer get(QNetworkAccessManager &nam, const QUrl &url, const Kubeconfig *auth = nullptr)
{
    QNetworkRequest request(url);
    if (auth) {
        request.setSslConfiguration(auth->ssl);
        request.setRawHeader("Authorization", "Bearer " + auth->token);
    }
    request.setTransferTimeout(15000);
    QNetworkReply *reply = nam.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Answer a { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll() };
    reply->deleteLater();
    return a;
}

QStringList podNames(const QJsonObject &list)
{
    QStringList names;
    for (const QJsonValue &item : list.value(u"items"_s).toArray())
        names << item[u"metadata"_s][u"name"_s].toString();
    return names;
}

} // namespace

class TestDemoCluster : public QObject
{
    Q_OBJECT

private slots:
    void init() { QCOMPARE(childProcesses(), QList<qint64>()); }

    void configQuotesPathsAndKeepsTheTokenInItsFile()
    {
        QCOMPARE(
            DemoMonitoringConfig::yamlQuoted(u"a\"b\\c\nd\x01"_s), QByteArray("\"a\\\"b\\\\c\\x0ad\\x01\""));
        QCOMPARE(DemoMonitoringConfig::yamlQuoted(u"ä €"_s), QByteArray("\"ä €\""));
        const QByteArray yaml = DemoMonitoringConfig::prometheus(
            4321, u"/t/ca\".crt"_s, u"/t/tok: en"_s, u"/t/rules.yml"_s, 9999);
        const YAML::Node root = YAML::Load(yaml.toStdString());
        QCOMPARE(root["global"]["scrape_interval"].as<std::string>(), "2s");
        const YAML::Node job = root["scrape_configs"][0];
        QCOMPARE(job["tls_config"]["ca_file"].as<std::string>(), "/t/ca\".crt");
        QCOMPARE(job["authorization"]["credentials_file"].as<std::string>(), "/t/tok: en");
        const YAML::Node sd = job["http_sd_configs"][0];
        QCOMPARE(sd["url"].as<std::string>(), "https://127.0.0.1:4321/_demo/prometheus-targets");
        QCOMPARE(sd["authorization"]["credentials_file"].as<std::string>(), "/t/tok: en");
        QCOMPARE(sd["tls_config"]["ca_file"].as<std::string>(), "/t/ca\".crt");
        QCOMPARE(root["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"][0].as<std::string>(),
            "127.0.0.1:9999");
        QCOMPARE(root["rule_files"][0].as<std::string>(), "/t/rules.yml");
        QVERIFY(!YAML::Load(
            DemoMonitoringConfig::prometheus(1, u"c"_s, u"t"_s, u"r"_s, 0).toStdString())["alerting"]);
        const YAML::Node rule
            = YAML::Load(DemoMonitoringConfig::rules().toStdString())["groups"][0]["rules"][0];
        QCOMPARE(rule["alert"].as<std::string>(), "KubernetesAssertFailed");
        QCOMPARE(rule["expr"].as<std::string>(), "assertions_failed > 0");
        QCOMPARE(rule["labels"]["severity"].as<std::string>(), "warning");
        QVERIFY(rule["annotations"]["summary"].as<std::string>().find("$labels.pod") != std::string::npos);
        const YAML::Node am = YAML::Load(DemoMonitoringConfig::alertmanager().toStdString());
        QCOMPARE(am["route"]["receiver"].as<std::string>(), "null");
        QCOMPARE(am["receivers"][0]["name"].as<std::string>(), "null");
    }

    void missingPythonFails()
    {
        DemoCluster demo;
        demo.setPythonProgram(u"kassert-no-such-python3"_s);
        QSignalSpy failed(&demo, &DemoCluster::failed);
        demo.start();
        QCOMPARE(failed.count(), 0); // reported later, never from inside start()
        QVERIFY(failed.wait(5000));
        QVERIFY2(failed.at(0).at(0).toString().contains(u"kassert-no-such-python3 was not found"_s),
            qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(demo.state(), DemoCluster::State::Failed);
        QVERIFY(demo.processIds().isEmpty());
    }

    void missingServerFails()
    {
        QTemporaryDir empty;
        DemoCluster demo;
        demo.setServerDirectory(empty.path());
        QSignalSpy failed(&demo, &DemoCluster::failed);
        demo.start();
        QVERIFY(failed.wait(5000));
        QVERIFY(failed.at(0).at(0).toString().contains(u"has no server.py"_s));
    }

    void serverThatDiesFailsWithItsError()
    {
        QTemporaryDir dir;
        QFile script(dir.filePath(u"server.py"_s));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("import sys\nsys.stderr.write('boom: no openssl\\n')\nsys.exit(3)\n");
        script.close();
        DemoCluster demo;
        demo.setServerDirectory(dir.path());
        QSignalSpy failed(&demo, &DemoCluster::failed);
        QSignalSpy stopped(&demo, &DemoCluster::stopped);
        demo.start();
        QVERIFY(failed.wait(20000));
        QCOMPARE(failed.at(0).at(0).toString(), u"demo API server exited with code 3: boom: no openssl"_s);
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 5000);
    }

    void hostileReadyLineFailsWithoutEchoingIt()
    {
        QTemporaryDir dir;
        QFile script(dir.filePath(u"server.py"_s));
        QVERIFY(script.open(QIODevice::WriteOnly));
        // A line that is JSON but misses fields, holding a secret; then it hangs.
        script.write("import sys, time\nprint('{\"port\": 99999, \"token\": \"s3cr3t-token\"}', flush=True)\n"
                     "time.sleep(60)\n");
        script.close();
        DemoCluster demo;
        demo.setServerDirectory(dir.path());
        demo.setKillTimeout(2000);
        QSignalSpy failed(&demo, &DemoCluster::failed);
        QSignalSpy stopped(&demo, &DemoCluster::stopped);
        demo.start();
        QVERIFY(failed.wait(20000));
        const QString error = failed.at(0).at(0).toString();
        QVERIFY2(error.contains(u"ready line"_s), qPrintable(error));
        QVERIFY(!error.contains(u"s3cr3t"_s));
        QVERIFY(stopped.wait(10000)); // SIGTERM ends the sleeping script
        QCOMPARE(childProcesses(), QList<qint64>());
    }

    void silentServerTimesOut()
    {
        QTemporaryDir dir;
        QFile script(dir.filePath(u"server.py"_s));
        QVERIFY(script.open(QIODevice::WriteOnly));
        // Ignores SIGTERM: only the kill after the timeout ends it.
        script.write("import signal, sys, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                     "sys.stdout.write('x' * 1000)\nsys.stdout.flush()\ntime.sleep(60)\n");
        script.close();
        DemoCluster demo;
        demo.setServerDirectory(dir.path());
        demo.setStartTimeout(1500);
        demo.setKillTimeout(500);
        QSignalSpy failed(&demo, &DemoCluster::failed);
        QSignalSpy stopped(&demo, &DemoCluster::stopped);
        demo.start();
        QVERIFY(failed.wait(20000));
        QVERIFY(failed.at(0).at(0).toString().contains(u"did not start within 1 s"_s));
        QVERIFY(stopped.wait(10000));
        QCOMPARE(childProcesses(), QList<qint64>());
    }

    void withoutPrometheusIsReadyAndSaysSo()
    {
        DemoCluster demo;
        demo.setPrometheusPrograms({ u"kassert-no-such-prometheus"_s });
        demo.setAlertmanagerPrograms({});
        QSignalSpy ready(&demo, &DemoCluster::ready);
        QSignalSpy failed(&demo, &DemoCluster::failed);
        QSignalSpy progress(&demo, &DemoCluster::progress);
        demo.start();
        QVERIFY2(ready.wait(60000), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        const QString summary = ready.at(0).at(1).toString();
        QVERIFY2(summary.contains(u"12 simulated suites in demo, team-a"_s), qPrintable(summary));
        QVERIFY(summary.contains(u"Prometheus is not installed"_s));
        QVERIFY(summary.contains(u"Alertmanager is not installed"_s));
        QVERIFY(demo.prometheusUrl().isEmpty());
        QVERIFY(progress.count() >= 2);

        QNetworkAccessManager nam;
        nam.setProxy(QNetworkProxy::NoProxy);
        const Kubeconfig k = readKubeconfig(ready.at(0).at(0).toString());
        QVERIFY(!summary.contains(QString::fromUtf8(k.token)));
        const Answer services
            = get(nam, k.server.resolved(QUrl(u"/api/v1/namespaces/monitoring/services"_s)), &k);
        QCOMPARE(services.status, 200);
        QCOMPARE(podNames(services.json()), QStringList());

        const QList<qint64> pids = demo.processIds();
        QCOMPARE(pids.size(), 1);
        QSignalSpy stopped(&demo, &DemoCluster::stopped);
        demo.stop();
        demo.stop(); // twice is harmless
        QVERIFY(stopped.wait(10000));
        QCOMPARE(demo.state(), DemoCluster::State::Stopped);
        QVERIFY(!processAlive(pids.first()));
    }

    void destructorEndsChildren()
    {
        // With Prometheus and Alertmanager when installed: they must be gone before
        // their temporary folder is removed, or they would leave files behind.
        QList<qint64> pids;
        QString dir;
        {
            DemoCluster demo;
            QSignalSpy ready(&demo, &DemoCluster::ready);
            demo.start();
            QVERIFY(ready.wait(60000));
            pids = demo.processIds();
            dir = QFileInfo(demo.kubeconfigPath()).dir().absolutePath() + u"/.."_s;
            QVERIFY(QFileInfo::exists(dir + u"/token"_s));
        }
        QVERIFY(!pids.isEmpty());
        for (const qint64 pid : pids)
            QVERIFY(!processAlive(pid));
        QCOMPARE(childProcesses(), QList<qint64>());
        QVERIFY(!QFileInfo::exists(QDir::cleanPath(dir)));
    }

    void stopWhileStartingEndsEverything_data()
    {
        QTest::addColumn<QString>("stopAt");
        QTest::newRow("at once") << QString();
        QTest::newRow("while Prometheus starts") << u"Starting Prometheus"_s;
    }

    void stopWhileStartingEndsEverything()
    {
        QFETCH(QString, stopAt);
        if (!stopAt.isEmpty() && QStandardPaths::findExecutable(u"prometheus"_s).isEmpty())
            QSKIP("prometheus is not installed (it is in the toolchain root)");
        DemoCluster demo;
        QSignalSpy ready(&demo, &DemoCluster::ready);
        QSignalSpy failed(&demo, &DemoCluster::failed);
        QSignalSpy stopped(&demo, &DemoCluster::stopped);
        QList<qint64> pids;
        connect(&demo, &DemoCluster::progress, this, [&](const QString &text) {
            if (!stopAt.isEmpty() && text.startsWith(stopAt)) {
                pids = demo.processIds();
                demo.stop();
            }
        });
        demo.start();
        if (stopAt.isEmpty()) {
            pids = demo.processIds();
            demo.stop();
        }
        QVERIFY(stopped.wait(30000));
        QCOMPARE(demo.state(), DemoCluster::State::Stopped);
        QVERIFY(!pids.isEmpty());
        for (const qint64 pid : pids)
            QVERIFY(!processAlive(pid));
        QTest::qWait(300); // answers still in flight must not revive the start
        QCOMPARE(ready.count(), 0);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(childProcesses(), QList<qint64>());
    }

    void killedAppLeavesNoOrphan()
    {
        // This executable as a stand-in for kassert: it starts the demo, prints the
        // children's ids and is then SIGKILLed, with no chance to stop anything.
        QProcess runner;
        runner.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        runner.start(QCoreApplication::applicationFilePath(), { u"--demo-runner"_s });
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT(
            (out += runner.readAllStandardOutput()).contains('\n') || runner.state() == QProcess::NotRunning,
            60000);
        QVERIFY2(out.startsWith("pids:"), out.constData());
        QList<qint64> pids;
        for (const QByteArray &pid : out.mid(5).trimmed().split(' '))
            pids << pid.toLongLong();
        QVERIFY(!pids.isEmpty());
        for (const qint64 pid : pids)
            QVERIFY(processAlive(pid));
        ::kill(pid_t(runner.processId()), SIGKILL);
        QVERIFY(runner.waitForFinished(10000));
        for (const qint64 pid : pids)
            QTRY_VERIFY2_WITH_TIMEOUT(!processAlive(pid), qPrintable(QString::number(pid)), 15000);
    }

    void fullDemoWithPrometheusAndAlertmanager();
};

void TestDemoCluster::fullDemoWithPrometheusAndAlertmanager()
{
    if (QStandardPaths::findExecutable(u"prometheus"_s).isEmpty()
        || QStandardPaths::findExecutable(u"prometheus-alertmanager"_s).isEmpty())
        QSKIP("prometheus and prometheus-alertmanager are not installed (they are in the toolchain root)");
    DemoCluster demo;
    QSignalSpy ready(&demo, &DemoCluster::ready);
    QSignalSpy failed(&demo, &DemoCluster::failed);
    demo.start();
    QVERIFY2(ready.wait(60000), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
    const QString summary = ready.at(0).at(1).toString();
    QVERIFY2(summary.contains(u"Prometheus at http://127.0.0.1:"_s), qPrintable(summary));
    QVERIFY(summary.contains(u"Alertmanager at http://127.0.0.1:"_s));
    QVERIFY(!summary.contains(u"not installed"_s));
    QCOMPARE(demo.processIds().size(), 3);

    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    const Kubeconfig k = readKubeconfig(ready.at(0).at(0).toString());

    // The token is in a private file, not on a command line nor in the config.
    const QString tokenFile = QFileInfo(demo.kubeconfigPath()).dir().filePath(u"../token"_s);
    QFile token(tokenFile);
    QVERIFY(token.open(QIODevice::ReadOnly));
    QCOMPARE(token.readAll(), k.token);
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(tokenFile).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, 0600u);
    for (const QString &name : { u"prometheus.yml"_s, u"alertmanager.yml"_s, u"rules.yml"_s }) {
        QFile config(QFileInfo(tokenFile).dir().filePath(name));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QVERIFY(!config.readAll().contains(k.token));
    }
    for (const qint64 pid : demo.processIds()) {
        QFile cmdline(u"/proc/%1/cmdline"_s.arg(pid));
        QVERIFY(cmdline.open(QIODevice::ReadOnly));
        QVERIFY(!cmdline.readAll().contains(k.token));
    }

    // The kubeconfig works: the seeded pods are listed.
    const Answer pods = get(nam, k.server.resolved(QUrl(u"/api/v1/namespaces/demo/pods"_s)), &k);
    QCOMPARE(pods.status, 200);
    const QStringList names = podNames(pods.json());
    QCOMPARE(names.size(), 6);
    const auto podOf = [&names](const QString &suite) {
        for (const QString &n : names) {
            if (n.startsWith(suite + u'-'))
                return n;
        }
        return QString();
    };
    const QString failing = podOf(u"payments"_s);
    QVERIFY(!failing.isEmpty());

    // Discovery as in a real cluster: services by label, port `web`.
    const Answer services = get(
        nam, k.server.resolved(QUrl(u"/api/v1/services?labelSelector=operated-prometheus%3Dtrue"_s)), &k);
    QCOMPARE(podNames(services.json()), QStringList { u"prometheus-operated"_s });
    const Answer amServices = get(
        nam, k.server.resolved(QUrl(u"/api/v1/services?labelSelector=operated-alertmanager%3Dtrue"_s)), &k);
    QCOMPARE(podNames(amServices.json()), QStringList { u"alertmanager-operated"_s });

    // Prometheus scrapes the running suite pods (not pending or crash-looping ones).
    const QUrl prometheus = demo.prometheusUrl();
    const QStringList running { podOf(u"checkout-api"_s), failing, podOf(u"search"_s), podOf(u"gateway"_s) };
    QStringList up;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            up.clear();
            const Answer targets = get(nam, prometheus.resolved(QUrl(u"/api/v1/targets?state=active"_s)));
            for (const QJsonValue t : targets.json()[u"data"_s][u"activeTargets"_s].toArray()) {
                if (t[u"health"_s].toString() == u"up"_s && t[u"labels"_s][u"namespace"_s] == u"demo"_s)
                    up << t[u"labels"_s][u"pod"_s].toString();
            }
            return std::all_of(
                running.cbegin(), running.cend(), [&up](const QString &p) { return up.contains(p); });
        }(),
        20000);
    QVERIFY(!up.contains(podOf(u"reports"_s)));
    QVERIFY(!up.contains(podOf(u"inventory"_s)));

    // assertions_failed has series labelled as a PodMonitor would label them.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const Answer q = get(nam, prometheus.resolved(QUrl(u"/api/v1/query?query=assertions_failed"_s)));
            for (const QJsonValue r : q.json()[u"data"_s][u"result"_s].toArray()) {
                const QJsonValue m = r[u"metric"_s];
                if (m[u"namespace"_s] == u"demo"_s && m[u"pod"_s].toString() == failing
                    && m[u"container"_s] == u"specs"_s && m[u"job"_s] == u"metrics"_s
                    && r[u"value"_s][1].toString().toDouble() > 0)
                    return true;
            }
            return false;
        }(),
        20000);

    // The failing suite fires KubernetesAssertFailed in Alertmanager.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const Answer alerts = get(nam,
                demo.alertmanagerUrl().resolved(
                    QUrl(u"/api/v2/alerts?filter=alertname%3D%22KubernetesAssertFailed%22"_s)));
            for (const QJsonValue a : QJsonDocument::fromJson(alerts.body).array()) {
                if (a[u"labels"_s][u"pod"_s].toString() == failing
                    && a[u"status"_s][u"state"_s] == u"active"_s
                    && a[u"labels"_s][u"severity"_s] == u"warning"_s)
                    return true;
            }
            return false;
        }(),
        30000);

    // Through the API server's service proxy, as kassert reaches Prometheus in a cluster.
    const Answer proxied = get(nam,
        k.server.resolved(QUrl(
            u"/api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/api/v1/query?query=up"_s)),
        &k);
    QCOMPARE(proxied.status, 200);
    QCOMPARE(proxied.json()[u"status"_s].toString(), u"success"_s);
    const Answer amProxied = get(nam,
        k.server.resolved(
            QUrl(u"/api/v1/namespaces/monitoring/services/alertmanager-operated:web/proxy/api/v2/status"_s)),
        &k);
    QCOMPARE(amProxied.status, 200);

    // stop() ends all three; nothing is left.
    const QList<qint64> pids = demo.processIds();
    QSignalSpy stopped(&demo, &DemoCluster::stopped);
    demo.stop();
    QVERIFY(stopped.wait(15000));
    for (const qint64 pid : pids)
        QVERIFY2(!processAlive(pid), qPrintable(QString::number(pid)));
    QCOMPARE(childProcesses(), QList<qint64>());
}

// `tst_democluster --demo-runner`: the stand-in kassert of killedAppLeavesNoOrphan.
static int runDemo(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    DemoCluster demo;
    QObject::connect(&demo, &DemoCluster::ready, &app, [&demo] {
        QStringList pids;
        for (const qint64 pid : demo.processIds())
            pids << QString::number(pid);
        std::fputs(qPrintable(u"pids: "_s + pids.join(u' ') + u'\n'), stdout);
        std::fflush(stdout);
    });
    QObject::connect(&demo, &DemoCluster::failed, &app, [](const QString &error) {
        std::fputs(qPrintable(u"failed: "_s + error + u'\n'), stdout);
        std::fflush(stdout);
        QCoreApplication::exit(2);
    });
    demo.start();
    return app.exec();
}

int main(int argc, char **argv)
{
    if (argc > 1 && qstrcmp(argv[1], "--demo-runner") == 0)
        return runDemo(argc, argv);
    QCoreApplication app(argc, argv);
    TestDemoCluster test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_democluster.moc"
