#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// One event of Skaffold's v2 event API as plain values. The HTTP gateway writes one
// {"result": <Event>} per line with proto field names (task_id, actionableErr, runID);
// an {"error": {...}} line reports a failed stream.

struct SkaffoldActionableError
{
    QString code; // enums.StatusCode name, e.g. BUILD_USER_ERROR
    QString message;
    QStringList suggestions; // the suggested actions, in order

    bool isEmpty() const { return code.isEmpty() && message.isEmpty() && suggestions.isEmpty(); }
    friend bool operator==(const SkaffoldActionableError &, const SkaffoldActionableError &) = default;
};

struct SkaffoldEvent
{
    enum class Kind {
        Other, // a valid event kassert does not use (portEvent, fileSyncEvent, ...)
        Meta,
        Task,
        BuildSubtask,
        DeploySubtask,
        StatusCheckSubtask,
        ApplicationLog,
        SkaffoldLog,
        Termination,
    };

    Kind kind = Kind::Other;
    QString typeName; // the JSON key of the event, e.g. "taskEvent"
    QDateTime timestamp;
    QByteArray identity; // stable across replays: digest of the event as sent

    QString runId; // metaEvent.metadata.runID
    QString entry; // metaEvent.entry
    QString id; // taskEvent.id / subtask id
    QString taskId; // subtask events: task_id
    QString task; // taskEvent.task: Build, Deploy, StatusCheck, DevLoop, ...
    int iteration = 0;
    QString status; // InProgress, Completed, Succeeded, Failed
    QString artifact; // buildSubtaskEvent
    QString step; // buildSubtaskEvent: Cache, Build, Push
    QString resource; // statusCheckSubtaskEvent
    QString message; // statusCheckSubtaskEvent.message, log messages
    QString podName; // applicationLogEvent
    QString containerName;
    SkaffoldActionableError error; // actionableErr, or terminationEvent.err
};

struct SkaffoldEventParse
{
    std::optional<SkaffoldEvent> event;
    QString error; // the line was not an event: why (or the stream's own error message)
};

// Lines longer than this are refused (a real event is a few hundred bytes).
inline constexpr qsizetype MaxSkaffoldEventLineBytes = 1024 * 1024;

SkaffoldEventParse parseSkaffoldEventLine(const QByteArray &line);
