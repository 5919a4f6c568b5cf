#pragma once

#include <QList>
#include <QString>
#include <QStringList>

// A spec directory as the Skaffold panel shows it: what its skaffold.yaml declares (read
// once with yaml-cpp into plain values) and whether a kustomization.yaml sits beside it.
// Reading never throws; every problem becomes a SpecIssue naming the file and line.

struct SpecIssue
{
    QString file; // absolute path of the file concerned
    int line = 0; // 1-based; 0 when the problem is not at a line (missing file)
    QString message;

    // "/dir/skaffold.yaml:12: profiles must be a list"
    QString toString() const;
    friend bool operator==(const SpecIssue &, const SpecIssue &) = default;
};

struct SkaffoldArtifact
{
    QString image;
    QString context; // "." when not given, as skaffold defaults it
    friend bool operator==(const SkaffoldArtifact &, const SkaffoldArtifact &) = default;
};

// One YAML document of skaffold.yaml: a config, or a module of a multi-config file.
struct SkaffoldConfig
{
    int line = 0; // where the document starts, 1-based
    QString apiVersion; // "skaffold/v4beta11"
    QString name; // metadata.name; modules are addressed by it (-m)
    QStringList profiles;
    QList<SkaffoldArtifact> artifacts;
    QStringList deployers; // keys of deploy: (kubectl, helm, kpt, docker, cloudrun, kustomize)
    QStringList renderers; // keys of manifests: (rawYaml, kustomize, helm, kpt)
    int requiredConfigs = 0; // entries of requires: (configs from other files, not followed)
};

struct SpecDirectory
{
    QString path; // the directory, cleaned
    QString skaffoldFile; // <path>/skaffold.yaml
    bool hasKustomization = false;
    QList<SkaffoldConfig> configs;
    QList<SpecIssue> errors; // the run buttons stay disabled while there are any
    QList<SpecIssue> warnings; // shown, but do not block (no kustomization.yaml, ...)

    bool isRunnable() const { return errors.isEmpty() && !configs.isEmpty(); }
    QString displayName() const; // first named config, else the directory's name
    QStringList profiles() const; // over all configs, first-seen order, no duplicates
    QStringList deployKinds() const; // over all configs: deployers, then renderers
};

// Files larger than this are refused rather than parsed (a spec file is a few KiB).
inline constexpr qint64 MaxSkaffoldYamlBytes = 4 * 1024 * 1024;

// Reads <dir>/skaffold.yaml and notes <dir>/kustomization.yaml (or .yml / Kustomization).
SpecDirectory readSpecDirectory(const QString &dir);

// Parses skaffold.yaml text; `fileName` is only used in the issues it reports.
void parseSkaffoldYaml(const QByteArray &text, const QString &fileName, SpecDirectory &into);
