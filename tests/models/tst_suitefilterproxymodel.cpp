// The suite tree as the view sees it: SuiteTreeModel behind SuiteFilterProxyModel, fed a
// demo-like sequence of tracker updates (pod lists, Prometheus polls, reruns, restarts,
// orphan series, alerts, errors, removals). After every update each proxy row must show
// the data of the source row it maps to, failing suites must come first, and both models
// must pass QAbstractItemModelTester. A row painting another row's data shows up here as
// a proxy row whose data differs from its source row's.
#include "../suites/testpods.h"
#include "suitefilterproxymodel.h"
#include "suitepanel.h"
#include "suites/runstate.h"
#include "suites/suitetracker.h"
#include "suitetreemodel.h"
#include "suitetreecheck.h"

#include <QAbstractItemModelTester>
#include <QPainter>
#include <QPixmap>
#include <QStyledItemDelegate>
#include <QRandomGenerator>
#include <QTest>
#include <QTreeView>

using TestPods::epoch;
using TestPods::ref;
using TestPods::sample;

namespace {

// What is on screen: each paint of a row replaces what that row showed before; rows the
// view does not repaint keep their old pixels, as on a real screen.
class ScreenDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    mutable QMap<int, QString> screen; // row top -> suite name last painted there

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        if (index.column() == SuiteTreeModel::NameColumn)
            screen.insert(option.rect.top(), index.data(SuiteTreeModel::SuiteNameRole).toString());
        QStyledItemDelegate::paint(painter, option, index);
    }
};

// Remembers what each painted row showed, to compare with what the models say is there.
class RecordingDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    mutable QMap<int, QString> painted; // row top -> "suite" or "  pod"

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        if (index.column() == SuiteTreeModel::NameColumn) {
            const bool isRun = index.data(SuiteTreeModel::IsRunRole).toBool();
            painted.insert(option.rect.top(), isRun ? "  " + index.data(SuiteTreeModel::PodNameRole).toString()
                                                    : index.data(SuiteTreeModel::SuiteNameRole).toString());
        }
        QStyledItemDelegate::paint(painter, option, index);
    }
};

// The rows a tree view should show, top to bottom: suites in proxy order, runs under
// the expanded ones.
QStringList expectedRows(const QTreeView &view, const QAbstractItemModel &proxy)
{
    QStringList rows;
    for (int row = 0; row < proxy.rowCount(); ++row) {
        const QModelIndex suite = proxy.index(row, 0);
        rows << suite.data(SuiteTreeModel::SuiteNameRole).toString();
        if (!view.isExpanded(suite))
            continue;
        for (int child = 0; child < proxy.rowCount(suite); ++child)
            rows << "  " + proxy.index(child, 0, suite).data(SuiteTreeModel::PodNameRole).toString();
    }
    return rows;
}

} // namespace

class TestSuiteFilterProxyModel : public QObject
{
    Q_OBJECT

    QDateTime m_now;
    std::unique_ptr<SuiteTracker> m_tracker;
    std::unique_ptr<SuiteTreeModel> m_model;
    std::unique_ptr<SuiteFilterProxyModel> m_proxy;
    std::unique_ptr<QAbstractItemModelTester> m_sourceTester;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;
    std::unique_ptr<QTreeView> m_view;
    RecordingDelegate *m_delegate = nullptr;

    // The demo's suites: live pods by suite name.
    QHash<QString, PodInfo> m_pods;
    int m_podSerial = 0;

    PodInfo newPod(const QString &suite)
    {
        const QString suffix = QString("p%1x").arg(++m_podSerial, 3, 10, QChar('0'));
        PodInfo pod = TestPods::running("demo", suite, suffix, "5c6d7e8f9a", 0);
        pod.creationTimestamp = m_now;
        pod.startTime = m_now;
        pod.uid = "uid-" + pod.name;
        return pod;
    }

