#include "monitoring/expositionparser.h"

#include <QFile>
#include <QTest>

#include <cmath>

namespace {

QByteArray readData(const QString &name)
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/monitoring/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", qPrintable(name));
    return file.readAll();
}

double valueOf(const ExpositionResult &result, const QString &name)
{
    const QList<MetricSample> samples = result.samplesNamed(name);
    if (samples.size() != 1)
        return -12345;
    return samples.first().value;
}

} // namespace

class TestExpositionParser : public QObject
{
    Q_OBJECT

private slots:
    void runtimeOutput()
    {
        const ExpositionResult result = parseExposition(readData("runtime-passing.txt"));
        QVERIFY2(result.issues.isEmpty(), qPrintable(result.issues.value(0).toString()));
        QVERIFY(!result.truncated);
        QCOMPARE(result.samples.size(), 7);
        QCOMPARE(valueOf(result, "assertions_failed"), 0.0);
        QCOMPARE(valueOf(result, "assertions_failed_total"), 3.0);
        QCOMPARE(valueOf(result, "tests_run"), 8.0);
        QCOMPARE(valueOf(result, "tests_run_total"), 40.0);
        QCOMPARE(valueOf(result, "test_suites_run"), 3.0);
        QCOMPARE(valueOf(result, "test_suites_run_total"), 15.0);
        QCOMPARE(valueOf(result, "assert_files_seen"), 3.0);
        QCOMPARE(result.types.value("assertions_failed"), "gauge");
        QCOMPARE(result.types.value("tests_run_total"), "counter");
        QCOMPARE(
            result.help.value("assertions_failed_total"), "inc'd for every onTestResult numFailingTests");
        QVERIFY(result.samples.first().labels.isEmpty());
        QVERIFY(!result.samples.first().timestampMs);
    }

    void legacyCounters()
    {
        const ExpositionResult result = parseExposition(readData("runtime-legacy-counters.txt"));
        QVERIFY(result.issues.isEmpty());
        QCOMPARE(result.types.value("assertions_failed"), "counter");
        QCOMPARE(valueOf(result, "assertions_failed"), 2.0);
        QCOMPARE(valueOf(result, "test_suites_run_total"), 4.0);
        QCOMPARE(result.samplesNamed("tests_run").size(), 0);
    }

    void histogramsSummariesCrlfAndSpecialValues()
    {
        const ExpositionResult result = parseExposition(readData("runtime-with-defaults.txt"));
        QVERIFY2(result.issues.isEmpty(), qPrintable(result.issues.value(0).toString()));
        QCOMPARE(result.samples.size(), 11);
        QCOMPARE(result.types.value("nodejs_gc_duration_seconds"), "histogram");
        QCOMPARE(result.types.value("http_latency"), "summary");
        const MetricSample cpu = result.samplesNamed("process_cpu_user_seconds_total").value(0);
        QCOMPARE(cpu.value, 0.41);
        QCOMPARE(cpu.timestampMs.value_or(0), Q_INT64_C(1714557600000));
        const QList<MetricSample> buckets = result.samplesNamed("nodejs_gc_duration_seconds_bucket");
        QCOMPARE(buckets.size(), 2);
        QCOMPARE(buckets.at(1).labels.value("le"), "+Inf");
        QCOMPARE(buckets.at(1).labels.value("kind"), "minor");
        const QList<MetricSample> quantiles = result.samplesNamed("http_latency");
        QVERIFY(std::isnan(quantiles.at(0).value));
        QVERIFY(std::isinf(quantiles.at(1).value) && quantiles.at(1).value > 0);
        QVERIFY(std::isinf(valueOf(result, "http_latency_sum")) && valueOf(result, "http_latency_sum") < 0);
        QCOMPARE(valueOf(result, "assertions_failed"), 1.0);
        QCOMPARE(valueOf(result, "tests_run"), 5.0);
    }

