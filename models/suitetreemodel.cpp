#include "suitetreemodel.h"

#include "statestyle.h"
#include "suites/suitetracker.h"

#include <QGuiApplication>

#include <cmath>

using namespace Qt::StringLiterals;

struct SuiteTreeModel::SuiteNode
{
    SuiteKey key;
    QStringList runIds; // one per child row, in the suite's run order
};

namespace {

QString runIdentity(const Run &run)
{
    return run.pod.uid.isEmpty() ? u"series:"_s + run.pod.name : run.pod.uid;
}

QStringList runIdentities(const Suite &suite)
{
    QStringList ids;
    ids.reserve(suite.runs.size());
    for (const Run &run : suite.runs)
        ids << runIdentity(run);
    return ids;
}

std::pair<int, int> failingAndTests(const Run &run)
{
    const MetricsReading reading = run.effectiveMetrics();
    if (!reading.last)
        return {-1, -1};
    const auto asCount = [](const std::optional<double> &v) {
        return v && std::isfinite(*v) && *v >= 0 ? int(*v) : -1;
    };
    return {asCount(reading.last->assertionsFailed), asCount(reading.last->testsRun)};
}

QString testsText(int failing, int tests)
{
    if (failing < 0 && tests < 0)
        return u"–"_s;
    if (tests < 0)
        return QCoreApplication::translate("SuiteTreeModel", "%1 failing").arg(failing);
    return QCoreApplication::translate("SuiteTreeModel", "%1 / %2").arg(qMax(failing, 0)).arg(tests);
}

QDateTime startedAt(const Run &run)
{
    return run.pod.startTime.isValid() ? run.pod.startTime : run.pod.creationTimestamp;
}

} // namespace

SuiteTreeModel::SuiteTreeModel(SuiteTracker *tracker, QObject *parent)
    : QAbstractItemModel(parent)
    , m_tracker(tracker)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    for (const SuiteKey &key : tracker->keys()) {
        auto node = std::make_unique<SuiteNode>();
        node->key = key;
        node->runIds = runIdentities(*tracker->suite(key));
        m_nodes.push_back(std::move(node));
    }
    connect(tracker, &SuiteTracker::suiteAdded, this, &SuiteTreeModel::addSuite);
    connect(tracker, &SuiteTracker::suiteChanged, this, &SuiteTreeModel::changeSuite);
    connect(tracker, &SuiteTracker::suiteRemoved, this, &SuiteTreeModel::removeSuite);
}

SuiteTreeModel::~SuiteTreeModel() = default;

void SuiteTreeModel::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
}

int SuiteTreeModel::rowOf(const SuiteKey &key) const
{
    for (size_t row = 0; row < m_nodes.size(); ++row) {
        if (m_nodes[row]->key == key)
            return int(row);
    }
    return -1;
}

const Suite *SuiteTreeModel::suiteOf(const SuiteNode *node) const
{
    return node ? m_tracker->suite(node->key) : nullptr;
}

void SuiteTreeModel::addSuite(const SuiteKey &key)
{
    if (rowOf(key) >= 0) {
        changeSuite(key);
        return;
    }
    const Suite *suite = m_tracker->suite(key);
    if (!suite)
        return;
    const int row = int(m_nodes.size());
    beginInsertRows({}, row, row);
    auto node = std::make_unique<SuiteNode>();
    node->key = key;
    node->runIds = runIdentities(*suite);
    m_nodes.push_back(std::move(node));
    endInsertRows();
}

