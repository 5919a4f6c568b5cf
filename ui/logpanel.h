#pragma once

#include <QWidget>

class FailureListModel;
class LogModel;
class LogView;
class SpecViewer;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QSpinBox;
class QTimer;
class QToolButton;

// The log of one run as the user reads it: a toolbar (container and previous
// container, search with regex and case options, next/previous and a match count,
// filter with context lines, wrap, timestamps, copy, save), the LogView, a
// "N new lines" button while following is paused, and beside it the failing tests of
// the shown Jest iteration (click or F8 / Shift+F8 to jump) with the spec viewer for
// a failure's file:line when the spec directory is known. It only wires its parts:
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
    SpecViewer *specViewer() const { return m_specViewer; }

    // The pod's containers; `current` is selected without emitting containerChosen.
    void setContainers(const QStringList &containers, const QString &current = {});
    QString currentContainer() const;
    bool previousContainer() const;
    // Spec directory for the spec viewer; empty hides it.
    void setSpecRoot(const QString &directory);

    void nextFailure();
    void previousFailure();
    void jumpToFailure(int index);
    int currentFailure() const;

signals:
    // The user picked another container, or toggled "previous".
    void containerChosen(const QString &name, bool previous);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applySearch();
    void updateMatchLabel(int count, int current);
    void updateNewLinesButton();
    void updateStatus();
    void updateFailureHeader();
    void saveAs();
    void placeNewLinesButton();

    LogView *m_view;
    FailureListModel *m_failures;
    SpecViewer *m_specViewer;
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
};
