#include "clustersession.h"

#include "http/directendpoint.h"
#include "kube/kubeclient.h"
#include "kube/kubecontexts.h"
#include "kube/kubeendpoints.h"
#include "kube/reflector.h"
#include "monitoring/alertmanagerclient.h"
#include "monitoring/historyquery.h"
#include "monitoring/metricsscraper.h"
#include "monitoring/monitoringdiscovery.h"
#include "monitoring/prometheusclient.h"
#include "monitoring/suitemetricsquery.h"
#include "periodicpoll.h"
#include "suites/suitetracker.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

const QString SuiteSelector = u"kubernetes-assert=metrics"_s;
// Without Prometheus every live suite pod is scraped through the pod proxy; this bounds
// one round so a namespace with hundreds of suites does not flood the API server.
constexpr int MaxDirectScrapesPerRound = 40;

int linkIndex(ClusterSession::Link link)
{
    return static_cast<int>(link);
}

ConnectionStatus offStatus(const QString &summary, const QString &error = {})
{
    ConnectionStatus status;
    status.health = ConnectionStatus::Health::Off;
    status.summary = summary;
    status.error = error;
    return status;
}

// An Alertmanager regex (RE2, anchored) matching every pod a suite's Deployment makes.
QString podPatternFor(const SuiteKey &key)
{
    return QRegularExpression::escape(key.name) + u"(-.+)?"_s;
}

} // namespace

ClusterSession::Options ClusterSession::Options::fromCommandLine(const CommandLineOptions &options)
{
    Options session;
    session.kubeconfig = options.kubeconfig;
    session.context = options.context;
    session.nameSpace = options.nameSpace;
    session.allNamespaces = options.allNamespaces;
    session.prometheusUrl = options.prometheusUrl;
    session.alertmanagerUrl = options.alertmanagerUrl;
    return session;
}

// Everything of one connection (context + namespace) hangs off `scope`: deleting it
// ends the reflector, the polls and every callback that still points at them.
struct ClusterSession::Private
{
    ClusterSession *q;
    Options options;
    SuiteTracker *tracker;
    KubeContexts *contexts = nullptr;

    QPointer<QObject> scope;
    KubeClient *client = nullptr;
    Reflector *reflector = nullptr;
    PrometheusClient *prometheus = nullptr;
    SuiteMetricsQuery *metricsQuery = nullptr;
    HistoryQuery *history = nullptr;
    AlertmanagerClient *alertmanager = nullptr;
    PeriodicPoll *prometheusPoll = nullptr;
    PeriodicPoll *alertmanagerPoll = nullptr;
    PeriodicPoll *scrapePoll = nullptr;
    QString descriptions[3];

    ConnectionStatus statuses[3];
    QString nameSpace; // empty: all namespaces
    SuiteKey focused;
    QTimer reevaluateTimer;
    bool podsListed = false;
    bool scrapedAfterList = false;
    bool prometheusSettled = false;
    bool alertmanagerSettled = false;
    bool settledEmitted = false;

    void connectTo(const ClusterAccess &access);
    void teardown();
    void setStatus(Link link, const ConnectionStatus &status);
    void checkSettled();
    void fetchNamespaces();
    void startMonitoring();
    void startPrometheus(std::shared_ptr<HttpEndpoint> endpoint);
    void startAlertmanager(std::shared_ptr<HttpEndpoint> endpoint);
    void scrapeRound(PeriodicPoll::Finished finished);
    QList<const Run *> runsToScrape() const;
    const Run *liveRun(const SuiteKey &key) const;
    bool prometheusHealthy() const
    {
        return prometheus && statuses[linkIndex(Link::Prometheus)].health == ConnectionStatus::Health::Ok;
    }
};

ClusterSession::ClusterSession(const Options &options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->options = options;
    d->tracker = new SuiteTracker(this);
    d->reevaluateTimer.setInterval(5000);
    connect(&d->reevaluateTimer, &QTimer::timeout, d->tracker, &SuiteTracker::reevaluate);
    for (Link link : {Link::Cluster, Link::Prometheus, Link::Alertmanager})
        d->statuses[linkIndex(link)].summary = tr("not connected");
}

ClusterSession::~ClusterSession()
{
    d->teardown();
}

