#pragma once

#include "failurebundlecontent.h"

#include <QJsonObject>
#include <QString>

// Writes a collected failure bundle as a folder
// `kassert-<suite>-<runid8>-<yyyyMMdd-HHmmss>/` with summary.json, pod.json,
// events.json, metrics.txt, prometheus.json and logs/<container>[.previous].log. The
// folder is 0700 and every file 0600 from the moment it is created (bundles hold logs
// that may be private). It is written under a ".partial" name and renamed when
// complete, so a failed or interrupted write never leaves a bundle that looks whole.
// FailureBundleZip writes the same files as one .zip. Synchronous file I/O, bounded by
// the collector's limits.
class FailureBundleWriter
{
public:
    struct Result
    {
        QString path; // the bundle's folder when it worked
        QString error; // what failed (folder, file, disk), empty when it worked

        bool ok() const { return error.isEmpty(); }
    };

    // "kassert-checkout-3f9a1c2e-20261126-143005": suite name and run id reduced to
    // file-name-safe characters, the export time in UTC.
    static QString bundleName(const FailureBundleContent &content);
    // summary.json: suite, state, reason, run, iterations, failures, every part's
    // outcome, the kassert version and the export time.
    static QJsonObject summary(const FailureBundleContent &content);

    // Writes into a new folder inside `parentDirectory` (which must exist). An existing
    // bundle of the same name is never overwritten: "-2", "-3", … is appended.
    static Result write(const FailureBundleContent &content, const QString &parentDirectory);
};
