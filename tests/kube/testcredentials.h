#pragma once

// Test doubles for the CredentialSource contract (the real ones are the kubeconfig
// helper's): hands out a fixed list of credentials, moving to the next one when the
// current one is invalidated after a 401.

#include "kube/clusteraccess.h"

#include <QFile>
#include <QSslKey>

class TestCredentials : public CredentialSource
{
public:
    explicit TestCredentials(QList<Credential> credentials, QObject *parent = nullptr)
        : CredentialSource(parent)
        , m_credentials(std::move(credentials))
    {
    }

    static std::shared_ptr<TestCredentials> token(const QByteArray &token, const QByteArray &fresh = {})
    {
        QList<Credential> list;
        Credential first;
        first.bearerToken = token;
        list.append(first);
        if (!fresh.isEmpty()) {
            Credential second;
            second.bearerToken = fresh;
            list.append(second);
        }
        return std::make_shared<TestCredentials>(list);
    }

    static std::shared_ptr<TestCredentials> clientCertificate(const QString &certPath, const QString &keyPath)
    {
        QFile certFile(certPath);
        QFile keyFile(keyPath);
        if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
            qFatal("cannot read the client certificate or key");
        Credential credential;
        credential.clientCertificate = QSslCertificate(certFile.readAll(), QSsl::Pem);
        const QByteArray keyPem = keyFile.readAll();
        credential.clientKey = QSslKey(keyPem, QSsl::Rsa, QSsl::Pem);
        if (credential.clientKey.isNull())
            credential.clientKey = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        return std::make_shared<TestCredentials>(QList<Credential> { credential });
    }

    void obtain(QObject *, std::function<void(const CredentialResult &)> done) override
    {
        ++obtained;
        CredentialResult result;
        if (!failWith.isEmpty())
            result.error = failWith;
        else
            result.credential = m_credentials.value(qMin(m_current, m_credentials.size() - 1));
        done(result);
    }

    bool invalidate(const Credential &rejected) override
    {
        ++invalidated;
        lastRejected = rejected.bearerToken;
        if (m_current + 1 < m_credentials.size()) {
            ++m_current;
            return true;
        }
        return refreshHelps;
    }

    int obtained = 0;
    int invalidated = 0;
    bool refreshHelps = false; // answer of invalidate() once the list is used up
    QString failWith;
    QByteArray lastRejected;

private:
    QList<Credential> m_credentials;
    int m_current = 0;
};
