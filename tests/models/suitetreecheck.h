#pragma once

// Checks shared by the suite tree tests: does every row of the sort proxy show what the
// source row it maps to holds, and are failing suites first?
#include "suitefilterproxymodel.h"
#include "suitetreemodel.h"

#include <QStringList>

namespace {

const QList<int> comparedRoles = {Qt::DisplayRole,
                                  Qt::ToolTipRole,
                                  SuiteTreeModel::StateRole,
                                  SuiteTreeModel::StateNameRole,
                                  SuiteTreeModel::ReasonRole,
                                  SuiteTreeModel::FailingRole,
                                  SuiteTreeModel::TestsRole,
                                  SuiteTreeModel::RunIdRole,
                                  SuiteTreeModel::PodNameRole,
                                  SuiteTreeModel::NamespaceRole,
                                  SuiteTreeModel::SuiteNameRole,
                                  SuiteTreeModel::AlertStateRole,
                                  SuiteTreeModel::FlakinessRole,
                                  SuiteTreeModel::IsRunRole,
                                  SuiteTreeModel::IsEndedRole,
                                  SuiteTreeModel::SeverityRole};

// Every difference between a proxy row (and its runs) and the source row it maps to, and
// every place the proxy's order breaks "most severe first, then by name".
QStringList differences(const SuiteFilterProxyModel &proxy, const SuiteTreeModel &source)
{
    QStringList found;
    const auto compareRow = [&](const QModelIndex &proxyIndex, const QString &where) {
        for (int column = 0; column < SuiteTreeModel::ColumnCount; ++column) {
            const QModelIndex p = proxyIndex.siblingAtColumn(column);
            const QModelIndex s = proxy.mapToSource(p);
            if (!s.isValid()) {
                found << where + " maps to no source row";
                return;
            }
            for (const int role : comparedRoles) {
                if (p.data(role) != s.data(role)) {
                    found << QString("%1 column %2 role %3: proxy %4, source %5")
                                 .arg(where)
                                 .arg(column)
                                 .arg(role)
                                 .arg(p.data(role).toString(), s.data(role).toString());
                }
            }
        }
    };
    if (proxy.rowCount() != source.rowCount())
        found << QString("proxy has %1 suites, source %2").arg(proxy.rowCount()).arg(source.rowCount());
    for (int row = 0; row < proxy.rowCount(); ++row) {
        const QModelIndex suite = proxy.index(row, 0);
        const QString name = suite.data(SuiteTreeModel::SuiteNameRole).toString();
        compareRow(suite, QString("suite row %1 (%2)").arg(row).arg(name));
        const QModelIndex sourceSuite = proxy.mapToSource(suite);
        if (proxy.rowCount(suite) != source.rowCount(sourceSuite))
            found << QString("suite %1: proxy has %2 runs, source %3")
                         .arg(name)
                         .arg(proxy.rowCount(suite))
                         .arg(source.rowCount(sourceSuite));
        for (int child = 0; child < proxy.rowCount(suite); ++child) {
            const QModelIndex run = proxy.index(child, 0, suite);
            compareRow(run, QString("run %1 of %2").arg(child).arg(name));
            if (proxy.mapToSource(run).row() != child)
                found << QString("run %1 of %2 shows source run %3").arg(child).arg(name).arg(proxy.mapToSource(run).row());
        }
        if (row > 0) {
            const QModelIndex above = proxy.index(row - 1, 0);
            const int severityAbove = above.data(SuiteTreeModel::SeverityRole).toInt();
            const int severity = suite.data(SuiteTreeModel::SeverityRole).toInt();
            if (severityAbove < severity)
                found << QString("suite row %1 (%2, severity %3) is below %4 (severity %5)")
                             .arg(row)
                             .arg(name)
                             .arg(severity)
                             .arg(above.data(SuiteTreeModel::SuiteNameRole).toString())
                             .arg(severityAbove);
        }
    }
    return found;
}

} // namespace
