#pragma once
// co_await sleep(clock, seconds): suspends the coroutine for `seconds` of `clock` time
// (a Clock in tests, the Reactor in programs). Cancelling the Task that sleeps cancels the
// timer and raises CancelledError at the co_await.
#include "deferred/defer_later.h"
#include "reactor/reactor_time.h"

namespace spider {

inline Deferred<void> sleep(ReactorTime& clock, double seconds) {
    return deferLater(clock, seconds);
}

} // namespace spider