void ClusterSession::start()
{
    d->contexts = new KubeContexts(KubeconfigLoader::defaultOptions(d->options.kubeconfig), this);
    d->contexts->setNamespaceOverride(d->options.nameSpace);
    // `kubectl config use-context` elsewhere, or a refreshed token file, applies at once.
    d->contexts->setWatchFiles(true);
    connect(d->contexts, &KubeContexts::switched, this, [this](const ClusterAccess &access) { d->connectTo(access); });
    auto fail = [this](const QString &error) {
        ConnectionStatus status;
        status.health = ConnectionStatus::Health::Failed;
        status.summary = tr("kubeconfig not usable");
        status.error = error;
        d->setStatus(Link::Cluster, status);
        d->checkSettled();
    };
    connect(d->contexts, &KubeContexts::loadFailed, this, fail);
    connect(d->contexts, &KubeContexts::switchFailed, this,
            [fail](const QString &, const QString &error) { fail(error); });
    if (!d->contexts->start(d->options.context) && d->statuses[linkIndex(Link::Cluster)].error.isEmpty())
        fail(d->contexts->lastError());
    d->reevaluateTimer.start();
}

SuiteTracker *ClusterSession::tracker() const
{
    return d->tracker;
}

KubeClient *ClusterSession::client() const
{
    return d->client;
}

KubeContexts *ClusterSession::contexts() const
{
    return d->contexts;
}

QString ClusterSession::currentContext() const
{
    return d->contexts ? d->contexts->activeContext() : QString();
}

QString ClusterSession::nameSpace() const
{
    return d->nameSpace;
}

ConnectionStatus ClusterSession::status(Link link) const
{
    return d->statuses[linkIndex(link)];
}

QString ClusterSession::endpointDescription(Link link) const
{
    return d->descriptions[linkIndex(link)];
}

bool ClusterSession::isSettled() const
{
    return d->settledEmitted;
}

void ClusterSession::switchContext(const QString &context)
{
    if (!d->contexts || context == currentContext())
        return;
    // The new context's own namespace applies, unless -n was given for this session.
    d->contexts->switchContext(context);
}

void ClusterSession::setNamespace(const QString &nameSpace)
{
    if (!d->contexts || !d->contexts->access())
        return;
    d->options.allNamespaces = nameSpace.isEmpty();
    if (!nameSpace.isEmpty())
        d->contexts->setNamespaceOverride(nameSpace);
    if (nameSpace == d->nameSpace)
        return;
    d->connectTo(*d->contexts->access());
}

void ClusterSession::setEndpointOverrides(const QUrl &prometheus, const QUrl &alertmanager)
{
    if (prometheus == d->options.prometheusUrl && alertmanager == d->options.alertmanagerUrl)
        return;
    d->options.prometheusUrl = prometheus;
    d->options.alertmanagerUrl = alertmanager;
    if (d->contexts && d->contexts->access())
        d->connectTo(*d->contexts->access());
}

QUrl ClusterSession::prometheusOverride() const
{
    return d->options.prometheusUrl;
}

QUrl ClusterSession::alertmanagerOverride() const
{
    return d->options.alertmanagerUrl;
}

void ClusterSession::setFocusedSuite(const SuiteKey &key)
{
    if (key == d->focused)
        return;
    d->focused = key;
    if (d->scrapePoll && !key.name.isEmpty())
        d->scrapePoll->pollNow();
}

void ClusterSession::rerun(const SuiteKey &key)
{
    const Run *run = d->liveRun(key);
    if (!run || !d->client) {
        emit rerunFinished(key, {false, tr("%1 has no running pod to rerun").arg(key.toString()), false});
        return;
    }
    HttpRequest inner;
    inner.verb = "POST";
    inner.path = u"rerun"_s;
    inner.contentType = "application/json";
    inner.body = "{}";
    const QString pod = run->pod.name;
    d->client->podProxy(key.nameSpace, pod, run->pod.assertPort(), inner, d->scope,
                        [this, key, pod](const HttpResult &result) {
                            ActionResult action;
                            action.ok = result.ok();
                            if (action.ok) {
                                action.message = tr("Rerun started in %1").arg(pod);
                                // The runtime reports when the pass ends; look soon and often.
                                QTimer::singleShot(1000, d->scope, [this] {
                                    if (d->scrapePoll)
                                        d->scrapePoll->pollNow();
                                    if (d->prometheusPoll)
                                        d->prometheusPoll->pollNow();
                                });
                            } else {
                                action.message = tr("Rerun of %1 refused: %2").arg(pod, result.error.toString());
                                action.canRestartRun = result.error.kind == HttpError::Kind::Http;
                            }
                            emit rerunFinished(key, action);
                        });
}

