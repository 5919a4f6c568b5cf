// "Export Failure Bundle…" in the real window, offscreen, against the test API server:
// enabled only with a run selected; the folder dialog, progress, then "Exported to"
// with a working Open folder link; the bundle on disk is the selected run's.
#include "exportbundleaction.h"
#include "mainwindow.h"
#include "session/clustersession.h"
#include "suitepanel.h"
#include "suites/suitetracker.h"
#include "testapiserver.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace std::chrono_literals;

class TestExportBundle : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<MainWindow> m_window;

    ExportBundleAction *exporter() const { return m_window->findChild<ExportBundleAction *>(); }

    static QFileDialog *openDialog()
    {
        for (QWidget *widget : QApplication::topLevelWidgets()) {
            if (auto *dialog = qobject_cast<QFileDialog *>(widget); dialog && dialog->isVisible())
                return dialog;
        }
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        QVERIFY(!m_server.addSuite("ui", "red", "failing", 0, &error).isEmpty());
        QVERIFY(!m_server.addSuite("ui", "green", "passing", 0, &error).isEmpty());

        ClusterSession::Options options;
        options.kubeconfig = m_server.kubeconfigPath();
        options.nameSpace = "ui";
        options.scrapeInterval = 200ms;
        m_session = std::make_unique<ClusterSession>(options);
        m_window = std::make_unique<MainWindow>(m_session.get());
        m_window->show();
        QSignalSpy settled(m_session.get(), &ClusterSession::settled);
        m_session->start();
        QVERIFY(settled.wait(20000));
        QTRY_COMPARE_WITH_TIMEOUT(
            m_session->tracker()->suite({ "ui", "red" })->verdict.state, RunState::Failed, 10000);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_session.reset();
    }

    void actionIsInTheMenusAndFollowsTheSelection()
    {
        QVERIFY(exporter());
        QAction *action = exporter()->action();
        QVERIFY(!action->isEnabled());
        bool inMenu = false;
        for (QAction *menu : m_window->menuBar()->actions()) {
            if (menu->menu() && menu->menu()->actions().contains(action))
                inMenu = true;
        }
        QVERIFY(inMenu);
        QVERIFY(m_window->suitePanel()->view()->actions().contains(action)); // the tree's context menu

        m_window->suitePanel()->selectSuite({ "ui", "red" });
        QTRY_VERIFY(action->isEnabled());
        m_window->suitePanel()->view()->setCurrentIndex(QModelIndex());
        QTRY_VERIFY(!action->isEnabled());
    }

    void exportsTheSelectedRunThroughTheDialog()
    {
        QTemporaryDir out;
        m_window->suitePanel()->selectSuite({ "ui", "red" });
        QTRY_VERIFY(exporter()->action()->isEnabled());
        const QString pod = m_session->tracker()->suite({ "ui", "red" })->currentRun()->pod.name;

        QSignalSpy exported(exporter(), &ExportBundleAction::exported);
        exporter()->action()->trigger();
        QTRY_VERIFY(openDialog());
        QFileDialog *dialog = openDialog();
        QVERIFY(dialog->testOption(QFileDialog::DontUseNativeDialog));
        QCOMPARE(dialog->fileMode(), QFileDialog::Directory);
        dialog->setDirectory(out.path());
        dialog->selectFile(out.path());
        static_cast<QDialog *>(dialog)->accept(); // QFileDialog::accept() through the public slot

        // Progress, then the result, in the status bar.
        QLabel *label = exporter()->statusLabel();
        QTRY_VERIFY(label->isVisible());
        QVERIFY(exported.wait(30000));
        const auto result = exported.first().first().value<FailureBundle::Result>();
        QVERIFY2(result.ok(), qPrintable(result.error));
        QVERIFY(result.path.startsWith(out.path() + "/kassert-red-"));
        QVERIFY2(label->text().contains("Exported to") && label->text().contains(result.path.toHtmlEscaped()),
            qPrintable(label->text()));
        QVERIFY(label->text().contains("Open folder"));

        QFile summaryFile(result.path + "/summary.json");
        QVERIFY(summaryFile.open(QIODevice::ReadOnly));
        const QJsonObject summary = QJsonDocument::fromJson(summaryFile.readAll()).object();
        QCOMPARE(summary["run"].toObject()["pod"].toString(), pod);
        QCOMPARE(summary["state"].toString(), "Failed");
        QVERIFY(QFile::exists(result.path + "/logs/specs.log"));

        // The link opens the bundle's folder.
        QString opened;
        exporter()->setFolderOpener([&opened](const QString &path) { opened = path; });
        emit label->linkActivated("kassert:open-bundle");
        QCOMPARE(opened, result.path);
        QVERIFY(exporter()->action()->isEnabled());
    }

    void exportsAZipThroughTheSaveDialog()
    {
        QTemporaryDir out;
        m_window->suitePanel()->selectSuite({ "ui", "red" });
        QTRY_VERIFY(exporter()->zipAction()->isEnabled());
        QVERIFY(m_window->suitePanel()->view()->actions().contains(exporter()->zipAction()));
        QSignalSpy exported(exporter(), &ExportBundleAction::exported);
        exporter()->zipAction()->trigger();
        QTRY_VERIFY(openDialog());
        QFileDialog *dialog = openDialog();
        QCOMPARE(dialog->acceptMode(), QFileDialog::AcceptSave);
        // The suggested name is the bundle's.
        QVERIFY2(dialog->selectedFiles().value(0).contains("/kassert-red-"),
            qPrintable(dialog->selectedFiles().join(',')));
        dialog->setDirectory(out.path());
        dialog->selectFile(out.filePath("red-bundle.zip"));
        static_cast<QDialog *>(dialog)->accept();
        QVERIFY(exported.wait(30000));
        const auto result = exported.first().first().value<FailureBundle::Result>();
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.path, out.filePath("red-bundle.zip"));
        QFile zip(result.path);
        QVERIFY(zip.open(QIODevice::ReadOnly));
        const QByteArray bytes = zip.readAll();
        QVERIFY(bytes.startsWith("PK\x03\x04"));
        QVERIFY(bytes.contains("red-bundle/summary.json"));
        QVERIFY(bytes.contains("red-bundle/logs/specs.log"));
        QString opened;
        exporter()->setFolderOpener([&opened](const QString &path) { opened = path; });
        emit exporter()->statusLabel()->linkActivated("kassert:open-bundle");
        QCOMPARE(opened, out.path());
    }

    void cancelFromTheStatusBar()
    {
        QTemporaryDir out;
        m_window->suitePanel()->selectSuite({ "ui", "green" });
        QTRY_VERIFY(exporter()->action()->isEnabled());
        QSignalSpy exported(exporter(), &ExportBundleAction::exported);
        exporter()->exportTo(out.path());
        QVERIFY(exporter()->isExporting());
        QVERIFY(!exporter()->action()->isEnabled()); // one export at a time
        QVERIFY(exporter()->statusLabel()->text().contains("Cancel"));
        emit exporter()->statusLabel()->linkActivated("kassert:cancel-export");
        QVERIFY(exported.wait(10000));
        QVERIFY(exported.first().first().value<FailureBundle::Result>().canceled);
        QVERIFY(exporter()->statusLabel()->text().contains("canceled"));
        QVERIFY(QDir(out.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
        QVERIFY(exporter()->action()->isEnabled());
    }
};

QTEST_MAIN(TestExportBundle)
#include "tst_exportbundle.moc"