void SuiteTreeModel::changeSuite(const SuiteKey &key)
{
    const int row = rowOf(key);
    const Suite *suite = m_tracker->suite(key);
    if (row < 0 || !suite) {
        addSuite(key);
        return;
    }
    SuiteNode *node = m_nodes[size_t(row)].get();
    const QModelIndex parentIndex = index(row, 0);
    const QStringList wanted = runIdentities(*suite);

    // Runs that are gone, bottom-up so rows stay valid.
    for (int child = int(node->runIds.size()) - 1; child >= 0; --child) {
        if (!wanted.contains(node->runIds.at(child))) {
            beginRemoveRows(parentIndex, child, child);
            node->runIds.removeAt(child);
            endRemoveRows();
        }
    }
    // New runs at their place; the survivors keep their relative order.
    for (int position = 0; position < int(wanted.size()); ++position) {
        if (position < node->runIds.size() && node->runIds.at(position) == wanted.at(position))
            continue;
        if (!node->runIds.contains(wanted.at(position))) {
            beginInsertRows(parentIndex, position, position);
            node->runIds.insert(position, wanted.at(position));
            endInsertRows();
            continue;
        }
        // The order of existing runs changed (rare): move the row.
        const int from = int(node->runIds.indexOf(wanted.at(position)));
        beginMoveRows(parentIndex, from, from, parentIndex, position);
        node->runIds.move(from, position);
        endMoveRows();
    }

    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    if (!node->runIds.isEmpty())
        emit dataChanged(index(0, 0, parentIndex), index(int(node->runIds.size()) - 1, ColumnCount - 1, parentIndex));
}

void SuiteTreeModel::removeSuite(const SuiteKey &key)
{
    const int row = rowOf(key);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_nodes.erase(m_nodes.begin() + row);
    endRemoveRows();
}

QModelIndex SuiteTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (size_t(row) >= m_nodes.size())
            return {};
        return createIndex(row, column, nullptr);
    }
    if (parent.internalPointer() || size_t(parent.row()) >= m_nodes.size())
        return {};
    SuiteNode *node = m_nodes[size_t(parent.row())].get();
    if (row >= node->runIds.size())
        return {};
    return createIndex(row, column, node);
}

QModelIndex SuiteTreeModel::parent(const QModelIndex &child) const
{
    const auto *node = static_cast<const SuiteNode *>(child.internalPointer());
    if (!child.isValid() || !node)
        return {};
    const int row = rowOf(node->key);
    return row < 0 ? QModelIndex() : createIndex(row, 0, nullptr);
}

int SuiteTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_nodes.size());
    if (parent.internalPointer() || parent.column() != 0 || size_t(parent.row()) >= m_nodes.size())
        return 0;
    return int(m_nodes[size_t(parent.row())]->runIds.size());
}

int SuiteTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant SuiteTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto *childOf = static_cast<const SuiteNode *>(index.internalPointer());
    if (!childOf) {
        const Suite *suite = suiteOf(m_nodes[size_t(index.row())].get());
        return suite ? suiteData(*suite, index.column(), role) : QVariant();
    }
    const Suite *suite = suiteOf(childOf);
    if (!suite)
        return {};
    const QString &id = childOf->runIds.at(index.row());
    for (const Run &run : suite->runs) {
        if (runIdentity(run) == id)
            return runData(*suite, run, index.column(), role);
    }
    return {};
}

QVariant SuiteTreeModel::suiteData(const Suite &suite, int column, int role) const
{
    const Run *current = suite.currentRun();
    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn)
            return suite.key.name;
        break;
    case Qt::ToolTipRole:
        if (column == NameColumn)
            return suite.key.toString();
        break;
    case NamespaceRole:
        return suite.key.nameSpace;
    case SuiteNameRole:
        return suite.key.name;
    case AlertStateRole:
        if (suite.isFiring())
            return u"firing"_s;
        return suite.alerts.isEmpty() ? QString() : u"silenced"_s;
    case IsRunRole:
        return false;
    default:
        break;
    }
    if (current)
        return runData(suite, *current, column, role);
    return {};
}

