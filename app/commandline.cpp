#include "commandline.h"

#include "kassert_version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("main", text);
}

CommandLineResult usageError(const QString &message)
{
    CommandLineResult result;
    result.output = message + u"\nTry 'kassert --help'.\n"_s;
    result.exitCode = 2;
    result.toStderr = true;
    return result;
}

std::optional<QUrl> parseHttpUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != "http"_L1 && url.scheme() != "https"_L1) || url.host().isEmpty())
        return std::nullopt;
    return url;
}

} // namespace

CommandLineResult parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Desktop dashboard for Kubernetes Assert test suites.\n\n"
                                        "Commands:\n"
                                        "  (none)                  open the dashboard\n"
                                        "  status                  print every suite's state and exit (1 failing, 2 unknown)\n"
                                        "  rerun NAMESPACE/SUITE   rerun a suite and wait for its next result"));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption kubeconfigOption(u"kubeconfig"_s, tr("Path to the kubeconfig file to use (only this file is loaded)."),
                                              u"path"_s);
    const QCommandLineOption contextOption(u"context"_s, tr("The name of the kubeconfig context to use."), u"name"_s);
    const QCommandLineOption namespaceOption({u"n"_s, u"namespace"_s}, tr("The namespace to show instead of the context's."),
                                             u"namespace"_s);
    const QCommandLineOption allNamespacesOption({u"A"_s, u"all-namespaces"_s}, tr("Show suites of every namespace."));
    const QCommandLineOption prometheusOption(u"prometheus-url"_s,
                                              tr("Reach Prometheus at this URL instead of through the API server."), u"url"_s);
    const QCommandLineOption alertmanagerOption(u"alertmanager-url"_s,
                                                tr("Reach Alertmanager at this URL instead of through the API server."),
                                                u"url"_s);
    const QCommandLineOption jsonOption(u"json"_s, tr("status: print one JSON object."));
    const QCommandLineOption watchOption(u"watch"_s, tr("status: keep printing as suites change."));
    const QCommandLineOption demoOption(u"demo"_s, tr("Start a local demo cluster with simulated suites and show it."));
    const QCommandLineOption skaffoldDevOption(
        u"skaffold-dev"_s, tr("Open this spec directory and start skaffold dev for it once connected."), u"dir"_s);
    const QCommandLineOption skaffoldRunOption(
        u"skaffold-run"_s, tr("Open this spec directory and start skaffold run for it once connected."), u"dir"_s);
    parser.addOptions({kubeconfigOption, contextOption, namespaceOption, allNamespacesOption, prometheusOption,
                       alertmanagerOption, jsonOption, watchOption, demoOption, skaffoldDevOption, skaffoldRunOption});
    parser.addPositionalArgument(u"command"_s, tr("status or rerun (optional)."), u"[command]"_s);

    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    CommandLineResult result;
    if (parser.isSet(helpOption)) {
        result.output = parser.helpText();
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.output = u"kassert %1\n"_s.arg(QLatin1StringView(KASSERT_VERSION_STRING));
        return result;
    }

    CommandLineOptions options;
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        const QString &command = positional.constFirst();
        if (command == "status"_L1 && positional.size() == 1) {
            options.command = CommandLineOptions::Command::Status;
        } else if (command == "rerun"_L1) {
            if (positional.size() != 2 || positional.at(1).count(u'/') != 1 || positional.at(1).startsWith(u'/')
                || positional.at(1).endsWith(u'/'))
                return usageError(tr("rerun needs one NAMESPACE/SUITE argument."));
            options.command = CommandLineOptions::Command::Rerun;
            options.rerunTarget = positional.at(1);
        } else if (command == "status"_L1) {
            return usageError(tr("status takes no arguments: %1").arg(positional.mid(1).join(u' ')));
        } else {
            return usageError(tr("Unknown command: %1").arg(command));
        }
    }

    options.kubeconfig = parser.value(kubeconfigOption);
    options.context = parser.value(contextOption);
    options.nameSpace = parser.value(namespaceOption);
    options.allNamespaces = parser.isSet(allNamespacesOption);
    options.json = parser.isSet(jsonOption);
    options.watch = parser.isSet(watchOption);
    options.demo = parser.isSet(demoOption);
    if (options.allNamespaces && !options.nameSpace.isEmpty())
        return usageError(tr("-n/--namespace and -A/--all-namespaces exclude each other."));
    if ((options.json || options.watch) && options.command != CommandLineOptions::Command::Status)
        return usageError(tr("--json and --watch go with the status command."));
    if (options.demo && options.command != CommandLineOptions::Command::Gui)
        return usageError(tr("--demo opens the dashboard; it takes no command."));
    if (options.demo && (!options.kubeconfig.isEmpty() || !options.context.isEmpty()))
        return usageError(tr("--demo brings its own cluster; drop --kubeconfig and --context."));
    if (parser.isSet(skaffoldDevOption) && parser.isSet(skaffoldRunOption))
        return usageError(tr("--skaffold-dev and --skaffold-run exclude each other."));
    if (parser.isSet(skaffoldDevOption) || parser.isSet(skaffoldRunOption)) {
        options.skaffoldRun = parser.isSet(skaffoldRunOption);
        const QString dir = parser.value(options.skaffoldRun ? skaffoldRunOption : skaffoldDevOption);
        if (options.command != CommandLineOptions::Command::Gui)
            return usageError(tr("--skaffold-dev and --skaffold-run open the dashboard; they take no command."));
        // The demo cluster is simulated: nothing could be deployed into it.
        if (options.demo)
            return usageError(tr("--skaffold-dev and --skaffold-run deploy into a real cluster, not --demo."));
        if (dir.isEmpty())
            return usageError(tr("--skaffold-dev and --skaffold-run need a spec directory."));
        // Absolute now: the directory is named relative to where the user typed it.
        options.skaffoldSpecDir = QFileInfo(dir).absoluteFilePath();
    }
    for (const auto &[option, target] : {std::pair{&prometheusOption, &options.prometheusUrl},
                                         std::pair{&alertmanagerOption, &options.alertmanagerUrl}}) {
        if (!parser.isSet(*option))
            continue;
        const std::optional<QUrl> url = parseHttpUrl(parser.value(*option));
        if (!url)
            return usageError(tr("--%1 needs an http:// or https:// URL.").arg(option->names().constFirst()));
        *target = *url;
    }
    result.options = options;
    return result;
}