    void verify(const QString &step)
    {
        const QStringList diff = differences(*m_proxy, *m_model);
        QVERIFY2(diff.isEmpty(), qPrintable(step + ":\n  " + diff.join("\n  ")));
        // Paint now, before the event loop runs: what a repaint right after this update
        // would show, row by row.
        m_delegate->painted.clear();
        QPixmap canvas(m_view->viewport()->size());
        m_view->viewport()->render(&canvas);
        const QStringList painted = m_delegate->painted.values();
        const QStringList expected = expectedRows(*m_view, *m_proxy).mid(0, painted.size());
        QVERIFY2(painted == expected, qPrintable(step + ": painted\n  " + painted.join("\n  ") + "\nexpected\n  "
                                                 + expected.join("\n  ")));
    }

private slots:
    void init()
    {
        m_now = epoch;
        m_podSerial = 0;
        m_pods.clear();
        m_tracker = std::make_unique<SuiteTracker>();
        m_tracker->setClock([this] { return m_now; });
        m_model = std::make_unique<SuiteTreeModel>(m_tracker.get());
        m_model->setClock([this] { return m_now; });
        m_proxy = std::make_unique<SuiteFilterProxyModel>();
        m_proxy->setSourceModel(m_model.get());
        using Mode = QAbstractItemModelTester::FailureReportingMode;
        m_sourceTester = std::make_unique<QAbstractItemModelTester>(m_model.get(), Mode::QtTest);
        m_proxyTester = std::make_unique<QAbstractItemModelTester>(m_proxy.get(), Mode::QtTest);
        // A view on the proxy, expanded, as in the window: it keeps persistent indexes and
        // asks for data while the models change.
        m_view = std::make_unique<QTreeView>();
        m_view->setModel(m_proxy.get());
        m_delegate = new RecordingDelegate(m_view.get());
        m_view->setItemDelegate(m_delegate);
        m_view->setUniformRowHeights(true); // as SuitePanel has it
        m_view->resize(600, 800);
        m_view->show();
    }

    void cleanup()
    {
        m_view.reset();
        m_proxyTester.reset();
        m_sourceTester.reset();
        m_proxy.reset();
        m_model.reset();
        m_tracker.reset();
    }

    // The demo's start-up, scripted: first list, first polls (states arrive one poll at a
    // time, so several suites change their place at once), an orphan series, alerts.
    void demoStartUp()
    {
        const QStringList names = {"checkout", "payments", "search", "inventory", "login", "cart", "flaky"};
        QList<PodInfo> pods;
        for (const QString &name : names) {
            m_pods.insert(name, newPod(name));
            pods << m_pods.value(name);
        }
        m_tracker->replacePods(pods);
        m_view->expandAll();
        verify("first list");

        QHash<QString, AssertMetrics> snapshot;
        for (int poll = 1; poll <= 6; ++poll) {
            m_now = m_now.addSecs(5);
            snapshot.clear();
            for (int i = 0; i < names.size(); ++i) {
                const QString &name = names.at(i);
                const bool failing = name == "payments" || name == "login" || (name == "flaky" && poll % 2);
                // Suites report their first result on different polls, as in the demo.
                if (poll >= 1 + i % 3)
                    snapshot.insert(ref(m_pods.value(name)), sample(failing ? 2 : 0, 5, 2 * poll, m_now));
            }
            if (poll >= 3)
                snapshot.insert("demo/ghost-7d9f8b6c5d-zz9zz", sample(1, 4, poll, m_now));
            m_tracker->applyPrometheusSnapshot(snapshot);
            m_view->expandAll();
            verify(QString("poll %1").arg(poll));
        }

        m_tracker->applyAlerts({{"KubernetesAssertFailed", "active", {{"namespace", "demo"}, {"pod", m_pods.value("payments").name}}, m_now, {}, {}}});
        verify("alerts");
        m_tracker->applyPrometheusError("connection refused");
        verify("Prometheus down");
        m_tracker->applyPrometheusSnapshot(snapshot);
        verify("Prometheus back");
    }

