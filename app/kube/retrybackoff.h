#pragma once

#include <QDeadlineTimer>
#include <QRandomGenerator>

#include <algorithm>
#include <chrono>

// Exponential backoff with jitter for reconnecting watches and log streams, like
// client-go's: the delay doubles from `initial` up to `max`, each delay is stretched by
// a random 0–50 % so many clients do not reconnect in lockstep, and the sequence starts
// over once no failure happened for `healthyAfter`.
class RetryBackoff
{
public:
    using ms = std::chrono::milliseconds;

    explicit RetryBackoff(ms initial = ms(800), ms max = ms(30000), ms healthyAfter = ms(60000))
        : m_initial(initial)
        , m_max(max)
        , m_healthyAfter(healthyAfter)
    {
    }

    // The delay before the next attempt after a failure.
    ms next()
    {
        if (m_sinceFailure.hasExpired())
            m_failures = 0;
        m_sinceFailure.setRemainingTime(m_healthyAfter);
        ms base = m_initial;
        for (int i = 0; i < m_failures && base < m_max; ++i)
            base *= 2;
        ++m_failures;
        base = std::min(base, m_max);
        const double stretch = 1.0 + QRandomGenerator::global()->bounded(0.5);
        return std::min(ms(qint64(double(base.count()) * stretch)), m_max);
    }

    void reset()
    {
        m_failures = 0;
        m_sinceFailure = QDeadlineTimer();
    }

    int failures() const { return m_failures; }

private:
    ms m_initial;
    ms m_max;
    ms m_healthyAfter;
    int m_failures = 0;
    QDeadlineTimer m_sinceFailure; // forever until the first failure
};
