// The kassert executable: parses the command line and wires the parts together.
#include "commandline.h"
#include "kassert_version.h"
#include "mainwindow.h"

#include <QApplication>

#include <cstdio>

namespace {

QStringList argumentList(int argc, char *argv[])
{
    QStringList list;
    for (int i = 0; i < argc; ++i)
        list << QString::fromLocal8Bit(argv[i]);
    return list;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setApplicationName(QStringLiteral("kassert"));
    QCoreApplication::setOrganizationName(QStringLiteral("kassert"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KASSERT_VERSION_STRING));

    // Parsed before any application object exists, so --help and --version need no display.
    const CommandLineResult parsed = parseCommandLine(argumentList(argc, argv));
    if (!parsed.options) {
        std::fputs(qPrintable(parsed.output), parsed.toStderr ? stderr : stdout);
        return parsed.exitCode;
    }

    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("kassert"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.kassert"));

    MainWindow window(*parsed.options);
    window.show();
    return QApplication::exec();
}
