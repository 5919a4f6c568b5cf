#include "session/demomonitoringconfig.h"

#include <QList>

using namespace Qt::StringLiterals;

namespace DemoMonitoringConfig {

namespace {

// The token stays in its file (credentials_file): never on a command line or in here.
QByteArray tlsAndAuth(const QByteArray &indent, const QString &caFile, const QString &tokenFile)
{
    return indent + "tls_config:\n" + indent + "  ca_file: " + yamlQuoted(caFile) + "\n" + indent
        + "authorization:\n" + indent + "  credentials_file: " + yamlQuoted(tokenFile) + "\n";
}

} // namespace

QByteArray yamlQuoted(const QString &text)
{
    QByteArray out = "\"";
    for (const uint c : text.toUcs4()) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\x" + QByteArray::number(c, 16).rightJustified(2, '0');
        } else {
            out += QString::fromUcs4(reinterpret_cast<const char32_t *>(&c), 1).toUtf8();
        }
    }
    return out + '"';
}

QByteArray prometheus(quint16 apiPort, const QString &caFile, const QString &tokenFile,
    const QString &rulesFile, quint16 alertmanagerPort)
{
    QByteArray yaml = "global:\n"
                      "  scrape_interval: 2s\n"
                      "  scrape_timeout: 2s\n"
                      "  evaluation_interval: 2s\n"
                      "rule_files:\n"
                      "  - "
        + yamlQuoted(rulesFile) + "\n";
    if (alertmanagerPort != 0) {
        yaml += "alerting:\n"
                "  alertmanagers:\n"
                "    - static_configs:\n"
                "        - targets: [\"127.0.0.1:"
            + QByteArray::number(alertmanagerPort) + "\"]\n";
    }
    // The suite pods exist only inside the demo API server: Prometheus scrapes them through
    // its pod proxy, found by the server's HTTP service discovery with PodMonitor labels.
    const QString sdUrl = u"https://127.0.0.1:%1/_demo/prometheus-targets"_s.arg(apiPort);
    yaml += "scrape_configs:\n"
            "  - job_name: metrics\n"
            "    scheme: https\n"
        + tlsAndAuth("    ", caFile, tokenFile)
        + "    http_sd_configs:\n"
          "      - url: "
        + yamlQuoted(sdUrl) + "\n        refresh_interval: 2s\n" + tlsAndAuth("        ", caFile, tokenFile);
    return yaml;
}

QByteArray rules()
{
    return "groups:\n"
           "  - name: kubernetes-assert\n"
           "    rules:\n"
           "      - alert: KubernetesAssertFailed\n"
           "        expr: assertions_failed > 0\n"
           "        for: 0s\n"
           "        labels:\n"
           "          severity: warning\n"
           "        annotations:\n"
           "          summary: '{{ $labels.namespace }}/{{ $labels.pod }}: {{ $value }} failing "
           "assertion(s)'\n";
}

QByteArray alertmanager()
{
    // Nobody is notified; kassert reads the alerts from the API. Short waits so a failing
    // suite shows up as a firing alert within seconds.
    return "route:\n"
           "  receiver: 'null'\n"
           "  group_by: [alertname, namespace, pod]\n"
           "  group_wait: 1s\n"
           "  group_interval: 5s\n"
           "  repeat_interval: 1h\n"
           "receivers:\n"
           "  - name: 'null'\n";
}

} // namespace DemoMonitoringConfig
