#include "system/unixsignalwatcher.h"

#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_fds[2] = { -1, -1 }; // [0] written by the handler, [1] read by the notifier

void handleSignal(int number)
{
    const int savedErrno = errno;
    const unsigned char byte = static_cast<unsigned char>(number);
    // A full pipe (a flood of signals) drops the byte: one pending delivery is enough.
    [[maybe_unused]] const ssize_t written = ::write(g_fds[0], &byte, 1);
    errno = savedErrno;
}

} // namespace

struct UnixSignalWatcher::Previous
{
    int number;
    struct sigaction action;
};

UnixSignalWatcher::UnixSignalWatcher(QObject *parent)
    : UnixSignalWatcher({ SIGTERM, SIGINT, SIGHUP }, parent)
{
}

UnixSignalWatcher::UnixSignalWatcher(const QList<int> &signalNumbers, QObject *parent)
    : QObject(parent)
    , m_signals(signalNumbers)
    , m_previous(new QList<Previous>)
{
    if (g_fds[0] != -1) {
        qWarning("UnixSignalWatcher: only one watcher per process");
        return;
    }
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, g_fds) != 0) {
        g_fds[0] = g_fds[1] = -1;
        qWarning("UnixSignalWatcher: socketpair failed: %s", strerror(errno));
        return;
    }
    m_notifier = new QSocketNotifier(g_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &UnixSignalWatcher::readSignals);
    for (int number : std::as_const(m_signals)) {
        struct sigaction action = {};
        action.sa_handler = handleSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        Previous previous { number, {} };
        if (::sigaction(number, &action, &previous.action) == 0)
            m_previous->append(previous);
    }
}

UnixSignalWatcher::~UnixSignalWatcher()
{
    for (const Previous &previous : std::as_const(*m_previous))
        ::sigaction(previous.number, &previous.action, nullptr);
    delete m_previous;
    if (m_notifier) {
        delete m_notifier;
        ::close(g_fds[0]);
        ::close(g_fds[1]);
        g_fds[0] = g_fds[1] = -1;
    }
}

void UnixSignalWatcher::readSignals()
{
    unsigned char bytes[64];
    for (;;) {
        const ssize_t count = ::read(g_fds[1], bytes, sizeof bytes);
        if (count <= 0)
            break;
        for (ssize_t i = 0; i < count; ++i)
            emit signalReceived(int(bytes[i]));
    }
}
