#include "mainwindow.h"

#include "emptystatewidget.h"

#include <QIcon>

MainWindow::MainWindow(const CommandLineOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_emptyState(new EmptyStateWidget(this))
{
    setWindowIcon(QIcon(QStringLiteral(":/icons/kassert.svg")));
    resize(1100, 700);

    m_emptyState->setTitle(tr("No test suites yet"));
    m_emptyState->setExplanation(
        tr("kassert shows the Kubernetes Assert suites of the cluster in your kubeconfig "
           "(<tt>%1</tt>).")
            .arg(m_options.kubeconfig.isEmpty() ? tr("$KUBECONFIG or ~/.kube/config")
                                                : m_options.kubeconfig.toHtmlEscaped()));
    setCentralWidget(m_emptyState);
}
