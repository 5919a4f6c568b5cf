#include "logbuffer.h"

#include <QDir>
#include <QTemporaryFile>
#include <QTimeZone>

#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

// Spilled line layout (host byte order, the file never leaves this process):
//   qint64 msecs since epoch (min() = no timestamp), quint32 flags, quint32 text
//   length in UTF-16 units, quint32 run count, the UTF-16 text, then per run
//   qint32 start, qint32 length, quint32 fg, quint32 bg, quint32 style flags.
// UTF-16 as is, so whatever QString held comes back identical.
constexpr qint64 NoTimestamp = std::numeric_limits<qint64>::min();
constexpr qsizetype HeaderBytes = 8 + 4 + 4 + 4;
constexpr qsizetype RunBytes = 5 * 4;

template<typename T>
void put(QByteArray &out, T value)
{
    out.append(reinterpret_cast<const char *>(&value), sizeof(T));
}

template<typename T>
bool take(const char *&p, const char *end, T *value)
{
    if (end - p < qsizetype(sizeof(T)))
        return false;
    std::memcpy(value, p, sizeof(T));
    p += sizeof(T);
    return true;
}

void serialise(const StoredLine &line, QByteArray &out)
{
    put<qint64>(out, line.timestamp.isValid() ? line.timestamp.toMSecsSinceEpoch() : NoTimestamp);
    put<quint32>(out, line.flags);
    put<quint32>(out, quint32(line.text.size()));
    put<quint32>(out, quint32(line.runs.size()));
    out.append(reinterpret_cast<const char *>(line.text.utf16()), line.text.size() * 2);
    for (const FormatRun &run : line.runs) {
        put<qint32>(out, run.start);
        put<qint32>(out, run.length);
        put<quint32>(out, run.style.foreground.packed());
        put<quint32>(out, run.style.background.packed());
        put<quint32>(out, run.style.flags);
    }
}

bool deserialise(const char *&p, const char *end, StoredLine *line)
{
    qint64 msecs = 0;
    quint32 textLength = 0;
    quint32 runCount = 0;
    if (!take(p, end, &msecs) || !take(p, end, &line->flags) || !take(p, end, &textLength)
        || !take(p, end, &runCount)) {
        return false;
    }
    if (msecs != NoTimestamp)
        line->timestamp = QDateTime::fromMSecsSinceEpoch(msecs, QTimeZone::UTC);
    if (end - p < qsizetype(textLength) * 2 + qsizetype(runCount) * RunBytes)
        return false;
    line->text.resize(textLength);
    std::memcpy(line->text.data(), p, qsizetype(textLength) * 2);
    p += qsizetype(textLength) * 2;
    line->runs.resize(runCount);
    for (FormatRun &run : line->runs) {
        quint32 fg = 0;
        quint32 bg = 0;
        quint32 styleFlags = 0;
        take(p, end, &run.start);
        take(p, end, &run.length);
        take(p, end, &fg);
        take(p, end, &bg);
        take(p, end, &styleFlags);
        run.style.foreground = AnsiColor::fromPacked(fg);
        run.style.background = AnsiColor::fromPacked(bg);
        run.style.flags = quint8(styleFlags);
    }
    return true;
}

} // namespace

LogBuffer::LogBuffer(qint64 memoryBudget)
    : m_budget(std::max<qint64>(memoryBudget, 1))
{
    m_offsets.append(0);
}

LogBuffer::~LogBuffer() = default;

qint64 LogBuffer::estimatedBytes(const StoredLine &line)
{
    // Two heap blocks with their headers, the text, the runs and the deque slot.
    return qint64(sizeof(StoredLine)) + 64 + line.text.size() * 2 + line.runs.size() * qint64(sizeof(FormatRun));
}

void LogBuffer::setMemoryBudget(qint64 bytes)
{
    m_budget = std::max<qint64>(bytes, 1);
    if (m_memoryBytes > m_budget)
        spill();
}

void LogBuffer::setMaxLines(qint64 maxLines)
{
    m_maxLines = std::max<qint64>(maxLines, 0);
}

void LogBuffer::append(StoredLine line)
{
    m_memoryBytes += estimatedBytes(line);
    m_memory.push_back(std::move(line));
    if (m_memoryBytes > m_budget)
        spill();
}

qint64 LogBuffer::excessLines() const
{
    return m_maxLines > 0 ? std::max<qint64>(0, size() - m_maxLines) : 0;
}

void LogBuffer::dropOldest(qint64 count)
{
    count = std::clamp<qint64>(count, 0, size());
    m_dropped += count;
    const qint64 fromFile = std::min(count, m_spilledLines);
    if (fromFile > 0) {
        m_offsets.remove(0, fromFile);
        m_spillBase += fromFile;
        m_spilledLines -= fromFile;
        if (m_spilledLines == 0 && m_pendingWrite.isEmpty() && m_file) {
            // Nothing spilled is wanted any more: give the disk space back.
            m_file->resize(0);
            m_fileBytes = 0;
            m_offsets = {0};
        }
    }
    for (qint64 i = fromFile; i < count; ++i) {
        m_memoryBytes -= estimatedBytes(m_memory.front());
        m_memory.pop_front();
    }
}

