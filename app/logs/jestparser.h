#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

// Jest's default reporter output, read one line at a time as the log streams in.
//
// Understands plain and coloured text (SGR sequences are stripped first), the
// `PASS`/`FAIL` header per spec file, `●` failure blocks (title path split on ` › `,
// message, stack frames `at fn (file:line:col)`), `● Test suite failed to run`, the
// summary block, and Jest's "Summary of all failing tests" repetition (not counted
// twice). Results are grouped per iteration: a Jest pass in watch mode ends with
// `Ran all test suites…`, and the next header starts a new iteration.

struct JestFrame
{
    QString function;
    QString file;
    int line = 0;
    int column = 0;
    friend bool operator==(const JestFrame &, const JestFrame &) = default;
};

struct JestFailure
{
    QStringList titlePath; // describe › nested › test
    QString specFile;      // from the header above the block
    QString message;       // indentation removed, code frame and stack left out
    QList<JestFrame> frames;
    // The frame that points into the spec (else the first frame outside node_modules).
    QString file;
    int line = 0;
    int column = 0;
    qint64 firstLogLine = -1; // the `●` line
    qint64 lastLogLine = -1;  // the last non-blank line of the block
    bool suiteFailedToRun = false;

    QString title() const { return titlePath.join(QStringView(u" › ")); }
    friend bool operator==(const JestFailure &, const JestFailure &) = default;
};

struct JestSpecResult
{
    QString file;
    bool passed = false;
    std::optional<double> seconds; // the ` (1.234 s)` a slow file gets
    qint64 logLine = -1;
    friend bool operator==(const JestSpecResult &, const JestSpecResult &) = default;
};

// One `Test Suites:` / `Tests:` / `Snapshots:` line.
struct JestCounts
{
    bool present = false;
    int failed = 0;
    int passed = 0;
    int skipped = 0;
    int todo = 0;
    int total = 0;
    friend bool operator==(const JestCounts &, const JestCounts &) = default;
};

struct JestIteration
{
    int index = 0;
    qint64 firstLogLine = -1;
    qint64 lastLogLine = -1;
    QList<JestSpecResult> specs;
    QList<JestFailure> failures;
    JestCounts suites;
    JestCounts tests;
    JestCounts snapshots;
    std::optional<double> seconds;
    bool complete = false; // `Ran all test suites…` seen

    friend bool operator==(const JestIteration &, const JestIteration &) = default;
};

class JestParser
{
public:
    // What one line was, for views that mark lines.
    enum class LineKind { Other, PassHeader, FailHeader, FailureTitle, Frame, Summary };

    // Longest message kept per failure; Jest diffs of huge objects can be enormous.
    static constexpr int MaxMessageChars = 16 * 1024;
    static constexpr int MaxFrames = 32;

    // Reads the next line; `logLine` is its position in the log (kept in results).
    LineKind addLine(QStringView line, qint64 logLine);

    const QList<JestIteration> &iterations() const { return m_iterations; }
    // Bumped whenever iterations() changes, so callers can tell cheaply.
    quint64 revision() const { return m_revision; }
    void clear();

    // `at fn (file:line:col)` / `at file:line:col`; nullopt for other lines.
    static std::optional<JestFrame> parseFrame(QStringView line);
    static JestCounts parseCounts(QStringView text);

private:
    JestIteration &current(qint64 logLine);
    void closeBlock();
    void startFailure(QStringView title, qint64 logLine);
    bool addBlockLine(QStringView text, qint64 logLine); // true for a stack frame
    static void chooseLocation(JestFailure &failure);

    QList<JestIteration> m_iterations;
    quint64 m_revision = 0;
    QString m_specFile;          // the file whose header came last
    bool m_inBlock = false;      // reading a failure block of the current iteration
    bool m_blockInFrames = false; // past the message, in code frame and stack
    bool m_repeating = false;    // in "Summary of all failing tests": seen already
    bool m_summarySeen = false;  // `Test Suites:` seen in the current iteration
    QStringList m_messageLines;
    qsizetype m_messageChars = 0;
};
