#include "skaffoldpanel.h"

#include "logmodel.h"
#include "logview.h"
#include "sessionmodel.h"
#include "skaffold/recentspecdirectories.h"
#include "skaffold/skaffoldsession.h"
#include "skaffold/skaffoldsessions.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

QString htmlList(const QStringList &items)
{
    QString html = u"<ul style=\"margin:0\">"_s;
    for (const QString &item : items)
        html += u"<li>"_s + item.toHtmlEscaped() + u"</li>"_s;
    return html + u"</ul>"_s;
}

} // namespace

SkaffoldPanel::SkaffoldPanel(SkaffoldSessions *sessions, QSettings &settings, QWidget *parent)
    : QWidget(parent)
    , m_sessions(sessions)
    , m_settings(settings)
    , m_model(new SessionModel(sessions, this))
{
    // Spec directory: recent list and a chooser.
    m_recent = new QComboBox;
    m_recent->setAccessibleName(tr("Spec directory"));
    m_recent->setPlaceholderText(tr("Choose a spec directory…"));
    m_recent->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_recent->setMinimumContentsLength(30);
    m_choose = new QPushButton(tr("Open…"));
    m_choose->setToolTip(tr("Choose a directory holding skaffold.yaml"));
    auto *dirRow = new QHBoxLayout;
    dirRow->addWidget(m_recent, 1);
    dirRow->addWidget(m_choose);

    m_specInfo = new QLabel;
    m_specInfo->setTextFormat(Qt::RichText);
    m_specInfo->setWordWrap(true);
    m_specInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_specErrors = new QLabel;
    m_specErrors->setTextFormat(Qt::RichText);
    m_specErrors->setWordWrap(true);
    m_specErrors->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_profile = new QComboBox;
    m_profile->setAccessibleName(tr("Profile"));
    m_dev = new QPushButton(tr("Dev"));
    m_dev->setToolTip(tr("skaffold dev: build, deploy, watch and redeploy; cleans up when stopped"));
    m_run = new QPushButton(tr("Run"));
    m_run->setToolTip(tr("skaffold run: build and deploy once"));
    m_target = new QLabel;
    m_target->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Profile:")));
    runRow->addWidget(m_profile);
    runRow->addWidget(m_dev);
    runRow->addWidget(m_run);
    runRow->addWidget(m_target, 1);

    auto *specBox = new QGroupBox(tr("Spec directory"));
    auto *specLayout = new QVBoxLayout(specBox);
    specLayout->addLayout(dirRow);
    specLayout->addWidget(m_specInfo);
    specLayout->addWidget(m_specErrors);
    specLayout->addLayout(runRow);

    // Sessions and the selected one's state.
    m_list = new QListView;
    m_list->setModel(m_model);
    m_list->setAccessibleName(tr("Skaffold sessions"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setMinimumWidth(280);

    m_phase = new QLabel;
    m_runId = new QLabel;
    m_runId->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar;
    m_progress->setTextVisible(true);
    m_actionable = new QLabel;
    m_actionable->setTextFormat(Qt::RichText);
    m_actionable->setWordWrap(true);
    m_actionable->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stop = new QPushButton(tr("Stop"));
    m_remove = new QPushButton(tr("Remove"));
    m_remove->setToolTip(tr("Remove the finished session from the list"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_stop);
    buttons->addWidget(m_remove);
    buttons->addStretch();

    auto *detail = new QWidget;
    auto *detailLayout = new QFormLayout(detail);
    detailLayout->addRow(tr("Phase:"), m_phase);
    detailLayout->addRow(tr("Run id:"), m_runId);
    detailLayout->addRow(m_progress);
    detailLayout->addRow(m_actionable);
    detailLayout->addRow(buttons);

    auto *sessionsSplit = new QSplitter(Qt::Horizontal);
    sessionsSplit->addWidget(m_list);
    sessionsSplit->addWidget(detail);
    sessionsSplit->setStretchFactor(1, 1);

    // Output: skaffold's stdout and stderr as they were written, in the log view (ANSI
    // aware, searchable, follows the tail while the reader is at the bottom).
    m_consoleModel = new LogModel(this);
    m_console = new LogView;
    m_console->setModel(m_consoleModel);
    m_console->setAccessibleName(tr("Skaffold output"));
    m_consoleSearch = new QLineEdit;
    m_consoleSearch->setPlaceholderText(tr("Search the output (Enter: next)"));
    m_consoleSearch->setClearButtonEnabled(true);
    connect(m_consoleSearch, &QLineEdit::textChanged, this,
            [this](const QString &text) { m_console->setSearchPattern(text, false, false); });
    connect(m_consoleSearch, &QLineEdit::returnPressed, m_console, &LogView::findNext);
    auto *output = new QWidget;
    auto *outputLayout = new QVBoxLayout(output);
    outputLayout->setContentsMargins(0, 0, 0, 0);
    outputLayout->addWidget(m_consoleSearch);
    outputLayout->addWidget(m_console, 1);

    auto *vertical = new QSplitter(Qt::Vertical);
    vertical->addWidget(sessionsSplit);
    vertical->addWidget(output);
    vertical->setStretchFactor(1, 1);
    m_sessionArea = vertical;

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(specBox);
    layout->addWidget(vertical, 1);
    layout->addStretch(); // takes the height while the session area is hidden

    connect(m_choose, &QPushButton::clicked, this, &SkaffoldPanel::chooseDirectory);
    connect(m_recent, &QComboBox::activated, this,
        [this](int index) { openSpecDirectory(m_recent->itemData(index).toString()); });
    connect(m_dev, &QPushButton::clicked, this, [this] { start(SkaffoldMode::Dev); });
    connect(m_run, &QPushButton::clicked, this, [this] { start(SkaffoldMode::Run); });
    connect(m_stop, &QPushButton::clicked, this, [this] {
        if (m_current && m_current->state() == SkaffoldSession::State::Stopping)
            m_current->kill(); // the second press: do not wait for cleanup
        else if (m_current)
            m_current->stop();
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (m_current && !m_current->isLive()) {
            SkaffoldSession *gone = m_current;
            m_output.remove(gone);
            m_sessions->remove(gone);
        }
    });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this](const QModelIndex &index) { selectSession(m_model->sessionAt(index.row())); });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (!m_current || m_model->rowOf(m_current) < 0)
            selectSession(m_model->sessionAt(0));
        updateButtons();
    });
    connect(m_sessions, &SkaffoldSessions::sessionAdded, this, [this](SkaffoldSession *session) {
        connect(session, &SkaffoldSession::outputLines, this,
            [this, session](const QStringList &lines) { appendOutput(session, lines); });
        connect(session, &SkaffoldSession::changed, this, [this, session] {
            if (session == m_current)
                showSession();
            updateButtons();
        });
        connect(session, &SkaffoldSession::stopProgress, this, [this, session](qint64 elapsed, int timeout) {
            if (session == m_current)
                showStopProgress(elapsed, timeout);
        });
    });

    // Until there is a session the panel is only the spec chooser, so the dock stays
    // small and the suites keep the window's height.
    const auto showSessionArea = [this] { m_sessionArea->setVisible(m_model->rowCount() > 0); };
    connect(m_model, &QAbstractItemModel::rowsInserted, this, showSessionArea);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, showSessionArea);
    connect(m_model, &QAbstractItemModel::modelReset, this, showSessionArea);
    showSessionArea();

    setClusterTarget({}, {});
    fillRecent();
    showSpec();
    showSession();
}

