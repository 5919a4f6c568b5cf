#include "podinfo.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

constexpr int defaultAssertPort = 9091;

// Reads fields of one JSON object and remembers the first type error with its path.
class FieldReader
{
public:
    FieldReader(const QJsonObject &object, QString path, QString *error)
        : m_object(object)
        , m_path(std::move(path))
        , m_error(error)
    {
    }

    QString string(QLatin1StringView key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() || value.isNull())
            return {};
        if (!value.isString()) {
            fail(key, "a string");
            return {};
        }
        return value.toString();
    }

    int integer(QLatin1StringView key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() || value.isNull())
            return 0;
        if (!value.isDouble()) {
            fail(key, "a number");
            return 0;
        }
        return value.toInt();
    }

    bool boolean(QLatin1StringView key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() || value.isNull())
            return false;
        if (!value.isBool()) {
            fail(key, "true or false");
            return false;
        }
        return value.toBool();
    }

    QJsonObject object(QLatin1StringView key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() || value.isNull())
            return {};
        if (!value.isObject()) {
            fail(key, "an object");
            return {};
        }
        return value.toObject();
    }

    QJsonArray array(QLatin1StringView key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() || value.isNull())
            return {};
        if (!value.isArray()) {
            fail(key, "a list");
            return {};
        }
        return value.toArray();
    }

    QDateTime time(QLatin1StringView key) const
    {
        const QString text = string(key);
        if (text.isEmpty())
            return {};
        const QDateTime parsed = parseKubeTime(text);
        if (!parsed.isValid())
            fail(key, "an RFC 3339 time");
        return parsed;
    }

    QString path(QLatin1StringView key) const { return m_path.isEmpty() ? QString(key) : m_path + u'.' + key; }

private:
    void fail(QLatin1StringView key, const char *expected) const
    {
        if (m_error->isEmpty())
            *m_error = u"%1: expected %2"_s.arg(path(key), QLatin1StringView(expected));
    }

    QJsonObject m_object;
    QString m_path;
    QString *m_error;
};

ContainerState parseState(const QJsonObject &stateObject, const QString &path, QString *error)
{
    ContainerState state;
    static const std::pair<QLatin1StringView, ContainerState::Kind> kinds[] = {
        {"waiting"_L1, ContainerState::Kind::Waiting},
        {"running"_L1, ContainerState::Kind::Running},
        {"terminated"_L1, ContainerState::Kind::Terminated},
    };
    const FieldReader outer(stateObject, path, error);
    for (const auto &[key, kind] : kinds) {
        if (!stateObject.contains(key))
            continue;
        const FieldReader reader(outer.object(key), outer.path(key), error);
        state.kind = kind;
        state.reason = reader.string("reason"_L1);
        state.message = reader.string("message"_L1);
        state.exitCode = reader.integer("exitCode"_L1);
        state.startedAt = reader.time("startedAt"_L1);
        state.finishedAt = reader.time("finishedAt"_L1);
        break;
    }
    return state;
}

} // namespace

QDateTime parseKubeTime(const QString &text)
{
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    return time.toUTC();
}

