#include "specpanel.h"

#include "failurelistmodel.h"
#include "logmodel.h"
#include "specviewer.h"

#include <QBoxLayout>
#include <QDir>
#include <QFileSystemModel>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTreeView>

using namespace Qt::StringLiterals;

SpecPanel::SpecPanel(QWidget *parent)
    : QWidget(parent)
    , m_header(new QLabel(this))
    , m_setDirectory(new QPushButton(tr("Set Spec &Directory…"), this))
    , m_fileModel(new QFileSystemModel(this))
    , m_files(new QTreeView(this))
    , m_viewer(new SpecViewer(this))
    , m_status(new QLabel(this))
{
    m_header->setObjectName(u"specRootLabel"_s);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setAccessibleName(tr("Spec directory"));
    m_setDirectory->setAccessibleName(tr("Set spec directory"));
    m_setDirectory->setToolTip(tr("Choose where this suite's spec files are on this machine"));
    m_status->setObjectName(u"specStatus"_s);
    m_status->setWordWrap(true);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_viewer->setAccessibleName(tr("Spec file"));

    // Only what a spec directory holds that is worth reading; other files are hidden.
    m_fileModel->setReadOnly(true);
    m_fileModel->setFilter(QDir::AllDirs | QDir::Files | QDir::NoDotAndDotDot);
    m_fileModel->setNameFilters({u"*.js"_s, u"*.mjs"_s, u"*.cjs"_s, u"*.jsx"_s, u"*.ts"_s, u"*.tsx"_s,
                                 u"*.json"_s, u"*.yaml"_s, u"*.yml"_s});
    m_fileModel->setNameFilterDisables(false);
    m_files->setModel(m_fileModel);
    m_files->setAccessibleName(tr("Spec files"));
    m_files->setHeaderHidden(true);
    for (int column = 1; column < m_fileModel->columnCount(); ++column)
        m_files->hideColumn(column);
    m_files->setUniformRowHeights(true);
    m_files->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_files, &QTreeView::activated, this, &SpecPanel::openListedFile);
    connect(m_files, &QTreeView::clicked, this, &SpecPanel::openListedFile);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(4, 4, 4, 0);
    header->addWidget(m_header, 1);
    header->addWidget(m_setDirectory);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_files);
    split->addWidget(m_viewer);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);
    split->setSizes({200, 600});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    connect(m_setDirectory, &QPushButton::clicked, this, &SpecPanel::setDirectoryRequested);
    setSpecRoot({}, {});
}

QString SpecPanel::statusText() const
{
    return m_status->text();
}

void SpecPanel::setSpecRoot(const QString &directory, const QString &origin, const QString &subject)
{
    const bool changed = directory != m_root;
    m_subject = subject;
    m_root = directory;
    m_viewer->setSpecRoot(directory);
    // Without a directory the file list would show the whole file system: hide it.
    m_files->setVisible(!directory.isEmpty());
    if (directory.isEmpty()) {
        m_header->setText(tr("No spec directory"));
        m_header->setToolTip({});
        m_viewer->clear();
        showStatus(subject.isEmpty()
                       ? tr("Select a suite.")
                       : tr("No spec directory is known for %1. Start skaffold from its spec directory in the "
                            "Skaffold panel, or set one with “Set Spec Directory…”.")
                             .arg(subject));
        return;
    }
    m_header->setText(origin.isEmpty() ? QDir::toNativeSeparators(directory)
                                       : tr("%1 — %2").arg(QDir::toNativeSeparators(directory), origin));
    m_header->setToolTip(QDir::toNativeSeparators(directory));
    if (!changed)
        return;
    m_files->setRootIndex(m_fileModel->setRootPath(directory));
    m_followFailures = true;
    showStatus({});
    if (!QFileInfo(directory).isDir()) {
        showStatus(tr("%1 is not a directory on this machine.").arg(directory));
        return;
    }
    showFirstFailure();
}

void SpecPanel::setFailures(FailureListModel *failures)
{
    if (m_failures)
        disconnect(m_failures, nullptr, this, nullptr);
    if (m_log)
        disconnect(m_log, nullptr, this, nullptr);
    m_log = nullptr;
    m_failures = failures;
    if (!failures)
        return;
    // Another run's log (the log model starts over) is a new reason to look; a new Jest
    // iteration of the same run is not: it must not take away a file the user picked.
    m_log = failures->logModel();
    if (m_log)
        connect(m_log, &QAbstractItemModel::modelReset, this, [this] { m_followFailures = true; });
    connect(failures, &QAbstractItemModel::modelReset, this, &SpecPanel::showFirstFailure);
    connect(failures, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first) {
        if (first == 0)
            showFirstFailure();
    });
    showFirstFailure();
}

void SpecPanel::showFirstFailure()
{
    if (!m_followFailures || m_root.isEmpty() || !m_failures)
        return;
    for (const JestFailure &failure : m_failures->failures()) {
        if (!failure.file.isEmpty()) {
            openFrame(failure.file, failure.line);
            m_followFailures = true; // still following: it was not the user's pick
            return;
        }
    }
}

QString SpecPanel::openFrame(const QString &file, int line)
{
    const QString error = m_viewer->openFrame(file, line);
    showStatus(error);
    if (error.isEmpty()) {
        const QModelIndex listed = m_fileModel->index(m_viewer->currentFile());
        if (listed.isValid()) {
            m_files->setCurrentIndex(listed);
            m_files->scrollTo(listed);
        }
    }
    return error;
}

void SpecPanel::openListedFile(const QModelIndex &index)
{
    if (!index.isValid() || m_fileModel->isDir(index))
        return;
    m_followFailures = false;
    openFrame(m_fileModel->filePath(index), 1);
}

void SpecPanel::showStatus(const QString &text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}
