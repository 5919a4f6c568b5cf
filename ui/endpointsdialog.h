#pragma once

#include <QDialog>
#include <QUrl>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

// Asks for explicit Prometheus and Alertmanager URLs for one context (a port-forward,
// Thanos, a hosted Prometheus). Empty fields mean "find them through the API server".
// OK stays disabled while a field holds something that is not an http(s) URL.
class EndpointsDialog : public QDialog
{
    Q_OBJECT

public:
    EndpointsDialog(const QString &context, const QUrl &prometheus, const QUrl &alertmanager,
                    QWidget *parent = nullptr);

    QUrl prometheusUrl() const;
    QUrl alertmanagerUrl() const;

    // Settings keys of a context's overrides; never a credential.
    static QString settingsKey(const QString &context, const QString &which);

private:
    void validate();

    QLineEdit *m_prometheus;
    QLineEdit *m_alertmanager;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};
