// Test-only program: the Skaffold panel with a session of the stand-in skaffold, for
// screenshots under Xvfb.   skaffoldpaneldemo <stand-in> <spec dir> [scenario]
#include "skaffold/skaffoldsessions.h"
#include "skaffoldpanel.h"

#include <QApplication>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <QWidget>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3)
        return 2;
    QTemporaryDir tmp;
    QSettings settings(tmp.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("skaffold/recentSpecDirectories",
        QStringList { QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/profiles"),
            QStringLiteral(KASSERT_TESTS_DIR "/data/skaffold/malformed") });
    SkaffoldSessions sessions;
    sessions.setProgram(args.at(1));
    sessions.setCleanupTimeout(20000);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("SKAFFOLD_FAKE_STEP", "0.4");
    env.insert("SKAFFOLD_FAKE_LOG_LINES", "40");
    if (args.size() > 3)
        env.insert("SKAFFOLD_FAKE_SCENARIO", args.at(3));
    sessions.setProcessEnvironment(env);

    SkaffoldPanel panel(&sessions, settings);
    panel.setClusterTarget("kind-dev", "assert");
    panel.resize(1100, 760);
    panel.setWindowTitle("kassert — Skaffold");
    panel.openSpecDirectory(args.at(2));
    panel.show();
    QTimer::singleShot(300, &panel, [&] { panel.devButton()->click(); });
    // SKAFFOLD_DEMO_SHOT=<png>: save the window after a few seconds (no X screenshot tool needed).
    const QString shot = qEnvironmentVariable("SKAFFOLD_DEMO_SHOT");
    if (!shot.isEmpty()) {
        const int delay = qEnvironmentVariableIsSet("SKAFFOLD_DEMO_SHOT_MS")
            ? qEnvironmentVariableIntValue("SKAFFOLD_DEMO_SHOT_MS")
            : 6000;
        QTimer::singleShot(delay, &panel, [&panel, &sessions, shot] {
            panel.grab().save(shot);
            QObject::connect(&sessions, &SkaffoldSessions::allStopped, qApp, &QCoreApplication::quit);
            sessions.stopAll();
        });
    }
    // SKAFFOLD_DEMO_STOP_MS=<ms>: press Stop then, to show the cleanup progress.
    if (qEnvironmentVariableIsSet("SKAFFOLD_DEMO_STOP_MS")) {
        QTimer::singleShot(qEnvironmentVariableIntValue("SKAFFOLD_DEMO_STOP_MS"), &panel,
            [&panel] { panel.stopButton()->click(); });
    }
    return app.exec();
}
