#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

// Turns SIGTERM, SIGINT and SIGHUP (or the given signals) into a Qt signal on the thread
// that created the watcher, so the app can stop its skaffold sessions before quitting.
// The handler only writes the signal number to a socket pair (async-signal-safe); a
// QSocketNotifier reads it on the event loop. One watcher per process; the previous
// handlers come back when it is destroyed.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    UnixSignalWatcher(const QList<int> &signalNumbers, QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

    bool isValid() const { return m_notifier != nullptr; }
    QList<int> watchedSignals() const { return m_signals; }

signals:
    void signalReceived(int signalNumber);

private:
    void readSignals();

    QList<int> m_signals;
    QSocketNotifier *m_notifier = nullptr;
    struct Previous;
    QList<Previous> *m_previous;
};
