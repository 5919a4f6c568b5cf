#include "silencedialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

SilenceDialog::SilenceDialog(const QString &suite, const QString &defaultCreator, QWidget *parent)
    : QDialog(parent)
    , m_duration(new QComboBox(this))
    , m_comment(new QPlainTextEdit(this))
    , m_creator(new QLineEdit(defaultCreator, this))
{
    setWindowTitle(tr("Silence %1").arg(suite));
    for (const auto &[minutes, label] : {std::pair{30, tr("30 minutes")}, {60, tr("1 hour")}, {240, tr("4 hours")},
                                         {1440, tr("1 day")}, {10080, tr("1 week")}}) {
        m_duration->addItem(label, minutes);
    }
    m_duration->setCurrentIndex(1);
    m_comment->setPlaceholderText(tr("Why, for the people who see this silence"));
    m_comment->setTabChangesFocus(true);
    m_comment->setFixedHeight(m_comment->fontMetrics().lineSpacing() * 4 + 12);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Silence"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const auto validate = [this, buttons] {
        buttons->button(QDialogButtonBox::Ok)
            ->setEnabled(!comment().isEmpty() && !creator().isEmpty());
    };
    connect(m_comment, &QPlainTextEdit::textChanged, this, validate);
    connect(m_creator, &QLineEdit::textChanged, this, validate);

    auto *form = new QFormLayout(this);
    auto *intro = new QLabel(tr("Alertmanager will not notify about <b>%1</b> for:").arg(suite.toHtmlEscaped()), this);
    intro->setWordWrap(true);
    form->addRow(intro);
    form->addRow(tr("&Duration"), m_duration);
    form->addRow(tr("&Comment"), m_comment);
    form->addRow(tr("C&reated by"), m_creator);
    form->addRow(buttons);
}

std::chrono::minutes SilenceDialog::duration() const
{
    return std::chrono::minutes(m_duration->currentData().toInt());
}

QString SilenceDialog::comment() const
{
    return m_comment->toPlainText().trimmed();
}

QString SilenceDialog::creator() const
{
    return m_creator->text().trimmed();
}
