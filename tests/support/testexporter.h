#pragma once

#include "testhttpserver.h"

#include <QMap>

// A Kubernetes Assert runtime's metrics endpoint, in process: serves GET /metrics as the
// runtime prints it (prom-client text, unlabelled gauges and counters), with values the
// test sets. `legacy` mode serves what old runtimes did: counters only, and
// assertions_failed as a counter.
class TestExporter : public QObject
{
    Q_OBJECT

public:
    explicit TestExporter(QObject *parent = nullptr);

    bool start(quint16 port = 0);
    void stop() { m_server.stop(); }
    quint16 port() const { return m_server.port(); }
    QByteArray baseUrl() const { return m_server.baseUrl(); }

    void setValue(const QString &name, double value) { m_values.insert(name, value); }
    double value(const QString &name) const { return m_values.value(name); }
    // A finished Jest pass: sets the gauges and moves the counters as the runtime does.
    void finishIteration(int failing, int tests, int suites);
    void setLegacy(bool legacy) { m_legacy = legacy; }

    QByteArray exposition() const;
    int scrapes() const { return m_scrapes; }

private:
    TestHttpServer m_server;
    QMap<QString, double> m_values;
    bool m_legacy = false;
    int m_scrapes = 0;
};
