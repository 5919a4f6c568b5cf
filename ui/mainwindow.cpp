#include "mainwindow.h"

#include "appearance.h"
#include "connectionbar.h"
#include "emptystatewidget.h"
#include "endpointsdialog.h"
#include "exportbundleaction.h"
#include "kube/kubecontexts.h"
#include "logmodel.h"
#include "logpanel.h"
#include "podlogfeed.h"
#include "skaffoldpanel.h"
#include "specpanel.h"
#include "specrootmap.h"
#include "suitedetailview.h"
#include "suitepanel.h"
#include "suites/suitetracker.h"
#include "suites/turnnotifier.h"
#include "suitetreemodel.h"
#include "traynotifier.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace {

constexpr auto GeometryKey = "window/geometry";
constexpr auto StateKey = "window/state";
constexpr auto SplitterKey = "window/splitter";
constexpr auto MutedKey = "notifications/muted";

ConnectionBar::Light lightOf(ClusterSession::Link link)
{
    switch (link) {
    case ClusterSession::Link::Cluster:
        return ConnectionBar::Light::Cluster;
    case ClusterSession::Link::Prometheus:
        return ConnectionBar::Light::Prometheus;
    case ClusterSession::Link::Alertmanager:
        return ConnectionBar::Light::Alertmanager;
    }
    return ConnectionBar::Light::Cluster;
}

