#include "testexporter.h"

namespace {

struct MetricText
{
    const char *name;
    const char *type;
    const char *help;
};

// Names, types and help texts as the runtime's prom-client registry prints them.
const MetricText runtimeMetrics[] = {
    { "assertions_failed", "gauge", "current number of failing tests, summed over spec files" },
    { "assertions_failed_total", "counter", "inc'd for every onTestResult numFailingTests" },
    { "tests_run", "gauge", "current onRunComplete numTotalTests" },
    { "tests_run_total", "counter", "inc'd for every onRunComplete numTotalTests" },
    { "test_suites_run", "gauge", "current onRunComplete numTotalTestSuites" },
    { "test_suites_run_total", "counter", "inc'd for every onRunComplete numTotalTestSuites" },
    { "assert_files_seen", "gauge", "Unique spec file paths that have been seen in onTestResult" },
};

QByteArray number(double value)
{
    return QByteArray::number(value, 'g', 17);
}

} // namespace

TestExporter::TestExporter(QObject *parent)
    : QObject(parent)
{
    for (const MetricText &metric : runtimeMetrics)
        m_values.insert(QString::fromLatin1(metric.name), 0);
    m_server.setHandler([this](const TestHttpServer::Request &request) {
        if (request.path != "/metrics")
            return TestHttpServer::Response { 404, "text/plain", "Not found", {}, false, false, -1 };
        ++m_scrapes;
        return TestHttpServer::Response { 200, "text/plain", exposition(), {}, false, false, -1 };
    });
}

bool TestExporter::start(quint16 port)
{
    return m_server.start(port);
}

void TestExporter::finishIteration(int failing, int tests, int suites)
{
    m_values["assertions_failed"] = failing;
    m_values["assertions_failed_total"] += failing;
    m_values["tests_run"] = tests;
    m_values["tests_run_total"] += tests;
    m_values["test_suites_run"] = suites;
    m_values["test_suites_run_total"] += suites;
    m_values["assert_files_seen"] = std::max(m_values.value("assert_files_seen"), double(suites));
}

QByteArray TestExporter::exposition() const
{
    QByteArray text;
    for (const MetricText &metric : runtimeMetrics) {
        const QString name = QString::fromLatin1(metric.name);
        QByteArray type = metric.type;
        if (m_legacy) {
            if (name == "assertions_failed")
                type = "counter";
            else if (type != "counter")
                continue;
            if (name == "assertions_failed_total")
                continue;
        }
        text += "# HELP " + QByteArray(metric.name) + ' ' + metric.help + '\n';
        text += "# TYPE " + QByteArray(metric.name) + ' ' + type + '\n';
        text += QByteArray(metric.name) + ' ' + number(m_values.value(name)) + "\n\n";
    }
    return text;
}
