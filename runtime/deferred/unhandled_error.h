#pragma once
// Where "Unhandled error in Deferred" goes. A Deferred destroyed while its result is a
// Failure reports that Failure (Twisted logs it from __del__): never silently lost.
//
// The sink is per thread and scoped: ScopedUnhandledErrorSink installs one for the calling
// thread until it is destroyed (tests install a collecting sink; a crawler may route the
// reports into its log). Without one, reports go to stderr.
#include "deferred/failure.h"

#include <string>

namespace spider {

class UnhandledErrorSink {
public:
    virtual ~UnhandledErrorSink() = default;
    // Must not throw; called while a Deferred is being destroyed.
    virtual void unhandledError(const Failure& failure) noexcept = 0;
};

class ScopedUnhandledErrorSink {
public:
    explicit ScopedUnhandledErrorSink(UnhandledErrorSink& sink) noexcept;
    ScopedUnhandledErrorSink(const ScopedUnhandledErrorSink&) = delete;
    ScopedUnhandledErrorSink& operator=(const ScopedUnhandledErrorSink&) = delete;
    // Restores the sink that was installed before (or stderr).
    ~ScopedUnhandledErrorSink();

private:
    UnhandledErrorSink* previous_;
};

// The report's text: "Unhandled error in Deferred:\n" followed by failure.describe().
std::string formatUnhandledError(const Failure& failure);

namespace detail {
// Sends failure to the calling thread's sink (stderr when none is installed).
void reportUnhandledError(const Failure& failure) noexcept;
} // namespace detail

} // namespace spider
