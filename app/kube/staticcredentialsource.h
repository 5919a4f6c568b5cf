#pragma once

#include "kube/clusteraccess.h"

// The credentials written in the kubeconfig itself: a bearer token, basic auth, a client
// certificate, or nothing (anonymous). With `tokenFile` the file is read again on every
// obtain(), so a rotated token (projected service account tokens, `aws sso` helpers) is
// picked up without restarting. obtain() answers at once.
class StaticCredentialSource : public CredentialSource
{
    Q_OBJECT
public:
    explicit StaticCredentialSource(const Credential &credential, QObject *parent = nullptr);
    // `tokenFile` is absolute; `field` names it for errors ("/home/u/.kube/config:
    // users[0].user.tokenFile").
    StaticCredentialSource(const QString &tokenFile, const QString &field, QObject *parent = nullptr);

    void obtain(QObject *context, std::function<void(const CredentialResult &)> done) override;
    bool invalidate(const Credential &rejected) override;

    // Reads a token file as client-go does (surrounding whitespace trimmed). Errors name
    // `field` and the file, never the content.
    static CredentialResult readTokenFile(const QString &tokenFile, const QString &field);

private:
    Credential m_credential;
    QString m_tokenFile;
    QString m_field;
};
