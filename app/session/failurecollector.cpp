#include "failurecollector.h"

#include "kube/kubeclient.h"
#include "kube/logstream.h"
#include "logs/jestparser.h"

#include <QTimer>

using namespace Qt::StringLiterals;

FailureCollector::FailureCollector(KubeClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

QList<FailureRef> FailureCollector::failuresFromLog(const QByteArray &log)
{
    JestParser parser;
    qint64 lineNumber = 0;
    for (const QByteArray &line : log.split('\n'))
        parser.addLine(QString::fromUtf8(line), lineNumber++);
    const QList<JestIteration> &iterations = parser.iterations();
    for (auto it = iterations.crbegin(); it != iterations.crend(); ++it) {
        if (it->failures.isEmpty())
            continue;
        QList<FailureRef> failures;
        for (const JestFailure &failure : it->failures)
            failures.append({failure.title(), failure.file.isEmpty() ? failure.specFile : failure.file, failure.line});
        return failures;
    }
    return {};
}

void FailureCollector::collect(const QList<Target> &targets,
                               std::function<void(const QHash<SuiteKey, QList<FailureRef>> &)> done)
{
    auto found = std::make_shared<QHash<SuiteKey, QList<FailureRef>>>();
    if (targets.isEmpty() || !m_client) {
        QTimer::singleShot(0, this, [done, found] { done(*found); });
        return;
    }
    auto remaining = std::make_shared<int>(int(targets.size()));
    for (const Target &target : targets) {
        LogStreamOptions options;
        options.container = target.container;
        options.follow = false;
        options.tailLines = TailLines;
        const HttpRequest request = LogStream::podLogRequest(target.nameSpace, target.pod, options);
        const SuiteKey key = target.key;
        m_client->send(request, this, [found, remaining, done, key](const HttpResult &result) {
            if (result.ok())
                found->insert(key, failuresFromLog(result.body));
            if (--*remaining == 0)
                done(*found);
        });
    }
}
