#pragma once

#include "kube/clusteraccess.h"

#include <QMetaObject>
#include <QPointer>
#include <QThread>

// Hands a CredentialResult to an obtain() caller on `context`'s thread: directly when we
// are already there, queued otherwise. Nothing is delivered once `context` is gone.
inline void deliverCredential(QObject *context, const std::function<void(const CredentialResult &)> &done,
    const CredentialResult &result)
{
    if (!context || !done)
        return;
    if (context->thread() == QThread::currentThread()) {
        done(result);
        return;
    }
    QMetaObject::invokeMethod(
        context, [done, result] { done(result); }, Qt::QueuedConnection);
}
