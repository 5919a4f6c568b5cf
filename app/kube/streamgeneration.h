#pragma once

#include "http/httpendpoint.h"

#include <utility>

// Counts the requests an object has started and abandoned (stop, resume, relist). An
// answer that arrives after its request was abandoned (a queued chunk, a late finish, a
// reply racing a stop) belongs to an older generation and is dropped, so it can never
// write into the state of the request that replaced it.
class StreamGeneration
{
public:
    // Abandons whatever is in flight: its handlers fall silent.
    void advance() { ++m_current; }

    // The generation now, for work that checks isCurrent() between its own steps.
    int current() const { return m_current; }
    bool isCurrent(int generation) const { return generation == m_current; }

    // Wraps `action` so that it runs only if no newer generation has begun by then.
    template <typename Action>
    auto guard(Action action) const
    {
        return [current = &m_current, started = m_current, action = std::move(action)](auto &&...args) {
            if (*current == started)
                action(std::forward<decltype(args)>(args)...);
        };
    }

    // Stream handlers calling `owner`'s members while this generation lasts.
    template <typename Owner>
    HttpStreamHandlers streamHandlers(Owner *owner, void (Owner::*onChunk)(const QByteArray &),
                                      void (Owner::*onFinished)(const HttpResult &)) const
    {
        HttpStreamHandlers handlers;
        handlers.onChunk = guard([owner, onChunk](const QByteArray &chunk) { (owner->*onChunk)(chunk); });
        handlers.finished = guard([owner, onFinished](const HttpResult &result) { (owner->*onFinished)(result); });
        return handlers;
    }

private:
    int m_current = 0;
};
