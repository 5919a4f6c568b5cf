#pragma once

#include "connectionstatus.h"
#include "logs/logline.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>

class KubeClient;
class LogModel;
class LogStream;

// Feeds the log of the pod the user looks at into a LogModel: the last lines first, then
// the live tail, resuming after drops without losing or repeating lines (LogStream does
// that). Showing another pod or container clears the model and starts over. GUI thread.
//
// A burst (the tail at start, a pod flooding its log, what piled up while the machine
// was busy) goes into the model a slice per event-loop turn, SliceMilliseconds at most,
// so the window keeps painting and taking input; lines wait in order meanwhile.
class PodLogFeed : public QObject
{
    Q_OBJECT

public:
    static constexpr int TailLines = 10000;
    static constexpr int SliceMilliseconds = 8;
    static constexpr int LinesPerAppend = 512;

    PodLogFeed(LogModel *model, QObject *parent = nullptr);
    ~PodLogFeed() override;

    // The client of the current connection; null (context switched, not connected) stops.
    void setClient(KubeClient *client);
    void show(const QString &nameSpace, const QString &pod, const QString &container, bool previous = false);
    void stop();

    QString nameSpace() const { return m_nameSpace; }
    QString pod() const { return m_pod; }
    QString container() const { return m_container; }
    // Lines received but not yet in the model.
    qsizetype pendingLineCount() const { return m_pendingLines; }

signals:
    // "following specs in demo/payments-…", "log ended", or the exact error.
    void statusChanged(const QString &text, bool error);

private:
    void restart();
    void enqueue(const QList<LogLine> &lines);
    void drain();
    void dropPending();

    LogModel *m_model;
    QPointer<KubeClient> m_client;
    LogStream *m_stream = nullptr;
    QString m_nameSpace;
    QString m_pod;
    QString m_container;
    bool m_previous = false;
    std::deque<QList<LogLine>> m_pending; // batches as LogStream sent them
    qsizetype m_pendingOffset = 0; // lines of the first batch already in the model
    qsizetype m_pendingLines = 0;
    QTimer m_drainTimer; // the next slice, on the next turn of the event loop
};
