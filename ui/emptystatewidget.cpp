#include "emptystatewidget.h"

#include <QIcon>
#include <QLabel>
#include <QVBoxLayout>

EmptyStateWidget::EmptyStateWidget(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_title(new QLabel(this))
    , m_explanation(new QLabel(this))
{
    m_icon->setPixmap(QIcon(QStringLiteral(":/icons/kassert.svg")).pixmap(64, 64, QIcon::Disabled));
    m_icon->setAlignment(Qt::AlignHCenter);

    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    m_title->setFont(titleFont);
    m_title->setAlignment(Qt::AlignHCenter);

    m_explanation->setAlignment(Qt::AlignHCenter);
    m_explanation->setWordWrap(true);
    m_explanation->setTextFormat(Qt::RichText);
    m_explanation->setForegroundRole(QPalette::PlaceholderText);

    // A column of fixed measure keeps the paragraph readable and lets the word-wrapped
    // label get the height it needs.
    auto *column = new QWidget(this);
    column->setFixedWidth(460);
    auto *columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->addWidget(m_icon);
    columnLayout->addSpacing(12);
    columnLayout->addWidget(m_title);
    columnLayout->addSpacing(4);
    columnLayout->addWidget(m_explanation);

    auto *row = new QHBoxLayout;
    row->addStretch();
    row->addWidget(column);
    row->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addLayout(row);
    layout->addStretch(3);
}

void EmptyStateWidget::setTitle(const QString &title)
{
    m_title->setText(title);
    m_title->setAccessibleName(title);
}

void EmptyStateWidget::setExplanation(const QString &text)
{
    m_explanation->setText(text);
}
