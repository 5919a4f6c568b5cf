#include "logpanel.h"

#include "failurelistmodel.h"
#include "logmodel.h"
#include "logsearch.h"
#include "logview.h"
#include "logs/jestparser.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace {

QToolButton *toolButton(const QString &text, const QString &toolTip, bool checkable, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(toolTip);
    button->setCheckable(checkable);
    button->setAutoRaise(true);
    return button;
}

} // namespace

LogPanel::LogPanel(QWidget *parent)
    : QWidget(parent)
    , m_view(new LogView(this))
    , m_failures(new FailureListModel(this))
    , m_containers(new QComboBox(this))
    , m_previous(new QCheckBox(tr("Previous"), this))
    , m_searchField(new QLineEdit(this))
    , m_regex(toolButton(u".*"_s, tr("Regular expression"), true, this))
    , m_caseSensitive(toolButton(u"Aa"_s, tr("Match case"), true, this))
    , m_filter(toolButton(tr("Filter"), tr("Show only matching lines"), true, this))
    , m_context(new QSpinBox(this))
    , m_matchLabel(new QLabel(this))
    , m_failureHeader(new QLabel(this))
    , m_failureList(new QListView(this))
    , m_status(new QLabel(this))
    , m_newLines(new QPushButton(m_view))
    , m_searchDelay(new QTimer(this))
{
    // Names for tests and style sheets.
    m_containers->setObjectName(u"containerChooser"_s);
    m_previous->setObjectName(u"previousContainer"_s);
    m_searchField->setObjectName(u"searchField"_s);
    m_matchLabel->setObjectName(u"matchCount"_s);
    m_failureList->setObjectName(u"failureList"_s);
    m_newLines->setObjectName(u"newLinesButton"_s);
    m_caseSensitive->setObjectName(u"matchCase"_s);
    // Names a screen reader says; symbols like ".*" and "↑" say nothing by themselves.
    m_view->setAccessibleName(tr("Log"));
    m_containers->setAccessibleName(tr("Container"));
    m_previous->setAccessibleName(tr("Previous container's log"));
    m_searchField->setAccessibleName(tr("Search the log"));
    m_regex->setAccessibleName(tr("Regular expression"));
    m_caseSensitive->setAccessibleName(tr("Match case"));
    m_filter->setAccessibleName(tr("Show only matching lines"));
    m_context->setAccessibleName(tr("Context lines"));
    m_matchLabel->setAccessibleName(tr("Matches"));
    m_failureList->setAccessibleName(tr("Failing tests"));
    m_newLines->setAccessibleName(tr("Jump to the new lines"));
    m_containers->setToolTip(tr("Container"));
    m_containers->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_previous->setToolTip(tr("Show the log of the previous, terminated container"));
    m_searchField->setPlaceholderText(tr("Search"));
    m_searchField->setClearButtonEnabled(true);
    m_searchField->setMinimumWidth(180);
    m_context->setRange(0, 50);
    m_context->setPrefix(u"±"_s);
    m_context->setToolTip(tr("Context lines around each match when filtering"));
    m_matchLabel->setMinimumWidth(m_matchLabel->fontMetrics().horizontalAdvance(u"00000 of 00000"_s));
    auto *previousMatch = toolButton(u"↑"_s, tr("Previous match (Shift+F3)"), false, this);
    auto *nextMatch = toolButton(u"↓"_s, tr("Next match (F3)"), false, this);
    auto *wrap = toolButton(tr("Wrap"), tr("Wrap long lines"), true, this);
    auto *timestamps = toolButton(tr("Time"), tr("Show timestamps"), true, this);
    auto *copy = toolButton(tr("Copy"), tr("Copy the selection (Ctrl+C)"), false, this);
    auto *save = toolButton(tr("Save…"), tr("Save the log to a file"), false, this);
    previousMatch->setAccessibleName(tr("Previous match"));
    nextMatch->setAccessibleName(tr("Next match"));
    wrap->setAccessibleName(tr("Wrap long lines"));
    timestamps->setAccessibleName(tr("Show timestamps"));
    copy->setAccessibleName(tr("Copy the selection"));
    save->setAccessibleName(tr("Save the log"));

    auto *toolbar = new QHBoxLayout;
    toolbar->setContentsMargins(0, 0, 0, 0);
    toolbar->addWidget(m_containers);
    toolbar->addWidget(m_previous);
    toolbar->addSpacing(12);
    toolbar->addWidget(m_searchField, 1);
    for (QWidget *w : {static_cast<QWidget *>(m_regex), static_cast<QWidget *>(m_caseSensitive),
                       static_cast<QWidget *>(previousMatch), static_cast<QWidget *>(nextMatch),
                       static_cast<QWidget *>(m_matchLabel), static_cast<QWidget *>(m_filter),
                       static_cast<QWidget *>(m_context)}) {
        toolbar->addWidget(w);
    }
    toolbar->addSpacing(12);
    for (QWidget *w : {wrap, timestamps, copy, save})
        toolbar->addWidget(w);

    m_failureList->setModel(m_failures);
    m_failureList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_failureList->setWordWrap(true);
    m_failureList->setUniformItemSizes(false);
    m_failureHeader->setMargin(4);
    auto *failurePane = new QWidget(this);
    auto *failureLayout = new QVBoxLayout(failurePane);
    failureLayout->setContentsMargins(0, 0, 0, 0);
    failureLayout->setSpacing(0);
    failureLayout->addWidget(m_failureHeader);
    failureLayout->addWidget(m_failureList);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_view);
    split->addWidget(failurePane);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(toolbar);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
    m_status->hide();

    m_newLines->hide();
    m_newLines->setCursor(Qt::PointingHandCursor);
    m_view->installEventFilter(this);
    m_view->viewport()->installEventFilter(this);

    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(200); // do not rescan a long log on every keystroke
    connect(m_searchDelay, &QTimer::timeout, this, &LogPanel::applySearch);
    connect(m_searchField, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchField, &QLineEdit::returnPressed, this, [this] {
        if (m_searchDelay->isActive()) {
            m_searchDelay->stop();
            applySearch();
        }
        m_view->findNext();
    });
    connect(m_regex, &QToolButton::toggled, this, &LogPanel::applySearch);
    connect(m_caseSensitive, &QToolButton::toggled, this, &LogPanel::applySearch);
    connect(nextMatch, &QToolButton::clicked, m_view, &LogView::findNext);
    connect(previousMatch, &QToolButton::clicked, m_view, &LogView::findPrevious);
    connect(m_filter, &QToolButton::toggled, m_view, &LogView::setFilterEnabled);
    connect(m_context, &QSpinBox::valueChanged, m_view, &LogView::setFilterContext);
    connect(wrap, &QToolButton::toggled, m_view, &LogView::setWordWrap);
    connect(timestamps, &QToolButton::toggled, m_view, &LogView::setTimestampsVisible);
    connect(copy, &QToolButton::clicked, m_view, &LogView::copy);
    connect(save, &QToolButton::clicked, this, &LogPanel::saveAs);
    connect(m_view, &LogView::matchesChanged, this, &LogPanel::updateMatchLabel);
    connect(m_view, &LogView::followingChanged, this, &LogPanel::updateNewLinesButton);
    connect(m_view, &LogView::newLinesWhilePausedChanged, this, &LogPanel::updateNewLinesButton);
    connect(m_newLines, &QPushButton::clicked, m_view, &LogView::scrollToBottom);
    connect(m_failureList, &QListView::clicked, this, [this](const QModelIndex &index) { jumpToFailure(index.row()); });
    connect(m_failureList, &QListView::activated, this, [this](const QModelIndex &index) {
        jumpToFailure(index.row());
        const JestFailure &failure = m_failures->failures().at(index.row());
        if (!failure.file.isEmpty())
            emit frameActivated(failure.file, failure.line);
    });
    connect(m_failures, &QAbstractItemModel::modelReset, this, &LogPanel::updateFailureHeader);
    connect(m_failures, &QAbstractItemModel::rowsInserted, this, &LogPanel::updateFailureHeader);
    connect(m_containers, &QComboBox::activated, this, [this] { emit containerChosen(currentContainer(), previousContainer()); });
    connect(m_previous, &QCheckBox::toggled, this, [this] { emit containerChosen(currentContainer(), previousContainer()); });

    // Standalone, the panel answers its own keys; in the window, the window's actions do
    // (setOwnShortcuts(false)), so one key never has two owners.
    m_ownShortcuts = {new QShortcut(QKeySequence::Find, this, [this] { focusSearch(); }),
                      new QShortcut(QKeySequence(Qt::Key_F8), this, [this] { nextFailure(); }),
                      new QShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F8), this, [this] { previousFailure(); })};
    for (QShortcut *shortcut : std::as_const(m_ownShortcuts))
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);

    // Tab in reading order: the toolbar left to right, then the log, then the failures.
    QWidget::setTabOrder({m_containers, m_previous, m_searchField, m_regex, m_caseSensitive, previousMatch, nextMatch,
                          m_filter, m_context, wrap, timestamps, copy, save, m_view, m_failureList});

    setContainers({});
    updateMatchLabel(0, -1);
    updateFailureHeader();
}

