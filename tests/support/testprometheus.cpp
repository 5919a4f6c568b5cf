#include "testprometheus.h"

TestPrometheus::TestPrometheus()
    : TestServerProcess(findServerProgram("KASSERT_PROMETHEUS", { QStringLiteral("prometheus") }))
{
}

QStringList TestPrometheus::arguments(quint16 port)
{
    QByteArray config = "global:\n"
                        "  scrape_interval: 1s\n"
                        "  scrape_timeout: 1s\n"
                        "  evaluation_interval: 1s\n"
                        "rule_files:\n"
                        "  - rules.yml\n";
    if (m_alertmanager.isValid()) {
        config += "alerting:\n"
                  "  alertmanagers:\n"
                  "    - static_configs:\n"
                  "        - targets: ['"
            + m_alertmanager.authority().toUtf8() + "']\n";
    }
    config += "scrape_configs:\n"
              "  - job_name: kubernetes-assert\n"
              "    static_configs:\n";
    for (const Target &target : m_targets) {
        config += "      - targets: ['127.0.0.1:" + QByteArray::number(target.port)
            + "']\n"
              "        labels:\n"
              "          __tmp_namespace: '"
            + target.nameSpace.toUtf8()
            + "'\n"
              "          __tmp_pod: '"
            + target.pod.toUtf8() + "'\n";
    }
    if (m_targets.isEmpty())
        config += "      []\n";
    // What the PodMonitor's relabelling produces (jobLabel: kubernetes-assert → "metrics").
    config += "    relabel_configs:\n"
              "      - {source_labels: [__tmp_namespace], target_label: namespace}\n"
              "      - {source_labels: [__tmp_pod], target_label: pod}\n"
              "      - {target_label: container, replacement: specs}\n"
              "      - {target_label: endpoint, replacement: assert}\n"
              "      - {target_label: job, replacement: metrics}\n";
    writeFile(QStringLiteral("prometheus.yml"), config);
    writeFile(QStringLiteral("rules.yml"),
        "groups:\n"
        "  - name: kubernetes-assert\n"
        "    rules:\n"
        "      - alert: KubernetesAssertFailed\n"
        "        expr: assertions_failed > 0\n"
        "        for: 0s\n"
        "        labels:\n"
        "          severity: warning\n"
        "        annotations:\n"
        "          summary: Kubernetes Assert failed\n"
        "          description: '{{ $value }} assertions failing in {{ $labels.namespace }}/{{ $labels.pod "
        "}}'\n");
    return {
        QStringLiteral("--config.file=") + dataPath(QStringLiteral("prometheus.yml")),
        QStringLiteral("--storage.tsdb.path=") + dataPath(QStringLiteral("tsdb")),
        QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
        QStringLiteral("--log.level=warn"),
    };
}
