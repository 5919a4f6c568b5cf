#pragma once

#include <QSortFilterProxyModel>

// Orders suites for attention (failing and broken first, then by name) and filters them
// by a text the user types, matched against suite, namespace, pod and run id.
class SuiteFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit SuiteFilterProxyModel(QObject *parent = nullptr);

    void setFilterText(const QString &text);
    QString filterText() const { return m_filterText; }

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_filterText;
};
