#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

// A pod as kassert needs it: parsed once at the edge from the API server's JSON into
// plain values. Everything the suites, runs and states are derived from is here.

struct OwnerReference
{
    QString kind;
    QString name;
    QString uid;
    bool controller = false;
};

struct ContainerPort
{
    QString name;
    int containerPort = 0;
};

struct ContainerState
{
    enum class Kind { None, Waiting, Running, Terminated };
    Kind kind = Kind::None;
    QString reason;  // waiting/terminated reason
    QString message; // waiting/terminated message
    int exitCode = 0;
    QDateTime startedAt;
    QDateTime finishedAt;
};

struct ContainerInfo
{
    QString name;
    QString image;
    QList<ContainerPort> ports;
    // From status.containerStatuses (absent while the pod is being scheduled).
    bool hasStatus = false;
    bool ready = false;
    bool started = false;
    int restartCount = 0;
    ContainerState state;
    ContainerState lastState;
};

// Declared before PodInfo: clang checks its defaulted operator== where it is declared.
inline bool operator==(const OwnerReference &a, const OwnerReference &b)
{
    return a.kind == b.kind && a.name == b.name && a.uid == b.uid && a.controller == b.controller;
}
inline bool operator==(const ContainerPort &a, const ContainerPort &b)
{
    return a.name == b.name && a.containerPort == b.containerPort;
}
inline bool operator==(const ContainerState &a, const ContainerState &b)
{
    return a.kind == b.kind && a.reason == b.reason && a.message == b.message && a.exitCode == b.exitCode
        && a.startedAt == b.startedAt && a.finishedAt == b.finishedAt;
}
inline bool operator==(const ContainerInfo &a, const ContainerInfo &b)
{
    return a.name == b.name && a.image == b.image && a.ports == b.ports && a.hasStatus == b.hasStatus
        && a.ready == b.ready && a.started == b.started && a.restartCount == b.restartCount && a.state == b.state
        && a.lastState == b.lastState;
}

struct PodInfo
{
    QString nameSpace;
    QString name;
    QString uid;
    QString resourceVersion;
    QDateTime creationTimestamp;
    QDateTime deletionTimestamp;
    QDateTime startTime;
    QMap<QString, QString> labels;
    QList<OwnerReference> owners;
    QString phase; // Pending|Running|Succeeded|Failed|Unknown
    bool ready = false;
    QList<ContainerInfo> containers;

    // The port of the container port named "assert"; the runtime's default otherwise.
    int assertPort() const;
    // The container serving the assert port (its logs hold the Jest output).
    QString assertContainer() const;
    // The Skaffold run id label, empty when Skaffold did not deploy the pod.
    QString runId() const;
    const OwnerReference *controllerOwner() const;
    int totalRestarts() const;

    friend bool operator==(const PodInfo &, const PodInfo &) = default;
};

struct PodParseResult
{
    std::optional<PodInfo> pod;
    QString error; // which field was missing or of the wrong type
};

// Parses a v1 Pod object. Only metadata.name is required; wrong types are errors naming
// the field, missing optional parts are left empty.
PodParseResult parsePod(const QJsonObject &object);

// Parses an RFC 3339 time as the API server writes it (with or without fraction).
QDateTime parseKubeTime(const QString &text);
