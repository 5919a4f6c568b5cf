#include "skaffold/skaffoldcommand.h"

#include <QDir>

using namespace Qt::StringLiterals;

QString skaffoldModeName(SkaffoldMode mode)
{
    return mode == SkaffoldMode::Dev ? u"dev"_s : u"run"_s;
}

QStringList skaffoldArguments(const SkaffoldLaunch &launch)
{
    QStringList args { skaffoldModeName(launch.mode), u"-f"_s,
        QDir::cleanPath(launch.specDir + u"/skaffold.yaml"_s) };
    if (!launch.kubeContext.isEmpty())
        args << u"--kube-context"_s << launch.kubeContext;
    if (!launch.nameSpace.isEmpty())
        args << u"--namespace"_s << launch.nameSpace;
    if (!launch.kubeconfig.isEmpty())
        args << u"--kubeconfig"_s << launch.kubeconfig;
    if (!launch.profile.isEmpty())
        args << u"-p"_s << launch.profile;
    // Without a TTY skaffold would still try to prompt and to phone home; neither fits a
    // child process whose output goes to a console widget.
    args << u"--interactive=false"_s << u"--update-check=false"_s;
    if (launch.rpcHttpPort != 0)
        args << u"--rpc-http-port"_s << QString::number(launch.rpcHttpPort);
    if (launch.mode == SkaffoldMode::Dev)
        args << u"--label"_s << u"skaffold.dev/tail=true"_s;
    return args;
}

QString skaffoldCommandLine(const QString &program, const QStringList &arguments)
{
    QStringList parts { program };
    for (const QString &arg : arguments) {
        const bool needsQuotes = arg.isEmpty() || arg.contains(u' ') || arg.contains(u'"')
            || arg.contains(u'\'') || arg.contains(u'\t');
        if (!needsQuotes) {
            parts << arg;
            continue;
        }
        QString quoted = arg;
        quoted.replace(u"'"_s, u"'\\''"_s);
        parts << u'\'' + quoted + u'\'';
    }
    return parts.join(u' ');
}
