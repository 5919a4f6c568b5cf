#include "../suites/testpods.h"
#include "suitefilterproxymodel.h"
#include "suites/suitetracker.h"
#include "suitetreemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;
using TestPods::epoch;
using TestPods::ref;
using TestPods::sample;

class TestSuiteTreeModel : public QObject
{
    Q_OBJECT

    std::unique_ptr<SuiteTracker> m_tracker;
    std::unique_ptr<SuiteTreeModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QDateTime m_now;

private slots:
    void init()
    {
        m_now = epoch;
        m_tracker = std::make_unique<SuiteTracker>();
        m_tracker->setClock([this] { return m_now; });
        m_model = std::make_unique<SuiteTreeModel>(m_tracker.get());
        m_model->setClock([this] { return m_now; });
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
        m_tracker.reset();
    }

    void suitesAndRunsAppearIncrementally()
    {
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        const PodInfo checkout = TestPods::running("shop", "checkout");
        m_tracker->replacePods({checkout, TestPods::running("shop", "payments", "abcd2")});
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(inserted.size(), 2);

        const QModelIndex suite = m_model->indexOfSuite({"shop", "checkout"});
        QVERIFY(suite.isValid());
        QCOMPARE(m_model->rowCount(suite), 1);
        QCOMPARE(suite.data().toString(), "checkout");
        QCOMPARE(suite.data(SuiteTreeModel::StateNameRole).toString(), "Running");
        QCOMPARE(suite.data(SuiteTreeModel::PodNameRole).toString(), checkout.name);
        QCOMPARE(suite.data(SuiteTreeModel::RunIdRole).toString(), "run-x2k9p");
        QCOMPARE(m_model->index(0, SuiteTreeModel::AgeColumn, {}).data().toString(), "10 min");

        // A new run of the same suite is a child row insert, nothing else moves.
        inserted.clear();
        const PodInfo newer = TestPods::running("shop", "checkout", "n3w4p", "7d9f8b6c5d", 30);
        m_tracker->upsertPod(newer);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted.at(0).at(0).value<QModelIndex>(), suite);
        QCOMPARE(m_model->rowCount(suite), 2);
        QCOMPARE(m_model->index(0, 0, suite).data(SuiteTreeModel::PodNameRole).toString(), newer.name);
        QCOMPARE(suite.data(SuiteTreeModel::PodNameRole).toString(), newer.name);

        // The old pod goes: its run stays as ended history.
        m_tracker->removePod("shop", checkout.name);
        QCOMPARE(m_model->rowCount(suite), 2);
        QVERIFY(m_model->index(1, 0, suite).data(SuiteTreeModel::IsEndedRole).toBool());
        QCOMPARE(reset.size(), 0);
    }

    void pollsChangeDataNotStructure()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        m_tracker->replacePods({pod});
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        for (int i = 1; i <= 5; ++i) {
            m_now = m_now.addSecs(5);
            m_tracker->applyPrometheusSnapshot({{ref(pod), sample(i % 2, 8, 2 * i, m_now)}});
        }
        QVERIFY(changed.size() >= 5);
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(removed.size(), 0);
        const QModelIndex suite = m_model->indexOfSuite({"shop", "checkout"});
        QCOMPARE(suite.data(SuiteTreeModel::StateNameRole).toString(), "Failed");
        QCOMPARE(suite.data(SuiteTreeModel::FailingRole).toInt(), 1);
        QCOMPARE(suite.data(SuiteTreeModel::TestsRole).toInt(), 8);
        QCOMPARE(m_model->index(0, SuiteTreeModel::TestsColumn).data().toString(), "1 / 8");
        QCOMPARE(suite.data(SuiteTreeModel::IterationCountRole).toInt(), 5);
        QCOMPARE(suite.data(SuiteTreeModel::FlakinessRole).toInt(), 4);
        QCOMPARE(suite.data(SuiteTreeModel::ReasonRole).toString(), "1 failing of 8");
    }

    void removedSuiteRowGoes()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        m_tracker->replacePods({pod, TestPods::running("shop", "payments", "abcd2")});
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        m_tracker->removePod("shop", pod.name);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(m_model->rowCount(), 1);
        QVERIFY(!m_model->indexOfSuite({"shop", "checkout"}).isValid());
    }

    void alertState()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        m_tracker->replacePods({pod});
        const QModelIndex suite = m_model->indexOfSuite({"shop", "checkout"});
        QCOMPARE(suite.data(SuiteTreeModel::AlertStateRole).toString(), "");
        m_tracker->applyAlerts({{"AssertionsFailed", "active", {{"namespace", "shop"}, {"pod", pod.name}}, m_now, {}, {}}});
        QCOMPARE(suite.data(SuiteTreeModel::AlertStateRole).toString(), "firing");
        m_tracker->applyAlerts({{"AssertionsFailed", "suppressed", {{"namespace", "shop"}, {"pod", pod.name}}, m_now, {}, {}}});
        QCOMPARE(suite.data(SuiteTreeModel::AlertStateRole).toString(), "silenced");
    }

    void proxySortsFailingFirstAndFilters()
    {
        SuiteFilterProxyModel proxy;
        proxy.setSourceModel(m_model.get());
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const PodInfo a = TestPods::running("shop", "alpha", "aaaa2");
        const PodInfo b = TestPods::running("shop", "beta", "bbbb2");
        const PodInfo c = TestPods::running("shop", "gamma", "cccc2");
        m_tracker->replacePods({a, b, c});
        m_tracker->applyPrometheusSnapshot({{ref(a), sample(0, 3, 2, m_now)},
                                            {ref(b), sample(0, 3, 2, m_now)},
                                            {ref(c), sample(0, 3, 2, m_now)}});
        QCOMPARE(proxy.index(0, 0).data().toString(), "alpha");

        m_now = m_now.addSecs(5);
        m_tracker->applyPrometheusSnapshot({{ref(a), sample(0, 3, 4, m_now)},
                                            {ref(b), sample(0, 3, 4, m_now)},
                                            {ref(c), sample(2, 3, 4, m_now)}});
        QCOMPARE(proxy.index(0, 0).data().toString(), "gamma");
        QCOMPARE(proxy.index(1, 0).data().toString(), "alpha");

        proxy.setFilterText("BET");
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data().toString(), "beta");
        QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 1);
        proxy.setFilterText("failed");
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data().toString(), "gamma");
        proxy.setFilterText({});
        QCOMPARE(proxy.rowCount(), 3);
    }

    void neverGreenIconUnlessPassed()
    {
        const PodInfo pod = TestPods::running("shop", "checkout");
        m_tracker->replacePods({pod});
        m_tracker->applyPrometheusSnapshot({{ref(pod), sample(0, 3, 2, m_now)}});
        const QModelIndex suite = m_model->indexOfSuite({"shop", "checkout"});
        QCOMPARE(suite.data(SuiteTreeModel::StateNameRole).toString(), "Passed");
        m_tracker->applyPrometheusError("HTTP 503");
        QCOMPARE(suite.data(SuiteTreeModel::StateNameRole).toString(), "Unknown");
        QCOMPARE(m_model->index(0, SuiteTreeModel::StateColumn).data().toString(), "Unknown");
        QVERIFY(m_model->index(0, SuiteTreeModel::StateColumn).data(Qt::ToolTipRole).toString().contains("HTTP 503"));
    }
};

QTEST_MAIN(TestSuiteTreeModel)
#include "tst_suitetreemodel.moc"
