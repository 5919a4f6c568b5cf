#pragma once

#include "suites/suiteidentity.h"

#include <QObject>
#include <QPointer>

class SkaffoldSessions;

// Where a suite's spec files are on this machine, for the spec viewer. Two sources:
// a directory the user set for the suite (kept in QSettings per context, namespace and
// suite; a path, never a credential), and the Skaffold session that deployed it (by the
// run's `skaffold.dev/run-id`, else by the deployment's name). The user's choice wins:
// they set it because the automatic one was wrong or missing. No widgets, no I/O besides
// the settings.
class SpecRootMap : public QObject
{
    Q_OBJECT

public:
    enum class Source { None, User, Skaffold };
    struct Root
    {
        QString directory;
        Source source = Source::None;
    };

    explicit SpecRootMap(QObject *parent = nullptr);

    void setSessions(SkaffoldSessions *sessions);

    Root rootFor(const QString &context, const SuiteKey &suite, const QString &runId) const;

    QString userRoot(const QString &context, const SuiteKey &suite) const;
    // Empty forgets it.
    void setUserRoot(const QString &context, const SuiteKey &suite, const QString &directory);

    // Context, namespace and suite names may hold '/', which QSettings reads as groups.
    static QString settingsKey(const QString &context, const SuiteKey &suite);

signals:
    // A mapping may have changed: ask rootFor again.
    void changed();

private:
    QPointer<SkaffoldSessions> m_sessions;
};
