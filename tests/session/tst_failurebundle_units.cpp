// The parts of the failure bundle that need no cluster: redaction of the pod JSON,
// the summary, the writer's names, permissions and refusals, Prometheus samples as JSON.
#include "monitoring/prometheusresponse.h"
#include "session/failurebundlecollector.h"
#include "session/failurebundleredaction.h"
#include "session/failurebundlewriter.h"
#include "session/failurebundlezip.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace FailureBundleRedaction;

class TestFailureBundleUnits : public QObject
{
    Q_OBJECT

    static QByteArray podSample()
    {
        QFile file(KASSERT_TESTS_DIR "/data/session/failurebundle-pod.json");
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static FailureBundleContent sampleContent(const QString &suiteName = "checkout")
    {
        FailureBundleContent content;
        content.suite = { "shop", suiteName };
        content.run.pod = *parsePod(QJsonDocument::fromJson(podSample()).object()).pod;
        content.run.verdict = { RunState::Failed, "1 failing of 5" };
        content.run.iterations
            = { { 1, QDateTime::fromString("2026-11-26T14:00:00Z", Qt::ISODate), RunState::Passed, 0, 5 },
                  { 2, QDateTime::fromString("2026-11-26T14:00:10Z", Qt::ISODate), RunState::Failed, 1, 5 } };
        content.exportedAt = QDateTime::fromString("2026-11-26T14:30:05Z", Qt::ISODate);
        content.clusterEndpoint = "https://127.0.0.1:6443 (context kind-dev)";
        content.failures = { { "cart › adds an item", "specs/cart.spec.js", 12 } };
        FailureBundlePart log;
        log.name = "logs/specs";
        log.file = "logs/specs.log";
        log.data = "FAIL specs/cart.spec.js\n";
        FailureBundlePart events;
        events.name = "events";
        events.file = "events.json";
        events.error.kind = HttpError::Kind::Http;
        events.error.httpStatus = 403;
        events.error.reason = "Forbidden";
        events.error.message = "events is forbidden";
        content.parts = { log, events };
        return content;
    }

    static QJsonObject readJson(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object()
                                              : QJsonObject();
    }

private slots:
    void secretNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("secret");
        QTest::newRow("token") << "API_TOKEN" << true;
        QTest::newRow("lower case") << "github_token" << true;
        QTest::newRow("password") << "DB_PASSWORD" << true;
        QTest::newRow("passwd") << "SMTP_PASSWD" << true;
        QTest::newRow("secret") << "ClientSecret" << true;
        QTest::newRow("key") << "AWS_ACCESS_KEY_ID" << true;
        QTest::newRow("credential") << "GOOGLE_APPLICATION_CREDENTIALS" << true;
        QTest::newRow("plain") << "RERUN_WAIT" << false;
        QTest::newRow("url") << "BASE_URL" << false;
        QTest::newRow("empty") << "" << false;
    }

