#include "traynotifier.h"

#include "statestyle.h"

#include <QMenu>
#include <QSystemTrayIcon>

TrayNotifier::TrayNotifier(QObject *parent)
    : QObject(parent)
    , m_icon(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
{
    m_icon->setIcon(QIcon(QStringLiteral(":/icons/kassert.svg")));
    m_icon->setContextMenu(m_menu);
    m_icon->setToolTip(tr("kassert"));
    connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            emit activated();
    });
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, &TrayNotifier::activated);
    if (QSystemTrayIcon::isSystemTrayAvailable())
        m_icon->show();
}

TrayNotifier::~TrayNotifier()
{
    delete m_menu;
}

void TrayNotifier::setAggregate(RunState worst, int failing, int total)
{
    m_icon->setIcon(total == 0 ? QIcon(QStringLiteral(":/icons/kassert.svg")) : StateStyle::icon(worst));
    if (total == 0)
        m_icon->setToolTip(tr("kassert: no suites"));
    else if (failing > 0)
        m_icon->setToolTip(tr("kassert: %1 of %n suite(s) failing", nullptr, total).arg(failing));
    else
        m_icon->setToolTip(tr("kassert: %n suite(s), %1", nullptr, total).arg(StateStyle::label(worst)));
}

QString TrayNotifier::toolTip() const
{
    return m_icon->toolTip();
}

void TrayNotifier::showMessage(const QString &title, const QString &body, bool failing)
{
    if (m_icon->isVisible())
        m_icon->showMessage(title, body, failing ? QSystemTrayIcon::Critical : QSystemTrayIcon::Information, 8000);
}
