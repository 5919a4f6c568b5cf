#include "skaffold/skaffoldevent.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SkaffoldEvent", text);
}

// Proto3 JSON leaves out default values, so every field is optional; a value of the wrong
// type reads as absent rather than failing the whole event.
QString text(const QJsonObject &object, QLatin1StringView key)
{
    return object.value(key).toString();
}

SkaffoldActionableError actionableError(const QJsonValue &value)
{
    SkaffoldActionableError error;
    const QJsonObject object = value.toObject();
    error.code = text(object, "errCode"_L1);
    error.message = text(object, "message"_L1);
    for (const QJsonValue &suggestion : object.value("suggestions"_L1).toArray()) {
        const QString action = text(suggestion.toObject(), "action"_L1);
        if (!action.isEmpty())
            error.suggestions << action;
    }
    return error;
}

struct KindName
{
    QLatin1StringView name;
    SkaffoldEvent::Kind kind;
};

constexpr KindName KindNames[] = {
    { "metaEvent"_L1, SkaffoldEvent::Kind::Meta },
    { "taskEvent"_L1, SkaffoldEvent::Kind::Task },
    { "buildSubtaskEvent"_L1, SkaffoldEvent::Kind::BuildSubtask },
    { "deploySubtaskEvent"_L1, SkaffoldEvent::Kind::DeploySubtask },
    { "statusCheckSubtaskEvent"_L1, SkaffoldEvent::Kind::StatusCheckSubtask },
    { "applicationLogEvent"_L1, SkaffoldEvent::Kind::ApplicationLog },
    { "skaffoldLogEvent"_L1, SkaffoldEvent::Kind::SkaffoldLog },
    { "terminationEvent"_L1, SkaffoldEvent::Kind::Termination },
};

} // namespace

SkaffoldEventParse parseSkaffoldEventLine(const QByteArray &line)
{
    if (line.size() > MaxSkaffoldEventLineBytes)
        return { std::nullopt, tr("event line of %1 bytes is too long").arg(line.size()) };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return { std::nullopt, tr("event is not JSON: %1").arg(parseError.errorString()) };
    if (!doc.isObject())
        return { std::nullopt, tr("event is not a JSON object") };
    const QJsonObject top = doc.object();
    if (top.value("error"_L1).isObject()) {
        const QJsonObject error = top.value("error"_L1).toObject();
        return { std::nullopt, tr("event stream error: %1").arg(text(error, "message"_L1)) };
    }
    if (!top.value("result"_L1).isObject())
        return { std::nullopt, tr("event has no \"result\" object") };
    const QJsonObject result = top.value("result"_L1).toObject();

    SkaffoldEvent event;
    event.timestamp = QDateTime::fromString(text(result, "timestamp"_L1), Qt::ISODateWithMs);
    // Replays resend the same bytes for the same event; key order is normalised by QJsonObject.
    event.identity = QCryptographicHash::hash(
        QJsonDocument(result).toJson(QJsonDocument::Compact), QCryptographicHash::Sha1);
    QJsonObject body;
    for (auto it = result.begin(); it != result.end(); ++it) {
        if (it.key() == "timestamp"_L1 || !it.value().isObject())
            continue;
        event.typeName = it.key();
        body = it.value().toObject();
        for (const KindName &known : KindNames) {
            if (known.name == it.key())
                event.kind = known.kind;
        }
        break; // a oneof: exactly one event body
    }
    if (event.typeName.isEmpty())
        return { std::nullopt, tr("event has no event body") };

    event.id = text(body, "id"_L1);
    event.taskId = text(body, "task_id"_L1);
    event.status = text(body, "status"_L1);
    event.message = text(body, "message"_L1);
    event.error = actionableError(body.value("actionableErr"_L1));
    switch (event.kind) {
    case SkaffoldEvent::Kind::Meta:
        event.entry = text(body, "entry"_L1);
        event.runId = text(body.value("metadata"_L1).toObject(), "runID"_L1);
        break;
    case SkaffoldEvent::Kind::Task:
        event.task = text(body, "task"_L1);
        event.iteration = body.value("iteration"_L1).toInt();
        break;
    case SkaffoldEvent::Kind::BuildSubtask:
        event.artifact = text(body, "artifact"_L1);
        event.step = text(body, "step"_L1);
        break;
    case SkaffoldEvent::Kind::StatusCheckSubtask:
        event.resource = text(body, "resource"_L1);
        break;
    case SkaffoldEvent::Kind::ApplicationLog:
        event.podName = text(body, "podName"_L1);
        event.containerName = text(body, "containerName"_L1);
        break;
    case SkaffoldEvent::Kind::Termination:
        event.error = actionableError(body.value("err"_L1));
        break;
    case SkaffoldEvent::Kind::DeploySubtask:
    case SkaffoldEvent::Kind::SkaffoldLog:
    case SkaffoldEvent::Kind::Other:
        break;
    }
    return { event, {} };
}
