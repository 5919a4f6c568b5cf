#pragma once

#include "suites/runstate.h"

#include <QColor>
#include <QIcon>
#include <QPalette>
#include <QString>

// The one place that decides how a run state looks: its colour, icon and label.
// Colours are chosen against the given palette so they read on light and dark themes;
// green is reserved for Passed.
namespace StateStyle {

QColor color(RunState state, const QPalette &palette);
QIcon icon(RunState state);
QString label(RunState state);

} // namespace StateStyle
