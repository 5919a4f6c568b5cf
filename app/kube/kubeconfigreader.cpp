#include "kube/kubeconfigreader.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace {

template<typename Entry> const Entry *findByName(const QList<Entry> &entries, const QString &name)
{
    for (const Entry &entry : entries) {
        if (entry.name == name)
            return &entry;
    }
    return nullptr;
}

QString fromStd(const std::string &text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// yaml-cpp's const operator[] yields an invalid node for a missing key, which throws when
// touched; a missing key here is simply null.
YAML::Node child(const YAML::Node &map, const char *key)
{
    for (const auto &pair : map) {
        if (pair.first.IsScalar() && pair.first.Scalar() == key)
            return pair.second;
    }
    return YAML::Node();
}

// Walks one file's YAML tree into plain values. The first problem ends the walk; `error`
// then names the field ("users[2].user.client-key-data: not valid base64").
class FileReader
{
public:
    explicit FileReader(const QString &fileName)
        : m_fileName(fileName)
        , m_baseDir(QFileInfo(fileName).absolutePath())
    {
        m_config.files = { fileName };
    }

    bool read(const YAML::Node &root);
    Kubeconfig config() const { return m_config; }
    QString error() const { return m_error; }

private:
    bool fail(const QString &field, const QString &problem)
    {
        m_error = m_fileName + u": "_s + field + u": "_s + problem;
        return false;
    }
    bool readString(const YAML::Node &node, const QString &field, QString *out);
    bool readBool(const YAML::Node &node, const QString &field, bool *out);
    bool readStringList(const YAML::Node &node, const QString &field, QStringList *out);
    bool readPath(const YAML::Node &node, const QString &field, QString *out);
    bool readBase64(const YAML::Node &node, const QString &field, QByteArray *out);
    bool checkMap(const YAML::Node &node, const QString &field);
    bool toJson(const YAML::Node &node, const QString &field, int depth, QJsonValue *out);

    template<typename Entry, typename ReadBody>
    bool readList(
        const YAML::Node &node, const char *list, const char *bodyKey, QList<Entry> *out, ReadBody readBody);
    bool readCluster(const YAML::Node &body, KubeconfigCluster &cluster);
    bool readUser(const YAML::Node &body, KubeconfigUser &user);
    bool readExec(const YAML::Node &node, const QString &field, KubeconfigExec &exec);
    bool readContext(const YAML::Node &body, KubeconfigContext &context);

    QString m_fileName;
    QString m_baseDir;
    Kubeconfig m_config;
    QString m_error;
    int m_jsonNodes = 0;
};

bool FileReader::checkMap(const YAML::Node &node, const QString &field)
{
    if (node.IsMap() || node.IsNull())
        return true;
    return fail(field, u"expected a mapping"_s);
}

bool FileReader::readString(const YAML::Node &node, const QString &field, QString *out)
{
    // Like sigs.k8s.io/yaml, any scalar may fill a string field ("token: 12345").
    if (node.IsNull()) {
        out->clear();
        return true;
    }
    if (!node.IsScalar())
        return fail(field, u"expected a string"_s);
    *out = fromStd(node.Scalar());
    return true;
}

bool FileReader::readBool(const YAML::Node &node, const QString &field, bool *out)
{
    if (node.IsNull()) {
        *out = false;
        return true;
    }
    bool value = false;
    // A quoted "true" is a string in YAML, and client-go refuses a string for a bool.
    if (!node.IsScalar() || node.Tag() == "!" || !YAML::convert<bool>::decode(node, value))
        return fail(field, u"expected true or false"_s);
    *out = value;
    return true;
}

bool FileReader::readStringList(const YAML::Node &node, const QString &field, QStringList *out)
{
    out->clear();
    if (node.IsNull())
        return true;
    if (!node.IsSequence())
        return fail(field, u"expected a list of strings"_s);
    for (std::size_t i = 0; i < node.size(); ++i) {
        QString item;
        if (!readString(node[i], field + u'[' + QString::number(i) + u']', &item))
            return false;
        out->append(item);
    }
    return true;
}

bool FileReader::readPath(const YAML::Node &node, const QString &field, QString *out)
{
    if (!readString(node, field, out))
        return false;
    // client-go resolves relative paths against the directory of the defining file.
    if (!out->isEmpty() && QDir::isRelativePath(*out))
        *out = QDir::cleanPath(m_baseDir + u'/' + *out);
    return true;
}

bool FileReader::readBase64(const YAML::Node &node, const QString &field, QByteArray *out)
{
    QString text;
    if (!readString(node, field, &text))
        return false;
    QByteArray encoded = text.toLatin1();
    if (QString::fromLatin1(encoded) != text)
        return fail(field, u"not valid base64"_s);
    // Block scalars wrap long values; Go's decoder skips the line breaks too.
    encoded.removeIf([](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; });
    auto decoded = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || (encoded.size() % 4) != 0)
        return fail(field, u"not valid base64"_s);
    *out = *decoded;
    return true;
}

