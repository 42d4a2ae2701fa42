#include "reactor/clock.h"

#include <catch2/catch.hpp>

#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using spider::Clock;
using spider::DelayedCall;

TEST_CASE("a clock starts at zero and moves only when advanced") {
    Clock clock;
    CHECK(clock.seconds() == 0.0);
    clock.advance(1.5);
    CHECK(clock.seconds() == 1.5);
    clock.advance(-3); // negative counts as 0
    CHECK(clock.seconds() == 1.5);
}

TEST_CASE("clock calls run in time order, not scheduling order") {
    Clock clock;
    std::string order;
    clock.callLater(3, [&] { order += 'c'; });
    clock.callLater(1, [&] { order += 'a'; });
    clock.callLater(2, [&] { order += 'b'; });
    clock.advance(0.5);
    CHECK(order.empty());
    clock.advance(1);
    CHECK(order == "a");
    clock.advance(10);
    CHECK(order == "abc");
}

TEST_CASE("clock calls due at the same time run in scheduling order") {
    Clock clock;
    std::vector<int> order;
    for (int i = 0; i < 50; ++i) {
        clock.callLater(1, [&order, i] { order.push_back(i); });
    }
    clock.advance(1);
    REQUIRE(order.size() == 50);
    for (int i = 0; i < 50; ++i) {
        CHECK(order[static_cast<std::size_t>(i)] == i);
    }
}

TEST_CASE("a clock call sees the advanced time") {
    Clock clock;
    double seen = -1;
    clock.callLater(1, [&] { seen = clock.seconds(); });
    clock.advance(5);
    CHECK(seen == 5.0);
}

TEST_CASE("advance runs calls scheduled during the advance that fall due within it") {
    Clock clock;
    std::string order;
    clock.callLater(1, [&] {
        order += 'a';
        clock.callLater(0, [&] { order += 'c'; });   // due at 10: runs in this advance
        clock.callLater(0.5, [&] { order += 'x'; }); // due at 10.5: does not
    });
    clock.callLater(2, [&] { order += 'b'; }); // due at 2: before the one due at 10
    clock.advance(10);
    CHECK(order == "abc");
    clock.advance(0.5);
    CHECK(order == "abcx");
}

TEST_CASE("a cancelled clock call never runs and is no longer active") {
    Clock clock;
    bool ran = false;
    DelayedCall call = clock.callLater(1, [&] { ran = true; });
    CHECK(call.active());
    CHECK(call.cancel());
    CHECK_FALSE(call.active());
    CHECK(call.cancelled());
    CHECK_FALSE(call.cancel()); // a second cancel is a no-op
    clock.advance(2);
    CHECK_FALSE(ran);
    CHECK_FALSE(call.called());
}

TEST_CASE("cancel destroys what the call captured at once") {
    Clock clock;
    auto token = std::make_shared<int>(7);
    std::weak_ptr<int> weak = token;
    DelayedCall call = clock.callLater(1, [token] {});
    token.reset();
    CHECK_FALSE(weak.expired());
    call.cancel();
    CHECK(weak.expired());
}

TEST_CASE("reset reschedules a clock call relative to now") {
    Clock clock;
    int runs = 0;
    DelayedCall call = clock.callLater(5, [&] { ++runs; });
    clock.advance(2);
    CHECK(call.reset(10));
    CHECK(call.getTime() == 12.0);
    clock.advance(4); // t=6: would have run without the reset
    CHECK(runs == 0);
    CHECK(call.active());
    clock.advance(6); // t=12
    CHECK(runs == 1);
    CHECK_FALSE(call.active());
    CHECK(call.called());
}

TEST_CASE("reset can bring a clock call earlier") {
    Clock clock;
    std::string order;
    clock.callLater(3, [&] { order += 'b'; });
    DelayedCall call = clock.callLater(10, [&] { order += 'a'; });
    call.reset(1);
    clock.advance(5);
    CHECK(order == "ab");
}

TEST_CASE("delay pushes a clock call back by the given amount") {
    Clock clock;
    bool ran = false;
    DelayedCall call = clock.callLater(2, [&] { ran = true; });
    CHECK(call.delay(3));
    CHECK(call.getTime() == 5.0);
    clock.advance(4);
    CHECK_FALSE(ran);
    clock.advance(1);
    CHECK(ran);
}

