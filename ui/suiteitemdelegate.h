#pragma once

#include <QStyledItemDelegate>

// Paints a suite or run row's name cell: state icon, name, the namespace dimmed beside
// it, and markers on the right for a firing or silenced alert and for flakiness.
// Everything it shows comes from SuiteTreeModel's roles.
class SuiteItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};