PodParseResult parsePod(const QJsonObject &object)
{
    QString error;
    PodInfo pod;
    const FieldReader root(object, QString(), &error);
    const FieldReader metadata(root.object("metadata"_L1), u"metadata"_s, &error);
    pod.nameSpace = metadata.string("namespace"_L1);
    pod.name = metadata.string("name"_L1);
    pod.uid = metadata.string("uid"_L1);
    pod.resourceVersion = metadata.string("resourceVersion"_L1);
    pod.creationTimestamp = metadata.time("creationTimestamp"_L1);
    pod.deletionTimestamp = metadata.time("deletionTimestamp"_L1);

    const QJsonObject labels = metadata.object("labels"_L1);
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        if (!it.value().isString()) {
            if (error.isEmpty())
                error = u"metadata.labels.%1: expected a string"_s.arg(it.key());
            continue;
        }
        pod.labels.insert(it.key(), it.value().toString());
    }

    const QJsonArray owners = metadata.array("ownerReferences"_L1);
    for (qsizetype i = 0; i < owners.size(); ++i) {
        const FieldReader owner(owners.at(i).toObject(), u"metadata.ownerReferences[%1]"_s.arg(i), &error);
        pod.owners.append({owner.string("kind"_L1), owner.string("name"_L1), owner.string("uid"_L1),
                           owner.boolean("controller"_L1)});
    }

    const FieldReader spec(root.object("spec"_L1), u"spec"_s, &error);
    const QJsonArray containers = spec.array("containers"_L1);
    for (qsizetype i = 0; i < containers.size(); ++i) {
        const FieldReader container(containers.at(i).toObject(), u"spec.containers[%1]"_s.arg(i), &error);
        ContainerInfo info;
        info.name = container.string("name"_L1);
        info.image = container.string("image"_L1);
        const QJsonArray ports = container.array("ports"_L1);
        for (qsizetype p = 0; p < ports.size(); ++p) {
            const FieldReader port(ports.at(p).toObject(), container.path("ports"_L1) + u"[%1]"_s.arg(p), &error);
            info.ports.append({port.string("name"_L1), port.integer("containerPort"_L1)});
        }
        pod.containers.append(info);
    }

    const FieldReader status(root.object("status"_L1), u"status"_s, &error);
    pod.phase = status.string("phase"_L1);
    pod.startTime = status.time("startTime"_L1);
    const QJsonArray conditions = status.array("conditions"_L1);
    for (qsizetype i = 0; i < conditions.size(); ++i) {
        const FieldReader condition(conditions.at(i).toObject(), u"status.conditions[%1]"_s.arg(i), &error);
        if (condition.string("type"_L1) == "Ready"_L1)
            pod.ready = condition.string("status"_L1) == "True"_L1;
    }
    const QJsonArray statuses = status.array("containerStatuses"_L1);
    for (qsizetype i = 0; i < statuses.size(); ++i) {
        const QString path = u"status.containerStatuses[%1]"_s.arg(i);
        const FieldReader containerStatus(statuses.at(i).toObject(), path, &error);
        const QString name = containerStatus.string("name"_L1);
        auto it = std::find_if(pod.containers.begin(), pod.containers.end(),
                               [&](const ContainerInfo &c) { return c.name == name; });
        if (it == pod.containers.end()) {
            pod.containers.append(ContainerInfo{});
            it = pod.containers.end() - 1;
            it->name = name;
        }
        it->hasStatus = true;
        it->ready = containerStatus.boolean("ready"_L1);
        it->started = containerStatus.boolean("started"_L1);
        it->restartCount = containerStatus.integer("restartCount"_L1);
        it->state = parseState(containerStatus.object("state"_L1), containerStatus.path("state"_L1), &error);
        it->lastState
            = parseState(containerStatus.object("lastState"_L1), containerStatus.path("lastState"_L1), &error);
    }

    if (error.isEmpty() && pod.name.isEmpty())
        error = u"metadata.name: missing"_s;
    if (!error.isEmpty())
        return {std::nullopt, error};
    return {pod, QString()};
}

int PodInfo::assertPort() const
{
    for (const ContainerInfo &container : containers) {
        for (const ContainerPort &port : container.ports) {
            if (port.name == "assert"_L1 && port.containerPort > 0)
                return port.containerPort;
        }
    }
    return defaultAssertPort;
}

QString PodInfo::assertContainer() const
{
    for (const ContainerInfo &container : containers) {
        for (const ContainerPort &port : container.ports) {
            if (port.name == "assert"_L1)
                return container.name;
        }
    }
    return containers.isEmpty() ? QString() : containers.constFirst().name;
}

QString PodInfo::runId() const
{
    return labels.value(u"skaffold.dev/run-id"_s);
}

const OwnerReference *PodInfo::controllerOwner() const
{
    for (const OwnerReference &owner : owners) {
        if (owner.controller)
            return &owner;
    }
    return owners.isEmpty() ? nullptr : &owners.constFirst();
}

int PodInfo::totalRestarts() const
{
    int restarts = 0;
    for (const ContainerInfo &container : containers)
        restarts += container.restartCount;
    return restarts;
}
