#pragma once

#include "testserverprocess.h"

// The real Alertmanager for integration tests: a null receiver, short group wait, no
// gossip (empty cluster address), state in a temporary directory.
class TestAlertmanager : public TestServerProcess
{
public:
    TestAlertmanager();

protected:
    QStringList arguments(quint16 port) override;
};
