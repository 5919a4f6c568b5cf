#include "appearance.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

using namespace Qt::StringLiterals;

namespace {

constexpr auto ThemeKey = "appearance/theme";

struct Startup
{
    bool saved = false;
    QString styleName;
    QPalette palette;
};

Startup &startup()
{
    static Startup instance;
    return instance;
}

Appearance::Theme &currentTheme()
{
    static Appearance::Theme theme = Appearance::Theme::System;
    return theme;
}

} // namespace

namespace Appearance {

QPalette palette(Theme theme)
{
    if (theme == Theme::System)
        return startup().saved ? startup().palette : QApplication::palette();
    const bool dark = theme == Theme::Dark;
    // Chosen for contrast (text on base at least 7:1) rather than taken from a desktop.
    const QColor window = dark ? QColor(0x2b, 0x2d, 0x30) : QColor(0xef, 0xf0, 0xf1);
    const QColor base = dark ? QColor(0x1e, 0x1f, 0x22) : QColor(0xff, 0xff, 0xff);
    const QColor alternate = dark ? QColor(0x26, 0x28, 0x2b) : QColor(0xf5, 0xf6, 0xf7);
    const QColor text = dark ? QColor(0xe6, 0xe6, 0xe6) : QColor(0x23, 0x26, 0x29);
    const QColor button = dark ? QColor(0x35, 0x37, 0x3b) : QColor(0xf6, 0xf7, 0xf7);
    const QColor highlight = dark ? QColor(0x3d, 0x7a, 0xd6) : QColor(0x30, 0x8c, 0xc6);
    const QColor disabled = dark ? QColor(0x80, 0x82, 0x85) : QColor(0x90, 0x94, 0x98);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, alternate);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::Link, dark ? QColor(0x6c, 0xa8, 0xf0) : QColor(0x1f, 0x5f, 0xb4));
    p.setColor(QPalette::LinkVisited, dark ? QColor(0xb0, 0x8c, 0xf0) : QColor(0x6a, 0x3d, 0xb4));
    p.setColor(QPalette::Light, dark ? button.lighter(130) : QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::Midlight, dark ? button.lighter(115) : button.darker(105));
    p.setColor(QPalette::Mid, button.darker(130));
    p.setColor(QPalette::Dark, button.darker(160));
    p.setColor(QPalette::Shadow, QColor(0, 0, 0));
    for (const QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, disabled);
    return p;
}

void apply(Theme theme)
{
    Startup &start = startup();
    if (!start.saved) {
        start.saved = true;
        start.styleName = QApplication::style()->name();
        start.palette = QApplication::palette();
    }
    if (theme == Theme::System) {
        if (QApplication::style()->name() != start.styleName)
            QApplication::setStyle(QStyleFactory::create(start.styleName));
        QApplication::setPalette(start.palette);
    } else {
        if (QApplication::style()->name().compare(u"fusion"_s, Qt::CaseInsensitive) != 0)
            QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
        QApplication::setPalette(palette(theme));
    }
    currentTheme() = theme;
}

Theme current()
{
    return currentTheme();
}

QString name(Theme theme)
{
    switch (theme) {
    case Theme::Light:
        return u"light"_s;
    case Theme::Dark:
        return u"dark"_s;
    case Theme::System:
        break;
    }
    return u"system"_s;
}

Theme stored()
{
    const QString value = QSettings().value(QLatin1StringView(ThemeKey)).toString();
    for (const Theme theme : {Theme::Light, Theme::Dark}) {
        if (value == name(theme))
            return theme;
    }
    return Theme::System;
}

void store(Theme theme)
{
    QSettings().setValue(QLatin1StringView(ThemeKey), name(theme));
}

} // namespace Appearance
