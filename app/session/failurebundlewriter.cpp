#include "failurebundlewriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <kassert_version.h>

using namespace Qt::StringLiterals;

namespace {

constexpr QFileDevice::Permissions FolderPermissions
    = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;
constexpr QFileDevice::Permissions FilePermissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

// Names come from the cluster: keep them to what is safe in any file name.
QString safeName(const QString &text, int maxLength)
{
    static const QRegularExpression unsafe(u"[^A-Za-z0-9._-]+"_s);
    QString safe = text;
    safe.replace(unsafe, u"_"_s);
    while (safe.startsWith(u'.'))
        safe.remove(0, 1);
    safe.truncate(maxLength);
    return safe.isEmpty() ? u"unnamed"_s : safe;
}

QJsonValue timeValue(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QString stateKindName(ContainerState::Kind kind)
{
    switch (kind) {
    case ContainerState::Kind::Waiting:
        return u"waiting"_s;
    case ContainerState::Kind::Running:
        return u"running"_s;
    case ContainerState::Kind::Terminated:
        return u"terminated"_s;
    case ContainerState::Kind::None:
        break;
    }
    return {};
}

QJsonObject stateJson(const ContainerState &state)
{
    QJsonObject object { { u"state"_s, stateKindName(state.kind) } };
    if (!state.reason.isEmpty())
        object.insert(u"reason"_s, state.reason);
    if (!state.message.isEmpty())
        object.insert(u"message"_s, state.message);
    if (state.kind == ContainerState::Kind::Terminated)
        object.insert(u"exitCode"_s, state.exitCode);
    return object;
}

bool writeFile(const QString &path, const QByteArray &data, QString *error)
{
    QFile file(path);
    // NewOnly with permissions: the file never exists with wider rights, not even briefly.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, FilePermissions)) {
        *error = QObject::tr("cannot create %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.write(data) != data.size() || !file.flush()) {
        *error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.close();
    if (file.error() != QFileDevice::NoError) {
        *error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

QString FailureBundleWriter::bundleName(const FailureBundleContent &content)
{
    QString run = content.run.pod.runId();
    if (run.isEmpty())
        run = content.run.pod.uid;
    run.remove(u'-');
    run = run.isEmpty() ? u"norunid"_s : safeName(run.left(8), 8);
    const QDateTime at
        = (content.exportedAt.isValid() ? content.exportedAt : QDateTime::currentDateTimeUtc()).toUTC();
    return u"kassert-%1-%2-%3"_s.arg(
        safeName(content.suite.name, 80), run, at.toString(u"yyyyMMdd-HHmmss"_s));
}

QJsonObject FailureBundleWriter::summary(const FailureBundleContent &content)
{
    const Run &run = content.run;
    const PodInfo &pod = run.pod;

    QJsonArray containers;
    for (const ContainerInfo &container : pod.containers) {
        containers.append(QJsonObject { { u"name"_s, container.name }, { u"image"_s, container.image },
            { u"restartCount"_s, container.restartCount }, { u"ready"_s, container.ready },
            { u"current"_s, stateJson(container.state) }, { u"last"_s, stateJson(container.lastState) } });
    }
    QJsonArray iterations;
    for (const Iteration &iteration : run.iterations) {
        iterations.append(QJsonObject { { u"number"_s, iteration.number },
            { u"at"_s, timeValue(iteration.at) }, { u"result"_s, runStateName(iteration.result) },
            { u"failing"_s, iteration.failing }, { u"tests"_s, iteration.tests } });
    }
    QJsonArray failures;
    for (const FailureRef &failure : content.failures) {
        failures.append(QJsonObject { { u"title"_s, failure.title }, { u"file"_s, failure.file },
            { u"line"_s, failure.line }, { u"location"_s, u"%1:%2"_s.arg(failure.file).arg(failure.line) } });
    }
    QJsonArray parts;
    for (const FailureBundlePart &part : content.parts) {
        QJsonObject object { { u"name"_s, part.name }, { u"ok"_s, part.ok() } };
        if (part.ok()) {
            object.insert(u"file"_s, part.file);
            object.insert(u"bytes"_s, double(part.data.size()));
        } else {
            object.insert(u"error"_s, part.error.toString());
            if (part.error.httpStatus > 0)
                object.insert(u"httpStatus"_s, part.error.httpStatus);
            if (!part.error.reason.isEmpty())
                object.insert(u"reason"_s, part.error.reason);
        }
        if (part.truncated)
            object.insert(u"truncated"_s, true);
        if (!part.note.isEmpty())
            object.insert(u"note"_s, part.note);
        parts.append(object);
    }

    QJsonObject runObject { { u"pod"_s, pod.name }, { u"uid"_s, pod.uid }, { u"runId"_s, pod.runId() },
        { u"phase"_s, pod.phase }, { u"created"_s, timeValue(pod.creationTimestamp) },
        { u"started"_s, timeValue(pod.startTime) }, { u"ended"_s, run.ended },
        { u"restarts"_s, pod.totalRestarts() }, { u"containers"_s, containers } };
    return QJsonObject { { u"kassertVersion"_s, QStringLiteral(KASSERT_VERSION_STRING) },
        { u"exportedAt"_s, timeValue(content.exportedAt) }, { u"cluster"_s, content.clusterEndpoint },
        { u"suite"_s,
            QJsonObject { { u"namespace"_s, content.suite.nameSpace }, { u"name"_s, content.suite.name } } },
        { u"state"_s, runStateName(run.verdict.state) }, { u"reason"_s, run.verdict.reason },
        { u"run"_s, runObject }, { u"iterations"_s, iterations }, { u"failures"_s, failures },
        { u"parts"_s, parts } };
}

FailureBundleWriter::Result FailureBundleWriter::write(
    const FailureBundleContent &content, const QString &parentDirectory)
{
    Result result;
    const QDir parent(parentDirectory);
    if (parentDirectory.isEmpty() || !parent.exists()) {
        result.error = QObject::tr("folder %1 does not exist").arg(parentDirectory);
        return result;
    }
    const QString base = bundleName(content);
    QString name = base;
    for (int n = 2; parent.exists(name) || parent.exists(name + u".partial"_s); ++n) {
        if (n > 1000) {
            result.error = QObject::tr("too many bundles named %1 in %2").arg(base, parentDirectory);
            return result;
        }
        name = u"%1-%2"_s.arg(base).arg(n);
    }
    const QString partial = parent.filePath(name + u".partial"_s);
    if (!QDir().mkdir(partial, FolderPermissions)) {
        result.error = QObject::tr("cannot create folder %1").arg(partial);
        return result;
    }
    auto fail = [&result, partial](const QString &error) {
        QDir(partial).removeRecursively();
        result.error = error;
        return result;
    };

    QString error;
    const QByteArray summaryJson = QJsonDocument(summary(content)).toJson(QJsonDocument::Indented);
    if (!writeFile(QDir(partial).filePath(u"summary.json"_s), summaryJson, &error))
        return fail(error);
    for (const FailureBundlePart &part : content.parts) {
        if (!part.ok())
            continue;
        // Part files are our own relative names; a container name cannot climb out.
        const QString relative = QDir::cleanPath(part.file);
        if (relative.startsWith(u"../"_s) || relative == u".."_s || QDir::isAbsolutePath(relative))
            return fail(QObject::tr("refusing to write %1 outside the bundle").arg(part.file));
        const QString target = QDir(partial).filePath(relative);
        const QString folder = QFileInfo(target).path();
        if (!QDir(folder).exists() && !QDir().mkdir(folder, FolderPermissions))
            return fail(QObject::tr("cannot create folder %1").arg(folder));
        if (!writeFile(target, part.data, &error))
            return fail(error);
    }
    const QString final = parent.filePath(name);
    if (!QDir().rename(partial, final))
        return fail(QObject::tr("cannot rename %1 to %2").arg(partial, final));
    result.path = final;
    return result;
}
