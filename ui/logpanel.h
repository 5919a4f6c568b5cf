#pragma once

#include <QWidget>

class FailureListModel;
class LogModel;
class LogView;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QShortcut;
class QSpinBox;
class QTimer;
class QToolButton;

// The log of one run as the user reads it: a toolbar (container and previous
// container, search with regex and case options, next/previous and a match count,
// filter with context lines, wrap, timestamps, copy, save), the LogView, a
// "N new lines" button while following is paused, and beside it the failing tests of
// the shown Jest iteration (click or F8 / Shift+F8 to jump). A chosen failure or a
// double-clicked stack frame is announced for the spec viewer. It only wires its parts:
// streaming and choosing pods is the caller's, through containerChosen.
class LogPanel : public QWidget
{
    Q_OBJECT

public:
    explicit LogPanel(QWidget *parent = nullptr);

    void setModel(LogModel *model);
    LogModel *model() const;
    LogView *logView() const { return m_view; }
    FailureListModel *failureModel() const { return m_failures; }

    // The pod's containers; `current` is selected without emitting containerChosen.
    void setContainers(const QStringList &containers, const QString &current = {});
    QString currentContainer() const;
    bool previousContainer() const;

    // F8, Shift+F8 and Ctrl+F while the panel has the focus; off when a window owns them.
    void setOwnShortcuts(bool enabled);
    QLineEdit *searchField() const { return m_searchField; }
    void focusSearch();

    void nextFailure();
    void previousFailure();
    void jumpToFailure(int index);
    int currentFailure() const;

signals:
    // The user picked another container, or toggled "previous".
    void containerChosen(const QString &name, bool previous);
    // A failure was chosen in the list (click, F8): its spec frame, to show beside.
    void failureChosen(const QString &file, int line);
    // The user asked to open a frame: a double-click on a stack frame line in the log,
    // or Enter / double-click on a failure.
    void frameActivated(const QString &file, int line);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applySearch();
    void activateFrameInSelection();
    void updateMatchLabel(int count, int current);
    void updateNewLinesButton();
    void updateStatus();
    void updateFailureHeader();
    void saveAs();
    void placeNewLinesButton();

    LogView *m_view;
    FailureListModel *m_failures;
    QComboBox *m_containers;
    QCheckBox *m_previous;
    QLineEdit *m_searchField;
    QToolButton *m_regex;
    QToolButton *m_caseSensitive;
    QToolButton *m_filter;
    QSpinBox *m_context;
    QLabel *m_matchLabel;
    QLabel *m_failureHeader;
    QListView *m_failureList;
    QLabel *m_status;
    QPushButton *m_newLines;
    QTimer *m_searchDelay;
    QString m_searchError;
    QList<QShortcut *> m_ownShortcuts;
};