void SkaffoldPanel::setClusterTarget(
    const QString &kubeContext, const QString &nameSpace, const QString &kubeconfig)
{
    m_kubeContext = kubeContext;
    m_nameSpace = nameSpace;
    m_kubeconfig = kubeconfig;
    m_target->setText(tr("into %1 / %2")
                          .arg(kubeContext.isEmpty() ? tr("(current context)") : kubeContext,
                              nameSpace.isEmpty() ? tr("(default namespace)") : nameSpace));
}

void SkaffoldPanel::chooseDirectory()
{
    // Opened window-modal without exec(): the event loop (and running sessions) go on.
    auto *dialog = new QFileDialog(this, tr("Choose a spec directory"), m_spec.path);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, &SkaffoldPanel::openSpecDirectory);
    dialog->open();
}

void SkaffoldPanel::fillRecent()
{
    const QSignalBlocker blocker(m_recent);
    m_recent->clear();
    for (const QString &dir : RecentSpecDirectories(m_settings).list())
        m_recent->addItem(QFileInfo(dir).fileName() + u"  —  "_s + dir, dir);
    m_recent->setCurrentIndex(m_recent->findData(m_spec.path));
}

void SkaffoldPanel::openSpecDirectory(const QString &dir)
{
    if (dir.isEmpty())
        return;
    m_spec = readSpecDirectory(dir);
    // Remembered even when broken: the user will come back after fixing it.
    RecentSpecDirectories(m_settings).add(m_spec.path);
    fillRecent();
    showSpec();
}

