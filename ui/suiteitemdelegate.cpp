#include "suiteitemdelegate.h"

#include "suitetreemodel.h"

#include <QApplication>
#include <QIcon>
#include <QPainter>

namespace {

constexpr int markerSize = 14;
constexpr int spacing = 6;
constexpr int flakyThreshold = 2; // switches over the last 20 iterations

} // namespace

void SuiteItemDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    if (index.column() != SuiteTreeModel::NameColumn) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }

    // Markers first, so the text knows how much room is left.
    QList<QIcon> markers;
    const QString alert = index.data(SuiteTreeModel::AlertStateRole).toString();
    if (alert == QLatin1StringView("firing"))
        markers << QIcon(QStringLiteral(":/icons/alert-firing.svg"));
    else if (alert == QLatin1StringView("silenced"))
        markers << QIcon(QStringLiteral(":/icons/alert-silenced.svg"));
    if (index.data(SuiteTreeModel::FlakinessRole).toInt() >= flakyThreshold)
        markers << QIcon(QStringLiteral(":/icons/flaky.svg"));

    const QString name = opt.text;
    const bool isRun = index.data(SuiteTreeModel::IsRunRole).toBool();
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    QRect textRect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget);
    int right = textRect.right();
    for (const QIcon &marker : std::as_const(markers)) {
        const QRect box(right - markerSize + 1, textRect.center().y() - markerSize / 2, markerSize, markerSize);
        marker.paint(painter, box);
        right -= markerSize + spacing / 2;
    }
    textRect.setRight(right - spacing);

    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorRole textRole = selected ? QPalette::HighlightedText : QPalette::Text;
    painter->save();
    painter->setFont(opt.font);
    painter->setPen(opt.palette.color(textRole));
    const QString shown = opt.fontMetrics.elidedText(name, Qt::ElideMiddle, textRect.width());
    painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, shown);

    // The namespace, dimmed, when there is room: suites of several namespaces look alike.
    const int used = opt.fontMetrics.horizontalAdvance(shown);
    const QString nameSpace = isRun ? QString() : index.data(SuiteTreeModel::NamespaceRole).toString();
    if (!nameSpace.isEmpty() && used + spacing * 2 < textRect.width()) {
        QRect nsRect = textRect.adjusted(used + spacing * 2, 0, 0, 0);
        QColor dim = opt.palette.color(textRole);
        dim.setAlphaF(0.55f);
        painter->setPen(dim);
        painter->drawText(nsRect, Qt::AlignVCenter | Qt::AlignLeft,
                          opt.fontMetrics.elidedText(nameSpace, Qt::ElideRight, nsRect.width()));
    }
    painter->restore();
}

QSize SuiteItemDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setHeight(qMax(size.height(), option.fontMetrics.height() + 10));
    if (index.column() == SuiteTreeModel::NameColumn)
        size.setWidth(size.width() + 2 * (markerSize + spacing) + option.fontMetrics.horizontalAdvance(QStringLiteral("namespace")));
    return size;
}
