#pragma once

#include "connectionstatus.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QToolButton;

// The strip above everything: which context and namespace we look at, and three lights
// for the cluster, Prometheus and Alertmanager whose tooltips carry the exact error and
// the next retry. It shows and asks; the main window acts on its signals.
//
// A light that waits to retry counts down ("retrying in 4 s") in its text and tooltip.
// The countdown wakes up once per whole second, and only while some light waits: a
// single-shot timer to the next second boundary, nothing at all when every light is
// settled.
class ConnectionBar : public QWidget
{
    Q_OBJECT

public:
    enum class Light { Cluster, Prometheus, Alertmanager };

    explicit ConnectionBar(QWidget *parent = nullptr);

    void setContexts(const QStringList &contexts, const QString &current);
    void setNamespaces(const QStringList &namespaces, const QString &current);
    void setStatus(Light light, const ConnectionStatus &status);
    ConnectionStatus status(Light light) const;
    QString lightText(Light light) const;
    QString lightToolTip(Light light) const;
    // True while a light's next retry is ahead, so the countdown timer is armed.
    bool isCountingDown() const { return m_countdown.isActive(); }

    // The entry of the namespace chooser that means every namespace.
    static QString allNamespacesLabel();

signals:
    void contextChosen(const QString &context);
    void namespaceChosen(const QString &nameSpace); // empty = all namespaces
    void configureEndpointsRequested();

private:
    struct LightWidgets
    {
        QLabel *dot = nullptr;
        QLabel *text = nullptr;
        ConnectionStatus status;
    };
    LightWidgets &lightOf(Light light);
    const LightWidgets &lightOf(Light light) const;
    void showLight(Light light, const QDateTime &now);
    void refreshCountdown();

    QComboBox *m_context;
    QComboBox *m_namespace;
    LightWidgets m_lights[3];
    QToolButton *m_configure;
    QTimer m_countdown;
    bool m_updating = false;
};
