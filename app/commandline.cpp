#include "commandline.h"

#include "kassert_version.h"

#include <QCommandLineParser>
#include <QCoreApplication>

CommandLineResult parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Desktop dashboard for Kubernetes Assert test suites."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption kubeconfigOption(
        QStringLiteral("kubeconfig"),
        QCoreApplication::translate("main", "Path to the kubeconfig file to use (only this file is loaded)."),
        QStringLiteral("path"));
    const QCommandLineOption contextOption(
        QStringLiteral("context"),
        QCoreApplication::translate("main", "The name of the kubeconfig context to use."), QStringLiteral("name"));
    const QCommandLineOption namespaceOption(
        {QStringLiteral("n"), QStringLiteral("namespace")},
        QCoreApplication::translate("main", "The namespace to show instead of the context's."),
        QStringLiteral("namespace"));
    parser.addOptions({kubeconfigOption, contextOption, namespaceOption});

    CommandLineResult result;
    if (!parser.parse(arguments)) {
        result.output = parser.errorText() + QLatin1Char('\n');
        result.exitCode = 2;
        result.toStderr = true;
        return result;
    }
    if (parser.isSet(helpOption)) {
        result.output = parser.helpText();
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.output = QStringLiteral("kassert %1\n").arg(QLatin1StringView(KASSERT_VERSION_STRING));
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.output = QCoreApplication::translate("main", "Unexpected argument: %1\n")
                            .arg(parser.positionalArguments().constFirst());
        result.exitCode = 2;
        result.toStderr = true;
        return result;
    }
    CommandLineOptions options;
    options.kubeconfig = parser.value(kubeconfigOption);
    options.context = parser.value(contextOption);
    options.nameSpace = parser.value(namespaceOption);
    result.options = options;
    return result;
}
