#include "system/childprocess.h"

#include <QProcess>

#if defined(Q_OS_UNIX)
#include <unistd.h>
#endif
#if defined(Q_OS_LINUX)
#include <sys/prctl.h>
#endif

void tieChildToKassert(QProcess *process, int deathSignal, ProcessGroup group)
{
#if defined(Q_OS_UNIX)
    const pid_t parent = ::getpid();
    // Runs in the forked child before exec: async-signal-safe calls only.
    process->setChildProcessModifier([parent, deathSignal, group] {
        if (group == ProcessGroup::Own)
            ::setpgid(0, 0);
#if defined(Q_OS_LINUX)
        ::prctl(PR_SET_PDEATHSIG, deathSignal);
        if (::getppid() != parent) // kassert died between fork and prctl
            ::_exit(1);
#else
        Q_UNUSED(deathSignal);
#endif
    });
#else
    Q_UNUSED(process);
    Q_UNUSED(deathSignal);
    Q_UNUSED(group);
#endif
}
