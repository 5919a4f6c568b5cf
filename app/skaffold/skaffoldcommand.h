#pragma once

#include <QString>
#include <QStringList>

// What to launch for one spec directory, and the exact skaffold argv for it. Pure values:
// the session turns them into a QProcess, tests compare the argv verbatim.

enum class SkaffoldMode { Dev, Run };

struct SkaffoldLaunch
{
    SkaffoldMode mode = SkaffoldMode::Dev;
    QString specDir; // the directory holding skaffold.yaml; also the working directory
    QString kubeContext; // the app's current context; omitted when empty (skaffold's default)
    QString nameSpace; // omitted when empty
    QString kubeconfig; // only when the app was given one explicitly
    QString profile; // empty: no -p
    quint16 rpcHttpPort = 0; // the HTTP event API; 0: no event API (output parsing only)
};

// "dev" or "run".
QString skaffoldModeName(SkaffoldMode mode);

// dev|run -f <dir>/skaffold.yaml --kube-context C --namespace N [--kubeconfig K] [-p P]
// --interactive=false --update-check=false --rpc-http-port PORT, plus for dev
// --label skaffold.dev/tail=true: Skaffold v2 no longer sets that label, and the
// kubernetes-assert runtime reads it to know it runs in dev mode.
QStringList skaffoldArguments(const SkaffoldLaunch &launch);

// The command as a user would type it, for display only (arguments with spaces quoted).
QString skaffoldCommandLine(const QString &program, const QStringList &arguments);