void SkaffoldPanel::showSpec()
{
    const QString previousProfile = m_profile->currentData().toString();
    m_profile->clear();
    m_profile->addItem(tr("(no profile)"), QString());
    if (m_spec.path.isEmpty()) {
        m_specInfo->setText(tr("Open a directory with a skaffold.yaml (and usually a kustomization.yaml)."));
        m_specErrors->clear();
        m_specErrors->hide();
        updateButtons();
        return;
    }
    for (const QString &profile : m_spec.profiles())
        m_profile->addItem(profile, profile);
    m_profile->setCurrentIndex(qMax(0, m_profile->findData(previousProfile)));

    QStringList images;
    QStringList apiVersions;
    for (const SkaffoldConfig &config : m_spec.configs) {
        for (const SkaffoldArtifact &artifact : config.artifacts)
            images << (artifact.context == u"."_s ? artifact.image
                                                  : artifact.image + u" ("_s + artifact.context + u')');
        if (!config.apiVersion.isEmpty() && !apiVersions.contains(config.apiVersion))
            apiVersions << config.apiVersion;
    }
    QString info = u"<b>%1</b> <span style=\"color:gray\">%2</span><br>"_s.arg(
        m_spec.displayName().toHtmlEscaped(), apiVersions.join(u", "_s).toHtmlEscaped());
    if (m_spec.configs.size() > 1)
        info += tr("%n configurations (modules)", nullptr, int(m_spec.configs.size())) + u"<br>"_s;
    info += tr("Artifacts: %1").arg(images.isEmpty() ? tr("none") : images.join(u", "_s).toHtmlEscaped())
        + u"<br>"_s;
    info += tr("Deploys with: %1")
                .arg(m_spec.deployKinds().isEmpty() ? tr("skaffold's default (kubectl)")
                                                    : m_spec.deployKinds().join(u", "_s).toHtmlEscaped())
        + u"<br>"_s;
    info += m_spec.hasKustomization ? tr("kustomization.yaml: present") : tr("kustomization.yaml: missing");
    m_specInfo->setText(info);

    QStringList problems;
    for (const SpecIssue &issue : m_spec.errors)
        problems << issue.toString();
    QStringList notes;
    for (const SpecIssue &issue : m_spec.warnings)
        notes << issue.toString();
    QString html;
    if (!problems.isEmpty())
        html += u"<span style=\"color:#c0392b\"><b>%1</b></span>"_s.arg(tr("Cannot run:"))
            + htmlList(problems);
    if (!notes.isEmpty())
        html += u"<span style=\"color:#b9770e\">%1</span>"_s.arg(tr("Note:")) + htmlList(notes);
    m_specErrors->setText(html);
    m_specErrors->setVisible(!html.isEmpty());
    updateButtons();
}

void SkaffoldPanel::updateButtons()
{
    const bool runnable = m_spec.isRunnable() && !m_sessions->liveSessionFor(m_spec.path);
    m_dev->setEnabled(runnable);
    m_run->setEnabled(runnable);
    m_profile->setEnabled(m_spec.isRunnable());
    const QString why = !m_spec.isRunnable()      ? tr("Fix the errors in the spec directory first")
        : m_sessions->liveSessionFor(m_spec.path) ? tr("A session already runs for this directory")
                                                  : QString();
    m_dev->setStatusTip(why);
    m_run->setStatusTip(why);
}

void SkaffoldPanel::start(SkaffoldMode mode)
{
    if (!m_spec.isRunnable())
        return;
    SkaffoldLaunch launch;
    launch.mode = mode;
    launch.specDir = m_spec.path;
    launch.kubeContext = m_kubeContext;
    launch.nameSpace = m_nameSpace;
    launch.kubeconfig = m_kubeconfig;
    launch.profile = m_profile->currentData().toString();
    QString error;
    SkaffoldSession *session = m_sessions->start(launch, &error);
    if (!session) {
        m_specErrors->setText(u"<span style=\"color:#c0392b\">%1</span>"_s.arg(error.toHtmlEscaped()));
        m_specErrors->show();
        return;
    }
    const int row = m_model->rowOf(session);
    m_list->setCurrentIndex(m_model->index(row));
    selectSession(session);
    updateButtons();
    emit sessionStarted(session);
}

