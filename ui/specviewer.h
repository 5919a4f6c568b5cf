#pragma once

#include <QPlainTextEdit>

namespace KSyntaxHighlighting {
class SyntaxHighlighter;
}

// Shows a spec file from the local spec directory at the line a stack frame names,
// highlighted with KSyntaxHighlighting (JavaScript, TypeScript, YAML, JSON...) in the
// default light or dark theme to match the palette. Read-only.
class SpecViewer : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit SpecViewer(QWidget *parent = nullptr);
    ~SpecViewer() override;

    // Where relative frame paths (`specs/a.spec.js`) are looked up.
    void setSpecRoot(const QString &directory);
    QString specRoot() const { return m_specRoot; }

    // Finds `file` (relative to the spec root, or absolute as the pod saw it, e.g.
    // `/app/specs/a.spec.js`, matched by its longest suffix found under the root),
    // opens it and shows `line` (1-based). Returns an error message, empty on success.
    QString openFrame(const QString &file, int line);
    // The local path openFrame resolved `file` to; empty when not found.
    QString resolve(const QString &file) const;

    QString currentFile() const { return m_currentFile; }
    int currentLine() const { return m_currentLine; }
    QString syntaxName() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyTheme();
    void highlightCurrentLine();

    QString m_specRoot;
    QString m_currentFile;
    int m_currentLine = 0;
    KSyntaxHighlighting::SyntaxHighlighter *m_highlighter;
};
