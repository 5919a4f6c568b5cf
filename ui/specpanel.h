#pragma once

#include <QPointer>
#include <QWidget>

class FailureListModel;
class LogModel;
class QFileSystemModel;
class QLabel;
class QPushButton;
class QTreeView;
class SpecViewer;

// The Spec tab: the spec directory's files beside the SpecViewer. It follows the shown
// run's failure list, opening the first failure's file at its line, until the user picks
// a file of their own (until another run's log starts); a frame chosen in the log or the
// failure list opens there too.
// Knows nothing of suites or Skaffold: the window tells it the directory and where that
// came from, and answers "Set Spec Directory…" itself.
class SpecPanel : public QWidget
{
    Q_OBJECT

public:
    explicit SpecPanel(QWidget *parent = nullptr);

    SpecViewer *viewer() const { return m_viewer; }
    QTreeView *fileList() const { return m_files; }
    QPushButton *setDirectoryButton() const { return m_setDirectory; }
    QString statusText() const;

    // `origin` says where the directory came from, for the header ("set by you", "from
    // skaffold dev"); an empty directory means none is known for `subject` (the suite).
    void setSpecRoot(const QString &directory, const QString &origin, const QString &subject = {});
    QString specRoot() const { return m_root; }

    void setFailures(FailureListModel *failures);
    // Opens `file` (as a frame names it) at `line`; returns the error shown, empty on success.
    QString openFrame(const QString &file, int line);
    // Whether a change of the failure list still moves the viewer (until a file is picked).
    bool followsFailures() const { return m_followFailures; }

signals:
    void setDirectoryRequested();

private:
    void showFirstFailure();
    void showStatus(const QString &text);
    void openListedFile(const QModelIndex &index);

    QLabel *m_header;
    QPushButton *m_setDirectory;
    QFileSystemModel *m_fileModel;
    QTreeView *m_files;
    SpecViewer *m_viewer;
    QLabel *m_status;
    QPointer<FailureListModel> m_failures;
    QPointer<LogModel> m_log;
    QString m_root;
    QString m_subject;
    bool m_followFailures = true;
};
