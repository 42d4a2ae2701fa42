#pragma once
// deferLater: call a function later, as a Deferred (Twisted's task.deferLater).
#include "deferred/deferred.h"
#include "reactor/reactor_time.h"

#include <memory>
#include <type_traits>

namespace spider {

// A Deferred that fires, `seconds` from now on `clock`, with what f() returns (a value,
// void, a Deferred to wait for; an exception becomes a failure). Cancelling it before then
// cancels the timer (f never runs) and fails it with CancelledError.
template <class F>
auto deferLater(ReactorTime& clock, double seconds, F f)
    -> Deferred<detail::ChainType<std::invoke_result_t<F&>, void>> {
    auto call = std::make_shared<DelayedCall>();
    Deferred<void> d([call](Deferred<void>&) { call->cancel(); });
    auto out = d.addCallback(std::move(f));
    *call = clock.callLater(seconds, [d]() mutable { d.callback(); });
    return out;
}

// A Deferred<void> that fires `seconds` from now on `clock` (cancellable as above).
inline Deferred<void> deferLater(ReactorTime& clock, double seconds) {
    return deferLater(clock, seconds, [] {});
}

} // namespace spider
