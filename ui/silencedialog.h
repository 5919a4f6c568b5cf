#pragma once

#include <QDialog>

#include <chrono>

class QComboBox;
class QLineEdit;
class QPlainTextEdit;

// Asks how long to silence a suite's alerts and why. Alertmanager requires a comment and a
// creator, so both are asked for and OK stays disabled until the comment is there.
class SilenceDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SilenceDialog(const QString &suite, const QString &defaultCreator, QWidget *parent = nullptr);

    std::chrono::minutes duration() const;
    QString comment() const;
    QString creator() const;

private:
    QComboBox *m_duration;
    QPlainTextEdit *m_comment;
    QLineEdit *m_creator;
};
