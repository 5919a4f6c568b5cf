#include "kube/kubeconfig.h"

#include "kube/kubeconfigreader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>

using namespace Qt::StringLiterals;

QString KubeconfigOrigin::field(const char *list, const QString &rest) const
{
    QString text = QLatin1StringView(list) + u'[' + QString::number(index) + u']';
    if (!rest.isEmpty())
        text += u'.' + rest;
    return text;
}

QString KubeconfigOrigin::where(const char *list, const QString &rest) const
{
    return file + u": "_s + field(list, rest);
}

namespace {

template<typename Entry> const Entry *findByName(const QList<Entry> &entries, const QString &name)
{
    for (const Entry &entry : entries) {
        if (entry.name == name)
            return &entry;
    }
    return nullptr;
}

template<typename Entry> void addMissing(QList<Entry> &into, const QList<Entry> &from)
{
    for (const Entry &entry : from) {
        if (!findByName(into, entry.name))
            into.append(entry);
    }
}

} // namespace

const KubeconfigCluster *Kubeconfig::cluster(const QString &name) const
{
    return findByName(clusters, name);
}

const KubeconfigUser *Kubeconfig::user(const QString &name) const
{
    return findByName(users, name);
}

const KubeconfigContext *Kubeconfig::context(const QString &name) const
{
    return findByName(contexts, name);
}

QStringList Kubeconfig::contextNames() const
{
    QStringList names;
    for (const KubeconfigContext &context : contexts)
        names.append(context.name);
    return names;
}

void Kubeconfig::mergeFrom(const Kubeconfig &other)
{
    addMissing(clusters, other.clusters);
    addMissing(users, other.users);
    addMissing(contexts, other.contexts);
    if (currentContext.isEmpty() && !other.currentContext.isEmpty()) {
        currentContext = other.currentContext;
        currentContextFile = other.currentContextFile;
    }
    files += other.files;
}

KubeconfigLoader::Options KubeconfigLoader::defaultOptions(const QString &explicitPath)
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    return { explicitPath, env.value(u"KUBECONFIG"_s), QDir::homePath() };
}

QStringList KubeconfigLoader::searchPaths(const Options &options)
{
    if (!options.explicitPath.isEmpty())
        return { QFileInfo(options.explicitPath).absoluteFilePath() };
    if (options.kubeconfigEnv.isEmpty())
        return { QDir::cleanPath(options.homeDir + u"/.kube/config"_s) };
    QStringList paths;
    const QStringList parts = options.kubeconfigEnv.split(u':', Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const QString path = QFileInfo(part).absoluteFilePath();
        if (!paths.contains(path))
            paths.append(path);
    }
    return paths;
}

KubeconfigResult KubeconfigLoader::load(const Options &options)
{
    Kubeconfig merged;
    const QStringList paths = searchPaths(options);
    for (const QString &path : paths) {
        // Missing files in KUBECONFIG (or a missing ~/.kube/config) are skipped, as by
        // kubectl; an explicitly named file must exist.
        if (!QFileInfo::exists(path)) {
            if (!options.explicitPath.isEmpty())
                return { std::nullopt, path + u": file does not exist"_s };
            continue;
        }
        KubeconfigResult one = parseFile(path);
        if (!one.config)
            return one;
        merged.mergeFrom(*one.config);
    }
    return { merged, QString() };
}

KubeconfigResult KubeconfigLoader::parseFile(const QString &fileName)
{
    QFile file(fileName);
    const QFileInfo info(fileName);
    if (info.isDir())
        return { std::nullopt, fileName + u": is a directory, not a kubeconfig file"_s };
    if (!file.open(QIODevice::ReadOnly))
        return { std::nullopt, fileName + u": cannot read: "_s + file.errorString() };
    // Read one byte past the limit so a file growing meanwhile is refused as well.
    const QByteArray data = file.read(kMaxFileSize + 1);
    if (data.size() > kMaxFileSize) {
        return { std::nullopt,
            fileName
                + u": larger than %1 MiB, refusing to read it as a kubeconfig"_s.arg(kMaxFileSize >> 20) };
    }
    return parse(data, fileName);
}

KubeconfigResult KubeconfigLoader::parse(const QByteArray &yaml, const QString &fileName)
{
    if (yaml.size() > kMaxFileSize) {
        return { std::nullopt,
            fileName
                + u": larger than %1 MiB, refusing to read it as a kubeconfig"_s.arg(kMaxFileSize >> 20) };
    }
    return parseKubeconfigYaml(yaml, fileName);
}
