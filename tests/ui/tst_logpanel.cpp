#include "failurelistmodel.h"
#include "logmodel.h"
#include "logpanel.h"
#include "logview.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

namespace {

QList<LogLine> sample(const QString &name)
{
    QFile file(QStringLiteral(KASSERT_TESTS_DIR "/data/logs/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file.fileName()));
    QString text = QString::fromUtf8(file.readAll());
    if (text.endsWith('\n'))
        text.chop(1);
    QList<LogLine> lines;
    QDateTime t(QDate(2024, 5, 1), QTime(10, 0), QTimeZone::UTC);
    for (const QString &line : text.split('\n')) {
        lines.append({t, line});
        t = t.addMSecs(37);
    }
    return lines;
}

QList<LogLine> filler(int count)
{
    QList<LogLine> lines;
    for (int i = 0; i < count; ++i)
        lines.append({QDateTime(), QStringLiteral("server: GET /healthz 200 %1 ms").arg(i % 17)});
    return lines;
}

} // namespace

class TestLogPanel : public QObject
{
    Q_OBJECT

    std::unique_ptr<LogModel> m_model;
    std::unique_ptr<LogPanel> m_panel;

private slots:
    void init()
    {
        m_model = std::make_unique<LogModel>();
        m_panel = std::make_unique<LogPanel>();
        m_panel->resize(1200, 700);
        m_panel->setModel(m_model.get());
        m_panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    }

    void cleanup()
    {
        m_panel.reset();
        m_model.reset();
    }

    void failureListJumpsAndF8Cycles()
    {
        m_model->appendLines(sample("failing-colour.log"));
        m_model->appendLines(filler(300));
        FailureListModel *failures = m_panel->failureModel();
        QCOMPARE(failures->rowCount(), 2);
        LogView *view = m_panel->logView();
        QVERIFY(view->isFollowing());

        auto *list = m_panel->findChild<QListView *>("failureList");
        QVERIFY(list);
        QTRY_VERIFY(list->visualRect(failures->index(1)).isValid());
        const QRect second = list->visualRect(failures->index(1));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, second.center());
        QCOMPARE(m_panel->currentFailure(), 1);
        const qint64 header = failures->failures().at(1).firstLogLine;
        QVERIFY(view->firstVisibleLineNumber() <= header && header <= view->lastVisibleLineNumber());
        QVERIFY(!view->isFollowing());

        view->setFocus();
        QTest::keyClick(view, Qt::Key_F8); // wraps to the first
        QCOMPARE(m_panel->currentFailure(), 0);
        QVERIFY(view->firstVisibleLineNumber() <= failures->failures().at(0).firstLogLine);
        QTest::keyClick(view, Qt::Key_F8, Qt::ShiftModifier);
        QCOMPARE(m_panel->currentFailure(), 1);
    }

    void newLinesButtonWhilePaused()
    {
        m_model->appendLines(filler(500));
        auto *button = m_panel->findChild<QPushButton *>("newLinesButton");
        QVERIFY(button);
        QVERIFY(!button->isVisible());
        m_panel->logView()->verticalScrollBar()->setValue(10);
        m_model->appendLines(filler(42));
        QVERIFY(button->isVisible());
        QVERIFY(button->text().contains("42"));
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(m_panel->logView()->isFollowing());
        QVERIFY(!button->isVisible());
    }

    void searchFieldUpdatesMatchCount()
    {
        m_model->appendLines(sample("failing-plain.log"));
        auto *field = m_panel->findChild<QLineEdit *>("searchField");
        QVERIFY(field);
        QTest::keyClicks(field, "Received");
        QTRY_COMPARE(m_panel->logView()->matchCount(), 7); // case-insensitive: expect(received) too
        m_panel->findChild<QToolButton *>("matchCase")->click();
        QCOMPARE(m_panel->logView()->matchCount(), 3);
        QTest::keyClick(field, Qt::Key_Return);
        QCOMPARE(m_panel->logView()->currentMatch() >= 0, true);
        QCOMPARE(m_panel->findChild<QLabel *>("matchCount")->text(),
                 QStringLiteral("%1 of 3").arg(m_panel->logView()->currentMatch() + 1));
    }

    void containerChooser()
    {
        QSignalSpy chosen(m_panel.get(), &LogPanel::containerChosen);
        m_panel->setContainers({"specs", "sidecar"}, "sidecar");
        QCOMPARE(m_panel->currentContainer(), QStringLiteral("sidecar"));
        QCOMPARE(chosen.size(), 0);
        auto *combo = m_panel->findChild<QComboBox *>("containerChooser");
        combo->setCurrentIndex(0);
        emit combo->activated(0);
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.last(), QVariantList({"specs", false}));
        m_panel->findChild<QCheckBox *>("previousContainer")->setChecked(true);
        QCOMPARE(chosen.last(), QVariantList({"specs", true}));
    }

