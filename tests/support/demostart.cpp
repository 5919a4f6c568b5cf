#include "demostart.h"

#include "session/democluster.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QTest>

QString startDemoAndWait(DemoCluster &demo)
{
    QSignalSpy ready(&demo, &DemoCluster::ready);
    QSignalSpy failed(&demo, &DemoCluster::failed);
    demo.start();
    const QDeadlineTimer deadline(60000);
    while (ready.isEmpty() && failed.isEmpty() && !deadline.hasExpired())
        QTest::qWait(50);
    if (!failed.isEmpty())
        return failed.first().first().toString();
    if (ready.isEmpty())
        return QStringLiteral("the demo cluster was not ready within 60 s");
    return {};
}
