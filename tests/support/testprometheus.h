#pragma once

#include "testserverprocess.h"

#include <QList>
#include <QUrl>

// The real Prometheus for integration tests: scrapes the given targets every second,
// labelled as the kubernetes-assert PodMonitor labels them (namespace, pod, container,
// endpoint="assert", job="metrics"), evaluates the alert KubernetesAssertFailed
// (assertions_failed > 0, for: 0s) every second and sends it to an Alertmanager.
class TestPrometheus : public TestServerProcess
{
public:
    struct Target
    {
        QString nameSpace;
        QString pod;
        quint16 port = 0; // on 127.0.0.1, serving /metrics
    };

    TestPrometheus();

    void setTargets(const QList<Target> &targets) { m_targets = targets; }
    void setAlertmanager(const QUrl &url) { m_alertmanager = url; }

protected:
    QStringList arguments(quint16 port) override;

private:
    QList<Target> m_targets;
    QUrl m_alertmanager;
};
