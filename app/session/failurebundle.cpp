#include "failurebundle.h"

#include "failurebundlecollector.h"
#include "failurebundlewriter.h"
#include "failurebundlezip.h"
#include "http/directendpoint.h"
#include "kube/kubeclient.h"

#include <QTimer>

using namespace Qt::StringLiterals;

FailureBundle::FailureBundle(KubeClient *client, QObject *parent)
    : QObject(parent)
    , m_collector(new FailureBundleCollector(client, this))
{
    connect(m_collector, &FailureBundleCollector::partFinished, this,
        [this](const QString &name, int done, int total) { emit progress(name, done, total); });
    // A context switch deletes the client: answers still due would never come.
    if (client)
        connect(client, &QObject::destroyed, this, &FailureBundle::cancel);
}

FailureBundle::~FailureBundle() = default;

void FailureBundle::start(const Request &request)
{
    m_collector->cancel();
    m_running = true;
    if (request.prometheusUrl.isValid() && !request.prometheusUrl.isEmpty())
        m_collector->setPrometheus(std::make_shared<DirectEndpoint>(request.prometheusUrl), false);
    else
        m_collector->setPrometheus(nullptr, request.discoverPrometheus);
    m_collector->setMaxLogBytes(request.maxLogBytes);
    const QString directory = request.directory;
    const QString zipPath = request.zipPath;
    m_collector->collect(
        request.suite, request.run, [this, directory, zipPath](const FailureBundleContent &content) {
            m_running = false;
            Result result;
            for (const FailureBundlePart &part : content.parts) {
                if (!part.ok())
                    result.failedParts << u"%1: %2"_s.arg(part.name, part.error.toString());
            }
            const FailureBundleWriter::Result written = zipPath.isEmpty()
                ? FailureBundleWriter::write(content, directory)
                : FailureBundleZip::write(content, zipPath);
            result.path = written.path;
            result.error = written.error;
            emit finished(result);
        });
}

void FailureBundle::cancel()
{
    if (!m_running)
        return;
    m_collector->cancel();
    m_running = false;
    Result result;
    result.canceled = true;
    result.error = tr("export canceled");
    // Callers are promised "later", as for every other outcome.
    QTimer::singleShot(0, this, [this, result] { emit finished(result); });
}