void LogBuffer::clear()
{
    m_dropped = 0;
    m_memory.clear();
    m_memoryBytes = 0;
    m_file.reset();
    m_offsets = {0};
    m_spillBase = 0;
    m_spilledLines = 0;
    m_fileBytes = 0;
    m_pendingWrite.clear();
    m_spillError.clear();
    m_cache.clear();
}

bool LogBuffer::ensureFile()
{
    if (m_file)
        return true;
    if (!m_spillError.isEmpty())
        return false; // tried and failed: do not retry on every append
    auto file = std::make_unique<QTemporaryFile>(QDir::tempPath() + u"/kassert-log-XXXXXX"_s);
    if (!file->open()) {
        m_spillError = u"Cannot create a spill file in %1: %2"_s.arg(QDir::tempPath(), file->errorString());
        return false;
    }
    m_file = std::move(file);
    return true;
}

void LogBuffer::spill()
{
    if (!ensureFile())
        return;
    // Spill a sixteenth of the budget at a time: large enough writes, short enough
    // that one batch of lines never stalls the event loop for long.
    const qint64 target = m_budget - std::max<qint64>(m_budget / 16, 1);
    QByteArray &out = m_pendingWrite;
    qint64 end = m_offsets.last();
    while (m_memoryBytes + out.size() > target && !m_memory.empty()) {
        const qsizetype before = out.size();
        serialise(m_memory.front(), out);
        end += out.size() - before;
        m_offsets.append(end);
        ++m_spilledLines;
        m_memoryBytes -= estimatedBytes(m_memory.front());
        m_memory.pop_front();
        if (out.size() >= 4 * 1024 * 1024)
            flushPending();
    }
    flushPending();
}

void LogBuffer::flushPending()
{
    if (m_pendingWrite.isEmpty() || !m_file)
        return;
    if (!m_file->seek(m_fileBytes)) {
        m_spillError = u"Cannot write the spill file %1: %2"_s.arg(m_file->fileName(), m_file->errorString());
        return;
    }
    const qint64 written = m_file->write(m_pendingWrite);
    if (written > 0) {
        m_fileBytes += written;
        m_pendingWrite.remove(0, written);
    }
    if (!m_pendingWrite.isEmpty()) {
        // Disk full or similar: the rest stays in memory (and is still readable).
        m_spillError = u"Cannot write the spill file %1: %2"_s.arg(m_file->fileName(), m_file->errorString());
    } else {
        m_spillError.clear();
    }
}

QByteArray LogBuffer::readSpilled(qint64 spillIndex, qint64 count) const
{
    const qint64 from = m_offsets[spillIndex - m_spillBase];
    const qint64 to = m_offsets[spillIndex - m_spillBase + count];
    QByteArray bytes;
    bytes.reserve(to - from);
    if (from < m_fileBytes) {
        const qint64 fileTo = std::min(to, m_fileBytes);
        if (m_file->seek(from))
            bytes = m_file->read(fileTo - from);
    }
    if (to > m_fileBytes) {
        const qint64 pendingFrom = std::max(from, m_fileBytes) - m_fileBytes;
        bytes.append(m_pendingWrite.mid(pendingFrom, to - m_fileBytes - pendingFrom));
    }
    return bytes;
}

const StoredLine &LogBuffer::spilledLine(qint64 spillIndex) const
{
    for (auto it = m_cache.begin(); it != m_cache.end(); ++it) {
        if (spillIndex >= it->first && spillIndex < it->first + it->lines.size()) {
            if (it != m_cache.begin()) {
                m_cache.push_front(std::move(*it));
                m_cache.erase(it);
            }
            return m_cache.front().lines[spillIndex - m_cache.front().first];
        }
    }
    const qint64 blockStart = std::max(spillIndex / LinesPerBlock * LinesPerBlock, m_spillBase);
    const qint64 blockEnd = std::min(spillIndex / LinesPerBlock * LinesPerBlock + LinesPerBlock,
                                     m_spillBase + m_spilledLines);
    Block block;
    block.first = blockStart;
    const QByteArray bytes = readSpilled(blockStart, blockEnd - blockStart);
    const char *p = bytes.constData();
    const char *end = p + bytes.size();
    for (qint64 i = blockStart; i < blockEnd; ++i) {
        StoredLine line;
        if (!deserialise(p, end, &line))
            line.text = u"[kassert: this line could not be read back from %1]"_s.arg(m_file->fileName());
        block.lines.append(std::move(line));
    }
    m_cache.push_front(std::move(block));
    if (m_cache.size() > CachedBlocks)
        m_cache.pop_back();
    return m_cache.front().lines[spillIndex - blockStart];
}

StoredLine LogBuffer::line(qint64 index) const
{
    if (index < 0 || index >= size())
        return {};
    if (index < m_spilledLines)
        return spilledLine(m_spillBase + index);
    return m_memory[index - m_spilledLines];
}

QString LogBuffer::text(qint64 index) const
{
    if (index < 0 || index >= size())
        return {};
    if (index < m_spilledLines)
        return spilledLine(m_spillBase + index).text;
    return m_memory[index - m_spilledLines].text;
}
