#pragma once

#include "http/httptypes.h"
#include "suites/statusreport.h"
#include "suites/suite.h"

#include <QDateTime>
#include <QList>
#include <QString>

// What a failure bundle holds before it is written: one part per thing fetched (a log,
// the pod, its events, a metrics snapshot), each with its bytes or the error that kept
// them out. Plain values, filled by FailureBundleCollector, written by
// FailureBundleWriter.
struct FailureBundlePart
{
    QString name; // "pod", "events", "logs/specs", "logs/specs/previous", "metrics", "prometheus"
    QString file; // relative path inside the bundle, e.g. "logs/specs.previous.log"
    QByteArray data; // empty when the part failed
    HttpError error; // kind None when it worked
    bool truncated = false; // the data stops at a size limit
    QString note; // what the reader should know (a limit, what was redacted)

    bool ok() const { return !error.isError(); }
};

// Everything one bundle says about one run.
struct FailureBundleContent
{
    SuiteKey suite;
    Run run; // as the tracker knew it when the export started (state, iterations)
    QString clusterEndpoint; // the API server and context, never a credential
    QDateTime exportedAt;
    QList<FailureBundlePart> parts;
    QList<FailureRef> failures; // from the assert container's log (or its previous one)

    const FailureBundlePart *part(const QString &name) const
    {
        for (const FailureBundlePart &p : parts) {
            if (p.name == name)
                return &p;
        }
        return nullptr;
    }
};
