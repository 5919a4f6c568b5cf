#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

// The options kassert takes on its command line, kubectl-style where kubectl has the
// same notion. Parsed once in main() and handed to the parts that need them.
struct CommandLineOptions
{
    enum class Command { Gui, Status, Rerun };

    Command command = Command::Gui;
    QString kubeconfig;     // --kubeconfig: load only this file
    QString context;        // --context: instead of the kubeconfig's current-context
    QString nameSpace;      // -n/--namespace: instead of the context's namespace
    bool allNamespaces = false; // -A/--all-namespaces
    QUrl prometheusUrl;     // --prometheus-url: instead of discovery through the API server
    QUrl alertmanagerUrl;   // --alertmanager-url
    bool json = false;      // status --json
    bool watch = false;     // status --watch
    QString rerunTarget;    // rerun NAMESPACE/SUITE
    bool demo = false;      // --demo: start and show the local demo cluster
    QString skaffoldSpecDir; // --skaffold-dev/--skaffold-run DIR (absolute): started once connected
    bool skaffoldRun = false; // --skaffold-run rather than --skaffold-dev
};

// The outcome of parsing: options to run with, or text to print and an exit code
// (for --help, --version and usage errors).
struct CommandLineResult
{
    std::optional<CommandLineOptions> options;
    QString output;
    int exitCode = 0;
    bool toStderr = false;
};

CommandLineResult parseCommandLine(const QStringList &arguments);
