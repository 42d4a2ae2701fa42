#include "reactor/clock.h"
#include "reactor/timer_queue.h"

#include <catch2/catch.hpp>

#include <vector>

using spider::Clock;
using spider::DelayedCall;
using spider::detail::TimerQueue;

TEST_CASE("mass cancellation does not pin the timer heap") {
    Clock clock; // only the time source
    TimerQueue queue(clock);
    std::vector<DelayedCall> calls;
    calls.reserve(100000);
    for (int i = 0; i < 100000; ++i) {
        calls.push_back(queue.schedule(1000.0 + i, [] {}));
    }
    DelayedCall keeper = queue.schedule(1, [] {});
    for (auto& call : calls) {
        call.cancel();
    }
    CHECK(queue.liveCount() == 1);
    // Compaction keeps stale nodes at most as many as live ones plus a small threshold.
    CHECK(queue.heapSize() <= 2048);
    REQUIRE(queue.nextTime().has_value());
    CHECK(*queue.nextTime() == 1.0);
}

TEST_CASE("repeated resets leave one live node per call") {
    Clock clock;
    TimerQueue queue(clock);
    DelayedCall call = queue.schedule(5, [] {});
    for (int i = 0; i < 10000; ++i) {
        call.reset(static_cast<double>(i % 7));
    }
    CHECK(queue.liveCount() == 1);
    CHECK(queue.heapSize() <= 2048);
}

TEST_CASE("popDue respects the time and the sequence limit") {
    Clock clock;
    TimerQueue queue(clock);
    int ran = 0;
    queue.schedule(1, [&] { ++ran; });
    const auto limit = queue.nextSeq();
    queue.schedule(0.5, [&] { ran += 10; });
    auto fn = queue.popDue(2, limit);
    CHECK_FALSE(fn.has_value()); // the earliest due node was scheduled after the limit
    fn = queue.popDue(0.9);
    REQUIRE(fn.has_value());
    (*fn)();
    CHECK(ran == 10);
    CHECK_FALSE(queue.popDue(0.9).has_value());
    fn = queue.popDue(1);
    REQUIRE(fn.has_value());
    (*fn)();
    CHECK(ran == 11);
}

TEST_CASE("destroying a queue releases every function it holds") {
    auto token = std::make_shared<int>(1);
    std::weak_ptr<int> weak = token;
    DelayedCall call;
    {
        Clock clock;
        TimerQueue queue(clock);
        call = queue.schedule(1, [token] {});
        token.reset();
        CHECK_FALSE(weak.expired());
    }
    CHECK(weak.expired());
    CHECK_FALSE(call.active());
}