bool FileReader::toJson(const YAML::Node &node, const QString &field, int depth, QJsonValue *out)
{
    // Aliases can make a small file expand enormously: bound the walk.
    if (depth > 64 || ++m_jsonNodes > 100000)
        return fail(field, u"too deeply nested or too large"_s);
    if (node.IsNull()) {
        *out = QJsonValue(QJsonValue::Null);
    } else if (node.IsScalar()) {
        const QString text = fromStd(node.Scalar());
        bool boolValue = false;
        double number = 0;
        if (node.Tag() != "!" && YAML::convert<bool>::decode(node, boolValue))
            *out = boolValue;
        else if (node.Tag() != "!" && YAML::convert<double>::decode(node, number))
            *out = number;
        else
            *out = text;
    } else if (node.IsSequence()) {
        QJsonArray array;
        for (std::size_t i = 0; i < node.size(); ++i) {
            QJsonValue item;
            if (!toJson(node[i], field, depth + 1, &item))
                return false;
            array.append(item);
        }
        *out = array;
    } else if (node.IsMap()) {
        QJsonObject object;
        for (const auto &pair : node) {
            if (!pair.first.IsScalar())
                return fail(field, u"keys must be strings"_s);
            QJsonValue item;
            if (!toJson(pair.second, field, depth + 1, &item))
                return false;
            object.insert(fromStd(pair.first.Scalar()), item);
        }
        *out = object;
    }
    return true;
}

template<typename Entry, typename ReadBody>
bool FileReader::readList(
    const YAML::Node &node, const char *list, const char *bodyKey, QList<Entry> *out, ReadBody readBody)
{
    const QString listName = QLatin1StringView(list);
    if (node.IsNull())
        return true;
    if (!node.IsSequence())
        return fail(listName, u"expected a list"_s);
    for (std::size_t i = 0; i < node.size(); ++i) {
        Entry entry;
        entry.origin = { m_fileName, int(i) };
        const YAML::Node item = node[i];
        const QString itemField = entry.origin.field(list, QString());
        if (!item.IsMap())
            return fail(itemField, u"expected a mapping with name and %1"_s.arg(QLatin1StringView(bodyKey)));
        YAML::Node body;
        for (const auto &pair : item) {
            const std::string key = pair.first.IsScalar() ? pair.first.Scalar() : std::string();
            if (key == "name") {
                if (!readString(pair.second, itemField + u".name"_s, &entry.name))
                    return false;
            } else if (key == bodyKey) {
                body = pair.second;
            }
        }
        if (!checkMap(body, itemField + u'.' + QLatin1StringView(bodyKey)))
            return false;
        if (body.IsMap() && !readBody(body, entry))
            return false;
        // client-go refuses a name twice in one file (it converts the list into a map).
        if (const Entry *earlier = findByName(*out, entry.name)) {
            return fail(itemField + u".name"_s,
                u"duplicate name \"%1\" (already defined at %2)"_s.arg(
                    entry.name, earlier->origin.field(list, QString())));
        }
        out->append(entry);
    }
    return true;
}

