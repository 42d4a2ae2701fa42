#pragma once
// Helpers shared by the Deferred and coroutine tests.
#include "deferred/deferred.h"
#include "deferred/unhandled_error.h"

#include <optional>
#include <string>
#include <vector>

namespace spider::testing {

// Collects "Unhandled error in Deferred" reports while installed.
class CollectingSink final : public UnhandledErrorSink {
public:
    CollectingSink() : scope_(*this) {}
    void unhandledError(const Failure& failure) noexcept override {
        try {
            reports.push_back(formatUnhandledError(failure));
        } catch (...) {
        }
    }
    std::vector<std::string> reports;

private:
    ScopedUnhandledErrorSink scope_;
};

// Twisted trial's successResultOf/failureResultOf: the result of a Deferred that already
// fired (consumes it). Throws std::logic_error when it has not.
template <class T>
Outcome<T> resultOf(Deferred<T> d) {
    std::optional<Outcome<T>> out;
    d.addBoth([&out](Outcome<T> o) { out.emplace(std::move(o)); });
    if (!out) {
        throw std::logic_error("the Deferred has no result yet");
    }
    return std::move(*out);
}

} // namespace spider::testing
