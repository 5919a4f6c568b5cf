#include "testalertmanager.h"

TestAlertmanager::TestAlertmanager()
    : TestServerProcess(findServerProgram("KASSERT_ALERTMANAGER",
        { QStringLiteral("prometheus-alertmanager"), QStringLiteral("alertmanager") }))
{
}

QStringList TestAlertmanager::arguments(quint16 port)
{
    writeFile(QStringLiteral("alertmanager.yml"),
        "route:\n"
        "  receiver: \"null\"\n"
        "  group_by: [alertname, namespace, pod]\n"
        "  group_wait: 1s\n"
        "  group_interval: 1s\n"
        "  repeat_interval: 1h\n"
        "receivers:\n"
        "  - name: \"null\"\n");
    return {
        QStringLiteral("--config.file=") + dataPath(QStringLiteral("alertmanager.yml")),
        QStringLiteral("--storage.path=") + dataPath(QStringLiteral("data")),
        QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
        QStringLiteral("--cluster.listen-address="),
        QStringLiteral("--log.level=warn"),
    };
}
