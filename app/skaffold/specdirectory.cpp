#include "skaffold/specdirectory.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SpecDirectory", text);
}

// 1-based line of a node; `fallback` for nodes without a position (absent keys).
int lineOf(const YAML::Node &node, int fallback)
{
    const YAML::Mark mark = node.Mark();
    return mark.is_null() ? fallback : mark.line + 1;
}

QString scalarText(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

// Walks one document, collecting values and issues; a wrong type stops only the branch it is in.
class ConfigReader
{
public:
    ConfigReader(const QString &file, QList<SpecIssue> &errors)
        : m_file(file)
        , m_errors(errors)
    {
    }

    SkaffoldConfig read(const YAML::Node &doc)
    {
        SkaffoldConfig config;
        config.line = lineOf(doc, 1);
        if (!doc.IsMap()) {
            error(
                config.line, tr("a skaffold configuration must be a mapping (apiVersion, kind, build, ...)"));
            return config;
        }
        readApiVersion(doc, config);
        if (const YAML::Node kind = doc["kind"]; kind && !(kind.IsScalar() && kind.Scalar() == "Config"))
            error(lineOf(kind, config.line), tr("kind must be \"Config\""));
        if (const YAML::Node metadata = doc["metadata"]; metadata && !metadata.IsNull()) {
            if (!metadata.IsMap())
                error(lineOf(metadata, config.line), tr("metadata must be a mapping"));
            else if (const YAML::Node name = metadata["name"]; name && !name.IsNull())
                config.name = requireScalar(name, config.line, u"metadata.name"_s);
        }
        readProfiles(doc["profiles"], config);
        readBuild(doc["build"], config);
        config.renderers = keysOf(
            doc["manifests"], config.line, u"manifests"_s, { "rawYaml", "kustomize", "helm", "kpt" });
        config.deployers = keysOf(doc["deploy"], config.line, u"deploy"_s,
            { "kubectl", "kustomize", "helm", "kpt", "docker", "cloudrun" });
        if (const YAML::Node required = doc["requires"]; required && !required.IsNull()) {
            if (!required.IsSequence())
                error(lineOf(required, config.line), tr("requires must be a list"));
            else
                config.requiredConfigs = int(required.size());
        }
        return config;
    }

private:
    void error(int line, const QString &message) { m_errors.append({ m_file, line, message }); }

    QString requireScalar(const YAML::Node &node, int fallbackLine, const QString &field)
    {
        if (node.IsScalar())
            return scalarText(node);
        error(lineOf(node, fallbackLine), tr("%1 must be a string").arg(field));
        return {};
    }

    void readApiVersion(const YAML::Node &doc, SkaffoldConfig &config)
    {
        const YAML::Node node = doc["apiVersion"];
        if (!node || node.IsNull()) {
            error(config.line, tr("apiVersion is missing (expected skaffold/v…)"));
            return;
        }
        config.apiVersion = requireScalar(node, config.line, u"apiVersion"_s);
        if (node.IsScalar() && !config.apiVersion.startsWith(u"skaffold/"_s))
            error(lineOf(node, config.line),
                tr("apiVersion \"%1\" is not a skaffold version (skaffold/v…)").arg(config.apiVersion));
    }

    void readProfiles(const YAML::Node &profiles, SkaffoldConfig &config)
    {
        if (!profiles || profiles.IsNull())
            return;
        if (!profiles.IsSequence()) {
            error(lineOf(profiles, config.line), tr("profiles must be a list"));
            return;
        }
        for (const YAML::Node &profile : profiles) {
            const int line = lineOf(profile, lineOf(profiles, config.line));
            if (!profile.IsMap()) {
                error(line, tr("a profile must be a mapping with a name"));
                continue;
            }
            const YAML::Node name = profile["name"];
            if (!name || name.IsNull()) {
                error(line, tr("a profile has no name"));
                continue;
            }
            const QString text = requireScalar(name, line, u"profiles.name"_s);
            if (text.isEmpty())
                continue;
            if (config.profiles.contains(text))
                error(lineOf(name, line), tr("profile \"%1\" is defined twice").arg(text));
            else
                config.profiles << text;
        }
    }

    void readBuild(const YAML::Node &build, SkaffoldConfig &config)
    {
        if (!build || build.IsNull())
            return;
        if (!build.IsMap()) {
            error(lineOf(build, config.line), tr("build must be a mapping"));
            return;
        }
        const YAML::Node artifacts = build["artifacts"];
        if (!artifacts || artifacts.IsNull())
            return;
        if (!artifacts.IsSequence()) {
            error(lineOf(artifacts, config.line), tr("build.artifacts must be a list"));
            return;
        }
        for (const YAML::Node &artifact : artifacts) {
            const int line = lineOf(artifact, lineOf(artifacts, config.line));
            if (!artifact.IsMap()) {
                error(line, tr("an artifact must be a mapping with an image"));
                continue;
            }
            SkaffoldArtifact value;
            const YAML::Node image = artifact["image"];
            if (!image || image.IsNull()) {
                error(line, tr("an artifact has no image"));
                continue;
            }
            value.image = requireScalar(image, line, u"build.artifacts.image"_s);
            value.context = u"."_s;
            if (const YAML::Node context = artifact["context"]; context && !context.IsNull())
                value.context = requireScalar(context, line, u"build.artifacts.context"_s);
            if (!value.image.isEmpty())
                config.artifacts << value;
        }
    }

    QStringList keysOf(const YAML::Node &section, int fallbackLine, const QString &field,
        std::initializer_list<const char *> known)
    {
        QStringList keys;
        if (!section || section.IsNull())
            return keys;
        if (!section.IsMap()) {
            error(lineOf(section, fallbackLine), tr("%1 must be a mapping").arg(field));
            return keys;
        }
        // In the order the file lists them; settings beside the kinds (logs, statusCheck) are skipped.
        for (const auto &entry : section) {
            if (!entry.first.IsScalar())
                continue;
            for (const char *name : known) {
                if (entry.first.Scalar() == name)
                    keys << QString::fromLatin1(name);
            }
        }
        return keys;
    }

    QString m_file;
    QList<SpecIssue> &m_errors;
};

bool usesKustomizeHere(const QList<SkaffoldConfig> &configs)
{
    for (const SkaffoldConfig &config : configs) {
        if (config.renderers.contains(u"kustomize"_s) || config.deployers.contains(u"kustomize"_s))
            return true;
    }
    return false;
}

} // namespace