void ClusterSession::restartRun(const SuiteKey &key)
{
    const Run *run = d->liveRun(key);
    if (!run || !d->client) {
        emit restartFinished(key, {false, tr("%1 has no pod to restart").arg(key.toString()), false});
        return;
    }
    const QString pod = run->pod.name;
    d->client->deletePod(key.nameSpace, pod, d->scope, [this, key, pod](const DeleteResult &result) {
        ActionResult action;
        action.ok = !result.error.isError();
        action.message = action.ok ? tr("Deleted %1; its Deployment starts a new run").arg(pod)
                                   : tr("Could not delete %1: %2").arg(pod, result.error.toString());
        emit restartFinished(key, action);
    });
}

void ClusterSession::silence(const SuiteKey &key, std::chrono::minutes duration, const QString &comment,
                             const QString &creator)
{
    if (!d->alertmanager) {
        emit silenceFinished(key, {false, tr("No Alertmanager to silence %1 in").arg(key.toString()), false});
        return;
    }
    const QList<AlertMatcher> matchers{{u"namespace"_s, key.nameSpace, false, true},
                                       {u"pod"_s, podPatternFor(key), true, true}};
    d->alertmanager->createSilence(
        matchers, std::chrono::duration_cast<std::chrono::seconds>(duration), creator, comment,
        [this, key](const SilenceCreated &created) {
            ActionResult action;
            action.ok = created.ok();
            action.message = action.ok ? tr("Silenced %1 (silence %2)").arg(key.toString(), created.id)
                                       : tr("Could not silence %1: %2").arg(key.toString(), created.error.toString());
            emit silenceFinished(key, action);
            if (action.ok && d->alertmanagerPoll)
                d->alertmanagerPoll->pollNow();
        });
}

void ClusterSession::requestHistory(const SuiteKey &key, int rangeSeconds)
{
    const Suite *suite = d->tracker->suite(key);
    if (!suite)
        return;
    if (!d->history || !d->prometheusHealthy()) {
        SuiteHistory none;
        none.error = d->prometheus ? tr("Prometheus is not reachable")
                                   : tr("no Prometheus: %1").arg(d->statuses[linkIndex(Link::Prometheus)].error);
        emit historyReady(key, none);
        return;
    }
    QStringList pods;
    for (const Run &run : suite->runs) {
        if (run.hasPod)
            pods << run.pod.name;
    }
    d->history->fetch(key.nameSpace, pods, std::chrono::seconds(rangeSeconds), QDateTime(),
                      [this, key](const SuiteHistory &history) { emit historyReady(key, history); });
}

// --- Private ---------------------------------------------------------------------------

void ClusterSession::Private::teardown()
{
    delete scope; // children first: polls, reflector, monitoring clients, then the client
    scope = nullptr;
    client = nullptr;
    reflector = nullptr;
    prometheus = nullptr;
    metricsQuery = nullptr;
    history = nullptr;
    alertmanager = nullptr;
    prometheusPoll = alertmanagerPoll = scrapePoll = nullptr;
}

void ClusterSession::Private::connectTo(const ClusterAccess &access)
{
    teardown();
    tracker->clear();
    podsListed = scrapedAfterList = prometheusSettled = alertmanagerSettled = settledEmitted = false;

    nameSpace = options.allNamespaces ? QString() : contexts->nameSpace();
    tracker->setNamespaceFilter(nameSpace);
    scope = new QObject(q);
    client = new KubeClient(access, scope);
    descriptions[linkIndex(Link::Cluster)] = client->describe();

    ConnectionStatus connecting;
    connecting.health = ConnectionStatus::Health::Connecting;
    connecting.endpoint = client->describe();
    connecting.summary = tr("connecting");
    setStatus(Link::Cluster, connecting);
    const QStringList warnings = access.target.warnings;

    reflector = new Reflector(client, nameSpace, SuiteSelector, scope);
    QObject::connect(reflector, &Reflector::replaced, tracker, &SuiteTracker::replacePods);
    QObject::connect(reflector, &Reflector::upserted, tracker, &SuiteTracker::upsertPod);
    QObject::connect(reflector, &Reflector::removed, tracker, &SuiteTracker::removePod);
    QObject::connect(reflector, &Reflector::statusChanged, q, [this, warnings](ConnectionStatus status) {
        status.endpoint = client ? client->describe() : status.endpoint;
        if (status.health == ConnectionStatus::Health::Ok && !warnings.isEmpty()) {
            status.health = ConnectionStatus::Health::Degraded;
            status.summary += u"; "_s + warnings.join(u"; "_s);
        }
        setStatus(Link::Cluster, status);
        checkSettled();
    });
    QObject::connect(reflector, &Reflector::listed, q, [this] {
        podsListed = true;
        if (scrapePoll)
            scrapePoll->pollNow();
        checkSettled();
    });

    scrapePoll = new PeriodicPoll(tr("pod proxy"), options.scrapeInterval,
                                  [this](PeriodicPoll::Finished finished) { scrapeRound(std::move(finished)); }, scope);
    QObject::connect(scrapePoll, &PeriodicPoll::polled, q, [this] {
        if (podsListed && !scrapedAfterList) {
            scrapedAfterList = true;
            checkSettled();
        }
    });

    emit q->contextChanged(contexts->activeContext(), nameSpace);
    reflector->start();
    scrapePoll->start();
    fetchNamespaces();
    startMonitoring();
}