    // Many random updates from a fixed seed: reruns, restarts (new pod, old pod ending),
    // polls, direct scrapes, pods going, the ghost series coming and going, filters.
    void randomisedUpdates()
    {
        const QStringList names = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
        QList<PodInfo> pods;
        for (const QString &name : names.mid(0, 5)) {
            m_pods.insert(name, newPod(name));
            pods << m_pods.value(name);
        }
        m_tracker->replacePods(pods);
        QRandomGenerator random(20261126);
        QHash<QString, double> failing;
        int total = 0;
        for (int step = 0; step < 150; ++step) {
            m_now = m_now.addSecs(3);
            const QString name = names.at(random.bounded(int(names.size())));
            QString what;
            switch (random.bounded(9)) {
            case 0: // restart: a new pod, the old one goes
                what = "restart " + name;
                if (m_pods.contains(name))
                    m_tracker->removePod("demo", m_pods.value(name).name);
                m_pods.insert(name, newPod(name));
                m_tracker->upsertPod(m_pods.value(name));
                break;
            case 1: // the suite goes away
                what = "remove " + name;
                if (m_pods.contains(name))
                    m_tracker->removePod("demo", m_pods.take(name).name);
                break;
            case 2: { // a relist
                what = "relist";
                m_tracker->replacePods(m_pods.values());
                break;
            }
            case 3: // direct scrape
                what = "direct " + name;
                if (m_pods.contains(name))
                    m_tracker->applyDirectMetrics("demo", m_pods.value(name).name,
                                                  sample(random.bounded(2) * 3, 6, ++total, m_now));
                break;
            case 4:
                what = "Prometheus error";
                m_tracker->applyPrometheusError("HTTP 503");
                break;
            case 5:
                what = "filter";
                m_proxy->setFilterText(random.bounded(3) == 0 ? QString(name.left(2)) : QString());
                break;
            case 6:
                what = "waiting " + name;
                if (m_pods.contains(name)) {
                    PodInfo pod = m_pods.value(name);
                    m_tracker->upsertPod(TestPods::waiting(pod, "CrashLoopBackOff"));
                }
                break;
            default: { // a Prometheus poll of every live pod (and sometimes a ghost)
                what = "poll";
                QHash<QString, AssertMetrics> snapshot;
                ++total;
                for (auto it = m_pods.cbegin(); it != m_pods.cend(); ++it) {
                    if (random.bounded(4) == 0)
                        failing[it.key()] = random.bounded(3);
                    snapshot.insert(ref(it.value()), sample(failing.value(it.key()), 6, total, m_now));
                }
                if (random.bounded(2))
                    snapshot.insert("demo/ghost-7d9f8b6c5d-zz9zz", sample(1, 4, total, m_now));
                m_tracker->applyPrometheusSnapshot(snapshot);
                break;
            }
            }
            if (step % 5 == 0)
                m_view->expandAll();
            if (!m_proxy->filterText().isEmpty()) {
                // The order check needs every row; the filter itself is checked below.
                const QString text = m_proxy->filterText();
                for (int row = 0; row < m_proxy->rowCount(); ++row) {
                    const QModelIndex suite = m_proxy->index(row, 0);
                    bool matches = false;
                    for (const int role : {int(SuiteTreeModel::SuiteNameRole), int(SuiteTreeModel::NamespaceRole),
                                           int(SuiteTreeModel::PodNameRole), int(SuiteTreeModel::RunIdRole),
                                           int(SuiteTreeModel::StateNameRole)})
                        matches = matches || suite.data(role).toString().contains(text, Qt::CaseInsensitive);
                    QVERIFY2(matches, qPrintable(QString("step %1 (%2): %3 does not match %4")
                                                     .arg(step)
                                                     .arg(what, suite.data().toString(), text)));
                }
                m_proxy->setFilterText({});
            }
            verify(QString("step %1 (%2)").arg(step).arg(what));
            if (QTest::currentTestFailed())
                return;
        }
    }