bool FileReader::readCluster(const YAML::Node &body, KubeconfigCluster &cluster)
{
    for (const auto &pair : body) {
        if (!pair.first.IsScalar())
            continue;
        const std::string key = pair.first.Scalar();
        const QString field = cluster.origin.field("clusters", u"cluster."_s + fromStd(key));
        const YAML::Node &value = pair.second;
        bool ok = true;
        if (key == "server")
            ok = readString(value, field, &cluster.server);
        else if (key == "tls-server-name")
            ok = readString(value, field, &cluster.tlsServerName);
        else if (key == "insecure-skip-tls-verify")
            ok = readBool(value, field, &cluster.insecureSkipTlsVerify);
        else if (key == "certificate-authority")
            ok = readPath(value, field, &cluster.certificateAuthority);
        else if (key == "certificate-authority-data")
            ok = readBase64(value, field, &cluster.certificateAuthorityData);
        else if (key == "proxy-url")
            ok = readString(value, field, &cluster.proxyUrl);
        else if (key == "disable-compression")
            ok = readBool(value, field, &cluster.disableCompression);
        else if (key == "extensions" && !value.IsNull()) {
            if (!value.IsSequence())
                return fail(field, u"expected a list"_s);
            for (std::size_t i = 0; i < value.size() && ok; ++i) {
                const QString itemField = field + u'[' + QString::number(i) + u']';
                if (!value[i].IsMap())
                    return fail(itemField, u"expected a mapping with name and extension"_s);
                QString name;
                if (!readString(child(value[i], "name"), itemField + u".name"_s, &name))
                    return false;
                if (name == u"client.authentication.k8s.io/exec"_s)
                    ok = toJson(
                        child(value[i], "extension"), itemField + u".extension"_s, 0, &cluster.execExtension);
            }
        }
        if (!ok)
            return false;
    }
    return true;
}

bool FileReader::readExec(const YAML::Node &node, const QString &execField, KubeconfigExec &exec)
{
    for (const auto &pair : node) {
        if (!pair.first.IsScalar())
            continue;
        const std::string key = pair.first.Scalar();
        const QString field = execField + u'.' + fromStd(key);
        const YAML::Node &value = pair.second;
        bool ok = true;
        if (key == "command") {
            ok = readString(value, field, &exec.command);
            // Only a command with a '/' is a path; a bare name is looked up on PATH.
            if (ok && exec.command.contains(u'/') && QDir::isRelativePath(exec.command))
                exec.command = QDir::cleanPath(m_baseDir + u'/' + exec.command);
        } else if (key == "args") {
            ok = readStringList(value, field, &exec.args);
        } else if (key == "apiVersion") {
            ok = readString(value, field, &exec.apiVersion);
        } else if (key == "installHint") {
            ok = readString(value, field, &exec.installHint);
        } else if (key == "provideClusterInfo") {
            ok = readBool(value, field, &exec.provideClusterInfo);
        } else if (key == "interactiveMode") {
            ok = readString(value, field, &exec.interactiveMode);
        } else if (key == "env" && !value.IsNull()) {
            if (!value.IsSequence())
                return fail(field, u"expected a list of {name, value}"_s);
            for (std::size_t i = 0; i < value.size(); ++i) {
                const QString itemField = field + u'[' + QString::number(i) + u']';
                if (!value[i].IsMap())
                    return fail(itemField, u"expected a mapping with name and value"_s);
                KubeconfigExecEnvVar var;
                if (!readString(child(value[i], "name"), itemField + u".name"_s, &var.name)
                    || !readString(child(value[i], "value"), itemField + u".value"_s, &var.value))
                    return false;
                if (var.name.isEmpty() || var.name.contains(u'='))
                    return fail(itemField + u".name"_s, u"not a valid environment variable name"_s);
                exec.env.append(var);
            }
        }
        if (!ok)
            return false;
    }
    return true;
}