TEST_CASE("a call that ran is inactive and ignores cancel, reset and delay") {
    Clock clock;
    int runs = 0;
    DelayedCall call = clock.callLater(1, [&] { ++runs; });
    clock.advance(1);
    CHECK(runs == 1);
    CHECK_FALSE(call.active());
    CHECK_FALSE(call.cancel());
    CHECK_FALSE(call.reset(1));
    CHECK_FALSE(call.delay(1));
    CHECK_FALSE(call.cancelled());
    CHECK(call.getTime() == 1.0);
    clock.advance(5);
    CHECK(runs == 1);
}

TEST_CASE("a call is inactive while it runs") {
    Clock clock;
    DelayedCall call;
    bool activeInside = true;
    bool resetInside = true;
    call = clock.callLater(1, [&] {
        activeInside = call.active();
        resetInside = call.reset(1);
    });
    clock.advance(1);
    CHECK_FALSE(activeInside);
    CHECK_FALSE(resetInside);
    CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("a default-constructed DelayedCall is inactive") {
    DelayedCall call;
    CHECK_FALSE(call.active());
    CHECK_FALSE(call.cancel());
    CHECK_FALSE(call.reset(1));
    CHECK_FALSE(call.delay(1));
    CHECK(call.getTime() == 0.0);
}

TEST_CASE("copies of a DelayedCall name the same call") {
    Clock clock;
    DelayedCall a = clock.callLater(1, [] {});
    DelayedCall b = a;
    CHECK(a == b);
    CHECK(b.cancel());
    CHECK_FALSE(a.active());
    CHECK(a.cancelled());
}

TEST_CASE("getDelayedCalls lists the active calls in the order they will run") {
    Clock clock;
    DelayedCall late = clock.callLater(5, [] {});
    DelayedCall early = clock.callLater(1, [] {});
    DelayedCall gone = clock.callLater(3, [] {});
    gone.cancel();
    auto calls = clock.getDelayedCalls();
    REQUIRE(calls.size() == 2);
    CHECK(calls[0] == early);
    CHECK(calls[1] == late);
    clock.advance(1);
    calls = clock.getDelayedCalls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0] == late);
}

TEST_CASE("pump advances once per step") {
    Clock clock;
    std::vector<double> seen;
    for (int i = 1; i <= 3; ++i) {
        clock.callLater(i, [&] { seen.push_back(clock.seconds()); });
    }
    clock.pump({1, 1, 1});
    CHECK(seen == std::vector<double>{1, 2, 3});
    CHECK(clock.seconds() == 3.0);
}

TEST_CASE("an exception from a clock call propagates and the rest still run later") {
    Clock clock;
    bool second = false;
    clock.callLater(1, [] { throw std::runtime_error("boom"); });
    clock.callLater(1, [&] { second = true; });
    CHECK_THROWS_WITH(clock.advance(1), "boom");
    CHECK_FALSE(second);
    clock.advance(0);
    CHECK(second);
}

TEST_CASE("calls outliving their clock become inactive") {
    DelayedCall call;
    {
        Clock clock;
        call = clock.callLater(1, [] {});
        CHECK(call.active());
    }
    CHECK_FALSE(call.active());
    CHECK_FALSE(call.cancel());
    CHECK_FALSE(call.reset(1));
}

TEST_CASE("callLater with an empty function is an error, not a crash") {
    Clock clock;
    CHECK_THROWS_AS(clock.callLater(1, std::function<void()>()), std::invalid_argument);
}

TEST_CASE("a NaN delay counts as zero") {
    Clock clock;
    bool ran = false;
    clock.callLater(std::numeric_limits<double>::quiet_NaN(), [&] { ran = true; });
    clock.advance(0);
    CHECK(ran);
}

TEST_CASE("many resets of one call keep exactly one pending run") {
    Clock clock;
    int runs = 0;
    DelayedCall call = clock.callLater(1, [&] { ++runs; });
    for (int i = 0; i < 5000; ++i) {
        call.reset(1);
    }
    CHECK(clock.getDelayedCalls().size() == 1);
    clock.advance(2);
    CHECK(runs == 1);
}
