#pragma once

#include "session/failurebundle.h"

#include <QObject>
#include <QPointer>

#include <functional>

class ClusterSession;
class QAction;
class QLabel;
class QMainWindow;

// "Export Failure Bundle…" for the selected run: asks for a folder (a non-native,
// window-modal QFileDialog, so the window keeps updating), or with "…as Zip" for a .zip
// name, exports in the background,
// shows progress in the status bar with a Cancel link, then "Exported to PATH" with an
// Open folder link. Enabled while a run is selected. The window only places the action
// and forwards the selection; the export itself is FailureBundle's.
class ExportBundleAction : public QObject
{
    Q_OBJECT

public:
    ExportBundleAction(ClusterSession *session, QMainWindow *window);
    ~ExportBundleAction() override;

    QAction *action() const { return m_action; } // into a folder
    QAction *zipAction() const { return m_zipAction; } // as one .zip file
    QList<QAction *> actions() const { return { m_action, m_zipAction }; }
    // The label in the status bar that shows progress and the result (for tests).
    QLabel *statusLabel() const { return m_label; }
    // Opens folders for the "Open folder" link; QDesktopServices by default.
    void setFolderOpener(std::function<void(const QString &)> opener) { m_openFolder = std::move(opener); }

    // The tree's selection: a suite and one of its runs (pod), or nothing.
    void setSelection(const SuiteKey &suite, const QString &pod);
    // Exports the selected run into `directory` (the dialog's answer), or as `zipPath`.
    void exportTo(const QString &directory);
    void exportZip(const QString &zipPath);
    void cancel();
    bool isExporting() const;

signals:
    void exported(const FailureBundle::Result &result);

private:
    void chooseDirectory();
    void chooseZipFile();
    void start(const QString &directory, const QString &zipPath);
    void updateEnabled();
    void showResult(const FailureBundle::Result &result);
    void linkActivated(const QString &link);
    const Run *selectedRun() const;

    ClusterSession *m_session;
    QMainWindow *m_window;
    QAction *m_action;
    QAction *m_zipAction;
    QLabel *m_label;
    SuiteKey m_suite;
    QString m_pod;
    QPointer<FailureBundle> m_bundle;
    QString m_lastPath;
    std::function<void(const QString &)> m_openFolder;
};