    void badLinesAreReportedAndSkipped()
    {
        const ExpositionResult result = parseExposition(readData("runtime-mixed-bad.txt"));
        QCOMPARE(result.samples.size(), 3);
        QCOMPARE(valueOf(result, "assertions_failed"), 1.0);
        QCOMPARE(valueOf(result, "tests_run"), 6.0);
        QCOMPARE(valueOf(result, "test_suites_run_total"), 9.0);
        QCOMPARE(result.types.value("tests_run"), QString()); // the bogus TYPE is not taken
        QCOMPARE(result.issues.size(), 5);
        const QList<QPair<int, int>> expected = { { 3, 12 }, { 4, 24 }, { 6, 21 }, { 7, 1 }, { 8, 18 } };
        for (qsizetype i = 0; i < expected.size(); ++i) {
            QCOMPARE(result.issues.at(i).line, expected.at(i).first);
            QCOMPARE(result.issues.at(i).column, expected.at(i).second);
        }
        QCOMPARE(result.issues.at(0).message, "expected a label name");
        QCOMPARE(result.issues.at(1).toString(), "line 4, column 24: invalid escape \\q in label value");
        QCOMPARE(result.issues.at(2).message, "invalid timestamp");
        QCOMPARE(result.issues.at(3).message, "expected a metric name");
        QCOMPARE(result.issues.at(4).message, "unknown metric type \"bogus\"");
    }

    void labelEscapes()
    {
        const ExpositionResult result
            = parseExposition("m{a=\"x\\\\y\",b=\"q\\\"uote\", c = \"new\\nline\",d=\"ünï\",} 1 -5\n");
        QVERIFY2(result.issues.isEmpty(), qPrintable(result.issues.value(0).toString()));
        QCOMPARE(result.samples.size(), 1);
        const MetricSample sample = result.samples.first();
        QCOMPARE(sample.labels.value("a"), "x\\y");
        QCOMPARE(sample.labels.value("b"), "q\"uote");
        QCOMPARE(sample.labels.value("c"), "new\nline");
        QCOMPARE(sample.labels.value("d"), QString::fromUtf8("ünï"));
        QCOMPARE(sample.timestampMs.value_or(0), -5);
    }

    void helpEscapes()
    {
        const ExpositionResult result = parseExposition("# HELP m a\\\\b\\nc \\t\n# a plain comment\nm 1\n");
        QVERIFY(result.issues.isEmpty());
        QCOMPARE(result.help.value("m"), "a\\b\nc \\t");
    }

