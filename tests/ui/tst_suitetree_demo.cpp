// The suite tree behind its sort proxy, fed by the real demo cluster (test API server with
// the demo's suites in two namespaces, crash-looping and pending pods, Prometheus and
// Alertmanager when installed) through a ClusterSession, as `kassert --demo` starts.
// After every tracker signal each proxy row must show its source row's data, no suite
// may appear twice, and both models must pass QAbstractItemModelTester.
#include "../models/suitetreecheck.h"
#include "demostart.h"
#include "session/clustersession.h"
#include "session/democluster.h"
#include "suites/suitetracker.h"
#include "mainwindow.h"
#include "suitepanel.h"

#include <QStandardPaths>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include <functional>

using namespace std::chrono_literals;

namespace {

// A session on the demo as `kassert --demo` opens it, polling fast so the start-up's
// changes come quickly.
ClusterSession::Options demoOptions(const DemoCluster &demo)
{
    ClusterSession::Options options;
    options.kubeconfig = demo.kubeconfigPath();
    options.allNamespaces = true;
    options.prometheusInterval = 500ms;
    options.alertmanagerInterval = 500ms;
    options.scrapeInterval = 300ms;
    return options;
}

// Suites the (proxy) model lists on more than one top-level row.
QStringList suitesListedTwice(const QAbstractItemModel &model)
{
    QStringList found;
    QSet<QString> seen;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex suite = model.index(row, 0);
        const QString name = suite.data(SuiteTreeModel::NamespaceRole).toString() + '/'
            + suite.data(SuiteTreeModel::SuiteNameRole).toString();
        if (seen.contains(name))
            found << QString("%1 shown twice (row %2)").arg(name).arg(row);
        seen.insert(name);
    }
    return found;
}

// Calls check(signal, key) after each of the tracker's suite signals; connected after
// the models, so it runs once they have taken the change.
void checkAfterEverySignal(SuiteTracker *tracker, QObject *context,
                           const std::function<void(const char *, const SuiteKey &)> &check)
{
    QObject::connect(tracker, &SuiteTracker::suiteAdded, context, [check](const SuiteKey &key) { check("suiteAdded", key); });
    QObject::connect(tracker, &SuiteTracker::suiteChanged, context,
                     [check](const SuiteKey &key) { check("suiteChanged", key); });
    QObject::connect(tracker, &SuiteTracker::suiteRemoved, context,
                     [check](const SuiteKey &key) { check("suiteRemoved", key); });
}

// The age column reads the model's clock on every data() call, so a second boundary
// between a proxy row's read and its source row's would look like a difference. Each
// check holds the clock still while it compares.
class StillClockDuringChecks
{
public:
    explicit StillClockDuringChecks(SuiteTreeModel &model)
        : m_model(model)
    {
        m_model.setClock([this] { return m_heldAt.isValid() ? m_heldAt : QDateTime::currentDateTimeUtc(); });
    }
    // The model may outlive this (the window's does): it gets the real clock back.
    ~StillClockDuringChecks() { m_model.setClock([] { return QDateTime::currentDateTimeUtc(); }); }
    Q_DISABLE_COPY_MOVE(StillClockDuringChecks)

    template<typename Check> auto held(Check &&check)
    {
        m_heldAt = QDateTime::currentDateTimeUtc();
        auto result = check();
        m_heldAt = QDateTime();
        return result;
    }

private:
    SuiteTreeModel &m_model;
    QDateTime m_heldAt;
};

} // namespace

class TestSuiteTreeDemo : public QObject
{
    Q_OBJECT

