#include "connectionbar.h"

#include "statestyle.h"

#include <QComboBox>
#include <QCursor>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QToolButton>
#include <QToolTip>

using namespace Qt::StringLiterals;

namespace {

QColor healthColor(ConnectionStatus::Health health, const QPalette &palette)
{
    switch (health) {
    case ConnectionStatus::Health::Ok:
        return StateStyle::color(RunState::Passed, palette);
    case ConnectionStatus::Health::Connecting:
        return StateStyle::color(RunState::Running, palette);
    case ConnectionStatus::Health::Degraded:
        return StateStyle::color(RunState::Stale, palette);
    case ConnectionStatus::Health::Failed:
        return StateStyle::color(RunState::Failed, palette);
    case ConnectionStatus::Health::Off:
    case ConnectionStatus::Health::Unknown:
        break;
    }
    return StateStyle::color(RunState::Unknown, palette);
}

QPixmap dot(const QColor &color, qreal devicePixelRatio)
{
    const int size = 10;
    QPixmap pixmap(QSize(size, size) * devicePixelRatio);
    pixmap.setDevicePixelRatio(devicePixelRatio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1));
    return pixmap;
}

// "retrying in 4 s" from now to the next retry, rounded up so it never says 0 s early.
QString retryText(const QDateTime &nextRetry, const QDateTime &now)
{
    const qint64 ms = now.msecsTo(nextRetry);
    if (ms <= 0)
        return ConnectionBar::tr("retrying now");
    return ConnectionBar::tr("retrying in %1 s").arg((ms + 999) / 1000);
}

} // namespace

QString ConnectionBar::allNamespacesLabel()
{
    return tr("All namespaces");
}

ConnectionBar::ConnectionBar(QWidget *parent)
    : QWidget(parent)
    , m_context(new QComboBox(this))
    , m_namespace(new QComboBox(this))
    , m_configure(new QToolButton(this))
{
    m_countdown.setSingleShot(true);
    m_countdown.setTimerType(Qt::PreciseTimer); // lands on the second boundary it aims for
    connect(&m_countdown, &QTimer::timeout, this, &ConnectionBar::refreshCountdown);
    m_context->setAccessibleName(tr("Kubernetes context"));
    m_context->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_context->setMinimumContentsLength(12);
    m_namespace->setAccessibleName(tr("Namespace"));
    m_namespace->setEditable(true);
    m_namespace->setInsertPolicy(QComboBox::NoInsert);
    m_namespace->setMinimumContentsLength(14);
    m_namespace->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    connect(m_context, &QComboBox::activated, this, [this](int index) {
        if (!m_updating)
            emit contextChosen(m_context->itemText(index));
    });
    const auto chooseNamespace = [this] {
        if (m_updating)
            return;
        const QString text = m_namespace->currentText().trimmed();
        emit namespaceChosen(text == allNamespacesLabel() ? QString() : text);
    };
    connect(m_namespace, &QComboBox::activated, this, chooseNamespace);
    connect(m_namespace->lineEdit(), &QLineEdit::returnPressed, this, chooseNamespace);

    m_configure->setText(tr("Endpoints…"));
    m_configure->setToolTip(tr("Configure the Prometheus and Alertmanager endpoints"));
    m_configure->setAccessibleName(tr("Configure endpoints"));
    connect(m_configure, &QToolButton::clicked, this, &ConnectionBar::configureEndpointsRequested);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    auto *contextLabel = new QLabel(tr("&Context"), this);
    contextLabel->setBuddy(m_context);
    auto *namespaceLabel = new QLabel(tr("&Namespace"), this);
    namespaceLabel->setBuddy(m_namespace);
    layout->addWidget(contextLabel);
    layout->addWidget(m_context);
    layout->addSpacing(12);
    layout->addWidget(namespaceLabel);
    layout->addWidget(m_namespace);
    layout->addStretch(1);

    const QString names[] = {tr("Cluster"), tr("Prometheus"), tr("Alertmanager")};
    for (int i = 0; i < 3; ++i) {
        LightWidgets &light = m_lights[i];
        light.dot = new QLabel(this);
        light.text = new QLabel(names[i], this);
        light.text->setAccessibleName(names[i]);
        layout->addWidget(light.dot);
        layout->addWidget(light.text);
        layout->addSpacing(10);
        setStatus(Light(i), {});
    }
    layout->addWidget(m_configure);
}

ConnectionBar::LightWidgets &ConnectionBar::lightOf(Light light)
{
    return m_lights[int(light)];
}

