#pragma once

// Shared helpers of the libFuzzer harnesses: an invariant check that stops the run with
// a message (libFuzzer then keeps the input), and the input as Qt types.

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

// Fails the current input: abort() is what libFuzzer records as a crash.
#define FUZZ_CHECK(condition)                                                                              \
    do {                                                                                                   \
        if (!(condition)) {                                                                                \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition);        \
            std::abort();                                                                                  \
        }                                                                                                  \
    } while (false)

using namespace Qt::StringLiterals;

namespace fuzz {

// An owned, null-terminated copy, like the bytes the product gets from the network or a
// file (QByteArray::fromRawData would not be terminated, unlike anything it really sees).
inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

} // namespace fuzz