void ClusterSession::Private::setStatus(Link link, const ConnectionStatus &status)
{
    ConnectionStatus &current = statuses[linkIndex(link)];
    if (current == status)
        return;
    current = status;
    emit q->statusChanged(link, status);
}

void ClusterSession::Private::checkSettled()
{
    if (settledEmitted)
        return;
    const ConnectionStatus &cluster = statuses[linkIndex(Link::Cluster)];
    const bool clusterDown = !cluster.error.isEmpty() && !podsListed;
    const bool podsKnown = podsListed && scrapedAfterList;
    if ((clusterDown || (podsKnown && prometheusSettled && alertmanagerSettled))) {
        settledEmitted = true;
        emit q->settled();
    }
}

void ClusterSession::Private::fetchNamespaces()
{
    client->get(u"api/v1/namespaces"_s, scope, [this](const HttpResult &result) {
        QStringList names;
        if (result.ok()) {
            const QJsonArray items = QJsonDocument::fromJson(result.body).object().value(u"items").toArray();
            for (const QJsonValue &item : items) {
                const QString name = item.toObject().value(u"metadata").toObject().value(u"name").toString();
                if (!name.isEmpty())
                    names << name;
            }
        }
        // Listing namespaces is often forbidden: offer at least the context's own.
        const QString own = contexts->nameSpace();
        if (!own.isEmpty() && !names.contains(own))
            names << own;
        names.sort();
        emit q->namespacesChanged(names);
    });
}

void ClusterSession::Private::startMonitoring()
{
    auto apiServer = std::make_shared<ApiServerEndpoint>(client);
    auto *discovery = new MonitoringDiscovery(apiServer, scope);
    const QPointer<QObject> started = scope;

    if (options.prometheusUrl.isValid() && !options.prometheusUrl.isEmpty()) {
        startPrometheus(std::make_shared<DirectEndpoint>(options.prometheusUrl));
    } else {
        discovery->find(MonitoringDiscovery::Target::Prometheus, [this, started](const DiscoveryResult &found) {
            if (started != scope)
                return;
            if (found.ok()) {
                startPrometheus(std::make_shared<ServiceProxyEndpoint>(client, found.service.nameSpace,
                                                                       found.service.name, found.service.port));
                return;
            }
            // Not an error of the suites: they are scraped directly instead.
            setStatus(Link::Prometheus, offStatus(tr("not found; reading pods directly"), found.error));
            prometheusSettled = true;
            tracker->applyPrometheusError(tr("no Prometheus: %1").arg(found.error));
            checkSettled();
        });
    }

    if (options.alertmanagerUrl.isValid() && !options.alertmanagerUrl.isEmpty()) {
        startAlertmanager(std::make_shared<DirectEndpoint>(options.alertmanagerUrl));
    } else {
        discovery->find(MonitoringDiscovery::Target::Alertmanager, [this, started](const DiscoveryResult &found) {
            if (started != scope)
                return;
            if (found.ok()) {
                startAlertmanager(std::make_shared<ServiceProxyEndpoint>(client, found.service.nameSpace,
                                                                         found.service.name, found.service.port));
                return;
            }
            setStatus(Link::Alertmanager, offStatus(tr("not found"), found.error));
            alertmanagerSettled = true;
            checkSettled();
        });
    }
}