void LogPanel::setModel(LogModel *model)
{
    if (LogModel *old = m_view->model())
        disconnect(old, nullptr, this, nullptr);
    m_view->setModel(model);
    m_failures->setLogModel(model);
    if (model) {
        connect(model, &LogModel::droppedLineCountChanged, this, &LogPanel::updateStatus);
        connect(model, &QAbstractItemModel::rowsInserted, this, &LogPanel::updateStatus);
    }
    updateStatus();
    updateFailureHeader();
}

LogModel *LogPanel::model() const
{
    return m_view->model();
}

void LogPanel::setContainers(const QStringList &containers, const QString &current)
{
    const QSignalBlocker blocker(m_containers);
    m_containers->clear();
    m_containers->addItems(containers);
    if (!current.isEmpty())
        m_containers->setCurrentText(current);
    // One container needs no chooser.
    m_containers->setVisible(containers.size() > 1);
    m_previous->setVisible(!containers.isEmpty());
}

QString LogPanel::currentContainer() const
{
    return m_containers->currentText();
}

bool LogPanel::previousContainer() const
{
    return m_previous->isChecked();
}

void LogPanel::setOwnShortcuts(bool enabled)
{
    for (QShortcut *shortcut : std::as_const(m_ownShortcuts))
        shortcut->setEnabled(enabled);
}

