#include "suiteidentity.h"

#include "kube/podinfo.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

// Kubernetes' pod-template-hash and generated pod suffixes use this alphabet
// (k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable digits).
const QString safeChars = u"bcdfghjklmnpqrstvwxz2456789"_s;

bool looksGenerated(QStringView part, qsizetype minLength, qsizetype maxLength)
{
    if (part.size() < minLength || part.size() > maxLength)
        return false;
    return std::all_of(part.begin(), part.end(), [](QChar c) { return safeChars.contains(c); });
}

QString stripSuffix(const QString &name, const QString &suffix)
{
    const QString dashed = u'-' + suffix;
    if (!suffix.isEmpty() && name.endsWith(dashed) && name.size() > dashed.size())
        return name.left(name.size() - dashed.size());
    return {};
}

QString deploymentNameOfReplicaSet(const QString &replicaSetName, const QString &templateHash)
{
    QString name = stripSuffix(replicaSetName, templateHash);
    if (!name.isEmpty())
        return name;
    const qsizetype dash = replicaSetName.lastIndexOf(u'-');
    if (dash > 0 && looksGenerated(QStringView(replicaSetName).mid(dash + 1), 5, 10))
        return replicaSetName.left(dash);
    return replicaSetName;
}

} // namespace

SuiteKey suiteKeyForPod(const PodInfo &pod)
{
    if (const OwnerReference *owner = pod.controllerOwner(); owner && !owner->name.isEmpty()) {
        if (owner->kind == "ReplicaSet"_L1)
            return {pod.nameSpace, deploymentNameOfReplicaSet(owner->name, pod.labels.value(u"pod-template-hash"_s))};
        return {pod.nameSpace, owner->name};
    }
    const QString app = pod.labels.value(u"app"_s);
    if (!app.isEmpty())
        return {pod.nameSpace, app};
    return {pod.nameSpace, pod.name};
}

SuiteKey suiteKeyForOrphanSeries(const QString &nameSpace, const QString &podName)
{
    const QStringList parts = podName.split(u'-');
    // deployment-<hash>-<suffix>: drop both generated parts.
    if (parts.size() >= 3 && looksGenerated(parts.last(), 5, 5) && looksGenerated(parts.at(parts.size() - 2), 5, 10))
        return {nameSpace, parts.mid(0, parts.size() - 2).join(u'-')};
    return {nameSpace, podName};
}
