#pragma once

#include "http/httpendpoint.h"
#include "servicecheck.h"
#include "suites/suite.h"

#include <QDateTime>
#include <QObject>

#include <chrono>
#include <functional>
#include <memory>

// Typed calls to the Alertmanager API v2 (base "api/v2/") over any HttpEndpoint.
// Alerts come back as SuiteAlert, ready for SuiteTracker::applyAlerts. Alertmanager
// reports errors as plain (JSON-quoted) strings: they become HttpError messages.
// Asynchronous; callbacks run once on this object's thread, never after destruction.

struct AlertMatcher
{
    QString name;
    QString value;
    bool isRegex = false;
    bool isEqual = true; // false: != or !~

    // "namespace=\"shop\"", "pod=~\"a|b\"": the form the `filter` parameter takes.
    QString toFilter() const;
    friend bool operator==(const AlertMatcher &, const AlertMatcher &) = default;
};

struct AlertsResult
{
    QList<SuiteAlert> alerts;
    HttpError error;
    bool ok() const { return !error.isError(); }
};

struct AlertGroup
{
    QMap<QString, QString> labels;
    QString receiver;
    QList<SuiteAlert> alerts;
};

struct AlertGroupsResult
{
    QList<AlertGroup> groups;
    HttpError error;
    bool ok() const { return !error.isError(); }
};

struct Silence
{
    QString id;
    QList<AlertMatcher> matchers;
    QDateTime startsAt;
    QDateTime endsAt;
    QString createdBy;
    QString comment;
    QString state; // active | pending | expired
};

struct SilencesResult
{
    QList<Silence> silences;
    HttpError error;
    bool ok() const { return !error.isError(); }
};

struct SilenceCreated
{
    QString id;
    HttpError error;
    bool ok() const { return !error.isError(); }
};

struct AlertQuery
{
    QList<AlertMatcher> filter;
    bool active = true;
    bool silenced = true;
    bool inhibited = true;
    bool unprocessed = true;
};

class AlertmanagerClient : public QObject
{
    Q_OBJECT

public:
    explicit AlertmanagerClient(std::shared_ptr<HttpEndpoint> endpoint, QObject *parent = nullptr);

    QString describe() const { return m_endpoint->describe(); }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    void alerts(const AlertQuery &query, std::function<void(const AlertsResult &)> done);
    void alertGroups(std::function<void(const AlertGroupsResult &)> done);
    // GET status: version and cluster state, or what failed.
    void checkConnection(std::function<void(const ServiceCheck &)> done);

    // Matchers that silence one suite: its namespace and its pods (one: pod="x"; several:
    // pod=~"x|y"), or, without pods, the `app` label.
    static QList<AlertMatcher> suiteMatchers(
        const QString &nameSpace, const QStringList &podNames, const QString &appLabel = {});
    // Creates a silence from now for `duration`. `createdBy` and `comment` are required by
    // Alertmanager; empty ones are reported without asking it.
    void createSilence(const QList<AlertMatcher> &matchers, std::chrono::seconds duration,
        const QString &createdBy, const QString &comment, std::function<void(const SilenceCreated &)> done);
    void silences(std::function<void(const SilencesResult &)> done);
    void expireSilence(const QString &id, std::function<void(const HttpError &)> done);

    // Pure parsing, exposed for tests.
    static AlertsResult parseAlerts(const HttpResult &result, const QString &endpoint);
    static AlertGroupsResult parseGroups(const HttpResult &result, const QString &endpoint);
    static SilencesResult parseSilences(const HttpResult &result, const QString &endpoint);

private:
    HttpRequest request(const QByteArray &verb, const QString &path) const;

    std::shared_ptr<HttpEndpoint> m_endpoint;
    std::chrono::milliseconds m_timeout { 15000 };
};