const ConnectionBar::LightWidgets &ConnectionBar::lightOf(Light light) const
{
    return m_lights[int(light)];
}

void ConnectionBar::setContexts(const QStringList &contexts, const QString &current)
{
    m_updating = true;
    m_context->clear();
    m_context->addItems(contexts);
    m_context->setCurrentText(current);
    m_context->setEnabled(!contexts.isEmpty());
    m_updating = false;
}

void ConnectionBar::setNamespaces(const QStringList &namespaces, const QString &current)
{
    m_updating = true;
    m_namespace->clear();
    m_namespace->addItem(allNamespacesLabel());
    m_namespace->addItems(namespaces);
    m_namespace->setCurrentText(current.isEmpty() ? allNamespacesLabel() : current);
    m_updating = false;
}

void ConnectionBar::setStatus(Light light, const ConnectionStatus &status)
{
    LightWidgets &widgets = lightOf(light);
    widgets.status = status;
    widgets.dot->setPixmap(dot(healthColor(status.health, palette()), devicePixelRatioF()));
    showLight(light, QDateTime::currentDateTimeUtc());
    refreshCountdown();
}

void ConnectionBar::showLight(Light light, const QDateTime &now)
{
    LightWidgets &widgets = lightOf(light);
    const ConnectionStatus &status = widgets.status;
    const QString name = light == Light::Cluster  ? tr("Cluster")
        : light == Light::Prometheus             ? tr("Prometheus")
                                                  : tr("Alertmanager");
    // While a retry is scheduled the summary ("retrying in 4 s" when it was made) is
    // replaced by the live countdown.
    const bool waiting = status.nextRetry.isValid();
    const QString summary = waiting ? retryText(status.nextRetry, now) : status.summary;
    QString tip = u"<b>%1</b>"_s.arg(name.toHtmlEscaped());
    if (!status.endpoint.isEmpty())
        tip += u"<br>%1"_s.arg(status.endpoint.toHtmlEscaped());
    if (!status.error.isEmpty()) {
        const QString line = waiting ? tr("%1; %2").arg(status.error, summary) : status.error;
        tip += u"<br><span style='white-space:pre-wrap'>%1</span>"_s.arg(line.toHtmlEscaped());
        if (!waiting && !summary.isEmpty())
            tip += u"<br>%1"_s.arg(summary.toHtmlEscaped());
    } else if (!summary.isEmpty()) {
        tip += u"<br>%1"_s.arg(summary.toHtmlEscaped());
    }
    // An open tooltip follows the countdown; a closed one is read on the next hover.
    const QString previous = widgets.text->toolTip();
    widgets.text->setToolTip(tip);
    widgets.dot->setToolTip(tip);
    if (tip != previous && QToolTip::isVisible() && QToolTip::text() == previous) {
        QWidget *under = widgets.text->underMouse() ? widgets.text : widgets.dot->underMouse() ? widgets.dot : nullptr;
        if (under)
            QToolTip::showText(QCursor::pos(), tip, under);
    }
    const QString text = summary.isEmpty() ? name : tr("%1: %2").arg(name, summary);
    widgets.text->setText(text);
    widgets.text->setAccessibleDescription(status.error.isEmpty() ? summary : status.error);
}

// Redraws the lights that count down and arms the timer for the next moment one of
// their texts changes: the nearest whole second before a retry. Idle when none waits.
void ConnectionBar::refreshCountdown()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    qint64 next = -1;
    for (int i = 0; i < 3; ++i) {
        const ConnectionStatus &status = m_lights[i].status;
        if (!status.nextRetry.isValid())
            continue;
        showLight(Light(i), now);
        const qint64 ms = now.msecsTo(status.nextRetry);
        if (ms <= 0)
            continue; // "retrying now" until the next status arrives
        // The text changes when the remaining time crosses a whole second.
        const qint64 toBoundary = ms % 1000 == 0 ? 1000 : ms % 1000;
        next = next < 0 ? toBoundary : std::min(next, toBoundary);
    }
    if (next < 0)
        m_countdown.stop();
    else
        m_countdown.start(int(next) + 1); // just past the boundary, so the text has moved
}

ConnectionStatus ConnectionBar::status(Light light) const
{
    return lightOf(light).status;
}

QString ConnectionBar::lightText(Light light) const
{
    return lightOf(light).text->text();
}

QString ConnectionBar::lightToolTip(Light light) const
{
    return lightOf(light).text->toolTip();
}
