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
    // A fixed measure keeps the paragraph readable; word-wrapped labels otherwise collapse.
    m_explanation->setFixedWidth(460);
    m_explanation->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(m_icon);
    layout->addSpacing(12);
    layout->addWidget(m_title);
    layout->addSpacing(4);
    layout->addWidget(m_explanation, 0, Qt::AlignHCenter);
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
