#pragma once

// Shared helpers of the kubeconfig tests: wait for obtain(), and catch every qDebug /
// qWarning line so tests can prove no secret is ever logged.

#include "kube/clusteraccess.h"

#include <QMutex>
#include <QStringList>
#include <QTest>

#include <optional>

inline CredentialResult obtainNow(CredentialSource &source, int timeoutMs = 20000)
{
    std::optional<CredentialResult> got;
    QObject context;
    int calls = 0;
    source.obtain(&context, [&](const CredentialResult &result) {
        ++calls;
        got = result;
    });
    if (!QTest::qWaitFor([&] { return got.has_value(); }, timeoutMs))
        qFatal("obtain() did not answer");
    // Exactly once, also after the event loop has had more chances.
    QCoreApplication::processEvents();
    if (calls != 1)
        qFatal("obtain() answered %d times", calls);
    return *got;
}

// Collects every message Qt logging sees while alive.
class LogCapture
{
public:
    LogCapture() { s_previous = qInstallMessageHandler(&LogCapture::handler); }
    ~LogCapture() { qInstallMessageHandler(s_previous); }
    static QStringList messages()
    {
        QMutexLocker lock(&s_mutex);
        return s_messages;
    }

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        {
            QMutexLocker lock(&s_mutex);
            s_messages.append(message);
        }
        if (s_previous)
            s_previous(type, context, message);
    }
    static inline QtMessageHandler s_previous = nullptr;
    static inline QMutex s_mutex;
    static inline QStringList s_messages;
};