void LogPanel::focusSearch()
{
    m_searchField->setFocus(Qt::ShortcutFocusReason);
    m_searchField->selectAll();
}

void LogPanel::activateFrameInSelection()
{
    // The view selected the double-clicked line; a stack frame in it opens in the spec.
    const QString line = m_view->selectedText();
    static const QRegularExpression inText(uR"((?:^|[\s(])((?:[A-Za-z]:)?[^\s():]+\.[A-Za-z0-9]+):(\d+)(?::(\d+))?)"_s);
    std::optional<JestFrame> frame = JestParser::parseFrame(line);
    if (!frame) {
        // Not an `at` line: any `path.ext:line` in it, e.g. a code frame's header.
        const QRegularExpressionMatch match = inText.match(line);
        if (!match.hasMatch())
            return;
        frame = JestFrame{{}, match.captured(1), match.captured(2).toInt(), match.captured(3).toInt()};
    }
    if (frame->line > 0)
        emit frameActivated(frame->file, frame->line);
}

void LogPanel::applySearch()
{
    m_searchDelay->stop();
    m_view->setSearchPattern(m_searchField->text(), m_regex->isChecked(), m_caseSensitive->isChecked());
    m_searchError = m_view->search()->errorString();
    m_searchField->setToolTip(m_searchError);
    updateMatchLabel(m_view->matchCount(), m_view->currentMatch());
    updateStatus();
}