QVariant SuiteTreeModel::runData(const Suite &suite, const Run &run, int column, int role) const
{
    const RunState state = run.ended && &run != suite.currentRun() ? RunState::Unknown : run.verdict.state;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return run.hasPod ? run.pod.name : tr("%1 (no pod)").arg(run.pod.name);
        case StateColumn:
            return run.ended ? tr("Ended") : StateStyle::label(state);
        case TestsColumn: {
            const auto [failing, tests] = failingAndTests(run);
            return testsText(failing, tests);
        }
        case RunColumn:
            return run.pod.runId().isEmpty() ? run.pod.name : run.pod.runId().left(8);
        case AgeColumn: {
            const QDateTime start = startedAt(run);
            return start.isValid() ? formatAge(start.secsTo(m_clock())) : QString();
        }
        }
        break;
    case Qt::DecorationRole:
        if (column == NameColumn)
            return StateStyle::icon(state);
        break;
    case Qt::ForegroundRole:
        if (column == StateColumn)
            return StateStyle::color(state, QGuiApplication::palette());
        break;
    case Qt::ToolTipRole:
        if (column == StateColumn || column == NameColumn)
            return run.ended ? tr("The pod is gone") : run.verdict.reason;
        if (column == RunColumn)
            return run.pod.runId().isEmpty() ? run.pod.name : tr("Skaffold run %1").arg(run.pod.runId());
        break;
    case Qt::AccessibleTextRole:
        if (column == NameColumn)
            return tr("%1: %2, %3").arg(run.pod.name, StateStyle::label(state), run.verdict.reason);
        break;
    case StateRole:
        return int(state);
    case StateNameRole:
        return runStateName(state);
    case ReasonRole:
        return run.verdict.reason;
    case FailingRole:
        return failingAndTests(run).first;
    case TestsRole:
        return failingAndTests(run).second;
    case RunIdRole:
        return run.pod.runId();
    case PodNameRole:
        return run.pod.name;
    case NamespaceRole:
        return run.pod.nameSpace;
    case SuiteNameRole:
        return suite.key.name;
    case StartedAtRole:
        return startedAt(run);
    case FlakinessRole:
        return run.flakiness();
    case IterationCountRole:
        return int(run.iterations.size());
    case IsRunRole:
        return true;
    case IsEndedRole:
        return run.ended;
    case SeverityRole:
        return runStateSeverity(state);
    default:
        break;
    }
    return {};
}

QVariant SuiteTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Suite");
    case StateColumn:
        return tr("State");
    case TestsColumn:
        return tr("Failing / Tests");
    case RunColumn:
        return tr("Run");
    case AgeColumn:
        return tr("Age");
    }
    return {};
}

QHash<int, QByteArray> SuiteTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(StateRole, "state");
    names.insert(StateNameRole, "stateName");
    names.insert(ReasonRole, "reason");
    names.insert(FailingRole, "failing");
    names.insert(TestsRole, "tests");
    names.insert(RunIdRole, "runId");
    names.insert(PodNameRole, "podName");
    names.insert(NamespaceRole, "namespace");
    names.insert(SuiteNameRole, "suiteName");
    names.insert(StartedAtRole, "startedAt");
    names.insert(AlertStateRole, "alertState");
    names.insert(FlakinessRole, "flakiness");
    names.insert(IterationCountRole, "iterationCount");
    names.insert(IsRunRole, "isRun");
    names.insert(IsEndedRole, "isEnded");
    names.insert(SeverityRole, "severity");
    return names;
}

QModelIndex SuiteTreeModel::indexOfSuite(const SuiteKey &key) const
{
    const int row = rowOf(key);
    return row < 0 ? QModelIndex() : index(row, 0);
}

SuiteKey SuiteTreeModel::suiteKeyAt(const QModelIndex &index) const
{
    if (!index.isValid())
        return {};
    const auto *childOf = static_cast<const SuiteNode *>(index.internalPointer());
    if (childOf)
        return childOf->key;
    return size_t(index.row()) < m_nodes.size() ? m_nodes[size_t(index.row())]->key : SuiteKey{};
}

QString SuiteTreeModel::podNameAt(const QModelIndex &index) const
{
    // No selection is a normal question, not a misuse worth a checkIndex warning.
    return index.isValid() ? data(index, PodNameRole).toString() : QString();
}
