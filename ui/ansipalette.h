#pragma once

#include "logs/ansiparser.h"

#include <QColor>
#include <QPalette>

// Maps symbolic ANSI colours to colours that read well on the widget's palette: the 16
// base colours are tuned separately for light and dark backgrounds (pure yellow on
// white is unreadable), the 256-colour cube and true colours are used as they are.
class AnsiPalette
{
public:
    explicit AnsiPalette(const QPalette &palette);

    bool isDark() const { return m_dark; }
    QColor defaultForeground() const { return m_foreground; }
    QColor defaultBackground() const { return m_background; }
    QColor color(AnsiColor color, bool foreground) const;
    // Final colours of a styled run after inverse and dim; `background` is invalid
    // when nothing should be painted behind the text.
    void resolve(const TextStyle &style, QColor *foreground, QColor *background) const;

private:
    bool m_dark = false;
    QColor m_foreground;
    QColor m_background;
};
