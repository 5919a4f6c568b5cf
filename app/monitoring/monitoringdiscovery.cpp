#include "monitoringdiscovery.h"

#include "kube/kubestatus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

const QString monitoringNamespace = u"monitoring"_s;

// The port to proxy to: the one named `web` (the Operator's and kube-prometheus'
// convention), else the first one, by name when it has one.
QString chooseWebPort(const QJsonObject &service)
{
    const QJsonArray ports = service.value("spec"_L1).toObject().value("ports"_L1).toArray();
    for (const QJsonValue &port : ports) {
        if (port.toObject().value("name"_L1).toString() == "web"_L1)
            return u"web"_s;
    }
    if (ports.isEmpty())
        return {};
    const QJsonObject first = ports.first().toObject();
    const QString name = first.value("name"_L1).toString();
    return name.isEmpty() ? QString::number(first.value("port"_L1).toInt()) : name;
}

std::optional<DiscoveredService> serviceFrom(const QJsonObject &object)
{
    const QJsonObject metadata = object.value("metadata"_L1).toObject();
    DiscoveredService service;
    service.nameSpace = metadata.value("namespace"_L1).toString();
    service.name = metadata.value("name"_L1).toString();
    service.port = chooseWebPort(object);
    if (service.nameSpace.isEmpty() || service.name.isEmpty() || service.port.isEmpty()
        || service.port == "0"_L1)
        return std::nullopt;
    return service;
}

QString statusMessage(const HttpResult &result)
{
    // A Kubernetes Status says it best; else the transport's words.
    HttpError error = result.error;
    if (const KubeStatus status = parseKubeStatus(result.body);
        status.isStatus && !status.message.isEmpty()) {
        error.message = status.message;
        error.reason = status.reason;
    }
    return error.toString();
}

} // namespace

struct MonitoringDiscovery::Search
{
    Target target;
    QStringList names; // still to try
    QStringList lookedFor;
    QStringList failures;
    std::function<void(const DiscoveryResult &)> done;
};

QString DiscoveredService::proxyPath() const
{
    return u"api/v1/namespaces/%1/services/%2:%3/proxy/"_s.arg(nameSpace, name, port);
}

MonitoringDiscovery::MonitoringDiscovery(std::shared_ptr<HttpEndpoint> apiServer, QObject *parent)
    : QObject(parent)
    , m_apiServer(std::move(apiServer))
{
    Q_ASSERT(m_apiServer);
}

QString MonitoringDiscovery::operatorLabel(Target target)
{
    return target == Target::Prometheus ? u"operated-prometheus"_s : u"operated-alertmanager"_s;
}

QStringList MonitoringDiscovery::fallbackNames(Target target)
{
    return target == Target::Prometheus ? QStringList { u"prometheus-now"_s, u"prometheus-k8s"_s }
                                        : QStringList { u"alertmanager-main"_s };
}

void MonitoringDiscovery::find(Target target, std::function<void(const DiscoveryResult &)> done)
{
    auto search = std::make_shared<Search>();
    search->target = target;
    search->names = fallbackNames(target);
    search->done = std::move(done);
    const QString selector = operatorLabel(target) + u"=true"_s;
    search->lookedFor.append(u"services labelled %1 in all namespaces"_s.arg(selector));

    HttpRequest list;
    list.path = u"api/v1/services"_s;
    list.query.addQueryItem(u"labelSelector"_s, selector);
    list.timeoutMs = 15000;
    m_apiServer->send(list, this, [this, search](const HttpResult &result) {
        if (result.ok()) {
            const QJsonArray items
                = QJsonDocument::fromJson(result.body).object().value("items"_L1).toArray();
            // Prefer the one in `monitoring` when there are several.
            std::optional<DiscoveredService> found;
            for (const QJsonValue &item : items) {
                const std::optional<DiscoveredService> service = serviceFrom(item.toObject());
                if (service && (!found || service->nameSpace == monitoringNamespace))
                    found = service;
            }
            if (found) {
                search->done({ *found, QString() });
                return;
            }
        } else {
            search->failures.append(statusMessage(result));
        }
        tryNextName(search);
    });
}

void MonitoringDiscovery::tryNextName(const std::shared_ptr<Search> &search)
{
    if (search->names.isEmpty()) {
        QString error = u"not found: looked for "_s + search->lookedFor.join(u", "_s);
        if (!search->failures.isEmpty())
            error += u" (failed: "_s + search->failures.join(u"; "_s) + u')';
        search->done({ DiscoveredService(), error });
        return;
    }
    const QString name = search->names.takeFirst();
    search->lookedFor.append(monitoringNamespace + u'/' + name);
    HttpRequest get;
    get.path = u"api/v1/namespaces/%1/services/%2"_s.arg(monitoringNamespace, name);
    get.timeoutMs = 15000;
    m_apiServer->send(get, this, [this, search](const HttpResult &result) {
        if (result.ok()) {
            const std::optional<DiscoveredService> service
                = serviceFrom(QJsonDocument::fromJson(result.body).object());
            if (service) {
                search->done({ *service, QString() });
                return;
            }
            search->failures.append(search->lookedFor.last() + u" has no usable port"_s);
        } else if (result.error.httpStatus != 404) {
            search->failures.append(statusMessage(result));
        }
        tryNextName(search);
    });
}