void LogPanel::updateMatchLabel(int count, int current)
{
    if (m_searchField->text().isEmpty())
        m_matchLabel->clear();
    else if (!m_searchError.isEmpty())
        m_matchLabel->setText(tr("invalid"));
    else if (current >= 0)
        m_matchLabel->setText(tr("%1 of %2").arg(current + 1).arg(count));
    else
        m_matchLabel->setText(tr("%n match(es)", nullptr, count));
}

void LogPanel::updateNewLinesButton()
{
    const int count = m_view->newLinesWhilePaused();
    m_newLines->setVisible(!m_view->isFollowing() && count > 0);
    m_newLines->setText(tr("%n new line(s) ↓", nullptr, count));
    m_newLines->adjustSize();
    placeNewLinesButton();
}

void LogPanel::placeNewLinesButton()
{
    const QRect area = m_view->viewport()->geometry();
    m_newLines->move(area.right() - m_newLines->width() - 12, area.bottom() - m_newLines->height() - 8);
    m_newLines->raise();
}

bool LogPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && event->type() == QEvent::Resize)
        placeNewLinesButton();
    if (watched == m_view->viewport() && event->type() == QEvent::MouseButtonDblClick) {
        // After the view has handled it (it selects the whole line).
        QMetaObject::invokeMethod(this, [this] { activateFrameInSelection(); }, Qt::QueuedConnection);
    }
    return QWidget::eventFilter(watched, event);
}

void LogPanel::updateStatus()
{
    QStringList parts;
    if (LogModel *model = m_view->model()) {
        if (model->droppedLineCount() > 0)
            parts << tr("%n older line(s) dropped by the limit of %1 lines", nullptr, int(std::min<qint64>(model->droppedLineCount(), INT_MAX)))
                         .arg(model->maxLines());
        if (!model->spillError().isEmpty())
            parts << model->spillError();
    }
    if (!m_searchError.isEmpty())
        parts << m_searchError;
    m_status->setText(parts.join(u" · "_s));
    m_status->setVisible(!parts.isEmpty());
}

void LogPanel::updateFailureHeader()
{
    const int count = m_failures->rowCount();
    m_failureHeader->setText(count == 0 ? tr("No failures") : tr("%n failure(s) · F8 next", nullptr, count));
}

int LogPanel::currentFailure() const
{
    return m_failureList->currentIndex().isValid() ? m_failureList->currentIndex().row() : -1;
}

void LogPanel::jumpToFailure(int index)
{
    if (index < 0 || index >= m_failures->rowCount())
        return;
    const QModelIndex modelIndex = m_failures->index(index);
    m_failureList->setCurrentIndex(modelIndex);
    const JestFailure &failure = m_failures->failures().at(index);
    m_view->scrollToLineNumber(failure.firstLogLine);
    if (!failure.file.isEmpty())
        emit failureChosen(failure.file, failure.line);
}

void LogPanel::nextFailure()
{
    const int count = m_failures->rowCount();
    if (count == 0)
        return;
    int index = currentFailure() + 1;
    if (currentFailure() < 0) {
        // From the reader's place in the log, not from the top.
        const qint64 first = m_view->firstVisibleLineNumber();
        index = 0;
        while (index < count && m_failures->failures().at(index).firstLogLine < first)
            ++index;
    }
    jumpToFailure(index >= count ? 0 : index);
}

void LogPanel::previousFailure()
{
    const int count = m_failures->rowCount();
    if (count == 0)
        return;
    const int index = currentFailure() - 1;
    jumpToFailure(index < 0 ? count - 1 : index);
}

void LogPanel::saveAs()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save log"), u"log.txt"_s);
    if (path.isEmpty())
        return;
    const QString error = m_view->saveToFile(path);
    m_status->setText(error);
    m_status->setVisible(!error.isEmpty());
}
