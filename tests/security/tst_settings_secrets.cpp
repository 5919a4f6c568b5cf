// The settings file and a saved log hold no credential, and are the user's alone.
// The main window runs against the test API server with a token and with a client
// certificate (a context switch), the user sets monitoring endpoints in the dialog,
// mutes notifications, saves the failing suite's log and closes the window. Then the
// settings file (0600, in a 0700 folder) and the saved log (0600) are searched for the
// token, the restricted token and the client key.
#include "connectionbar.h"
#include "endpointsdialog.h"
#include "logmodel.h"
#include "logpanel.h"
#include "logview.h"
#include "mainwindow.h"
#include "session/clustersession.h"
#include "suitepanel.h"
#include "testapiserver.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QLineEdit>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <sys/stat.h>

using namespace std::chrono_literals;

namespace {

int modeOf(const QString &path)
{
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

QString octal(int mode)
{
    return QString::number(mode, 8);
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestSettingsSecrets : public QObject
{
    Q_OBJECT

    TestApiServer m_server;
    QTemporaryDir m_tmp;
    QList<QByteArray> m_secrets;

    void verifyNoSecretIn(const QByteArray &content, const char *what)
    {
        QVERIFY2(!content.isEmpty(), what);
        for (const QByteArray &secret : std::as_const(m_secrets))
            QVERIFY2(!content.contains(secret), qPrintable(QString("%1 holds a secret:\n%2").arg(what, content)));
        QVERIFY2(!content.contains("PRIVATE KEY"), what);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // Before the first QSettings: this run's settings live in the temporary folder.
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_tmp.filePath("config")));
        QCoreApplication::setOrganizationName("kassert");
        QCoreApplication::setApplicationName("kassert");
        ::umask(022); // the usual umask; the files' modes must not depend on it
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        QVERIFY(!m_server.addSuite("qa", "red", "failing", 0, &error).isEmpty());
        m_secrets << m_server.token() << m_server.restrictedToken();
        for (const QByteArray &line : readFile(m_server.clientKeyPath()).split('\n')) {
            if (!line.startsWith("-----") && line.trimmed().size() >= 16)
                m_secrets << line.trimmed();
        }
        m_secrets << readFile(m_server.clientKeyPath()).toBase64().left(64);
        QVERIFY(m_secrets.size() >= 5);
    }

    void settingsAndSavedLogHoldNoSecret()
    {
        const QString settingsPath = QSettings().fileName();
        QVERIFY2(settingsPath.startsWith(m_tmp.path()), qPrintable(settingsPath));
        QVERIFY(!QFile::exists(settingsPath));

        ClusterSession::Options options;
        options.kubeconfig = m_server.kubeconfigPath();
        options.nameSpace = "qa";
        options.scrapeInterval = 200ms;
        ClusterSession session(options);
        auto window = std::make_unique<MainWindow>(&session);
        window->show();
        QSignalSpy settled(&session, &ClusterSession::settled);
        session.start();
        QVERIFY(settled.wait(30000));

        // The folder and the file exist, private, before anything is written to them.
        QCOMPARE(octal(modeOf(settingsPath)), octal(0600));
        QCOMPARE(octal(modeOf(QFileInfo(settingsPath).absolutePath())), octal(0700));

        // The failing suite's log, saved as the Save button does.
        window->suitePanel()->selectSuite({"qa", "red"});
        LogModel *model = window->logPanel()->model();
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 3, 20000);
        LogView *view = window->logPanel()->logView();
        QVERIFY(view);
        const QString logPath = m_tmp.filePath("saved-log.txt");
        QCOMPARE(view->saveToFile(logPath), QString());
        QCOMPARE(octal(modeOf(logPath)), octal(0600));
        const QByteArray log = readFile(logPath);
        QVERIFY2(log.count('\n') > 3, log.constData());
        for (const QByteArray &secret : std::as_const(m_secrets))
            QVERIFY2(!log.contains(secret), log.constData());

        // Endpoints for the token context, through the dialog as a user enters them.
        auto *bar = window->findChild<ConnectionBar *>();
        QVERIFY(bar);
        bool filled = false;
        QTimer::singleShot(0, this, [&filled] {
            auto *dialog = qobject_cast<EndpointsDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            const QList<QLineEdit *> edits = dialog->findChildren<QLineEdit *>();
            if (edits.size() < 2)
                return;
            edits.at(0)->setText("http://127.0.0.1:9/prometheus");
            edits.at(1)->setText("http://127.0.0.1:9/alertmanager");
            filled = true;
            dialog->accept();
        });
        emit bar->configureEndpointsRequested();
        QVERIFY(filled);
        QCOMPARE(session.prometheusOverride(), QUrl("http://127.0.0.1:9/prometheus"));

        // Mute (a setting of its own), then the certificate context.
        for (QAction *action : window->menuBar()->findChildren<QAction *>()) {
            if (action->isCheckable() && action->text().contains("Mute"))
                action->trigger();
        }
        session.switchContext("test-cert");
        QTRY_COMPARE_WITH_TIMEOUT(session.currentContext(), QString("test-cert"), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(session.status(ClusterSession::Link::Cluster).health,
            ConnectionStatus::Health::Ok, 30000);

        // Closing writes geometry and state; the file is rewritten and stays private.
        window->close();
        window.reset();
        QSettings().sync();
        const QByteArray settings = readFile(settingsPath);
        QVERIFY2(settings.contains("127.0.0.1:9/prometheus"), settings.constData());
        QVERIFY2(settings.contains("muted"), settings.constData());
        verifyNoSecretIn(settings, "the settings file");
        QCOMPARE(octal(modeOf(settingsPath)), octal(0600));
    }
};

QTEST_MAIN(TestSettingsSecrets)
#include "tst_settings_secrets.moc"