// The settings name contexts, hosts and endpoint URLs: they are the user's alone. QSettings
// rewrites its file through QSaveFile, which keeps an existing file's permissions, so the
// folder (0700) and the file (0600) only need to exist before the first write.
void keepSettingsPrivate()
{
    const QString path = QSettings().fileName();
    const QFileInfo info(path);
    if (!info.isAbsolute())
        return; // not a file (another platform's native store)
    if (QDir().mkpath(info.absolutePath()))
        QFile::setPermissions(info.absolutePath(),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QFile file(path);
    if (!file.exists())
        file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    else
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

} // namespace

MainWindow::MainWindow(ClusterSession *session, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_model(new SuiteTreeModel(session->tracker(), this))
    , m_connection(new ConnectionBar(this))
    , m_suites(new SuitePanel(m_model, this))
    , m_detail(new SuiteDetailView(session->tracker(), this))
    , m_emptyState(new EmptyStateWidget(this))
    , m_rightSide(new QStackedWidget(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_turns(new TurnNotifier(this))
    , m_tray(new TrayNotifier(this))
    , m_logModel(new LogModel(this))
    , m_logFeed(new PodLogFeed(m_logModel, this))
    , m_logs(new LogPanel(this))
    , m_spec(new SpecPanel(this))
    , m_specRoots(new SpecRootMap(this))
{
    keepSettingsPrivate();
    setObjectName(QStringLiteral("MainWindow"));
    m_commandLinePrometheus = session->prometheusOverride();
    m_commandLineAlertmanager = session->alertmanagerOverride();
    setWindowIcon(QIcon(QStringLiteral(":/icons/kassert.svg")));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    resize(1200, 760);

    m_rightSide->addWidget(m_emptyState);
    m_rightSide->addWidget(m_detail);
    m_splitter->addWidget(m_suites);
    m_splitter->addWidget(m_rightSide);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setChildrenCollapsible(false);
    // The log toolbar's size hint is wide; the suite names matter more than its spacing.
    m_rightSide->setMinimumWidth(420);
    m_suites->setMinimumWidth(280);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_connection);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    m_logs->setModel(m_logModel);
    m_detail->insertTab(0, m_logs, tr("Logs"));
    m_detail->insertTab(1, m_spec, tr("Spec"));
    m_detail->setCurrentIndex(0);
    m_spec->setFailures(m_logs->failureModel());
    createActions();

    // Session → widgets.
    connect(session, &ClusterSession::statusChanged, this,
            [this](ClusterSession::Link link, const ConnectionStatus &status) {
                m_connection->setStatus(lightOf(link), status);
                updateEmptyState();
            });
    connect(session, &ClusterSession::contextChanged, this, [this](const QString &context, const QString &) {
        m_logFeed->setClient(m_session->client());
        m_logs->setContainers({});
        // Queued: the session is still inside its switch while it tells us.
        QMetaObject::invokeMethod(this, [this, context] { applyStoredEndpoints(context); }, Qt::QueuedConnection);
        if (m_session->contexts())
            m_connection->setContexts(m_session->contexts()->contextNames(), context);
        updateAggregate();
        updateEmptyState();
        updateSpecRoot();
    });
    connect(session, &ClusterSession::namespacesChanged, this, [this](const QStringList &namespaces) {
        m_connection->setNamespaces(namespaces, m_session->nameSpace());
    });
    connect(session, &ClusterSession::rerunFinished, this,
            [this](const SuiteKey &key, const ClusterSession::ActionResult &result) { reportAction(key, result, true); });
    connect(session, &ClusterSession::restartFinished, this,
            [this](const SuiteKey &key, const ClusterSession::ActionResult &result) { reportAction(key, result, false); });
    connect(session, &ClusterSession::silenceFinished, this,
            [this](const SuiteKey &, const ClusterSession::ActionResult &result) {
                statusBar()->showMessage(result.message, 8000);
            });
    connect(session, &ClusterSession::historyReady, m_detail, &SuiteDetailView::setHistory);

    // Widgets → session.
    connect(m_connection, &ConnectionBar::contextChosen, session, &ClusterSession::switchContext);
    connect(m_connection, &ConnectionBar::namespaceChosen, session, &ClusterSession::setNamespace);
    connect(m_connection, &ConnectionBar::configureEndpointsRequested, this, &MainWindow::configureEndpoints);
    connect(m_detail, &SuiteDetailView::historyRequested, session, &ClusterSession::requestHistory);
    connect(m_detail, &SuiteDetailView::silenceRequested, session, &ClusterSession::silence);
    connect(m_suites, &SuitePanel::selectionChanged, this, &MainWindow::showSelection);
    connect(m_logs, &LogPanel::containerChosen, this, [this](const QString &container, bool previous) {
        m_logFeed->show(m_logFeed->nameSpace(), m_logFeed->pod(), container, previous);
    });
    connect(m_logs, &LogPanel::failureChosen, this,
            [this](const QString &file, int line) { openFrame(file, line, false); });
    connect(m_logs, &LogPanel::frameActivated, this, [this](const QString &file, int line) { openFrame(file, line, true); });
    connect(m_spec, &SpecPanel::setDirectoryRequested, this, &MainWindow::chooseSpecDirectory);
    connect(m_specRoots, &SpecRootMap::changed, this, &MainWindow::updateSpecRoot);
    connect(m_logFeed, &PodLogFeed::statusChanged, this, [this](const QString &text, bool error) {
        statusBar()->showMessage(text, error ? 0 : 5000);
    });

    // Tracker → attention.
    SuiteTracker *tracker = session->tracker();
    connect(tracker, &SuiteTracker::suiteTurned, m_turns, &TurnNotifier::suiteTurned);
    connect(m_turns, &TurnNotifier::notify, m_tray, &TrayNotifier::showMessage);
    connect(m_tray, &TrayNotifier::activated, this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    for (auto signal : {&SuiteTracker::suiteAdded, &SuiteTracker::suiteChanged, &SuiteTracker::suiteRemoved})
        connect(tracker, signal, this, &MainWindow::updateAggregate);
    // A new run of the shown suite may come from another Skaffold session.
    connect(tracker, &SuiteTracker::suiteChanged, this, [this](const SuiteKey &key) {
        if (key == m_suites->selectedSuite())
            updateSpecRoot();
    });

    restoreLayout();
    updateAggregate();
    updateEmptyState();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu *suiteMenu = menuBar()->addMenu(tr("&Suite"));
    m_rerun = suiteMenu->addAction(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("&Rerun"), this,
                                   &MainWindow::rerunSelected);
    m_rerun->setShortcut(QKeySequence(Qt::Key_F5));
    m_rerun->setToolTip(tr("Run the selected suite's specs again now (F5)"));
    m_rerunFailing = suiteMenu->addAction(tr("Rerun All &Failing"), this, &MainWindow::rerunAllFailing);
    m_rerunFailing->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    m_nextFailing = suiteMenu->addAction(tr("&Next Failing Suite"), this, [this] { m_suites->selectNextFailing(); });
    m_nextFailing->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F8));
    suiteMenu->addSeparator();
    m_find = suiteMenu->addAction(tr("&Filter Suites"), this, [this] {
        m_suites->filterEdit()->setFocus(Qt::ShortcutFocusReason);
        m_suites->filterEdit()->selectAll();
    });
    m_find->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    // One action per command, owned by the window so its key works wherever the focus
    // is; the log panel's own shortcuts are off, so no key is ambiguous.
    m_logs->setOwnShortcuts(false);
    m_findInLog = suiteMenu->addAction(tr("&Find in Log"), this, [this] {
        m_detail->setCurrentWidget(m_logs);
        m_logs->focusSearch();
    });
    m_findInLog->setShortcut(QKeySequence::Find);
    m_nextFailure = suiteMenu->addAction(tr("Next Failure in &Log"), this, [this] {
        m_detail->setCurrentWidget(m_logs);
        m_logs->nextFailure();
    });
    m_nextFailure->setShortcut(QKeySequence(Qt::Key_F8));
    m_previousFailure = suiteMenu->addAction(tr("Previous Failure in Log"), this, [this] {
        m_detail->setCurrentWidget(m_logs);
        m_logs->previousFailure();
    });
    m_previousFailure->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F8));
    for (QAction *action : {m_findInLog, m_nextFailure, m_previousFailure})
        action->setShortcutContext(Qt::WindowShortcut);

    suiteMenu->addSeparator();
    m_setSpecDirectory = suiteMenu->addAction(tr("Set Spec &Directory…"), this, &MainWindow::chooseSpecDirectory);
    m_setSpecDirectory->setToolTip(tr("Choose where the selected suite's spec files are on this machine"));
    m_setSpecDirectory->setEnabled(false);
    // The suite tree's context menu: what applies to the suite under the cursor.
    m_suites->view()->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_suites->view()->addActions({m_rerun, m_setSpecDirectory});

    // The selected run's logs, pod, events and metrics in a folder, for a ticket.
    auto *exportBundle = new ExportBundleAction(m_session, this);
    suiteMenu->addActions(exportBundle->actions());
    m_suites->view()->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_suites->view()->addActions(exportBundle->actions());
    connect(m_suites, &SuitePanel::selectionChanged, exportBundle, &ExportBundleAction::setSelection);

    suiteMenu->addSeparator();
    suiteMenu->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);

    QMenu *clusterMenu = menuBar()->addMenu(tr("&Cluster"));
    m_switchContext = clusterMenu->addAction(tr("Switch &Context…"), this, [this] {
        KubeContexts *contexts = m_session->contexts();
        if (!contexts)
            return;
        const QStringList names = contexts->contextNames();
        bool ok = false;
        const QString chosen = QInputDialog::getItem(this, tr("Switch Context"), tr("Context:"), names,
                                                     qMax(0, names.indexOf(m_session->currentContext())), false, &ok);
        if (ok && !chosen.isEmpty())
            m_session->switchContext(chosen);
    });
    m_switchContext->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));

    m_mute = clusterMenu->addAction(tr("&Mute Notifications"));
    m_mute->setCheckable(true);
    m_mute->setChecked(QSettings().value(QLatin1StringView(MutedKey), false).toBool());
    m_turns->setMuted(m_mute->isChecked());
    connect(m_mute, &QAction::toggled, this, [this](bool muted) {
        m_turns->setMuted(muted);
        QSettings().setValue(QLatin1StringView(MutedKey), muted);
    });
    m_tray->menu()->addAction(m_mute);
    m_tray->menu()->addAction(m_rerunFailing);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    QMenu *themeMenu = m_viewMenu->addMenu(tr("&Theme"));
    auto *themes = new QActionGroup(this);
    const Appearance::Theme chosen = Appearance::stored();
    const std::pair<Appearance::Theme, QString> choices[] = {{Appearance::Theme::System, tr("&System")},
                                                             {Appearance::Theme::Light, tr("&Light")},
                                                             {Appearance::Theme::Dark, tr("&Dark")}};
    for (const auto &[theme, label] : choices) {
        QAction *action = themeMenu->addAction(label, this, [theme] {
            Appearance::apply(theme);
            Appearance::store(theme);
        });
        action->setCheckable(true);
        action->setChecked(theme == chosen);
        themes->addAction(action);
    }
    // The desktop's palette needs nothing done; only an explicit choice changes it.
    if (chosen != Appearance::Theme::System && Appearance::current() != chosen)
        Appearance::apply(chosen);
    m_viewMenu->addSeparator();

    auto *toolbar = addToolBar(tr("Actions"));
    toolbar->setObjectName(QStringLiteral("actions"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setMovable(false);
    toolbar->addAction(m_rerun);
    toolbar->addAction(m_rerunFailing);
    m_rerun->setEnabled(false);
}

void MainWindow::addDetailTab(QWidget *page, const QString &title, int index)
{
    m_detail->insertTab(index < 0 ? m_detail->count() : index, page, title);
}

void MainWindow::addPanelDock(QDockWidget *dock)
{
    if (auto *skaffold = qobject_cast<SkaffoldPanel *>(dock->widget()))
        setSkaffoldSessions(skaffold->sessions());
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    m_viewMenu->addAction(dock->toggleViewAction());
    // Restored again now that it exists, so its place survives restarts; the first time,
    // the suites keep most of the height.
    if (!restoreState(QSettings().value(QLatin1StringView(StateKey)).toByteArray()))
        resizeDocks({dock}, {height() / 4}, Qt::Vertical);
}

void MainWindow::setSkaffoldSessions(SkaffoldSessions *sessions)
{
    m_specRoots->setSessions(sessions);
}

void MainWindow::setSpecDirectory(const SuiteKey &suite, const QString &directory)
{
    m_specRoots->setUserRoot(m_session->currentContext(), suite, directory);
}

void MainWindow::chooseSpecDirectory()
{
    const SuiteKey suite = m_suites->selectedSuite();
    if (suite.name.isEmpty())
        return;
    // Window-modal and asynchronous: the window keeps updating while it is open.
    auto *dialog = new QFileDialog(this, tr("Spec directory of %1").arg(suite.toString()), m_spec->specRoot());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    connect(dialog, &QFileDialog::fileSelected, this, [this, suite](const QString &directory) {
        setSpecDirectory(suite, directory);
        m_detail->setCurrentWidget(m_spec);
    });
    dialog->open();
}

void MainWindow::updateSpecRoot()
{
    const SuiteKey suite = m_suites->selectedSuite();
    m_setSpecDirectory->setEnabled(!suite.name.isEmpty());
    const Suite *shown = suite.name.isEmpty() ? nullptr : m_session->tracker()->suite(suite);
    QString runId;
    const QString pod = m_suites->selectedPod();
    for (const Run &run : shown ? shown->runs : QList<Run>{}) {
        if (run.pod.name == pod)
            runId = run.pod.runId();
    }
    const SpecRootMap::Root root = m_specRoots->rootFor(m_session->currentContext(), suite, runId);
    QString origin;
    if (root.source == SpecRootMap::Source::User)
        origin = tr("set by you");
    else if (root.source == SpecRootMap::Source::Skaffold)
        origin = tr("from its Skaffold session");
    m_spec->setSpecRoot(root.directory, origin, suite.name.isEmpty() ? QString() : suite.toString());
}

void MainWindow::openFrame(const QString &file, int line, bool bringForward)
{
    if (m_spec->specRoot().isEmpty() && !bringForward)
        return; // nothing to show beside the log; the Spec tab says why when opened
    const QString error = m_spec->openFrame(file, line);
    if (bringForward)
        m_detail->setCurrentWidget(m_spec);
    if (!error.isEmpty())
        statusBar()->showMessage(error, 8000);
}

void MainWindow::configureEndpoints()
{
    const QString context = m_session->currentContext();
    EndpointsDialog dialog(context, m_session->prometheusOverride(), m_session->alertmanagerOverride(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QSettings settings;
    const auto store = [&](const QString &which, const QUrl &url) {
        const QString key = EndpointsDialog::settingsKey(context, which);
        if (url.isEmpty())
            settings.remove(key);
        else
            settings.setValue(key, url.toString());
    };
    store(QStringLiteral("prometheus"), dialog.prometheusUrl());
    store(QStringLiteral("alertmanager"), dialog.alertmanagerUrl());
    m_session->setEndpointOverrides(dialog.prometheusUrl(), dialog.alertmanagerUrl());
}

void MainWindow::applyStoredEndpoints(const QString &context)
{
    if (context != m_session->currentContext())
        return;
    // A context's saved URLs win; without them, what the command line said.
    QSettings settings;
    const QString prometheus = settings.value(EndpointsDialog::settingsKey(context, QStringLiteral("prometheus"))).toString();
    const QString alertmanager =
        settings.value(EndpointsDialog::settingsKey(context, QStringLiteral("alertmanager"))).toString();
    m_session->setEndpointOverrides(prometheus.isEmpty() ? m_commandLinePrometheus : QUrl(prometheus),
                                    alertmanager.isEmpty() ? m_commandLineAlertmanager : QUrl(alertmanager));
}

void MainWindow::showLogOf(const SuiteKey &key, const QString &podName)
{
    const Suite *suite = m_session->tracker()->suite(key);
    const Run *shown = nullptr;
    for (const Run &run : suite ? suite->runs : QList<Run>{}) {
        if (run.hasPod && run.pod.name == podName)
            shown = &run;
    }
    if (!shown) {
        m_logFeed->stop();
        m_logs->setContainers({});
        return;
    }
    const PodInfo &pod = shown->pod;
    // Another run of the same pod keeps the container the user chose.
    const bool samePod = pod.nameSpace == m_logFeed->nameSpace() && pod.name == m_logFeed->pod();
    const QString container = samePod ? m_logFeed->container() : pod.assertContainer();
    QStringList containers;
    for (const ContainerInfo &info : pod.containers)
        containers << info.name;
    m_logs->setContainers(containers, container);
    m_logFeed->show(pod.nameSpace, pod.name, container, samePod && m_logs->previousContainer());
}

void MainWindow::showSelection(const SuiteKey &suite, const QString &pod)
{
    const bool has = !suite.name.isEmpty();
    m_rerun->setEnabled(has);
    if (has)
        m_detail->showSuite(suite);
    showLogOf(suite, pod);
    updateSpecRoot();
    m_session->setFocusedSuite(suite);
    updateEmptyState();
}

void MainWindow::updateAggregate()
{
    const SuiteTracker *tracker = m_session->tracker();
    int failing = 0;
    RunState worst = RunState::Passed;
    const QList<SuiteKey> keys = tracker->keys();
    for (const SuiteKey &key : keys) {
        const Suite *suite = tracker->suite(key);
        const RunState state = suite->verdict.state;
        if (state == RunState::Failed || state == RunState::Error)
            ++failing;
        if (runStateSeverity(state) > runStateSeverity(worst))
            worst = state;
    }
    if (keys.isEmpty())
        worst = RunState::Unknown;
    m_tray->setAggregate(worst, failing, int(keys.size()));
    m_rerunFailing->setEnabled(failing > 0);

    const QString context = m_session->currentContext();
    QString title = context.isEmpty() ? QStringLiteral("kassert") : context;
    if (failing > 0)
        title = tr("%n failing", nullptr, failing) + QStringLiteral(" — ") + title;
    setWindowTitle(title);
    updateEmptyState();
}

void MainWindow::updateEmptyState()
{
    const bool hasSuites = !m_session->tracker()->keys().isEmpty();
    const bool hasSelection = !m_suites->selectedSuite().name.isEmpty();
    if (hasSuites && hasSelection) {
        m_rightSide->setCurrentWidget(m_detail);
        return;
    }
    m_rightSide->setCurrentWidget(m_emptyState);
    const ConnectionStatus cluster = m_session->status(ClusterSession::Link::Cluster);
    if (cluster.health == ConnectionStatus::Health::Failed) {
        m_emptyState->setTitle(tr("Cannot reach the cluster"));
        m_emptyState->setExplanation(
            tr("<p>%1</p><p>Check the kubeconfig and context, or start <tt>kassert --demo</tt> to try "
               "kassert with a local demo cluster.</p>")
                .arg(cluster.error.toHtmlEscaped()));
    } else if (hasSuites) {
        m_emptyState->setTitle(tr("Select a suite"));
        m_emptyState->setExplanation(
            tr("Choose a suite on the left to see its logs, history, runs and alerts. Failing suites "
               "are listed first; F5 reruns the selected one."));
    } else if (cluster.health == ConnectionStatus::Health::Ok) {
        m_emptyState->setTitle(tr("No test suites yet"));
        m_emptyState->setExplanation(
            tr("<p>No pods labelled <tt>kubernetes-assert=metrics</tt> in %1.</p>"
               "<p>Deploy a spec directory with <tt>skaffold dev</tt> (see the Skaffold panel) "
               "or choose another namespace above.</p>")
                .arg(m_session->nameSpace().isEmpty() ? tr("any namespace")
                                                      : tr("namespace <b>%1</b>").arg(m_session->nameSpace().toHtmlEscaped())));
    } else {
        m_emptyState->setTitle(tr("Connecting…"));
        m_emptyState->setExplanation(tr("Listing the test suites of context <b>%1</b>.")
                                         .arg(m_session->currentContext().toHtmlEscaped()));
    }
}

void MainWindow::rerunSelected()
{
    const SuiteKey key = m_suites->selectedSuite();
    if (key.name.isEmpty())
        return;
    statusBar()->showMessage(tr("Asking %1 to run its specs again…").arg(key.name));
    m_session->rerun(key);
}

void MainWindow::rerunAllFailing()
{
    const SuiteTracker *tracker = m_session->tracker();
    int count = 0;
    for (const SuiteKey &key : tracker->keys()) {
        const RunState state = tracker->suite(key)->verdict.state;
        if (state == RunState::Failed || state == RunState::Error) {
            m_session->rerun(key);
            ++count;
        }
    }
    statusBar()->showMessage(tr("Rerunning %n failing suite(s)…", nullptr, count), 5000);
}

void MainWindow::reportAction(const SuiteKey &key, const ClusterSession::ActionResult &result, bool wasRerun)
{
    statusBar()->showMessage(result.message, 10000);
    if (!wasRerun || result.ok || !result.canRestartRun)
        return;
    const auto answer = QMessageBox::question(
        this, tr("Rerun refused"),
        tr("<p>%1</p><p>Restart the run instead? This deletes the pod <b>%2</b>; its Deployment starts a "
           "new one, which runs all specs.</p>")
            .arg(result.message.toHtmlEscaped(), m_suites->selectedPod().toHtmlEscaped()),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer == QMessageBox::Yes)
        m_session->restartRun(key);
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    restoreGeometry(settings.value(QLatin1StringView(GeometryKey)).toByteArray());
    restoreState(settings.value(QLatin1StringView(StateKey)).toByteArray());
    const QByteArray splitter = settings.value(QLatin1StringView(SplitterKey)).toByteArray();
    if (!splitter.isEmpty())
        m_splitter->restoreState(splitter);
    else
        m_splitter->setSizes({460, 740});
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QLatin1StringView(GeometryKey), saveGeometry());
    settings.setValue(QLatin1StringView(StateKey), saveState());
    settings.setValue(QLatin1StringView(SplitterKey), m_splitter->saveState());
    event->accept();
}