void SkaffoldPanel::selectSession(SkaffoldSession *session)
{
    if (session == m_current)
        return;
    m_current = session;
    m_consoleModel->clear();
    m_consoleModel->appendLines(toLogLines(m_output.value(session)));
    m_console->scrollToBottom();
    showSession();
}

void SkaffoldPanel::appendOutput(SkaffoldSession *session, const QStringList &lines)
{
    QStringList &kept = m_output[session];
    kept += lines;
    if (kept.size() > MaxConsoleLines)
        kept.remove(0, kept.size() - MaxConsoleLines);
    if (session == m_current)
        m_consoleModel->appendLines(toLogLines(lines));
}

QList<LogLine> SkaffoldPanel::toLogLines(const QStringList &lines)
{
    QList<LogLine> logLines;
    logLines.reserve(lines.size());
    for (const QString &line : lines)
        logLines.append(LogLine{QDateTime(), line});
    return logLines;
}

QString SkaffoldPanel::consoleText() const
{
    QStringList lines;
    for (int row = 0; row < m_consoleModel->rowCount(); ++row)
        lines << m_consoleModel->index(row).data().toString();
    return lines.join(u'\n');
}

void SkaffoldPanel::showSession()
{
    SkaffoldSession *session = m_current;
    m_stop->setEnabled(session && session->isLive());
    m_remove->setEnabled(session && !session->isLive());
    if (!session) {
        m_phase->setText(tr("No session"));
        m_runId->clear();
        m_progress->hide();
        m_actionable->hide();
        m_stop->setText(tr("Stop"));
        return;
    }
    m_phase->setText(session->phaseText());
    m_runId->setText(session->runId().isEmpty() ? tr("(not known yet)") : session->runId());
    switch (session->state()) {
    case SkaffoldSession::State::Starting:
    case SkaffoldSession::State::Running:
        m_progress->show();
        m_progress->setRange(0, 0); // busy while skaffold works; no end is known
        m_progress->setFormat(QString());
        m_stop->setText(tr("Stop"));
        m_stop->setToolTip(tr("Interrupt skaffold (SIGINT) and wait up to %1 s for its cleanup")
                               .arg(session->cleanupTimeoutMs() / 1000));
        break;
    case SkaffoldSession::State::Stopping:
        m_progress->show();
        showStopProgress(session->stopElapsedMs(), session->cleanupTimeoutMs());
        m_stop->setText(tr("Kill now"));
        m_stop->setToolTip(tr("Do not wait for skaffold's cleanup: deployed resources may stay behind"));
        break;
    case SkaffoldSession::State::Idle:
    case SkaffoldSession::State::Finished:
        m_progress->hide();
        m_stop->setText(tr("Stop"));
        break;
    }

    const SkaffoldActionableError error = session->actionableError();
    QString html;
    if (!error.isEmpty()) {
        html = u"<span style=\"color:#c0392b\"><b>%1</b></span> %2"_s.arg(
            error.code.toHtmlEscaped(), error.message.toHtmlEscaped());
        if (!error.suggestions.isEmpty())
            html += tr("<br>Suggestions:") + htmlList(error.suggestions);
    } else if (!session->lastError().isEmpty()) {
        html = u"<span style=\"color:#c0392b\">%1</span>"_s.arg(session->lastError().toHtmlEscaped());
    }
    m_actionable->setText(html);
    m_actionable->setVisible(!html.isEmpty());
}

void SkaffoldPanel::showStopProgress(qint64 elapsedMs, int timeoutMs)
{
    m_progress->setRange(0, qMax(1, timeoutMs));
    m_progress->setValue(int(qMin<qint64>(elapsedMs, timeoutMs)));
    m_progress->setFormat(elapsedMs < timeoutMs
            ? tr("Cleaning up… %1 s of %2 s").arg(elapsedMs / 1000).arg(timeoutMs / 1000)
            : tr("Cleanup timed out; terminating"));
    m_phase->setText(m_current ? m_current->phaseText() : QString());
}
