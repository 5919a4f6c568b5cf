#pragma once

#include "suites/runstate.h"

#include <QObject>

class QMenu;
class QSystemTrayIcon;

// The tray icon: shows the worst state of all suites and their counts, and pops up the
// TurnNotifier's messages. Hidden where the desktop has no tray; notifications then only
// reach the window title.
class TrayNotifier : public QObject
{
    Q_OBJECT

public:
    explicit TrayNotifier(QObject *parent = nullptr);
    ~TrayNotifier() override;

    void setAggregate(RunState worst, int failing, int total);
    QMenu *menu() const { return m_menu; }
    QString toolTip() const;

public slots:
    void showMessage(const QString &title, const QString &body, bool failing);

signals:
    void activated();

private:
    QSystemTrayIcon *m_icon;
    QMenu *m_menu;
};
