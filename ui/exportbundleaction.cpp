#include "exportbundleaction.h"

#include "session/clustersession.h"
#include "session/failurebundlewriter.h"
#include "suites/suitetracker.h"

#include <QAction>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMainWindow>
#include <QSettings>
#include <QStatusBar>
#include <QUrl>

namespace {

constexpr auto LastDirectoryKey = "export/lastDirectory";
const QString CancelLink = QStringLiteral("kassert:cancel-export");
const QString OpenLink = QStringLiteral("kassert:open-bundle");

} // namespace

ExportBundleAction::ExportBundleAction(ClusterSession *session, QMainWindow *window)
    : QObject(window)
    , m_session(session)
    , m_window(window)
    , m_action(new QAction(tr("E&xport Failure Bundle…"), this))
    , m_zipAction(new QAction(tr("Export Failure Bundle as &Zip…"), this))
    , m_label(new QLabel(window))
{
    m_action->setObjectName(QStringLiteral("exportFailureBundle"));
    m_action->setToolTip(
        tr("Save the selected run's logs, pod, events and metrics in a folder, to attach to a "
           "ticket"));
    m_action->setEnabled(false);
    connect(m_action, &QAction::triggered, this, &ExportBundleAction::chooseDirectory);
    m_zipAction->setObjectName(QStringLiteral("exportFailureBundleZip"));
    m_zipAction->setToolTip(tr("The same as one .zip file"));
    m_zipAction->setEnabled(false);
    connect(m_zipAction, &QAction::triggered, this, &ExportBundleAction::chooseZipFile);

    m_label->setObjectName(QStringLiteral("exportBundleStatus"));
    m_label->setTextFormat(Qt::RichText);
    m_label->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_label->setAccessibleName(tr("Failure bundle export"));
    m_label->hide();
    m_window->statusBar()->addWidget(m_label);
    connect(m_label, &QLabel::linkActivated, this, &ExportBundleAction::linkActivated);

    m_openFolder = [](const QString &path) {
        QDesktopServices::openUrl(QUrl::fromLocalFile(path));
    };
    // Another context's client replaces the one the export uses.
    connect(m_session, &ClusterSession::contextChanged, this, [this] {
        cancel();
        updateEnabled();
    });
    // The selected run may appear or go while it stays selected.
    SuiteTracker *tracker = m_session->tracker();
    for (auto signal :
        { &SuiteTracker::suiteAdded, &SuiteTracker::suiteChanged, &SuiteTracker::suiteRemoved })
        connect(tracker, signal, this, [this](const SuiteKey &key) {
            if (key == m_suite)
                updateEnabled();
        });
}

ExportBundleAction::~ExportBundleAction() = default;

void ExportBundleAction::setSelection(const SuiteKey &suite, const QString &pod)
{
    m_suite = suite;
    m_pod = pod;
    updateEnabled();
}

bool ExportBundleAction::isExporting() const
{
    return m_bundle && m_bundle->isRunning();
}

void ExportBundleAction::updateEnabled()
{
    const bool enabled = !isExporting() && selectedRun() && m_session->client();
    m_action->setEnabled(enabled);
    m_zipAction->setEnabled(enabled);
}

const Run *ExportBundleAction::selectedRun() const
{
    const Suite *suite = m_suite.name.isEmpty() ? nullptr : m_session->tracker()->suite(m_suite);
    if (!suite)
        return nullptr;
    for (const Run &run : suite->runs) {
        if (run.hasPod && (m_pod.isEmpty() ? &run == suite->currentRun() : run.pod.name == m_pod))
            return &run;
    }
    return nullptr;
}

void ExportBundleAction::chooseDirectory()
{
    const QString start = QSettings().value(QLatin1StringView(LastDirectoryKey), QDir::homePath()).toString();
    auto *dialog
        = new QFileDialog(m_window, tr("Export failure bundle of %1 into").arg(m_suite.toString()), start);
    dialog->setObjectName(QStringLiteral("exportBundleDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOptions(QFileDialog::ShowDirsOnly | QFileDialog::DontUseNativeDialog);
    dialog->setLabelText(QFileDialog::Accept, tr("Export Here"));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &directory) {
        QSettings().setValue(QLatin1StringView(LastDirectoryKey), directory);
        exportTo(directory);
    });
    dialog->open();
}

