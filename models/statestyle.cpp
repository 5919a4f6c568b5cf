#include "statestyle.h"

#include <QCoreApplication>

namespace StateStyle {

namespace {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

} // namespace

QColor color(RunState state, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (state) {
    case RunState::Passed:
        return dark ? QColor(0x4c, 0xc3, 0x6a) : QColor(0x1e, 0x85, 0x3a);
    case RunState::Failed:
    case RunState::Error:
        return dark ? QColor(0xf2, 0x6d, 0x6d) : QColor(0xc6, 0x28, 0x28);
    case RunState::Pending:
    case RunState::Running:
        return dark ? QColor(0x6c, 0xa8, 0xf0) : QColor(0x1f, 0x5f, 0xb4);
    case RunState::NoTests:
    case RunState::Stale:
        return dark ? QColor(0xe8, 0xb3, 0x4a) : QColor(0xa0, 0x65, 0x00);
    case RunState::Unknown:
        break;
    }
    return palette.color(QPalette::Disabled, QPalette::Text);
}

QIcon icon(RunState state)
{
    switch (state) {
    case RunState::Passed:
        return QIcon(QStringLiteral(":/icons/state-passed.svg"));
    case RunState::Failed:
        return QIcon(QStringLiteral(":/icons/state-failed.svg"));
    case RunState::Error:
        return QIcon(QStringLiteral(":/icons/state-error.svg"));
    case RunState::Pending:
        return QIcon(QStringLiteral(":/icons/state-pending.svg"));
    case RunState::Running:
        return QIcon(QStringLiteral(":/icons/state-running.svg"));
    case RunState::NoTests:
        return QIcon(QStringLiteral(":/icons/state-notests.svg"));
    case RunState::Stale:
        return QIcon(QStringLiteral(":/icons/state-stale.svg"));
    case RunState::Unknown:
        break;
    }
    return QIcon(QStringLiteral(":/icons/state-unknown.svg"));
}

QString label(RunState state)
{
    switch (state) {
    case RunState::Passed:
        return QCoreApplication::translate("StateStyle", "Passed");
    case RunState::Failed:
        return QCoreApplication::translate("StateStyle", "Failed");
    case RunState::Error:
        return QCoreApplication::translate("StateStyle", "Error");
    case RunState::Pending:
        return QCoreApplication::translate("StateStyle", "Pending");
    case RunState::Running:
        return QCoreApplication::translate("StateStyle", "Running");
    case RunState::NoTests:
        return QCoreApplication::translate("StateStyle", "No tests");
    case RunState::Stale:
        return QCoreApplication::translate("StateStyle", "Stale");
    case RunState::Unknown:
        break;
    }
    return QCoreApplication::translate("StateStyle", "Unknown");
}

} // namespace StateStyle