    void failuresAndFramesAreAnnouncedForTheSpecViewer()
    {
        QSignalSpy chosen(m_panel.get(), &LogPanel::failureChosen);
        QSignalSpy activated(m_panel.get(), &LogPanel::frameActivated);
        m_model->appendLines(sample("failing-plain.log"));
        m_panel->jumpToFailure(1); // its frame is /app/specs/checkout.spec.js:19:19
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.last(), QVariantList({"/app/specs/checkout.spec.js", 19}));
        QCOMPARE(activated.size(), 0); // choosing is not opening

        // Enter on a failure opens its frame.
        QListView *list = m_panel->findChild<QListView *>("failureList");
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Return);
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.last(), QVariantList({"/app/specs/checkout.spec.js", 19}));

        // A double-click on a stack frame line in the log opens that frame.
        LogView *view = m_panel->logView();
        const JestFailure failure = m_panel->failureModel()->failures().at(1);
        qint64 frameLine = -1;
        for (qint64 line = failure.firstLogLine; line <= failure.lastLogLine && frameLine < 0; ++line) {
            if (m_model->index(int(line - m_model->lineNumber(0))).data().toString().contains("checkout.spec.js:19:19"))
                frameLine = line;
        }
        QVERIFY(frameLine >= 0);
        view->scrollToLineNumber(frameLine);
        const int row = int(frameLine - view->firstVisibleLineNumber());
        const int lineHeight = view->fontMetrics().height(); // LogView's row height
        const QPoint at(40, row * lineHeight + lineHeight / 2);
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
        QTRY_COMPARE(activated.size(), 2);
        QCOMPARE(activated.last().at(0).toString(), "/app/specs/checkout.spec.js");
        QCOMPARE(activated.last().at(1).toInt(), 19);

        // A line without a frame opens nothing.
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, QPoint(40, lineHeight / 2 + (row - 3) * lineHeight));
        QTest::qWait(50);
        QCOMPARE(activated.size(), 2);
    }

    // With KASSERT_SCREENSHOT=<file.png> the panel is shown with a realistic log and
    // grabbed, to look at it (run under Xvfb with the xcb platform for real fonts).
    void screenshot()
    {
        const QString path = qEnvironmentVariable("KASSERT_SCREENSHOT");
        if (path.isEmpty())
            QSKIP("set KASSERT_SCREENSHOT to a .png path to take a screenshot");
        if (qEnvironmentVariableIsSet("KASSERT_SCREENSHOT_DARK")) {
            QPalette dark;
            dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
            dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
            dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
            dark.setColor(QPalette::Text, QColor(0xdc, 0xdc, 0xdc));
            dark.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3a));
            dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
            dark.setColor(QPalette::Highlight, QColor(0x3d, 0x6a, 0xa8));
            QApplication::setPalette(dark);
        }
        m_panel->setContainers({"specs", "proxy"}, "specs");
        m_model->appendLines(filler(20));
        m_model->appendLines(sample("failing-colour.log"));
        m_model->appendLines(sample("iterations-plain.log"));
        m_model->setShownIteration(0);
        m_panel->logView()->setTimestampsVisible(true);
        auto *field = m_panel->findChild<QLineEdit *>("searchField");
        field->setText("Received");
        QTRY_VERIFY(m_panel->logView()->matchCount() > 0);
        m_panel->jumpToFailure(1);
        m_panel->logView()->findNext();
        m_model->appendLines(filler(12));
        QTest::qWait(200);
        QVERIFY(m_panel->grab().save(path));
    }
};

QTEST_MAIN(TestLogPanel)
#include "tst_logpanel.moc"
