#include "logmodel.h"
#include "logsearch.h"
#include "logview.h"

#include <QApplication>
#include <QClipboard>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {

QList<LogLine> numbered(int from, int count, int errorEvery = 0)
{
    QList<LogLine> lines;
    for (int i = from; i < from + count; ++i) {
        const bool error = errorEvery > 0 && i % errorEvery == 0;
        lines.append({QDateTime(), error ? QStringLiteral("\x1b[31mERROR\x1b[0m line %1 failed").arg(i)
                                         : QStringLiteral("line %1 ok").arg(i)});
    }
    return lines;
}

} // namespace

class TestLogView : public QObject
{
    Q_OBJECT

    std::unique_ptr<LogModel> m_model;
    std::unique_ptr<LogView> m_view;

private slots:
    void init()
    {
        m_model = std::make_unique<LogModel>();
        m_view = std::make_unique<LogView>();
        m_view->resize(600, 300);
        m_view->setModel(m_model.get());
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    void cleanup()
    {
        m_view.reset();
        m_model.reset();
    }

    void followsTailUntilReaderScrollsUp()
    {
        QScrollBar *bar = m_view->verticalScrollBar();
        m_model->appendLines(numbered(0, 1000));
        QVERIFY(m_view->isFollowing());
        QVERIFY(bar->maximum() > 900);
        QCOMPARE(bar->value(), bar->maximum());
        QCOMPARE(m_view->lastVisibleLineNumber(), 999);

        QSignalSpy following(m_view.get(), &LogView::followingChanged);
        QSignalSpy newLines(m_view.get(), &LogView::newLinesWhilePausedChanged);
        bar->setValue(100); // the reader drags the scroll bar up
        QVERIFY(!m_view->isFollowing());
        QCOMPARE(following.size(), 1);
        const qint64 firstShown = m_view->firstVisibleLineNumber();
        QCOMPARE(firstShown, 100);

        m_model->appendLines(numbered(1000, 50));
        m_model->appendLines(numbered(1050, 25));
        QCOMPARE(m_view->firstVisibleLineNumber(), firstShown); // nothing moved under the reader
        QCOMPARE(m_view->newLinesWhilePaused(), 75);
        QCOMPARE(newLines.last().first().toInt(), 75);

        // Scrolling back to the bottom resumes following.
        bar->setValue(bar->maximum());
        QVERIFY(m_view->isFollowing());
        QCOMPARE(m_view->newLinesWhilePaused(), 0);
        m_model->appendLines(numbered(1075, 10));
        QCOMPARE(m_view->lastVisibleLineNumber(), 1084);
    }

    void wheelUpPausesAndButtonResumes()
    {
        m_model->appendLines(numbered(0, 500));
        QTest::keyClick(m_view.get(), Qt::Key_PageUp);
        QVERIFY(!m_view->isFollowing());
        m_model->appendLines(numbered(500, 3));
        QCOMPARE(m_view->newLinesWhilePaused(), 3);
        m_view->scrollToBottom();
        QVERIFY(m_view->isFollowing());
        QCOMPARE(m_view->lastVisibleLineNumber(), 502);
    }

    void capKeepsReaderPosition()
    {
        m_model->setMaxLines(300);
        m_model->appendLines(numbered(0, 300));
        m_view->verticalScrollBar()->setValue(150);
        QCOMPARE(m_view->firstVisibleLineNumber(), 150);
        m_model->appendLines(numbered(300, 100)); // drops lines 0..99
        QCOMPARE(m_model->droppedLineCount(), 100);
        QCOMPARE(m_view->firstVisibleLineNumber(), 150);
        QVERIFY(!m_view->isFollowing());
    }

    void horizontalPositionKept()
    {
        QList<LogLine> lines = numbered(0, 100);
        lines.append({QDateTime(), QString(2000, 'w')});
        m_model->appendLines(lines);
        QScrollBar *h = m_view->horizontalScrollBar();
        QVERIFY(h->maximum() > 1000);
        h->setValue(500);
        m_model->appendLines(numbered(100, 20));
        QCOMPARE(h->value(), 500);
        QVERIFY(m_view->isFollowing());
    }

    void searchNextPrevious()
    {
        m_model->appendLines(numbered(0, 1000, 100)); // ERROR on 0, 100, ..., 900
        QSignalSpy matches(m_view.get(), &LogView::matchesChanged);
        m_view->setSearchPattern("error", false, false);
        QCOMPARE(m_view->matchCount(), 10);
        QCOMPARE(m_view->currentMatch(), -1);
        QVERIFY(!matches.isEmpty());

        m_view->verticalScrollBar()->setValue(250);
        m_view->findNext(); // from the first visible line on
        QCOMPARE(m_view->currentMatch(), 3);
        const qint64 line = m_view->search()->matches().at(3).line;
        QCOMPARE(line, 300);
        QVERIFY(m_view->firstVisibleLineNumber() <= line && line <= m_view->lastVisibleLineNumber());
        QCOMPARE(matches.last().at(1).toInt(), 3);

        m_view->findPrevious();
        QCOMPARE(m_view->currentMatch(), 2);
        m_view->findPrevious();
        m_view->findPrevious();
        m_view->findPrevious(); // wraps from the first to the last
        QCOMPARE(m_view->currentMatch(), 9);
        m_view->findNext();
        QCOMPARE(m_view->currentMatch(), 0);
        QVERIFY(m_view->firstVisibleLineNumber() <= 0);

        // Case-sensitive and regex.
        m_view->setSearchPattern("error", false, true);
        QCOMPARE(m_view->matchCount(), 0);
        m_view->setSearchPattern("line [1-3]00 ", true, true);
        QCOMPARE(m_view->matchCount(), 3);
        m_view->setSearchPattern("line (", true, false);
        QCOMPARE(m_view->matchCount(), 0);
        QVERIFY(!m_view->search()->errorString().isEmpty());

        // New lines are searched as they come.
        m_view->setSearchPattern("ERROR", false, true);
        m_model->appendLines(numbered(1000, 101, 100));
        QCOMPARE(m_view->matchCount(), 12);
    }

    void longLogIsSearchedInSlices()
    {
        const int count = 3 * LogSearch::RowsPerSlice + 10;
        m_model->appendLines(numbered(0, count, 100));
        QSignalSpy matches(m_view.get(), &LogView::matchesChanged);
        m_view->setSearchPattern("ERROR", false, true);
        QVERIFY(m_view->search()->isScanning());
        QCOMPARE(m_view->matchCount(), LogSearch::RowsPerSlice / 100); // the first slice, at once
        m_model->appendLines(numbered(count, 100, 100)); // arrives mid-scan
        QTRY_VERIFY(!m_view->search()->isScanning());
        QCOMPARE(m_view->matchCount(), (count + 100 + 99) / 100);
        QVERIFY(matches.size() >= 4);
        const QList<LogSearch::Match> &all = m_view->search()->matches();
        QVERIFY(std::is_sorted(all.cbegin(), all.cend(), [](const auto &a, const auto &b) { return a.line < b.line; }));
        m_view->setFilterEnabled(true);
        QCOMPARE(m_view->displayedLineCount(), m_view->matchCount());
    }

    void filterShowsMatchesWithContext()
    {
        m_model->appendLines(numbered(0, 1000, 100));
        m_view->setSearchPattern("ERROR", false, true);
        m_view->setFilterEnabled(true);
        QCOMPARE(m_view->displayedLineCount(), 10);
        m_view->setFilterContext(2);
        // Line 0 has no lines before it: 3 + 9 * 5.
        QCOMPARE(m_view->displayedLineCount(), 48);
        QCOMPARE(m_view->search()->filterLines().mid(0, 5), QList<qint64>({0, 1, 2, 98, 99}));

        // A match arriving later gives context to lines already there.
        m_model->appendLines(numbered(1000, 1, 100)); // line 1000 is an ERROR line
        QCOMPARE(m_view->search()->filterLines().mid(46), QList<qint64>({901, 902, 998, 999, 1000}));
        m_model->appendLines(numbered(1001, 5));
        QCOMPARE(m_view->search()->filterLines().last(), 1002);

        // Overlapping context is not duplicated.
        m_view->setFilterContext(60);
        const QList<qint64> lines = m_view->search()->filterLines();
        QCOMPARE(QSet<qint64>(lines.cbegin(), lines.cend()).size(), lines.size());
        QVERIFY(std::is_sorted(lines.cbegin(), lines.cend()));

        m_view->setFilterEnabled(false);
        QCOMPARE(m_view->displayedLineCount(), 1006);
    }

    void filterCountsNewLinesWhilePaused()
    {
        m_model->appendLines(numbered(0, 2000, 10));
        m_view->setSearchPattern("ERROR", false, true);
        m_view->setFilterEnabled(true);
        m_view->verticalScrollBar()->setValue(5);
        QVERIFY(!m_view->isFollowing());
        m_model->appendLines(numbered(2000, 30, 10)); // three matches
        QCOMPARE(m_view->newLinesWhilePaused(), 3);
    }

    void wrapToggle()
    {
        QList<LogLine> lines = numbered(0, 50);
        lines.append({QDateTime(), QString(5000, 'x')});
        m_model->appendLines(lines);
        QVERIFY(m_view->horizontalScrollBar()->maximum() > 0);
        const int unwrappedMax = m_view->verticalScrollBar()->maximum();
        m_view->setWordWrap(true);
        QCOMPARE(m_view->horizontalScrollBar()->maximum(), 0);
        // The long line now fills the screen by itself: the last top row is that line.
        QCOMPARE(m_view->verticalScrollBar()->maximum(), 50);
        QVERIFY(m_view->verticalScrollBar()->maximum() > unwrappedMax);
        QCOMPARE(m_view->lastVisibleLineNumber(), 50);
        m_view->setWordWrap(false);
        QCOMPARE(m_view->verticalScrollBar()->maximum(), unwrappedMax);
    }

    void mouseSelectionAndCopy()
    {
        m_model->appendLines(numbered(0, 5));
        m_view->verticalScrollBar()->setValue(0);
        QWidget *viewport = m_view->viewport();
        const QFontMetrics fm(m_view->font());
        m_view->selectAll();
        QCOMPARE(m_view->selectedText(), "line 0 ok\nline 1 ok\nline 2 ok\nline 3 ok\nline 4 ok");
        // Press at the start of line 1, drag to the start of line 2.
        QTest::mousePress(viewport, Qt::LeftButton, {}, QPoint(2, fm.height() + 2));
        QTest::mouseMove(viewport, QPoint(2, 2 * fm.height() + 2));
        QMouseEvent move(QEvent::MouseMove, QPointF(2, 2 * fm.height() + 2), viewport->mapToGlobal(QPointF(2, 2 * fm.height() + 2)),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &move);
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, QPoint(2, 2 * fm.height() + 2));
        QCOMPARE(m_view->selectedText(), "line 1 ok\n");
        QTest::keyClick(m_view.get(), Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QGuiApplication::clipboard()->text(), "line 1 ok\n");
    }

