#include "specviewer.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QTextBlock>

using namespace Qt::StringLiterals;

namespace {

// Loading the syntax definitions is slow: one repository for the process.
KSyntaxHighlighting::Repository &repository()
{
    static KSyntaxHighlighting::Repository instance;
    return instance;
}

// Spec files are small; a multi-megabyte "spec" is not one we should render.
constexpr qint64 MaxFileBytes = 8 * 1024 * 1024;

} // namespace

SpecViewer::SpecViewer(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_highlighter(new KSyntaxHighlighting::SyntaxHighlighter(document()))
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    applyTheme();
}

SpecViewer::~SpecViewer() = default;

void SpecViewer::setSpecRoot(const QString &directory)
{
    m_specRoot = directory;
}

QString SpecViewer::resolve(const QString &file) const
{
    if (file.isEmpty())
        return {};
    const QString cleaned = QDir::cleanPath(file);
    if (QFileInfo(cleaned).isAbsolute() && QFileInfo(cleaned).isFile()
        && (m_specRoot.isEmpty() || cleaned.startsWith(QDir(m_specRoot).absolutePath() + u'/'))) {
        return cleaned;
    }
    if (m_specRoot.isEmpty())
        return {};
    // `/app/specs/a.spec.js` in the pod is `<root>/specs/a.spec.js` here: try the longest
    // suffix first. `..` never escapes the root.
    const QStringList parts = cleaned.split(u'/', Qt::SkipEmptyParts);
    const QDir root(m_specRoot);
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString relative = parts.mid(i).join(u'/');
        if (relative.startsWith(u".."_s))
            continue;
        const QString candidate = QDir::cleanPath(root.absoluteFilePath(relative));
        if (candidate.startsWith(root.absolutePath() + u'/') && QFileInfo(candidate).isFile())
            return candidate;
    }
    return {};
}

QString SpecViewer::openFrame(const QString &file, int line)
{
    const QString path = resolve(file);
    if (path.isEmpty()) {
        return m_specRoot.isEmpty() ? tr("No spec directory is known for %1").arg(file)
                                    : tr("%1 was not found under %2").arg(file, m_specRoot);
    }
    QFile f(path);
    if (f.size() > MaxFileBytes)
        return tr("%1 is too large to show (%2 bytes)").arg(path).arg(f.size());
    if (!f.open(QIODevice::ReadOnly))
        return tr("Cannot read %1: %2").arg(path, f.errorString());
    const QString text = QString::fromUtf8(f.readAll());
    if (path != m_currentFile) {
        m_highlighter->setDefinition(repository().definitionForFileName(path));
        setPlainText(text);
    } else if (toPlainText() != text) {
        setPlainText(text);
    }
    m_currentFile = path;
    m_currentLine = std::clamp(line, 1, std::max(1, document()->blockCount()));
    highlightCurrentLine();
    return {};
}

QString SpecViewer::syntaxName() const
{
    return m_highlighter->definition().name();
}

void SpecViewer::highlightCurrentLine()
{
    const QTextBlock block = document()->findBlockByNumber(m_currentLine - 1);
    QTextCursor cursor(block);
    setTextCursor(cursor);
    centerCursor();
    QTextEdit::ExtraSelection selection;
    QColor colour = palette().color(QPalette::Highlight);
    colour.setAlpha(70);
    selection.format.setBackground(colour);
    selection.format.setProperty(QTextFormat::FullWidthSelection, true);
    selection.cursor = cursor;
    setExtraSelections({selection});
}

void SpecViewer::applyTheme()
{
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    m_highlighter->setTheme(repository().defaultTheme(dark ? KSyntaxHighlighting::Repository::DarkTheme
                                                           : KSyntaxHighlighting::Repository::LightTheme));
    m_highlighter->rehighlight();
}

void SpecViewer::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyTheme();
        if (m_currentLine > 0)
            highlightCurrentLine();
    }
}
