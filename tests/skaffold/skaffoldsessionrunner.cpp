// Test-only program: what kassert does with sessions on quit, without the GUI. Starts
// `skaffold dev` for each spec directory given, prints "ready" once all are watching, and
// on SIGTERM/SIGINT/SIGHUP stops them all (SIGINT, cleanup, escalation) before exiting.
//
//   skaffoldsessionrunner <skaffold executable> <spec dir>...
#include "skaffold/skaffoldsession.h"
#include "skaffold/skaffoldsessions.h"
#include "system/unixsignalwatcher.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.size() < 2) {
        std::fputs("usage: skaffoldsessionrunner <skaffold> <spec dir>...\n", stderr);
        return 2;
    }
    SkaffoldSessions sessions;
    sessions.setProgram(args.first());
    sessions.setCleanupTimeout(5000);
    sessions.setTerminateTimeout(2000);

    UnixSignalWatcher watcher;
    QObject::connect(&watcher, &UnixSignalWatcher::signalReceived, &sessions, [&](int number) {
        std::printf("signal %d: stopping %d sessions\n", number, sessions.liveCount());
        std::fflush(stdout);
        sessions.stopAll();
    });
    QObject::connect(&sessions, &SkaffoldSessions::allStopped, &app, [] {
        std::puts("all stopped");
        std::fflush(stdout);
        QCoreApplication::quit();
    });

    bool announced = false;
    for (const QString &dir : args.mid(1)) {
        SkaffoldLaunch launch;
        launch.specDir = dir;
        SkaffoldSession *session = sessions.start(launch);
        if (!session)
            return 3;
        QObject::connect(session, &SkaffoldSession::changed, &app, [&] {
            if (announced)
                return;
            for (SkaffoldSession *s : sessions.sessions()) {
                if (s->phase().task != QLatin1String("DevLoop") || s->processId() == 0)
                    return;
            }
            announced = true;
            QStringList pids;
            for (SkaffoldSession *s : sessions.sessions())
                pids << QString::number(s->processId());
            std::printf("ready %s\n", qPrintable(pids.join(u' ')));
            std::fflush(stdout);
        });
    }
    return app.exec();
}
