#pragma once

#include "ansiparser.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <deque>
#include <memory>

class QTemporaryFile;

// A log line after parsing: the plain text, its format runs and the model's flags.
struct StoredLine
{
    QDateTime timestamp;
    QString text;
    FormatRuns runs;
    quint32 flags = 0; // owned by the model (failure header, iteration...), opaque here

    friend bool operator==(const StoredLine &, const StoredLine &) = default;
};

// The lines of one log, for streams of any length. Appending is cheap (amortised
// O(1), no copies of earlier lines). Memory is bounded by a budget in bytes: when the
// lines held in memory exceed it, the oldest are written to a temporary file and read
// back on demand through a small block cache, so nothing is dropped to save memory.
// The user may also cap the number of lines; lines beyond the cap are dropped from the
// front and counted (droppedCount), never silently.
//
// Lines are addressed by index 0..size()-1 (the oldest line still held is 0) or by
// their absolute number since the stream began (index + droppedCount()).
// Not thread-safe; const reads update the cache.
class LogBuffer
{
public:
    // About 50,000 Jest lines: far more than anyone scrolls through, while the rest of a
    // long log costs disk, not memory. Against 64 MiB (bench_logmodel, 1M lines): peak
    // RSS 51 instead of 97 MiB, slowest append batch 5-7 instead of 15-20 ms, a search of
    // every line 1.1-1.4 instead of 0.7 s (in slices, the slowest 27-30 ms).
    static constexpr qint64 DefaultMemoryBudget = 16 * 1024 * 1024;
    // Lines read back from the spill file per cache block, and blocks cached.
    static constexpr int LinesPerBlock = 128;
    static constexpr int CachedBlocks = 16;

    explicit LogBuffer(qint64 memoryBudget = DefaultMemoryBudget);
    ~LogBuffer();
    Q_DISABLE_COPY_MOVE(LogBuffer)

    void setMemoryBudget(qint64 bytes);
    qint64 memoryBudget() const { return m_budget; }
    // 0 means no cap. Lowering the cap does not drop at once: see excessLines().
    void setMaxLines(qint64 maxLines);
    qint64 maxLines() const { return m_maxLines; }

    void append(StoredLine line);
    // How many lines are over the cap; the owner removes them with dropOldest, so a
    // model can announce the removal first.
    qint64 excessLines() const;
    void dropOldest(qint64 count);
    void clear();

    qint64 size() const { return m_spilledLines + qint64(m_memory.size()); }
    qint64 droppedCount() const { return m_dropped; }
    StoredLine line(qint64 index) const;
    // Cheaper than line() when only the text is needed (search, save).
    QString text(qint64 index) const;

    // For the status line and tests.
    qint64 memoryBytes() const { return m_memoryBytes + m_pendingWrite.size(); }
    qint64 spilledLineCount() const { return m_spilledLines; }
    qint64 spillFileBytes() const { return m_fileBytes; }
    // Set when the spill file could not be made or written: lines then stay in memory.
    QString spillError() const { return m_spillError; }

    static qint64 estimatedBytes(const StoredLine &line);

private:
    struct Block
    {
        qint64 first = -1; // absolute spill position of the block's first line
        QList<StoredLine> lines;
    };

    void spill();
    bool ensureFile();
    void flushPending();
    QByteArray readSpilled(qint64 spillIndex, qint64 count) const;
    const StoredLine &spilledLine(qint64 index) const;

    qint64 m_budget;
    qint64 m_maxLines = 0;
    qint64 m_dropped = 0;
    std::deque<StoredLine> m_memory;
    qint64 m_memoryBytes = 0;

    // Spilled lines: m_offsets[i] is where spilled line i (counted from the first
    // spilled line ever, m_spillBase) starts in the file; the last entry is the end.
    std::unique_ptr<QTemporaryFile> m_file;
    QList<qint64> m_offsets;
    qint64 m_spillBase = 0;   // spill position of m_offsets[0]
    qint64 m_spilledLines = 0; // spilled lines still held
    qint64 m_fileBytes = 0;   // bytes written to the file
    QByteArray m_pendingWrite; // serialised lines not yet in the file (after a write error)
    QString m_spillError;

    mutable std::deque<Block> m_cache;
};
