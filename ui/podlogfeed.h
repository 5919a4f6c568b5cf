#pragma once

#include "connectionstatus.h"

#include <QObject>
#include <QPointer>

class KubeClient;
class LogModel;
class LogStream;

// Feeds the log of the pod the user looks at into a LogModel: the last lines first, then
// the live tail, resuming after drops without losing or repeating lines (LogStream does
// that). Showing another pod or container clears the model and starts over. GUI thread.
class PodLogFeed : public QObject
{
    Q_OBJECT

public:
    static constexpr int TailLines = 10000;

    PodLogFeed(LogModel *model, QObject *parent = nullptr);
    ~PodLogFeed() override;

    // The client of the current connection; null (context switched, not connected) stops.
    void setClient(KubeClient *client);
    void show(const QString &nameSpace, const QString &pod, const QString &container, bool previous = false);
    void stop();

    QString nameSpace() const { return m_nameSpace; }
    QString pod() const { return m_pod; }
    QString container() const { return m_container; }

signals:
    // "following specs in demo/payments-…", "log ended", or the exact error.
    void statusChanged(const QString &text, bool error);

private:
    void restart();

    LogModel *m_model;
    QPointer<KubeClient> m_client;
    LogStream *m_stream = nullptr;
    QString m_nameSpace;
    QString m_pod;
    QString m_container;
    bool m_previous = false;
};
