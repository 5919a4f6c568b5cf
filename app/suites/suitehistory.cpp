#include "suitehistory.h"

#include "suite.h"

#include <QCoreApplication>

SuiteHistory historyFromIterations(const Run &run)
{
    SuiteHistory history;
    history.source = QCoreApplication::translate("SuiteHistory", "this session's iterations");
    for (const Iteration &iteration : run.iterations) {
        history.failing.append({iteration.at, double(iteration.failing)});
        history.tests.append({iteration.at, double(iteration.tests)});
        history.iterations.append(iteration.at);
    }
    return history;
}