    std::unique_ptr<DemoCluster> m_demo;

private slots:
    void initTestCase()
    {
        m_demo = std::make_unique<DemoCluster>();
        const QString error = startDemoAndWait(*m_demo);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void cleanupTestCase() { m_demo.reset(); }

    void treeStaysTrueThroughTheDemoStartUp()
    {
        ClusterSession session(demoOptions(*m_demo));
        SuiteTreeModel model(session.tracker());
        SuiteFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        using Mode = QAbstractItemModelTester::FailureReportingMode;
        QAbstractItemModelTester sourceTester(&model, Mode::Warning);
        QAbstractItemModelTester proxyTester(&proxy, Mode::Warning);
        QTreeView view;
        view.setModel(&proxy);
        view.setUniformRowHeights(true);
        view.resize(500, 700);
        view.show();

        StillClockDuringChecks clock(model);
        QStringList problems;
        int checks = 0;
        const auto check = [&](const char *signal, const SuiteKey &key) {
            ++checks;
            if (!problems.isEmpty())
                return;
            const QStringList found = clock.held([&] { return differences(proxy, model) + suitesListedTwice(proxy); });
            if (!found.isEmpty())
                problems << QString("after %1(%2), check %3:").arg(signal, key.toString()).arg(checks) << found;
        };
        checkAfterEverySignal(session.tracker(), this, check);

        QSignalSpy settled(&session, &ClusterSession::settled);
        session.start();
        QVERIFY(settled.wait(30000));
        // The demo's first seconds: polls, scrapes, alerts, crash loops.
        QTest::qWait(3000);
        view.expandAll();
        QTest::qWait(1500);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join("\n  ")));
        // What the view shows, row by row, once the event loop has had its turn.
        QStringList shown;
        for (QModelIndex index = view.indexAt(QPoint(5, 5)); index.isValid(); index = view.indexBelow(index))
            shown << index.data(SuiteTreeModel::IsRunRole).toString() + ' ' + index.data(SuiteTreeModel::NamespaceRole).toString()
                    + '/' + index.data(SuiteTreeModel::SuiteNameRole).toString() + ' '
                    + index.data(SuiteTreeModel::PodNameRole).toString();
        QCOMPARE(QSet<QString>(shown.begin(), shown.end()).size(), shown.size());
        // The tracker signals one suite at a time after a batch; at rest they agree.
        QCOMPARE(model.rowCount(), session.tracker()->keys().size());
        QVERIFY(checks > 20);
        QVERIFY(model.rowCount() >= 10);
        qInfo() << checks << "checks," << model.rowCount() << "suites";
    }

    // The same through the real window, as `kassert --demo` shows it.
    void windowTreeStaysTrueThroughTheDemoStartUp()
    {
        QStandardPaths::setTestModeEnabled(true);
        ClusterSession session(demoOptions(*m_demo));
        MainWindow window(&session);
        window.show();
        QTreeView *view = window.suitePanel()->view();
        auto *proxy = qobject_cast<SuiteFilterProxyModel *>(view->model());
        QVERIFY(proxy);
        auto *model = qobject_cast<SuiteTreeModel *>(proxy->sourceModel());
        QVERIFY(model);
        StillClockDuringChecks clock(*model);
        QStringList problems;
        int checks = 0;
        const auto check = [&](const char *signal, const SuiteKey &key) {
            ++checks;
            if (!problems.isEmpty())
                return;
            QStringList found = clock.held([&] { return differences(*proxy, *model) + suitesListedTwice(*proxy); });
            QSet<SuiteKey> keys;
            for (int row = 0; row < model->rowCount(); ++row) {
                const SuiteKey k = model->suiteKeyAt(model->index(row, 0));
                if (keys.contains(k))
                    found << QString("source model holds %1 twice").arg(k.toString());
                keys.insert(k);
            }
            if (!found.isEmpty())
                problems << QString("after %1(%2), check %3:").arg(signal, key.toString()).arg(checks) << found;
        };
        SuiteTracker *tracker = session.tracker();
        checkAfterEverySignal(tracker, this, check);
        QSignalSpy settled(&session, &ClusterSession::settled);
        session.start();
        QVERIFY(settled.wait(30000));
        QTest::qWait(2500);
        window.suitePanel()->selectSuite({"demo", "payments"});
        QTest::qWait(2000);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join("\n  ")));
        QStringList shown;
        for (QModelIndex index = view->indexAt(QPoint(5, 5)); index.isValid(); index = view->indexBelow(index))
            shown << index.data(SuiteTreeModel::NamespaceRole).toString() + '/'
                    + index.data(SuiteTreeModel::SuiteNameRole).toString() + ' '
                    + index.data(SuiteTreeModel::PodNameRole).toString();
        QVERIFY2(QSet<QString>(shown.begin(), shown.end()).size() == shown.size(), qPrintable(shown.join("\n")));
        QCOMPARE(model->rowCount(), tracker->keys().size());
    }
};

QTEST_MAIN(TestSuiteTreeDemo)
#include "tst_suitetree_demo.moc"
