#pragma once

#include <QWidget>

class QLabel;

// A calm, centred message for when there is nothing to show yet: a title, a line of
// explanation and what the user can do about it.
class EmptyStateWidget : public QWidget
{
    Q_OBJECT

public:
    explicit EmptyStateWidget(QWidget *parent = nullptr);

    void setTitle(const QString &title);
    void setExplanation(const QString &text);

private:
    QLabel *m_icon;
    QLabel *m_title;
    QLabel *m_explanation;
};
