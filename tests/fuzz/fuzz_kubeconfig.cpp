// libFuzzer target: kubeconfig loading (app/kube/kubeconfigreader.*, parseKubeconfigYaml)
// and the checks made before a context is used (KubeconfigValidator). The file name is
// fixed and does not exist, so relative paths resolve without touching the disk.
//
// Secrets: every token and password of a parsed config is replaced with a marker, and
// the validation messages of every context must not contain that marker.

#include "fuzzsupport.h"

#include "kube/kubeconfigreader.h"
#include "kube/kubeconfigvalidation.h"

namespace {

const QString FileName = u"/nonexistent/kassert-fuzz/config"_s;
const QString TokenMarker = u"\x01fuzz-secret-token\x01"_s;
const QString PasswordMarker = u"\x01fuzz-secret-password\x01"_s;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray yaml = fuzz::bytes(data, size);
    const KubeconfigResult result = parseKubeconfigYaml(yaml, FileName);
    FUZZ_CHECK(result.config.has_value() == result.error.isEmpty());
    if (!result.config) {
        FUZZ_CHECK(result.error.startsWith(FileName));
        return 0;
    }

    Kubeconfig config = *result.config;
    // Names are unique within one file.
    const QStringList contexts = config.contextNames();
    FUZZ_CHECK(QSet<QString>(contexts.begin(), contexts.end()).size() == contexts.size());
    for (const KubeconfigContext &context : config.contexts)
        FUZZ_CHECK(config.context(context.name) == &context);
    for (const KubeconfigCluster &cluster : config.clusters)
        FUZZ_CHECK(config.cluster(cluster.name) == &cluster);
    for (const KubeconfigUser &user : config.users)
        FUZZ_CHECK(config.user(user.name) == &user);

    // Merging a config into itself changes nothing: the first definition wins.
    Kubeconfig merged = config;
    merged.mergeFrom(config);
    FUZZ_CHECK(merged.contexts == config.contexts && merged.clusters == config.clusters
        && merged.users == config.users && merged.currentContext == config.currentContext);

    for (KubeconfigUser &user : config.users) {
        if (!user.token.isEmpty())
            user.token = TokenMarker;
        if (!user.password.isEmpty())
            user.password = PasswordMarker;
    }
    QStringList messages;
    for (const QString &name : contexts + QStringList { config.currentContext })
        messages += KubeconfigValidator::validateContext(config, name);
    for (const KubeconfigUser &user : config.users)
        messages += KubeconfigValidator::validateUser(user);
    for (const KubeconfigCluster &cluster : config.clusters) {
        messages += KubeconfigValidator::validateCluster(cluster);
        KubeconfigValidator::displayUrl(cluster.server);
        KubeconfigValidator::displayUrl(cluster.proxyUrl);
    }
    for (const QString &message : messages) {
        FUZZ_CHECK(!message.isEmpty());
        FUZZ_CHECK(!message.contains(TokenMarker));
        FUZZ_CHECK(!message.contains(PasswordMarker));
    }
    return 0;
}
