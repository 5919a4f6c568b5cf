#pragma once

// Starting the demo cluster (test API server with the demo's suites, Prometheus and
// Alertmanager when installed) for tests that look at it as `kassert --demo` shows it.
#include <QString>

class DemoCluster;

// Starts `demo` and waits for it, up to 60 s. Empty when it is ready, else why not.
QString startDemoAndWait(DemoCluster &demo);
