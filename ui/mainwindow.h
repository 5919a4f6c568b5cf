#pragma once

#include "commandline.h"

#include <QMainWindow>

class EmptyStateWidget;

// The top-level window. It wires parts together and owns no behaviour of its own.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(const CommandLineOptions &options, QWidget *parent = nullptr);

private:
    CommandLineOptions m_options;
    EmptyStateWidget *m_emptyState;
};
