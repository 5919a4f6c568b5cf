#pragma once

#include <QByteArray>
#include <QString>

// The configuration files DemoCluster gives the demo's Prometheus and Alertmanager.
// Paths are quoted for YAML, so any temporary folder name is safe.
namespace DemoMonitoringConfig {

// Scrapes the suite pods every 2 s through the demo API server's pod proxy, found by its
// HTTP service discovery; TLS with caFile, the bearer token read from tokenFile.
// alertmanagerPort 0: no alerting section.
QByteArray prometheus(quint16 apiPort, const QString &caFile, const QString &tokenFile,
    const QString &rulesFile, quint16 alertmanagerPort);

// KubernetesAssertFailed: assertions_failed > 0, for 0s, severity warning, a summary.
QByteArray rules();

// A null receiver and short group waits.
QByteArray alertmanager();

// A YAML double-quoted scalar of any text (escapes quotes, backslashes, control chars).
QByteArray yamlQuoted(const QString &text);

} // namespace DemoMonitoringConfig
