#pragma once

#include <QPalette>
#include <QString>

// Light and dark palettes for the whole application, or the desktop's own. Everything
// that draws colours (state colours, ANSI colours, the spec viewer's theme) reads the
// palette, so switching it is all a theme takes. Explicit themes use the Fusion style,
// which honours every palette role; "System" brings back the style and palette the
// application started with. The choice is kept in QSettings.
namespace Appearance {

enum class Theme { System, Light, Dark };

QPalette palette(Theme theme);
void apply(Theme theme);
Theme current();

Theme stored();
void store(Theme theme);
QString name(Theme theme); // "system", "light", "dark" (the settings value)

} // namespace Appearance