QString SpecIssue::toString() const
{
    return line > 0 ? u"%1:%2: %3"_s.arg(file).arg(line).arg(message) : u"%1: %2"_s.arg(file, message);
}

QString SpecDirectory::displayName() const
{
    for (const SkaffoldConfig &config : configs) {
        if (!config.name.isEmpty())
            return config.name;
    }
    return QFileInfo(path).fileName();
}

QStringList SpecDirectory::profiles() const
{
    QStringList all;
    for (const SkaffoldConfig &config : configs) {
        for (const QString &profile : config.profiles) {
            if (!all.contains(profile))
                all << profile;
        }
    }
    return all;
}

QStringList SpecDirectory::deployKinds() const
{
    QStringList all;
    for (const SkaffoldConfig &config : configs) {
        for (const QString &kind : config.deployers + config.renderers) {
            if (!all.contains(kind))
                all << kind;
        }
    }
    return all;
}

void parseSkaffoldYaml(const QByteArray &text, const QString &fileName, SpecDirectory &into)
{
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(text.toStdString());
    } catch (const YAML::Exception &e) {
        const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
        into.errors.append({ fileName, line, tr("malformed YAML: %1").arg(QString::fromStdString(e.msg)) });
        return;
    }
    ConfigReader reader(fileName, into.errors);
    for (const YAML::Node &doc : docs) {
        if (doc.IsNull()) // an empty document, e.g. after a trailing "---"
            continue;
        into.configs << reader.read(doc);
    }
    if (into.configs.isEmpty() && into.errors.isEmpty()) {
        into.errors.append({ fileName, 0, tr("the file holds no skaffold configuration") });
        return;
    }
    // Modules are addressed by name (-m), so two configs may not share one.
    for (qsizetype i = 0; i < into.configs.size(); ++i) {
        for (qsizetype j = 0; j < i; ++j) {
            const QString &name = into.configs[i].name;
            if (!name.isEmpty() && name == into.configs[j].name) {
                into.errors.append(
                    { fileName, into.configs[i].line, tr("two configurations are named \"%1\"").arg(name) });
                break;
            }
        }
    }
}

SpecDirectory readSpecDirectory(const QString &dir)
{
    SpecDirectory spec;
    spec.path = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    spec.skaffoldFile = spec.path + u"/skaffold.yaml"_s;
    const QDir directory(spec.path);
    if (!QFileInfo(spec.path).isDir()) {
        spec.errors.append({ spec.path, 0, tr("not a directory") });
        return spec;
    }
    for (const QString &name : { u"kustomization.yaml"_s, u"kustomization.yml"_s, u"Kustomization"_s }) {
        if (QFileInfo(directory.filePath(name)).isFile())
            spec.hasKustomization = true;
    }

    QFile file(spec.skaffoldFile);
    if (!QFileInfo(spec.skaffoldFile).isFile()) {
        spec.errors.append({ spec.skaffoldFile, 0, tr("skaffold.yaml not found in this directory") });
        return spec;
    }
    if (file.size() > MaxSkaffoldYamlBytes) {
        spec.errors.append({ spec.skaffoldFile, 0,
            tr("file is too large (%1 bytes) to be a skaffold configuration").arg(file.size()) });
        return spec;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        spec.errors.append({ spec.skaffoldFile, 0, tr("cannot read: %1").arg(file.errorString()) });
        return spec;
    }
    // Read with the cap too: the size may change between the check and the read.
    const QByteArray text = file.read(MaxSkaffoldYamlBytes + 1);
    if (text.size() > MaxSkaffoldYamlBytes) {
        spec.errors.append({ spec.skaffoldFile, 0, tr("file is too large to be a skaffold configuration") });
        return spec;
    }
    parseSkaffoldYaml(text, spec.skaffoldFile, spec);
    if (!spec.hasKustomization && usesKustomizeHere(spec.configs))
        spec.warnings.append({ spec.path + u"/kustomization.yaml"_s, 0,
            tr("not found, but skaffold.yaml renders with kustomize") });
    else if (!spec.hasKustomization && spec.errors.isEmpty())
        spec.warnings.append({ spec.path + u"/kustomization.yaml"_s, 0,
            tr("not found; a kubernetes-assert spec directory usually has one") });
    return spec;
}
