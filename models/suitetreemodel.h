#pragma once

#include "suites/suiteidentity.h"

#include <QAbstractItemModel>
#include <QDateTime>

#include <functional>
#include <memory>
#include <vector>

class SuiteTracker;
struct Suite;
struct Run;

// Suites and their runs as a tree for the suite view: one top-level row per suite, one
// child row per run (newest first). Follows the SuiteTracker's signals and changes
// exactly the rows they name; it never resets while the tracker lives.
// Sorting (failing first) and filtering are SuiteFilterProxyModel's job.
class SuiteTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, StateColumn, TestsColumn, RunColumn, AgeColumn, ColumnCount };

    enum Role {
        StateRole = Qt::UserRole + 1, // RunState as int
        StateNameRole,                // "Failed", "Passed", ... (QString)
        ReasonRole,                   // the human reason of the state (QString)
        FailingRole,                  // failing tests of the last result (int, -1 unknown)
        TestsRole,                    // tests of the last result (int, -1 unknown)
        RunIdRole,                    // skaffold.dev/run-id of the (current) run
        PodNameRole,                  // the (current) run's pod
        NamespaceRole,
        SuiteNameRole,
        StartedAtRole,                // QDateTime the (current) run started
        AlertStateRole,               // "firing", "silenced" or "" for none
        FlakinessRole,                // pass<->fail switches over the last 20 iterations
        IterationCountRole,
        IsRunRole,                    // true on run rows
        IsEndedRole,                  // a run whose pod is gone
        SeverityRole,                 // how urgently it wants attention (int, higher first)
    };
    Q_ENUM(Role)

    explicit SuiteTreeModel(SuiteTracker *tracker, QObject *parent = nullptr);
    ~SuiteTreeModel() override;

    // For relative ages; tests pin it.
    void setClock(std::function<QDateTime()> clock);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QModelIndex indexOfSuite(const SuiteKey &key) const;
    SuiteKey suiteKeyAt(const QModelIndex &index) const;
    // The pod of a run row, or of the suite's current run on a suite row.
    QString podNameAt(const QModelIndex &index) const;

private:
    struct SuiteNode;

    void addSuite(const SuiteKey &key);
    void changeSuite(const SuiteKey &key);
    void removeSuite(const SuiteKey &key);
    int rowOf(const SuiteKey &key) const;
    const Suite *suiteOf(const SuiteNode *node) const;
    QVariant suiteData(const Suite &suite, int column, int role) const;
    QVariant runData(const Suite &suite, const Run &run, int column, int role) const;

    SuiteTracker *m_tracker;
    std::vector<std::unique_ptr<SuiteNode>> m_nodes;
    std::function<QDateTime()> m_clock;
};