bool FileReader::readUser(const YAML::Node &body, KubeconfigUser &user)
{
    for (const auto &pair : body) {
        if (!pair.first.IsScalar())
            continue;
        const std::string key = pair.first.Scalar();
        const QString field = user.origin.field("users", u"user."_s + fromStd(key));
        const YAML::Node &value = pair.second;
        bool ok = true;
        if (key == "client-certificate")
            ok = readPath(value, field, &user.clientCertificate);
        else if (key == "client-certificate-data")
            ok = readBase64(value, field, &user.clientCertificateData);
        else if (key == "client-key")
            ok = readPath(value, field, &user.clientKey);
        else if (key == "client-key-data")
            ok = readBase64(value, field, &user.clientKeyData);
        else if (key == "token")
            ok = readString(value, field, &user.token);
        else if (key == "tokenFile")
            ok = readPath(value, field, &user.tokenFile);
        else if (key == "username")
            ok = readString(value, field, &user.username);
        else if (key == "password")
            ok = readString(value, field, &user.password);
        else if (key == "as")
            ok = readString(value, field, &user.impersonate);
        else if (key == "as-groups")
            ok = readStringList(value, field, &user.impersonateGroups);
        else if (key == "auth-provider" && !value.IsNull()) {
            if (!checkMap(value, field))
                return false;
            KubeconfigAuthProvider provider;
            ok = readString(child(value, "name"), field + u".name"_s, &provider.name);
            const YAML::Node config = child(value, "config");
            if (ok && !config.IsNull()) {
                if (!config.IsMap())
                    return fail(field + u".config"_s, u"expected a mapping"_s);
                for (const auto &entry : config) {
                    QString text;
                    if (!entry.first.IsScalar()
                        || !readString(
                            entry.second, field + u".config."_s + fromStd(entry.first.Scalar()), &text))
                        return m_error.isEmpty() ? fail(field + u".config"_s, u"keys must be strings"_s)
                                                 : false;
                    provider.config.insert(fromStd(entry.first.Scalar()), text);
                }
            }
            user.authProvider = provider;
        } else if (key == "exec" && !value.IsNull()) {
            if (!checkMap(value, field))
                return false;
            KubeconfigExec exec;
            ok = readExec(value, field, exec);
            user.exec = exec;
        }
        if (!ok)
            return false;
    }
    return true;
}

bool FileReader::readContext(const YAML::Node &body, KubeconfigContext &context)
{
    for (const auto &pair : body) {
        if (!pair.first.IsScalar())
            continue;
        const std::string key = pair.first.Scalar();
        const QString field = context.origin.field("contexts", u"context."_s + fromStd(key));
        bool ok = true;
        if (key == "cluster")
            ok = readString(pair.second, field, &context.cluster);
        else if (key == "user")
            ok = readString(pair.second, field, &context.user);
        else if (key == "namespace")
            ok = readString(pair.second, field, &context.nameSpace);
        if (!ok)
            return false;
    }
    return true;
}

bool FileReader::read(const YAML::Node &root)
{
    if (root.IsNull())
        return true; // an empty file is an empty config, as in client-go
    if (!root.IsMap()) {
        m_error = m_fileName + u": expected a mapping at the top level"_s;
        return false;
    }
    for (const auto &pair : root) {
        if (!pair.first.IsScalar())
            continue;
        const std::string key = pair.first.Scalar();
        bool ok = true;
        if (key == "clusters") {
            ok = readList(pair.second, "clusters", "cluster", &m_config.clusters,
                [this](const YAML::Node &body, KubeconfigCluster &c) { return readCluster(body, c); });
        } else if (key == "users") {
            ok = readList(pair.second, "users", "user", &m_config.users,
                [this](const YAML::Node &body, KubeconfigUser &u) { return readUser(body, u); });
        } else if (key == "contexts") {
            ok = readList(pair.second, "contexts", "context", &m_config.contexts,
                [this](const YAML::Node &body, KubeconfigContext &c) { return readContext(body, c); });
        } else if (key == "current-context") {
            ok = readString(pair.second, u"current-context"_s, &m_config.currentContext);
            if (!m_config.currentContext.isEmpty())
                m_config.currentContextFile = m_fileName;
        }
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

KubeconfigResult parseKubeconfigYaml(const QByteArray &yaml, const QString &fileName)
{
    // yaml-cpp reports problems by exceptions: keep them all inside this function.
    try {
        const YAML::Node root = YAML::Load(std::string(yaml.constData(), std::size_t(yaml.size())));
        FileReader reader(fileName);
        if (!reader.read(root))
            return { std::nullopt, reader.error() };
        return { reader.config(), QString() };
    } catch (const YAML::Exception &e) {
        QString text = fileName + u": "_s;
        if (!e.mark.is_null())
            text += u"line %1, column %2: "_s.arg(e.mark.line + 1).arg(e.mark.column + 1);
        return { std::nullopt, text + u"invalid YAML: "_s + fromStd(e.msg) };
    } catch (const std::exception &e) {
        return { std::nullopt, fileName + u": cannot parse: "_s + QString::fromLocal8Bit(e.what()) };
    }
}
