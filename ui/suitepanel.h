#pragma once

#include "suites/suiteidentity.h"

#include <QWidget>

class QLineEdit;
class QTimer;
class QTreeView;
class SuiteFilterProxyModel;
class SuiteTreeModel;

// The suite list: a filter box above the suites -> runs tree, failing first. Says which
// suite and run the user selected; owns no data of its own.
class SuitePanel : public QWidget
{
    Q_OBJECT

public:
    explicit SuitePanel(SuiteTreeModel *model, QWidget *parent = nullptr);

    QTreeView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filter; }
    SuiteKey selectedSuite() const;
    // The selected run's pod, or the selected suite's current pod.
    QString selectedPod() const;
    void selectSuite(const SuiteKey &key);
    // Moves the selection to the next failing or broken suite after the current one.
    bool selectNextFailing();

signals:
    void selectionChanged(const SuiteKey &suite, const QString &pod);

private:
    void emitSelection();
    void scheduleRelayout();
    void fitColumns();

    SuiteTreeModel *m_model;
    SuiteFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTreeView *m_view;
    QTimer *m_fitColumns;
    bool m_relayoutScheduled = false;
};