    void malformedLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("message");
        QTest::newRow("no value") << QByteArray("tests_run") << "missing value";
        QTest::newRow("truncated labels")
            << QByteArray("m{a=\"1\"") << "expected ',' or '}' after label value";
        QTest::newRow("unclosed value") << QByteArray("m{a=\"1} 2") << "label value is not closed with '\"'";
        QTest::newRow("lone backslash") << QByteArray("m{a=\"1\\") << "label value ends in a lone backslash";
        QTest::newRow("unquoted value") << QByteArray("m{a=1} 2") << "expected '\"' to start a label value";
        QTest::newRow("no equals") << QByteArray("m{a \"1\"} 2") << "expected '=' after label name";
        QTest::newRow("duplicate label") << QByteArray("m{a=\"1\",a=\"2\"} 2") << "duplicate label a";
        QTest::newRow("colon in label") << QByteArray("m{a:b=\"1\"} 2") << "expected a label name";
        QTest::newRow("bad value") << QByteArray("m 1x") << "invalid value";
        QTest::newRow("hex value") << QByteArray("m 0x10") << "invalid value";
        QTest::newRow("infinity word") << QByteArray("m infinity") << "invalid value";
        QTest::newRow("overflow") << QByteArray("m 1e999") << "invalid value";
        QTest::newRow("float timestamp") << QByteArray("m 1 1.5") << "invalid timestamp";
        QTest::newRow("trailing text") << QByteArray("m 1 2 3") << "unexpected text after the timestamp";
        QTest::newRow("help without name") << QByteArray("# HELP") << "HELP without a valid metric name";
        QTest::newRow("type trailing")
            << QByteArray("# TYPE m gauge extra") << "unknown metric type \"gauge\"";
        QTest::newRow("binary") << QByteArray("\x01\x02\xff", 3) << "expected a metric name";
    }

    void malformedLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, message);
        const ExpositionResult result = parseExposition(line + "\nok_metric 7\n");
        QCOMPARE(result.issues.size(), 1);
        QCOMPARE(result.issues.first().message, message);
        QCOMPARE(result.issues.first().line, 1);
        QCOMPARE(result.samples.size(), 1);
        QCOMPARE(result.samples.first().name, "ok_metric");
    }

    void values_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<double>("expected");
        QTest::newRow("int") << QByteArray("42") << 42.0;
        QTest::newRow("negative") << QByteArray("-1.5e3") << -1500.0;
        QTest::newRow("plus") << QByteArray("+3") << 3.0;
        QTest::newRow("leading dot") << QByteArray(".5") << 0.5;
        QTest::newRow("Inf") << QByteArray("Inf") << qInf();
        QTest::newRow("+inf") << QByteArray("+inf") << qInf();
        QTest::newRow("-Inf") << QByteArray("-Inf") << -qInf();
    }

    void values()
    {
        QFETCH(QByteArray, text);
        QFETCH(double, expected);
        const std::optional<double> value = parseExpositionValue(text);
        QVERIFY(value);
        QCOMPARE(*value, expected);
        QVERIFY(std::isnan(parseExpositionValue("NaN").value_or(0)));
        QVERIFY(!parseExpositionValue("").has_value());
        QVERIFY(!parseExpositionValue("+").has_value());
        QVERIFY(!parseExpositionValue("-").has_value());
        QVERIFY(!parseExpositionValue("+-1").has_value());
    }

    void invalidUtf8InLabelIsKeptReadable()
    {
        const ExpositionResult result = parseExposition("m{a=\"\xc3\x28\xff\"} 1\n");
        QCOMPARE(result.samples.size(), 1);
        QVERIFY(result.samples.first().labels.value("a").contains(QChar::ReplacementCharacter));
    }

    void emptyAndBlankInput()
    {
        QVERIFY(parseExposition("").samples.isEmpty());
        const ExpositionResult blank = parseExposition("\n\n   \n\t\n");
        QVERIFY(blank.samples.isEmpty());
        QVERIFY(blank.issues.isEmpty());
    }

    void hugeInputIsBounded()
    {
        QByteArray text;
        for (int i = 0; i < 5000; ++i)
            text += "series_" + QByteArray::number(i) + " " + QByteArray::number(i) + "\n";
        ExpositionLimits limits;
        limits.maxBytes = 1000;
        const ExpositionResult result = parseExposition(text, limits);
        QVERIFY(result.truncated);
        QVERIFY(result.samples.size() > 10);
        QVERIFY(result.samples.size() < 100);
        QCOMPARE(result.samples.last().value, double(result.samples.size() - 1)); // no half line
        QCOMPARE(result.issues.size(), 1);
        QVERIFY(result.issues.first().message.contains("larger than 1000 bytes"));

        ExpositionLimits sampleLimit;
        sampleLimit.maxSamples = 100;
        const ExpositionResult capped = parseExposition(text, sampleLimit);
        QVERIFY(capped.truncated);
        QCOMPARE(capped.samples.size(), 100);
        QVERIFY(capped.issues.first().message.contains("more than 100 samples"));
    }

    void giantLineIsSkipped()
    {
        QByteArray text = "m{a=\"" + QByteArray(3 * 1024 * 1024, 'x') + "\"} 1\nok 2\n";
        const ExpositionResult result = parseExposition(text);
        QCOMPARE(result.samples.size(), 1);
        QCOMPARE(result.samples.first().name, "ok");
        QCOMPARE(result.issues.size(), 1);
        QVERIFY(result.issues.first().message.contains("line longer than"));
    }

    void manyBadLinesKeepFewIssues()
    {
        QByteArray text;
        for (int i = 0; i < 500; ++i)
            text += "{{{\n";
        const ExpositionResult result = parseExposition(text);
        QCOMPARE(result.issues.size(), 100);
        QCOMPARE(result.droppedIssues, 400);
        QVERIFY(result.samples.isEmpty());
    }

    void duplicateMetadataIsReported()
    {
        const ExpositionResult result
            = parseExposition("# TYPE m gauge\n# TYPE m counter\n# HELP m a\n# HELP m b\nm 1\n");
        QCOMPARE(result.issues.size(), 2);
        QCOMPARE(result.types.value("m"), "gauge");
        QCOMPARE(result.help.value("m"), "a");
        QCOMPARE(result.samples.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestExpositionParser)
#include "tst_expositionparser.moc"
