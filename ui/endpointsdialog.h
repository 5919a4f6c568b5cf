#pragma once

#include <QDialog>
#include <QUrl>

#include <chrono>

#include <memory>

class AlertmanagerClient;
class PrometheusClient;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
struct ServiceCheck;

// Asks for explicit Prometheus and Alertmanager URLs for one context (a port-forward,
// Thanos, a hosted Prometheus). Empty fields mean "find them through the API server".
// OK stays disabled while a field holds something that is not an http(s) URL.
// "Test Connection" probes the typed URLs asynchronously with the monitoring clients
// (Prometheus: /-/ready then /api/v1/status/buildinfo; Alertmanager: /api/v2/status) and
// shows ok or the exact error per URL; pressing it again, editing a URL or closing the
// dialog cancels the probes. URLs with credentials are never probed nor shown.
class EndpointsDialog : public QDialog
{
    Q_OBJECT

public:
    EndpointsDialog(const QString &context, const QUrl &prometheus, const QUrl &alertmanager,
                    QWidget *parent = nullptr);
    ~EndpointsDialog() override;

    QUrl prometheusUrl() const;
    QUrl alertmanagerUrl() const;

    // Settings keys of a context's overrides; never a credential.
    static QString settingsKey(const QString &context, const QString &which);

    // Starts probing both fields, or cancels a probe under way.
    void testConnection();
    void cancelTest();
    bool isTesting() const;
    QPushButton *testButton() const { return m_test; }
    QString prometheusResult() const;
    QString alertmanagerResult() const;

    // Probe time limit per request.
    void setTestTimeout(std::chrono::milliseconds timeout) { m_testTimeout = timeout; }

signals:
    // Both probes answered (or were skipped) after testConnection().
    void testFinished();

private:
    void validate();
    void showResult(QLabel *label, const ServiceCheck &check, const QString &product);
    void probeFinished();

    QLineEdit *m_prometheus;
    QLineEdit *m_alertmanager;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
    QPushButton *m_test;
    QLabel *m_prometheusResult;
    QLabel *m_alertmanagerResult;
    std::unique_ptr<PrometheusClient> m_prometheusProbe;
    std::unique_ptr<AlertmanagerClient> m_alertmanagerProbe;
    std::chrono::milliseconds m_testTimeout{10000};
};