    // Suites that change their place (a poll turns some failing) must be repainted at their
    // new rows, also the ones whose own data did not change: no row may keep showing the
    // suite that was there before.
    void panelRepaintsRowsThatMoved()
    {
        SuitePanel panel(m_model.get());
        auto *screen = new ScreenDelegate(panel.view());
        panel.view()->setItemDelegate(screen);
        panel.resize(500, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const QStringList names = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"};
        QList<PodInfo> pods;
        for (const QString &name : names) {
            m_pods.insert(name, newPod(name));
            pods << m_pods.value(name);
        }
        m_tracker->replacePods(pods);
        QHash<QString, AssertMetrics> snapshot;
        const auto poll = [&](const QStringList &failing) {
            m_now = m_now.addSecs(5);
            for (const QString &name : names)
                snapshot.insert(ref(m_pods.value(name)), sample(failing.contains(name) ? 1 : 0, 5, m_now.toSecsSinceEpoch(), m_now));
            m_tracker->applyPrometheusSnapshot(snapshot);
        };
        const auto shown = [&] {
            QStringList rows;
            const QAbstractItemModel *proxy = panel.view()->model();
            for (int row = 0; row < proxy->rowCount(); ++row)
                rows << screen->screen.value(panel.view()->visualRect(proxy->index(row, 0)).top());
            return rows;
        };
        const auto expected = [&] {
            QStringList rows;
            const QAbstractItemModel *proxy = panel.view()->model();
            for (int row = 0; row < proxy->rowCount(); ++row)
                rows << proxy->index(row, 0).data(SuiteTreeModel::SuiteNameRole).toString();
            return rows;
        };
        poll({});
        QTRY_COMPARE(shown(), expected());
        for (const QStringList &failing : {QStringList{"echo"}, QStringList{"echo", "bravo"}, QStringList{"foxtrot"},
                                           QStringList{}, QStringList{"charlie", "alpha", "delta"}}) {
            poll(failing);
            QTest::qWait(100);
            QTRY_COMPARE(shown(), expected());
        }
    }

    // Several suites change state in one poll: each one's row must land at its place,
    // not only the first one's.
    void onePollMovesSeveralSuites()
    {
        const QStringList names = {"a1", "b2", "c3", "d4", "e5"};
        QList<PodInfo> pods;
        for (const QString &name : names) {
            m_pods.insert(name, newPod(name));
            pods << m_pods.value(name);
        }
        m_tracker->replacePods(pods);
        QHash<QString, AssertMetrics> snapshot;
        for (const QString &name : names)
            snapshot.insert(ref(m_pods.value(name)), sample(0, 5, 2, m_now));
        m_tracker->applyPrometheusSnapshot(snapshot);
        verify("all passing");
        m_now = m_now.addSecs(5);
        for (const char *name : {"b2", "d4", "e5"})
            snapshot.insert(ref(m_pods.value(name)), sample(1, 5, 4, m_now));
        for (const char *name : {"a1", "c3"})
            snapshot.insert(ref(m_pods.value(name)), sample(0, 5, 4, m_now));
        m_tracker->applyPrometheusSnapshot(snapshot);
        verify("three failing");
        QCOMPARE(m_proxy->index(0, 0).data(SuiteTreeModel::SuiteNameRole).toString(), QString("b2"));
        QCOMPARE(m_proxy->index(1, 0).data(SuiteTreeModel::SuiteNameRole).toString(), QString("d4"));
        QCOMPARE(m_proxy->index(2, 0).data(SuiteTreeModel::SuiteNameRole).toString(), QString("e5"));
        QCOMPARE(m_proxy->index(3, 0).data(SuiteTreeModel::SuiteNameRole).toString(), QString("a1"));
    }
};

QTEST_MAIN(TestSuiteFilterProxyModel)
#include "tst_suitefilterproxymodel.moc"