void ExportBundleAction::chooseZipFile()
{
    const Run *run = selectedRun();
    if (!run)
        return;
    FailureBundleContent named;
    named.suite = m_suite;
    named.run = *run;
    named.exportedAt = QDateTime::currentDateTimeUtc();
    const QString start = QSettings().value(QLatin1StringView(LastDirectoryKey), QDir::homePath()).toString();
    auto *dialog
        = new QFileDialog(m_window, tr("Export failure bundle of %1 as").arg(m_suite.toString()), start);
    dialog->setObjectName(QStringLiteral("exportBundleZipDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setOption(QFileDialog::DontUseNativeDialog);
    dialog->setNameFilter(tr("Zip archives (*.zip)"));
    dialog->setDefaultSuffix(QStringLiteral("zip"));
    dialog->selectFile(FailureBundleWriter::bundleName(named) + QStringLiteral(".zip"));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        QSettings().setValue(QLatin1StringView(LastDirectoryKey), QFileInfo(path).path());
        exportZip(path);
    });
    dialog->open();
}

void ExportBundleAction::exportTo(const QString &directory)
{
    start(directory, {});
}

void ExportBundleAction::exportZip(const QString &zipPath)
{
    start(QFileInfo(zipPath).path(), zipPath);
}

void ExportBundleAction::start(const QString &directory, const QString &zipPath)
{
    const Run *run = selectedRun();
    if (!run || !m_session->client() || isExporting())
        return;
    // The run is copied now: the tracker may drop it while the export runs.
    FailureBundle::Request request;
    request.suite = m_suite;
    request.run = *run;
    request.directory = directory;
    request.zipPath = zipPath;
    request.prometheusUrl = m_session->prometheusOverride();

    delete m_bundle;
    m_bundle = new FailureBundle(m_session->client(), this);
    const QString pod = run->pod.name;
    connect(m_bundle, &FailureBundle::progress, this, [this, pod](const QString &, int done, int total) {
        m_label->setText(tr("Exporting failure bundle of %1: %2 of %3 parts… <a href=\"%4\">Cancel</a>")
                             .arg(pod.toHtmlEscaped())
                             .arg(done)
                             .arg(total)
                             .arg(CancelLink));
    });
    connect(m_bundle, &FailureBundle::finished, this, &ExportBundleAction::showResult);
    m_label->setText(
        tr("Exporting failure bundle of %1… <a href=\"%2\">Cancel</a>").arg(pod.toHtmlEscaped(), CancelLink));
    m_label->show();
    m_bundle->start(request);
    updateEnabled();
}

void ExportBundleAction::cancel()
{
    if (isExporting())
        m_bundle->cancel();
}

void ExportBundleAction::showResult(const FailureBundle::Result &result)
{
    if (m_bundle)
        m_bundle->deleteLater();
    m_lastPath = result.path;
    if (result.ok()) {
        QString text = tr("Exported to %1 — <a href=\"%2\">Open folder</a>")
                           .arg(QDir::toNativeSeparators(result.path).toHtmlEscaped(), OpenLink);
        if (!result.failedParts.isEmpty())
            text += tr(" (%n part(s) missing, see summary.json)", nullptr, int(result.failedParts.size()));
        m_label->setText(text);
        m_label->setToolTip(result.failedParts.join(QLatin1Char('\n')));
    } else {
        m_label->setText(result.canceled ? tr("Export canceled")
                                         : tr("Export failed: %1").arg(result.error.toHtmlEscaped()));
        m_label->setToolTip({});
    }
    m_label->show();
    updateEnabled();
    emit exported(result);
}

void ExportBundleAction::linkActivated(const QString &link)
{
    if (link == CancelLink)
        cancel();
    else if (link == OpenLink && !m_lastPath.isEmpty())
        // A zip is shown in its folder; a bundle folder is opened itself.
        m_openFolder(QFileInfo(m_lastPath).isDir() ? m_lastPath : QFileInfo(m_lastPath).path());
}
