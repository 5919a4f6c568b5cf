#include "ansipalette.h"

namespace {

// Black, red, green, yellow, blue, magenta, cyan, white; then the bright eight.
constexpr QRgb DarkBase[16] = {0x3b3b3b, 0xf14c4c, 0x23d18b, 0xe5e510, 0x3b8eea, 0xd670d6, 0x29b8db, 0xcccccc,
                               0x808080, 0xff6b6b, 0x5af78e, 0xf4f99d, 0x6cb6ff, 0xff92d0, 0x9aedfe, 0xffffff};
constexpr QRgb LightBase[16] = {0x000000, 0xc91b00, 0x00a600, 0x9a7b00, 0x0451a5, 0xbc05bc, 0x0598bc, 0x6e6e6e,
                                0x666666, 0xe23c2c, 0x14ae14, 0xb58900, 0x2a6fd6, 0xd030d0, 0x11a8cd, 0x4d4d4d};

QColor xterm256(int index)
{
    if (index < 232) {
        const int i = index - 16;
        auto level = [](int v) { return v == 0 ? 0 : 55 + v * 40; };
        return QColor(level(i / 36), level(i / 6 % 6), level(i % 6));
    }
    const int gray = 8 + (index - 232) * 10;
    return QColor(gray, gray, gray);
}

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t, a.greenF() * (1 - t) + b.greenF() * t,
                            a.blueF() * (1 - t) + b.blueF() * t);
}

} // namespace

AnsiPalette::AnsiPalette(const QPalette &palette)
    : m_dark(palette.color(QPalette::Base).lightness() < 128)
    , m_foreground(palette.color(QPalette::Text))
    , m_background(palette.color(QPalette::Base))
{
}

QColor AnsiPalette::color(AnsiColor color, bool foreground) const
{
    if (color.isDefault())
        return foreground ? m_foreground : m_background;
    if (color.isRgb())
        return QColor(color.red(), color.green(), color.blue());
    const int index = color.index();
    if (index < 16)
        return QColor::fromRgb(m_dark ? DarkBase[index] : LightBase[index]);
    return xterm256(index);
}

void AnsiPalette::resolve(const TextStyle &style, QColor *foreground, QColor *background) const
{
    QColor fg = color(style.foreground, true);
    QColor bg = style.background.isDefault() ? QColor() : color(style.background, false);
    if (style.has(TextStyle::Inverse)) {
        const QColor oldFg = fg;
        fg = bg.isValid() ? bg : m_background;
        bg = oldFg;
    }
    if (style.has(TextStyle::Dim))
        fg = mix(fg, bg.isValid() ? bg : m_background, 0.45);
    *foreground = fg;
    *background = bg;
}
