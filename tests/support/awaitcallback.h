#pragma once

#include <QTest>

#include <optional>

// Runs an asynchronous call whose completion handler takes one T, spins the event loop
// until the handler ran (or 15 s passed, which fails the calling test), and returns what
// it got: a default T when it never came.
template<typename T, typename Call> T awaitCallback(Call call)
{
    std::optional<T> got;
    call([&](const T &value) { got = value; });
    [&] {
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 15000);
    }();
    return got.value_or(T {});
}