void ClusterSession::Private::startPrometheus(std::shared_ptr<HttpEndpoint> endpoint)
{
    descriptions[linkIndex(Link::Prometheus)] = endpoint->describe();
    prometheus = new PrometheusClient(endpoint, scope);
    metricsQuery = new SuiteMetricsQuery(prometheus, scope);
    metricsQuery->setNamespace(nameSpace);
    history = new HistoryQuery(prometheus, scope);
    prometheusPoll = new PeriodicPoll(
        endpoint->describe(), options.prometheusInterval,
        [this](PeriodicPoll::Finished finished) {
            metricsQuery->fetch([this, finished](const SuiteMetricsSnapshot &snapshot) {
                if (snapshot.ok()) {
                    tracker->applyPrometheusSnapshot(snapshot.seriesByPod);
                    finished({});
                } else {
                    const QString error = snapshot.error.toString();
                    tracker->applyPrometheusError(error);
                    finished(error);
                }
            });
        },
        scope);
    QObject::connect(prometheusPoll, &PeriodicPoll::statusChanged, q,
                     [this](const ConnectionStatus &status) { setStatus(Link::Prometheus, status); });
    QObject::connect(prometheusPoll, &PeriodicPoll::polled, q, [this](bool ok) {
        prometheusSettled = true;
        // While Prometheus fails, the scrape poll covers every suite; when it is back,
        // only the focused one.
        if (!ok && scrapePoll)
            scrapePoll->pollNow();
        checkSettled();
    });
    prometheusPoll->start();
}

void ClusterSession::Private::startAlertmanager(std::shared_ptr<HttpEndpoint> endpoint)
{
    descriptions[linkIndex(Link::Alertmanager)] = endpoint->describe();
    alertmanager = new AlertmanagerClient(endpoint, scope);
    alertmanagerPoll = new PeriodicPoll(
        endpoint->describe(), options.alertmanagerInterval,
        [this](PeriodicPoll::Finished finished) {
            AlertQuery query;
            if (!nameSpace.isEmpty())
                query.filter << AlertMatcher{u"namespace"_s, nameSpace, false, true};
            alertmanager->alerts(query, [this, finished](const AlertsResult &result) {
                if (result.ok())
                    tracker->applyAlerts(result.alerts);
                finished(result.ok() ? QString() : result.error.toString());
            });
        },
        scope);
    QObject::connect(alertmanagerPoll, &PeriodicPoll::statusChanged, q,
                     [this](const ConnectionStatus &status) { setStatus(Link::Alertmanager, status); });
    QObject::connect(alertmanagerPoll, &PeriodicPoll::polled, q, [this] {
        alertmanagerSettled = true;
        checkSettled();
    });
    alertmanagerPoll->start();
}

const Run *ClusterSession::Private::liveRun(const SuiteKey &key) const
{
    const Suite *suite = tracker->suite(key);
    const Run *run = suite ? suite->currentRun() : nullptr;
    return run && run->hasPod && !run->ended ? run : nullptr;
}

QList<const Run *> ClusterSession::Private::runsToScrape() const
{
    QList<const Run *> runs;
    auto add = [&runs](const Run *run) {
        if (run && run->pod.phase == u"Running"_s && !runs.contains(run))
            runs << run;
    };
    add(liveRun(focused));
    // With Prometheus answering, only the runs it has no current sample for (its scrapes
    // of them fail) are read directly; without it, every run.
    const bool everyRun = !prometheusHealthy();
    const QList<SuiteKey> keys = tracker->keys();
    for (const SuiteKey &key : keys) {
        if (runs.size() >= MaxDirectScrapesPerRound)
            break;
        const Run *run = liveRun(key);
        if (everyRun || (run && !run->prometheus.error.isEmpty()))
            add(run);
    }
    return runs;
}

void ClusterSession::Private::scrapeRound(PeriodicPoll::Finished finished)
{
    const QList<const Run *> runs = runsToScrape();
    if (runs.isEmpty() || !client) {
        finished({});
        return;
    }
    // Copies: the runs may change before the answers come.
    auto remaining = std::make_shared<int>(int(runs.size()));
    for (const Run *run : runs) {
        const QString ns = run->pod.nameSpace;
        const QString pod = run->pod.name;
        auto *scraper = new MetricsScraper(
            std::make_shared<PodProxyEndpoint>(client, ns, pod, run->pod.assertPort()), scope);
        scraper->scrape([this, scraper, ns, pod, remaining, finished](const ScrapeResult &result) {
            if (result.ok())
                tracker->applyDirectMetrics(ns, pod, result.metrics);
            else
                tracker->applyDirectError(ns, pod, result.error.toString());
            scraper->deleteLater();
            if (--*remaining == 0)
                finished({});
        });
    }
}
