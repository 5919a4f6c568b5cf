#include "kube/staticcredentialsource.h"

#include "kube/credentialdelivery.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace {
// A token is a few KiB at most; anything bigger is not a token file.
constexpr qint64 kMaxTokenFileSize = 1024 * 1024;
} // namespace

StaticCredentialSource::StaticCredentialSource(const Credential &credential, QObject *parent)
    : CredentialSource(parent)
    , m_credential(credential)
{
}

StaticCredentialSource::StaticCredentialSource(
    const QString &tokenFile, const QString &field, QObject *parent)
    : CredentialSource(parent)
    , m_tokenFile(tokenFile)
    , m_field(field)
{
}

CredentialResult StaticCredentialSource::readTokenFile(const QString &tokenFile, const QString &field)
{
    CredentialResult result;
    QFile file(tokenFile);
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = field + u": cannot read "_s + tokenFile + u": "_s + file.errorString();
        return result;
    }
    const QByteArray content = file.read(kMaxTokenFileSize + 1);
    if (content.size() > kMaxTokenFileSize) {
        result.error = field + u": "_s + tokenFile + u" is larger than 1 MiB, not a token"_s;
        return result;
    }
    const QByteArray token = content.trimmed();
    if (token.isEmpty()) {
        result.error = field + u": "_s + tokenFile + u" is empty"_s;
        return result;
    }
    // A token goes into an HTTP header: control characters would break or smuggle headers.
    for (const char c : token) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            result.error = field + u": "_s + tokenFile + u" does not hold a single-line token"_s;
            return result;
        }
    }
    result.credential.bearerToken = token;
    return result;
}

void StaticCredentialSource::obtain(QObject *context, std::function<void(const CredentialResult &)> done)
{
    if (m_tokenFile.isEmpty()) {
        deliverCredential(context, done, CredentialResult { m_credential, QString(), QString() });
        return;
    }
    deliverCredential(context, done, readTokenFile(m_tokenFile, m_field));
}

bool StaticCredentialSource::invalidate(const Credential &rejected)
{
    Q_UNUSED(rejected);
    // Only a token file can change behind our back; a fixed token or certificate that was
    // rejected will be rejected again.
    return !m_tokenFile.isEmpty();
}
