#include "specrootmap.h"

#include "skaffold/skaffoldsessions.h"

#include <QDir>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace {

QString encoded(const QString &text)
{
    return QString::fromLatin1(text.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

SpecRootMap::SpecRootMap(QObject *parent)
    : QObject(parent)
{
}

void SpecRootMap::setSessions(SkaffoldSessions *sessions)
{
    if (m_sessions)
        disconnect(m_sessions, nullptr, this, nullptr);
    m_sessions = sessions;
    if (sessions)
        connect(sessions, &SkaffoldSessions::deploymentsChanged, this, &SpecRootMap::changed);
    emit changed();
}

QString SpecRootMap::settingsKey(const QString &context, const SuiteKey &suite)
{
    return u"specRoots/"_s + encoded(context) + u'/' + encoded(suite.nameSpace) + u'/' + encoded(suite.name);
}

QString SpecRootMap::userRoot(const QString &context, const SuiteKey &suite) const
{
    if (suite.name.isEmpty())
        return {};
    return QSettings().value(settingsKey(context, suite)).toString();
}

void SpecRootMap::setUserRoot(const QString &context, const SuiteKey &suite, const QString &directory)
{
    if (suite.name.isEmpty())
        return;
    QSettings settings;
    if (directory.isEmpty())
        settings.remove(settingsKey(context, suite));
    else
        settings.setValue(settingsKey(context, suite), QDir::cleanPath(QDir(directory).absolutePath()));
    emit changed();
}

SpecRootMap::Root SpecRootMap::rootFor(const QString &context, const SuiteKey &suite, const QString &runId) const
{
    if (const QString user = userRoot(context, suite); !user.isEmpty())
        return {user, Source::User};
    if (!m_sessions || suite.name.isEmpty())
        return {};
    QString fromSkaffold = m_sessions->specDirForRunId(runId);
    if (fromSkaffold.isEmpty())
        fromSkaffold = m_sessions->specDirForWorkload(suite.nameSpace, suite.name);
    if (fromSkaffold.isEmpty())
        return {};
    return {fromSkaffold, Source::Skaffold};
}
