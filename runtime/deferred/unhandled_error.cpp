#include "deferred/unhandled_error.h"

#include <cstdio>

namespace spider {

namespace {
thread_local constinit UnhandledErrorSink* tlsSink = nullptr;
} // namespace

ScopedUnhandledErrorSink::ScopedUnhandledErrorSink(UnhandledErrorSink& sink) noexcept
    : previous_(tlsSink) {
    tlsSink = &sink;
}

ScopedUnhandledErrorSink::~ScopedUnhandledErrorSink() { tlsSink = previous_; }

std::string formatUnhandledError(const Failure& failure) {
    return detail::concat({"Unhandled error in Deferred:\n", failure.describe()});
}

namespace detail {

void reportUnhandledError(const Failure& failure) noexcept {
    if (tlsSink) {
        tlsSink->unhandledError(failure);
        return;
    }
    try {
        std::string text = formatUnhandledError(failure);
        text.push_back('\n');
        std::fputs(text.c_str(), stderr);
    } catch (...) {
        std::fputs("Unhandled error in Deferred (and formatting it failed)\n", stderr);
    }
}

} // namespace detail
} // namespace spider
