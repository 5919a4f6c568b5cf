// The kassert executable: parses the command line and wires the parts together.
#include "commandline.h"
#include "kassert_version.h"
#include "mainwindow.h"
#include "session/clustersession.h"
#include "session/democluster.h"
#include "session/headlesscommand.h"
#include "skaffold/skaffoldsessions.h"
#include "skaffoldpanel.h"
#include "suitepanel.h"
#include "system/unixsignalwatcher.h"

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTextStream>
#include <QTimer>
#include <QTreeView>

#include <cstdio>
#include <memory>

namespace {

// Bench-only (tests/bench/startup.py, issue 10): quit as soon as the suite tree has been
// painted with its first suites, so process start → exit is the start-up time. Not a
// user option: taken out of the arguments before they are parsed, absent from --help.
const QString BenchExitFlag = QStringLiteral("--bench-exit-when-populated");

QStringList argumentList(int argc, char *argv[])
{
    QStringList list;
    for (int i = 0; i < argc; ++i)
        list << QString::fromLocal8Bit(argv[i]);
    return list;
}

// Watches the suite tree's viewport; after the first paint that shows rows it reports the
// time since main() on stderr and quits (after the paint, from the event loop).
class ExitWhenPopulated : public QObject
{
public:
    ExitWhenPopulated(QTreeView *view, const QElapsedTimer &sinceMain)
        : QObject(view)
        , m_view(view)
        , m_sinceMain(sinceMain)
    {
        view->viewport()->installEventFilter(this);
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_quitting && m_view->model() && m_view->model()->rowCount() > 0) {
            m_quitting = true;
            std::fprintf(stderr, "kassert: suite tree populated %lld ms after start\n",
                         static_cast<long long>(m_sinceMain.elapsed()));
            QTimer::singleShot(0, qApp, [] { QCoreApplication::quit(); });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QTreeView *m_view;
    QElapsedTimer m_sinceMain;
    bool m_quitting = false;
};

// `kassert status` and `kassert rerun`: no display needed.
int runHeadless(int argc, char *argv[], const CommandLineOptions &options)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    HeadlessCommand command(options, out, err);
    UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &app,
                     [&command] { QCoreApplication::exit(statusExitCode(command.report())); });
    QObject::connect(&command, &HeadlessCommand::finished, &app, [](int code) { QCoreApplication::exit(code); });
    // Started from the event loop: a command that finishes at once (a malformed
    // kubeconfig) must find the loop running to deliver its exit code.
    QMetaObject::invokeMethod(&command, &HeadlessCommand::start, Qt::QueuedConnection);
    return QCoreApplication::exec();
}

// The window and everything that lives as long as it.
class Desktop
{
public:
    Desktop(const CommandLineOptions &options, const QElapsedTimer *benchExit = nullptr)
        : m_options(options)
        , m_benchExit(benchExit)
    {
        QApplication::setQuitOnLastWindowClosed(false);
        QObject::connect(qApp, &QApplication::lastWindowClosed, qApp, [this] { quit(); });
        QObject::connect(&m_signals, &UnixSignalWatcher::signalReceived, qApp, [this] { quit(); });
        QObject::connect(&m_skaffold, &SkaffoldSessions::allStopped, qApp, [this] {
            if (m_quitting)
                QCoreApplication::quit();
        });
    }

    void start()
    {
        if (!m_options.demo) {
            open(ClusterSession::Options::fromCommandLine(m_options));
            return;
        }
        startDemo();
    }

private:
    void startDemo()
    {
        m_demo = std::make_unique<DemoCluster>();
        m_splash = std::make_unique<QLabel>();
        m_splash->setWindowTitle(QStringLiteral("kassert"));
        m_splash->setAlignment(Qt::AlignCenter);
        m_splash->setMinimumSize(420, 120);
        m_splash->setText(QObject::tr("Starting the demo cluster…"));
        m_splash->show();
        QObject::connect(m_demo.get(), &DemoCluster::progress, m_splash.get(), &QLabel::setText);
        QObject::connect(m_demo.get(), &DemoCluster::failed, qApp, [this](const QString &error) {
            QMessageBox::critical(m_splash.get(), QObject::tr("kassert demo"),
                                  QObject::tr("The demo cluster did not start:\n%1").arg(error));
            QCoreApplication::exit(1);
        });
        QObject::connect(m_demo.get(), &DemoCluster::ready, qApp, [this](const QString &kubeconfig, const QString &summary) {
            ClusterSession::Options options = ClusterSession::Options::fromCommandLine(m_options);
            options.kubeconfig = kubeconfig;
            options.allNamespaces = true;
            open(options);
            m_window->statusBar()->showMessage(summary, 15000);
            m_splash->hide();
        });
        m_demo->start();
    }

