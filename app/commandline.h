#pragma once

#include <QString>
#include <QStringList>

#include <optional>

// The options kassert takes on its command line, kubectl-style where kubectl has the
// same notion. Parsed once in main() and handed to the parts that need them.
struct CommandLineOptions
{
    QString kubeconfig; // --kubeconfig: load only this file
    QString context;    // --context: instead of the kubeconfig's current-context
    QString nameSpace;  // -n/--namespace: instead of the context's namespace
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
