#include "endpointsdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

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

    auto *layout = new QFormLayout(this);
    layout->addRow(intro);
    layout->addRow(tr("&Prometheus:"), m_prometheus);
    layout->addRow(tr("&Alertmanager:"), m_alertmanager);
    layout->addRow(m_problem);
    layout->addRow(m_buttons);
    resize(520, sizeHint().height());

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_prometheus, &QLineEdit::textChanged, this, &EndpointsDialog::validate);
    connect(m_alertmanager, &QLineEdit::textChanged, this, &EndpointsDialog::validate);
    validate();
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