    void secretNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, secret);
        QCOMPARE(isSecretName(name), secret);
    }

    void podEnvIsRedactedEverywhere()
    {
        const QByteArray original = podSample();
        QVERIFY(!original.isEmpty());
        QString error;
        int count = 0;
        const QByteArray redacted = redactedPodJson(original, &error, &count);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // Every secret value of the sample, in containers, init and ephemeral containers,
        // the last-applied annotation and a secret-named annotation.
        for (const char *secret : { "tok-LASTAPPLIED-5f1e", "pw-INIT-hunter2", "tok-LOWER-8c1d",
                 "sk_live_SECRET-9a9a", "passwd-PASSWD-1b2c", "AKIA-KEYID-7777", "CRED-PRIVKEY",
                 "envoy-KEY-4242", "ghp_EPHEMERAL-0000", "S3CR3TPATH" }) {
            QVERIFY2(original.contains(secret), secret);
            QVERIFY2(!redacted.contains(secret), secret);
        }
        QCOMPARE(count, 10);
        // Names stay, harmless values stay, references to Secrets stay (they hold no value).
        const QJsonObject pod = QJsonDocument::fromJson(redacted).object();
        const QJsonArray env = pod["spec"]["containers"][0]["env"].toArray();
        QCOMPARE(env.size(), 8);
        QCOMPARE(env[0]["name"].toString(), "RERUN_WAIT");
        QCOMPARE(env[0]["value"].toString(), "10");
        QCOMPARE(env[1]["name"].toString(), "api_token");
        QCOMPARE(env[1]["value"].toString(), QString(Redacted));
        QCOMPARE(env[6]["valueFrom"]["secretKeyRef"]["name"].toString(), "db");
        QVERIFY(!env[6].toObject().contains("value"));
        QCOMPARE(env[7]["value"].toString(), "https://checkout.shop.svc");
        QCOMPARE(pod["spec"]["containers"][1]["env"][1]["value"].toString(), "info");
        // The last-applied copy is still JSON, redacted inside.
        const QString lastApplied
            = pod["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"].toString();
        const QJsonObject applied = QJsonDocument::fromJson(lastApplied.toUtf8()).object();
        QCOMPARE(applied["spec"]["containers"][0]["env"][0]["value"].toString(), QString(Redacted));
        QCOMPARE(applied["spec"]["containers"][0]["env"][1]["value"].toString(), "10");
        QCOMPARE(pod["metadata"]["annotations"]["prometheus.io/port"].toString(), "9091");
        QCOMPARE(pod["metadata"]["name"].toString(), "checkout-7d9f8b6c5-x2k4q");
    }

    void malformedPodsWriteNothing_data()
    {
        QTest::addColumn<QByteArray>("body");
        const QByteArray sample = podSample();
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("not json") << QByteArray("<html>502 Bad Gateway</html>");
        QTest::newRow("truncated") << sample.left(sample.size() / 2);
        QTest::newRow("array") << QByteArray("[{\"env\":[{\"name\":\"TOKEN\",\"value\":\"x\"}]}]");
        QTest::newRow("binary") << QByteArray("\xff\xfe\x00{\"a\":1}", 11);
    }

    void malformedPodsWriteNothing()
    {
        QFETCH(QByteArray, body);
        QString error;
        QVERIFY(redactedPodJson(body, &error).isEmpty());
        QVERIFY(error.startsWith("pod:"));
    }

    void hostileShapesAreHandled()
    {
        // env that is not an array of objects, a name that is not a string, a value that
        // is an object: nothing crashes and a secret-named value never survives.
        const QByteArray odd = "{\"spec\":{\"containers\":[{\"env\":\"TOKEN=x\"},{\"env\":[1,\"two\",null,"
                               "{\"name\":{\"nested\":\"TOKEN\"},\"value\":\"kept\"},"
                               "{\"name\":\"MY_TOKEN\",\"value\":{\"deep\":\"tok-OBJ\"}}]}]}}";
        QString error;
        const QByteArray out = redactedPodJson(odd, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!out.contains("tok-OBJ"));
        QVERIFY(out.contains("TOKEN=x")); // a string env is not what Kubernetes sends; kept as is

        // Deep nesting is cut off (and counted) instead of recursing without bound.
        QByteArray deep;
        for (int i = 0; i < 200; ++i)
            deep += "{\"a\":";
        deep += "\"bottom-SECRET\"";
        for (int i = 0; i < 200; ++i)
            deep += "}";
        int count = 0;
        const QByteArray cut = redactedPodJson(deep, &error, &count);
        QVERIFY(!cut.isEmpty());
        QVERIFY(!cut.contains("bottom-SECRET"));
        QVERIFY(count >= 1);

        // A huge env list: every secret value replaced.
        QJsonArray env;
        for (int i = 0; i < 20000; ++i)
            env.append(QJsonObject { { "name", QString("VAR_%1_%2").arg(i).arg(i % 2 ? "TOKEN" : "PLAIN") },
                { "value", QString("value-%1").arg(i) } });
        const QJsonObject pod { { "spec",
            QJsonObject { { "containers", QJsonArray { QJsonObject { { "env", env } } } } } } };
        const QByteArray big = redactedPodJson(QJsonDocument(pod).toJson(), &error, &count);
        QCOMPARE(count, 10000);
        QVERIFY(big.contains("\"value-0\""));
        QVERIFY(!big.contains("\"value-1\""));
    }

    void summaryDescribesTheRun()
    {
        const QJsonObject summary = FailureBundleWriter::summary(sampleContent());
        QCOMPARE(summary["suite"]["namespace"].toString(), "shop");
        QCOMPARE(summary["suite"]["name"].toString(), "checkout");
        QCOMPARE(summary["state"].toString(), "Failed");
        QCOMPARE(summary["reason"].toString(), "1 failing of 5");
        QCOMPARE(summary["run"]["runId"].toString(), "3f9a1c2e-77aa-4bcd-8e0f-1234567890ab");
        QCOMPARE(summary["run"]["containers"].toArray().size(), 2);
        QCOMPARE(summary["iterations"].toArray().size(), 2);
        QCOMPARE(summary["iterations"][1]["result"].toString(), "Failed");
        QCOMPARE(summary["failures"][0]["location"].toString(), "specs/cart.spec.js:12");
        QCOMPARE(summary["exportedAt"].toString(), "2026-11-26T14:30:05.000Z");
        QVERIFY(!summary["kassertVersion"].toString().isEmpty());
        const QJsonArray parts = summary["parts"].toArray();
        QCOMPARE(parts.size(), 2);
        QCOMPARE(parts[0]["ok"].toBool(), true);
        QCOMPARE(parts[0]["bytes"].toInt(), 24);
        QCOMPARE(parts[1]["ok"].toBool(), false);
        QCOMPARE(parts[1]["httpStatus"].toInt(), 403);
        QVERIFY(parts[1]["error"].toString().contains("events is forbidden"));
    }

    void bundleNames_data()
    {
        QTest::addColumn<QString>("suite");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "checkout"
                               << "kassert-checkout-3f9a1c2e-20261126-143005";
        QTest::newRow("climbing") << "../../etc/passwd"
                                  << "kassert-_.._etc_passwd-3f9a1c2e-20261126-143005";
        QTest::newRow("spaces and unicode") << "my suite ✓"
                                            << "kassert-my_suite_-3f9a1c2e-20261126-143005";
        QTest::newRow("empty") << ""
                               << "kassert-unnamed-3f9a1c2e-20261126-143005";
    }

    void bundleNames()
    {
        QFETCH(QString, suite);
        QFETCH(QString, expected);
        QCOMPARE(FailureBundleWriter::bundleName(sampleContent(suite)), expected);
    }

    void writesPrivateFolderAndNeverOverwrites()
    {
        QTemporaryDir dir;
        const FailureBundleContent content = sampleContent();
        const FailureBundleWriter::Result first = FailureBundleWriter::write(content, dir.path());
        QVERIFY2(first.ok(), qPrintable(first.error));
        QCOMPARE(QFileInfo(first.path).fileName(), FailureBundleWriter::bundleName(content));
        const auto folderPermissions = QFileInfo(first.path).permissions()
            & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther | QFile::WriteOther
                | QFile::ExeOther);
        QCOMPARE(folderPermissions, QFile::Permissions());
        QStringList files;
        QDirIterator it(first.path, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            files << QDir(first.path).relativeFilePath(path);
            QCOMPARE(QFileInfo(path).permissions()
                    & ~(QFile::ReadUser | QFile::WriteUser | QFile::ReadOwner | QFile::WriteOwner),
                QFile::Permissions());
        }
        files.sort();
        // The failed part has no file; the summary says why.
        QCOMPARE(files, QStringList({ "logs/specs.log", "summary.json" }));
        QCOMPARE(readJson(first.path + "/summary.json")["state"].toString(), "Failed");

        const FailureBundleWriter::Result second = FailureBundleWriter::write(content, dir.path());
        QVERIFY2(second.ok(), qPrintable(second.error));
        QCOMPARE(second.path, first.path + "-2");
        QVERIFY(
            !QDir(dir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).join(' ').contains(".partial"));
    }

    void refusalsLeaveNothingBehind()
    {
        QTemporaryDir dir;
        FailureBundleWriter::Result missing
            = FailureBundleWriter::write(sampleContent(), dir.path() + "/nope");
        QVERIFY(!missing.ok());
        QVERIFY(missing.error.contains("does not exist"));

        FailureBundleContent hostile = sampleContent();
        hostile.parts[0].file = "../../outside.log";
        const FailureBundleWriter::Result refused = FailureBundleWriter::write(hostile, dir.path());
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error.contains("outside"), qPrintable(refused.error));
        QVERIFY(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
        QVERIFY(!QFile::exists(QFileInfo(dir.path()).dir().filePath("outside.log")));
    }

    void unwritableFolderIsAClearError()
    {
        // A folder we may not write into: a clear error, no exception, nothing half made.
        QTemporaryDir readOnly;
        QFile::setPermissions(readOnly.path(), QFile::ReadOwner | QFile::ExeOwner);
        if (QFileInfo(readOnly.path()).isWritable())
            QSKIP("running as root: permissions are not enforced");
        const FailureBundleWriter::Result denied
            = FailureBundleWriter::write(sampleContent(), readOnly.path());
        QFile::setPermissions(readOnly.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(!denied.ok());
        QVERIFY(denied.error.contains("cannot create folder"));
        QVERIFY(QDir(readOnly.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
    }

    void crcOfTheCheckString()
    {
        // The CRC-32 check value of the catalogue of parametrised CRC algorithms.
        QCOMPARE(FailureBundleZip::crc32("123456789"), 0xCBF43926u);
        QCOMPARE(FailureBundleZip::crc32(""), 0u);
    }

    void zipReadsBackWithPython()
    {
        const QString python = QStandardPaths::findExecutable("python3");
        if (python.isEmpty())
            QSKIP("python3 is needed to read the zip with an independent reader");
        QTemporaryDir dir;
        FailureBundleContent content = sampleContent();
        FailureBundlePart big; // compresses well: deflated
        big.name = "logs/sidecar";
        big.file = "logs/sidecar.log";
        big.data = QByteArray(1024 * 1024, 'x');
        FailureBundlePart noise; // does not compress: stored
        noise.name = "metrics";
        noise.file = "metrics.txt";
        noise.data.resize(64 * 1024);
        QRandomGenerator(42).fillRange(reinterpret_cast<quint32 *>(noise.data.data()), noise.data.size() / 4);
        content.parts << big << noise;
        const QString zip = dir.filePath("bundle ✓.zip");
        const FailureBundleWriter::Result written = FailureBundleZip::write(content, zip);
        QVERIFY2(written.ok(), qPrintable(written.error));
        QCOMPARE(written.path, zip);
        QCOMPARE(QFileInfo(zip).permissions() & 0x0077, QFile::Permissions());
        QVERIFY(QFileInfo(zip).size() < 200 * 1024);

        // Python's zipfile checks every CRC and prints what it read.
        QProcess reader;
        reader.start(python,
            { "-c",
                "import sys, zipfile, json, hashlib\n"
                "z = zipfile.ZipFile(sys.argv[1])\n"
                "assert z.testzip() is None\n"
                "out = {i.filename: [i.compress_type, i.file_size, hashlib.sha256(z.read(i)).hexdigest(),"
                " (i.external_attr >> 16) & 0o777] for i in z.infolist()}\n"
                "print(json.dumps(out))\n",
                zip });
        QVERIFY(reader.waitForFinished(30000));
        QVERIFY2(reader.exitCode() == 0, reader.readAllStandardError().constData());
        const QJsonObject listing = QJsonDocument::fromJson(reader.readAllStandardOutput()).object();
        QCOMPARE(listing.keys(),
            QStringList({ "bundle ✓/logs/sidecar.log", "bundle ✓/logs/specs.log", "bundle ✓/metrics.txt",
                "bundle ✓/summary.json" }));
        const auto sha = [](const QByteArray &data) {
            return QString(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
        };
        const QJsonArray sidecar = listing["bundle ✓/logs/sidecar.log"].toArray();
        QCOMPARE(sidecar[0].toInt(), 8); // deflate
        QCOMPARE(sidecar[1].toInt(), 1024 * 1024);
        QCOMPARE(sidecar[2].toString(), sha(big.data));
        QCOMPARE(sidecar[3].toInt(), 0600);
        const QJsonArray metrics = listing["bundle ✓/metrics.txt"].toArray();
        QCOMPARE(metrics[0].toInt(), 0); // stored
        QCOMPARE(metrics[2].toString(), sha(noise.data));
        QCOMPARE(listing["bundle ✓/logs/specs.log"].toArray()[2].toString(), sha(content.parts[0].data));
        const QByteArray summary
            = QJsonDocument(FailureBundleWriter::summary(content)).toJson(QJsonDocument::Indented);
        QCOMPARE(listing["bundle ✓/summary.json"].toArray()[2].toString(), sha(summary));
    }

    void zipRefusals()
    {
        QTemporaryDir dir;
        QVERIFY(FailureBundleZip::write(sampleContent(), dir.filePath("bundle.tar"))
                    .error.contains("not a .zip"));
        QVERIFY(FailureBundleZip::write(sampleContent(), dir.filePath("nope/bundle.zip"))
                    .error.contains("does not exist"));
        QFile existing(dir.filePath("taken.zip"));
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("keep me");
        existing.close();
        QVERIFY(
            FailureBundleZip::write(sampleContent(), existing.fileName()).error.contains("exists already"));
        QFile check(existing.fileName());
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), QByteArray("keep me"));
        FailureBundleContent hostile = sampleContent();
        hostile.parts[0].file = "../escape.log";
        QVERIFY(FailureBundleZip::write(hostile, dir.filePath("hostile.zip")).error.contains("outside"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList({ "taken.zip" }));
    }

    void prometheusSamplesAsJson()
    {
        PromQueryResult result;
        result.resultType = "vector";
        result.vector = { { { { "__name__", "assertions_failed" }, { "pod", "p" } },
                              QDateTime::fromString("2026-11-26T14:00:00Z", Qt::ISODate), 2 },
            { { { "__name__", "tests_run" } }, QDateTime::fromString("2026-11-26T14:00:00Z", Qt::ISODate),
                std::nan("") },
            { { { "__name__", "assert_files_seen" } }, QDateTime(), -INFINITY } };
        result.warnings = { "partial data" };
        const QJsonObject json
            = QJsonDocument::fromJson(FailureBundleCollector::prometheusJson("http://prom", "q", result))
                  .object();
        QCOMPARE(json["endpoint"].toString(), "http://prom");
        const QJsonArray samples = json["samples"].toArray();
        QCOMPARE(samples.size(), 3);
        QCOMPARE(samples[0]["value"].toDouble(), 2.0);
        QCOMPARE(samples[0]["metric"]["pod"].toString(), "p");
        QCOMPARE(samples[1]["value"].toString(), "NaN");
        QCOMPARE(samples[2]["value"].toString(), "-Inf");
        QCOMPARE(json["warnings"][0].toString(), "partial data");
    }

    void prometheusQueryQuotesNames()
    {
        const QString query = FailureBundleCollector::prometheusQuery("ns\"x", "pod\\y");
        QVERIFY2(query.contains("namespace=\"ns\\\"x\""), qPrintable(query));
        QVERIFY2(query.contains("pod=\"pod\\\\y\""), qPrintable(query));
        QVERIFY(query.contains("assertions_failed"));
    }
};

QTEST_GUILESS_MAIN(TestFailureBundleUnits)
#include "tst_failurebundle_units.moc"
