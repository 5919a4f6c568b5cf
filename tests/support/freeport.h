#pragma once

#include <QtGlobal>

// A TCP port on 127.0.0.1 that nothing listens on right now, for servers a test starts
// (Prometheus, Alertmanager, exporters). The port is released before returning, so a
// tiny race remains; harnesses retry once with a new port when binding fails.
quint16 freeLoopbackPort();
