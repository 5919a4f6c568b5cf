#include "endpointsdialog.h"

#include "http/directendpoint.h"
#include "monitoring/alertmanagerclient.h"
#include "monitoring/prometheusclient.h"
#include "monitoring/servicecheck.h"
#include "statestyle.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace {

// Empty is valid (discovery); otherwise an absolute http or https URL with a host.
bool acceptable(const QString &text, QUrl *url)
{
    *url = QUrl();
    if (text.trimmed().isEmpty())
        return true;
    *url = QUrl::fromUserInput(text.trimmed());
    return url->isValid() && (url->scheme() == QLatin1String("http") || url->scheme() == QLatin1String("https"))
           && !url->host().isEmpty() && url->userInfo().isEmpty();
}

} // namespace

EndpointsDialog::EndpointsDialog(const QString &context, const QUrl &prometheus, const QUrl &alertmanager,
                                 QWidget *parent)
    : QDialog(parent)
    , m_prometheus(new QLineEdit(prometheus.toString(), this))
    , m_alertmanager(new QLineEdit(alertmanager.toString(), this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_test(new QPushButton(tr("&Test Connection"), this))
    , m_prometheusResult(new QLabel(this))
    , m_alertmanagerResult(new QLabel(this))
{
    setWindowTitle(tr("Monitoring Endpoints"));
    const QString discovered = tr("found through the API server");
    m_prometheus->setPlaceholderText(discovered);
    m_alertmanager->setPlaceholderText(discovered);
    m_prometheus->setClearButtonEnabled(true);
    m_alertmanager->setClearButtonEnabled(true);
    auto *intro = new QLabel(tr("For context <b>%1</b>. Leave a field empty to find the service through the "
                                "API server's service proxy.")
                                 .arg(context.toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);
    m_problem->setForegroundRole(QPalette::PlaceholderText);
    m_prometheus->setAccessibleName(tr("Prometheus URL"));
    m_alertmanager->setAccessibleName(tr("Alertmanager URL"));
    m_test->setAccessibleName(tr("Test connection"));
    m_test->setToolTip(tr("Ask both URLs whether they answer, without saving them"));
    m_buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    for (QLabel *result : {m_prometheusResult, m_alertmanagerResult}) {
        result->setWordWrap(true);
        result->setTextFormat(Qt::PlainText);
        result->setTextInteractionFlags(Qt::TextSelectableByMouse);
        result->hide();
    }
    m_prometheusResult->setObjectName(QStringLiteral("prometheusResult"));
    m_alertmanagerResult->setObjectName(QStringLiteral("alertmanagerResult"));

    auto *layout = new QFormLayout(this);
    layout->addRow(intro);
    layout->addRow(tr("&Prometheus:"), m_prometheus);
    layout->addRow(QString(), m_prometheusResult);
    layout->addRow(tr("&Alertmanager:"), m_alertmanager);
    layout->addRow(QString(), m_alertmanagerResult);
    layout->addRow(m_problem);
    layout->addRow(m_buttons);
    resize(520, sizeHint().height());

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_prometheus, &QLineEdit::textChanged, this, &EndpointsDialog::validate);
    connect(m_alertmanager, &QLineEdit::textChanged, this, &EndpointsDialog::validate);
    connect(m_test, &QPushButton::clicked, this, [this] { isTesting() ? cancelTest() : testConnection(); });
    // A result belongs to the URL it was for: an edit makes it (and a probe under way) moot.
    for (QLineEdit *field : {m_prometheus, m_alertmanager}) {
        connect(field, &QLineEdit::textEdited, this, [this, field] {
            cancelTest();
            (field == m_prometheus ? m_prometheusResult : m_alertmanagerResult)->hide();
        });
    }
    connect(this, &QDialog::finished, this, &EndpointsDialog::cancelTest);
    validate();
}

EndpointsDialog::~EndpointsDialog() = default; // destroying the probes cancels them

bool EndpointsDialog::isTesting() const
{
    return m_prometheusProbe || m_alertmanagerProbe;
}

QString EndpointsDialog::prometheusResult() const
{
    return m_prometheusResult->isHidden() ? QString() : m_prometheusResult->text();
}

QString EndpointsDialog::alertmanagerResult() const
{
    return m_alertmanagerResult->isHidden() ? QString() : m_alertmanagerResult->text();
}

void EndpointsDialog::testConnection()
{
    cancelTest();
    QUrl prometheus;
    QUrl alertmanager;
    const bool prometheusValid = acceptable(m_prometheus->text(), &prometheus);
    const bool alertmanagerValid = acceptable(m_alertmanager->text(), &alertmanager);
    // A refused URL (credentials in it) is never contacted.
    if (!prometheusValid)
        prometheus.clear();
    if (!alertmanagerValid)
        alertmanager.clear();
    const auto skip = [this](QLabel *label, bool valid) {
        // Never echo what was typed: a refused URL may hold a password.
        label->setText(valid ? tr("Empty: found through the API server, not tested here.")
                             : tr("Not tested: not an http(s) URL without credentials."));
        label->setForegroundRole(QPalette::PlaceholderText);
        label->show();
    };
    const auto testing = [this](QLabel *label) {
        label->setText(tr("Testing…"));
        label->setForegroundRole(QPalette::PlaceholderText);
        label->show();
    };
    const auto baseOf = [](QUrl url) {
        // Paths resolve against the base: a prefix (/prometheus) needs its slash.
        if (!url.path().endsWith(u'/'))
            url.setPath(url.path() + u'/');
        return url;
    };
    if (!prometheus.isEmpty()) {
        testing(m_prometheusResult);
        m_prometheusProbe = std::make_unique<PrometheusClient>(std::make_shared<DirectEndpoint>(baseOf(prometheus)));
        m_prometheusProbe->setTimeout(m_testTimeout);
    } else {
        skip(m_prometheusResult, prometheusValid);
    }
    if (!alertmanager.isEmpty()) {
        testing(m_alertmanagerResult);
        m_alertmanagerProbe =
            std::make_unique<AlertmanagerClient>(std::make_shared<DirectEndpoint>(baseOf(alertmanager)));
        m_alertmanagerProbe->setTimeout(m_testTimeout);
    } else {
        skip(m_alertmanagerResult, alertmanagerValid);
    }
    m_test->setText(tr("Cancel &Test"));
    // Started after both exist, so isTesting() holds until the last answer.
    if (m_prometheusProbe) {
        m_prometheusProbe->checkConnection([this](const ServiceCheck &check) {
            showResult(m_prometheusResult, check, QStringLiteral("Prometheus"));
            // Freed later: this runs inside the probe's own callback.
            m_prometheusProbe.release()->deleteLater();
            probeFinished();
        });
    }
    if (m_alertmanagerProbe) {
        m_alertmanagerProbe->checkConnection([this](const ServiceCheck &check) {
            showResult(m_alertmanagerResult, check, QStringLiteral("Alertmanager"));
            m_alertmanagerProbe.release()->deleteLater();
            probeFinished();
        });
    }
    if (!isTesting())
        probeFinished();
}

void EndpointsDialog::cancelTest()
{
    if (!isTesting())
        return;
    // A client destroyed before its answer never calls back; its replies are aborted.
    for (QLabel *label : {m_prometheusResult, m_alertmanagerResult}) {
        if (label->text() == tr("Testing…"))
            label->setText(tr("Test cancelled."));
    }
    m_prometheusProbe.reset();
    m_alertmanagerProbe.reset();
    m_test->setText(tr("&Test Connection"));
}

void EndpointsDialog::showResult(QLabel *label, const ServiceCheck &check, const QString &product)
{
    label->setText((check.ok() ? u"✓ "_s : u"✗ "_s) + check.summary(product));
    // The colours the suite tree uses for passing and failing, readable in both palettes.
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText,
                     StateStyle::color(check.ok() ? RunState::Passed : RunState::Failed, palette));
    label->setPalette(palette);
    label->setForegroundRole(QPalette::WindowText);
    label->show();
}

void EndpointsDialog::probeFinished()
{
    if (isTesting())
        return;
    m_test->setText(tr("&Test Connection"));
    emit testFinished();
}

QUrl EndpointsDialog::prometheusUrl() const
{
    QUrl url;
    return acceptable(m_prometheus->text(), &url) ? url : QUrl();
}

QUrl EndpointsDialog::alertmanagerUrl() const
{
    QUrl url;
    return acceptable(m_alertmanager->text(), &url) ? url : QUrl();
}

QString EndpointsDialog::settingsKey(const QString &context, const QString &which)
{
    // Context names may hold '/', which QSettings reads as a group separator.
    return QStringLiteral("endpoints/") + QString::fromLatin1(context.toUtf8().toBase64(QByteArray::Base64UrlEncoding))
           + QLatin1Char('/') + which;
}

void EndpointsDialog::validate()
{
    QUrl ignored;
    QStringList problems;
    if (!acceptable(m_prometheus->text(), &ignored))
        problems << tr("Prometheus: not an http(s) URL without credentials");
    if (!acceptable(m_alertmanager->text(), &ignored))
        problems << tr("Alertmanager: not an http(s) URL without credentials");
    m_problem->setText(problems.join(QLatin1Char('\n')));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problems.isEmpty());
}