    void open(const ClusterSession::Options &options)
    {
        m_session = std::make_unique<ClusterSession>(options);
        m_window = std::make_unique<MainWindow>(m_session.get());

        auto *dock = new QDockWidget(QObject::tr("Skaffold"), m_window.get());
        dock->setObjectName(QStringLiteral("skaffold"));
        auto *panel = new SkaffoldPanel(&m_skaffold, m_settings, dock);
        dock->setWidget(panel);
        m_window->addPanelDock(dock);
        if (m_benchExit) {
            auto *suites = m_window->findChild<SuitePanel *>();
            if (auto *tree = suites ? suites->findChild<QTreeView *>() : nullptr)
                new ExitWhenPopulated(tree, *m_benchExit);
            else
                qFatal("%s: the window has no suite tree", qPrintable(BenchExitFlag));
        }
        const QString kubeconfig = options.kubeconfig;
        QObject::connect(m_session.get(), &ClusterSession::contextChanged, panel,
                         [panel, kubeconfig](const QString &context, const QString &nameSpace) {
                             panel->setClusterTarget(context, nameSpace, kubeconfig);
                         });
        if (!m_options.skaffoldSpecDir.isEmpty()) {
            // --skaffold-dev/--skaffold-run: shown at once, started when the target is known
            // (the connection above sets it first), and only the first time.
            panel->openSpecDirectory(m_options.skaffoldSpecDir);
            const SkaffoldMode mode = m_options.skaffoldRun ? SkaffoldMode::Run : SkaffoldMode::Dev;
            QObject::connect(m_session.get(), &ClusterSession::contextChanged, panel,
                             [panel, mode] { panel->start(mode); }, Qt::SingleShotConnection);
        }
        m_window->show();
        m_session->start();
    }

    // Skaffold sessions clean up what they deployed before the app goes.
    void quit()
    {
        if (m_quitting)
            return;
        m_quitting = true;
        if (m_window)
            m_window->hide();
        if (m_skaffold.liveCount() == 0) {
            QCoreApplication::quit();
            return;
        }
        m_skaffold.stopAll();
    }

    CommandLineOptions m_options;
    const QElapsedTimer *m_benchExit;
    QSettings m_settings;
    UnixSignalWatcher m_signals;
    SkaffoldSessions m_skaffold;
    std::unique_ptr<DemoCluster> m_demo;
    std::unique_ptr<QLabel> m_splash;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<MainWindow> m_window;
    bool m_quitting = false;
};

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceMain;
    sinceMain.start();
    QCoreApplication::setApplicationName(QStringLiteral("kassert"));
    QCoreApplication::setOrganizationName(QStringLiteral("kassert"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KASSERT_VERSION_STRING));

    // Parsed before any application object exists, so --help and --version need no display.
    QStringList arguments = argumentList(argc, argv);
    const bool benchExit = arguments.removeAll(BenchExitFlag) > 0;
    const CommandLineResult parsed = parseCommandLine(arguments);
    if (!parsed.options) {
        std::fputs(qPrintable(parsed.output), parsed.toStderr ? stderr : stdout);
        return parsed.exitCode;
    }
    if (parsed.options->command != CommandLineOptions::Command::Gui)
        return runHeadless(argc, argv, *parsed.options);

    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("kassert"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.kassert"));
    Desktop desktop(*parsed.options, benchExit ? &sinceMain : nullptr);
    desktop.start();
    return QApplication::exec();
}
