#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

class QNetworkReply;

// Bounds how much of a streamed answer Qt holds for us. Without a bound Qt reads the
// socket as fast as the server sends and keeps whatever we have not taken yet, so a log
// flood that we parse slower than it arrives waits in memory (most of a 100 MB log). With
// one, Qt stops reading once that much waits, and TCP holds the server back, as it does
// for kubectl. The bound is loose: when Qt reads, it takes all the kernel has buffered
// (tens of MiB at most), but no longer the whole log.
//
// Qt 6.8's HTTP/1 backend mishandles a connection cut while a bounded reply has data
// waiting (seen with a 2.5 MB line cut mid-way, tst_kubeclient and tst_logstream):
//  - after we take what it held it neither delivers the rest nor finishes. Setting the
//    bound again makes it look at the socket again, so while the reply is quiet after
//    data the bound is set again at growing intervals (harmless on a merely quiet
//    stream);
//  - what that wakes up then ends as a success, the cut lost. So a clean finish that
//    follows such a nudge at once, with no data between, is reported as a cut
//    (finishedByNudge): the caller reads again, which at worst costs a needless resume.
class StreamReadLimit : public QObject
{
    Q_OBJECT
public:
    static constexpr int FirstNudgeMs = 200;
    static constexpr int LastNudgeMs = 30000;
    // A finish this soon after a nudge, with no data between, is taken as its effect.
    static constexpr int NudgeEffectMs = 150;

    // Lives as long as `reply` (its child); nullptr when bytes <= 0 (no bound).
    static StreamReadLimit *apply(QNetworkReply *reply, qint64 bytes);

    bool finishedByNudge() const;

private:
    StreamReadLimit(QNetworkReply *reply, qint64 bytes);
    void onData();
    void onFinished();
    void nudge();

    QNetworkReply *m_reply;
    qint64 m_bytes;
    int m_intervalMs = FirstNudgeMs;
    QTimer m_quiet;
    QElapsedTimer m_sinceNudge; // invalid once data came after the last nudge
    bool m_finishedByNudge = false;
};