    void saveToFile()
    {
        const QDateTime t(QDate(2024, 5, 1), QTime(10, 0, 0, 5), QTimeZone::UTC);
        m_model->appendLines({{t, "\x1b[1mfirst\x1b[0m"}, {QDateTime(), "second"}});
        QTemporaryDir dir;
        const QString path = dir.filePath("log.txt");
        QCOMPARE(m_view->saveToFile(path), QString());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("first\nsecond\n"));
        file.close();
        m_view->setTimestampsVisible(true);
        QCOMPARE(m_view->saveToFile(path), QString());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("2024-05-01T10:00:00.005000000Z first\nsecond\n"));
        QVERIFY(!m_view->saveToFile(dir.filePath("no/such/dir/log.txt")).isEmpty());
    }

    void paintsWithoutTouchingEveryLine()
    {
        // A spilled million-line log paints only what is on screen: this must be quick.
        m_model->setMemoryBudget(1 << 20);
        for (int batch = 0; batch < 20; ++batch)
            m_model->appendLines(numbered(batch * 5000, 5000, 7));
        m_view->verticalScrollBar()->setValue(10);
        m_view->setTimestampsVisible(true);
        m_view->setSearchPattern("ERROR", false, true);
        QPixmap pixmap(m_view->size());
        m_view->render(&pixmap);
        QCOMPARE(m_view->firstVisibleLineNumber(), 10);
    }
};

QTEST_MAIN(TestLogView)
#include "tst_logview.moc"
