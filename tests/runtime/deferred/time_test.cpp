#include "deferred/cooperator.h"
#include "deferred/defer_later.h"
#include "deferred/deferred.h"
#include "deferred/looping_call.h"
#include "reactor/clock.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace spider;
using spider::testing::CollectingSink;
using spider::testing::resultOf;

TEST_CASE("addTimeout fails a Deferred that does not fire in time with TimeoutError",
          "[timeout]") {
    Clock clock;
    Deferred<int> d;
    d.addTimeout(2.0, clock);
    clock.advance(1.9);
    CHECK_FALSE(d.called());
    clock.advance(0.1);
    auto r = resultOf(d);
    REQUIRE(r.failed());
    CHECK(r.failure().check<TimeoutError>());
    CHECK(r.failure().trap<TimeoutError>().seconds() == 2.0);
}

TEST_CASE("addTimeout: another cancel stays CancelledError", "[timeout]") {
    Clock clock;
    Deferred<int> d;
    d.addTimeout(2.0, clock);
    d.cancel();
    auto r = resultOf(d);
    CHECK(r.failure().check<CancelledError>());
    CHECK_FALSE(r.failure().check<TimeoutError>());
    CHECK(clock.getDelayedCalls().empty()); // the timer went with it
}

TEST_CASE("addTimeout: a Deferred that fires in time keeps its value and drops the timer",
          "[timeout]") {
    Clock clock;
    Deferred<int> d;
    d.addTimeout(2.0, clock);
    CHECK(clock.getDelayedCalls().size() == 1);
    d.callback(5);
    CHECK(clock.getDelayedCalls().empty());
    clock.advance(5);
    CHECK(resultOf(d).value() == 5);
}

TEST_CASE("addTimeout uses the canceller, which may produce its own result", "[timeout]") {
    Clock clock;
    Deferred<int> d([](Deferred<int>& self) { self.callback(-1); });
    d.addTimeout(1.0, clock);
    clock.advance(1.0);
    CHECK(resultOf(d).value() == -1);
}

TEST_CASE("deferLater calls the function after the delay", "[deferLater]") {
    Clock clock;
    int calls = 0;
    auto d = deferLater(clock, 3.0, [&] {
        ++calls;
        return std::string("done");
    });
    clock.advance(2.0);
    CHECK(calls == 0);
    clock.advance(1.0);
    CHECK(calls == 1);
    CHECK(resultOf(d).value() == "done");
}

TEST_CASE("cancelling deferLater cancels the timer", "[deferLater]") {
    Clock clock;
    int calls = 0;
    auto d = deferLater(clock, 3.0, [&] { ++calls; });
    d.cancel();
    CHECK(resultOf(d).failure().check<CancelledError>());
    CHECK(clock.getDelayedCalls().empty());
    clock.advance(5);
    CHECK(calls == 0);
}

TEST_CASE("a LoopingCall runs at once and then every interval", "[loopingcall]") {
    Clock clock;
    std::vector<double> times;
    LoopingCall lc(clock, [&] { times.push_back(clock.seconds()); });
    auto done = lc.start(1.0);
    clock.pump({1.0, 1.0, 1.0});
    CHECK(times == std::vector<double>{0, 1, 2, 3});
    CHECK_FALSE(done.called());
    lc.stop();
    CHECK(done.called());
    CHECK_FALSE(lc.running());
    clock.advance(5);
    CHECK(times.size() == 4);
}

TEST_CASE("a LoopingCall started with now=false waits one interval", "[loopingcall]") {
    Clock clock;
    int calls = 0;
    LoopingCall lc(clock, [&] { ++calls; });
    lc.start(2.0, false);
    CHECK(calls == 0);
    clock.advance(2.0);
    CHECK(calls == 1);
    lc.stop();
}

TEST_CASE("a LoopingCall with a missed tick does not replay it; withCount reports it",
          "[loopingcall]") {
    Clock clock;
    std::vector<std::int64_t> counts;
    std::vector<double> times;
    LoopingCall lc = LoopingCall::withCount(clock, [&](std::int64_t n) {
        counts.push_back(n);
        times.push_back(clock.seconds());
    });
    lc.start(1.0);
    clock.advance(1.0);
    // The loop is late by 2.5 intervals: one call, told that 3 intervals passed.
    clock.advance(3.5);
    // Back on the grid: the next call is at the next boundary, 5.0.
    clock.advance(0.5);
    CHECK(counts == std::vector<std::int64_t>{1, 1, 3, 1});
    CHECK(times == std::vector<double>{0, 1, 4.5, 5});
    lc.stop();
}

TEST_CASE("a LoopingCall waits for the Deferred its function returns", "[loopingcall]") {
    Clock clock;
    int calls = 0;
    Deferred<void> pending;
    LoopingCall lc(clock, [&]() -> Deferred<void> {
        ++calls;
        pending = Deferred<void>();
        return pending;
    });
    lc.start(1.0);
    clock.advance(5.0);
    CHECK(calls == 1); // nothing scheduled while the first call's Deferred is pending
    pending.callback();
    clock.advance(1.0);
    CHECK(calls == 2);
    lc.stop(); // stop while waiting: fires when the Deferred does
    pending.callback();
}

TEST_CASE("a LoopingCall whose function fails stops and fails its Deferred", "[loopingcall]") {
    Clock clock;
    int calls = 0;
    LoopingCall lc(clock, [&] {
        if (++calls == 3) {
            throw std::runtime_error("third call");
        }
    });
    auto done = lc.start(1.0);
    clock.pump({1, 1, 1, 1});
    CHECK(calls == 3);
    CHECK_FALSE(lc.running());
    CHECK(resultOf(done).failure().what() == "third call");
}

TEST_CASE("LoopingCall misuse is reported", "[loopingcall]") {
    Clock clock;
    LoopingCall lc(clock, [] {});
    CHECK_THROWS_AS(lc.stop(), std::logic_error);
    CHECK_THROWS_AS(lc.start(-1), std::invalid_argument);
    lc.start(1);
    CHECK_THROWS_AS(lc.start(1), std::logic_error);
    lc.stop();
}

TEST_CASE("LoopingCall reset restarts the interval from now", "[loopingcall]") {
    Clock clock;
    std::vector<double> times;
    LoopingCall lc(clock, [&] { times.push_back(clock.seconds()); });
    lc.start(2.0);
    clock.advance(1.0);
    lc.reset();
    clock.advance(1.0);
    CHECK(times == std::vector<double>{0});
    clock.advance(1.0);
    CHECK(times == std::vector<double>{0, 3});
    lc.stop();
}

TEST_CASE("a Cooperator interleaves jobs a few units per tick", "[cooperator]") {
    Clock clock;
    Cooperator coop(clock, Cooperator::Options{.tickDelay = 1, .maxUnitsPerTick = 2});
    std::string trace;
    int a = 0;
    int b = 0;
    auto doneA = coop.coiterate([&] {
        trace += 'a';
        return ++a == 3 ? WorkResult::done() : WorkResult::more();
    });
    auto doneB = coop.coiterate([&] {
        trace += 'b';
        return ++b == 2 ? WorkResult::done() : WorkResult::more();
    });
    CHECK(trace.empty());
    clock.advance(1);
    CHECK(trace == "ab");
    clock.advance(1);
    CHECK(trace == "abab");
    CHECK(doneB.called());
    clock.advance(1);
    CHECK(trace == "ababa");
    CHECK(doneA.called());
    CHECK(clock.getDelayedCalls().empty());
}

TEST_CASE("a cooperative job may wait on a Deferred and fails with it", "[cooperator]") {
    Clock clock;
    Cooperator coop(clock, Cooperator::Options{.tickDelay = 1});
    Deferred<void> gate;
    int steps = 0;
    auto done = coop.coiterate([&] {
        ++steps;
        if (steps == 1) {
            return WorkResult::waitFor(gate);
        }
        throw std::runtime_error("job broke");
    });
    clock.advance(1);
    clock.advance(1);
    CHECK(steps == 1);
    gate.callback();
    clock.advance(1);
    CHECK(steps == 2);
    CHECK(resultOf(done).failure().what() == "job broke");
}

TEST_CASE("stopping a Cooperator ends its jobs with SchedulerStopped", "[cooperator]") {
    Clock clock;
    Cooperator coop(clock);
    auto task = coop.cooperate([] { return WorkResult::more(); });
    auto done = task->whenDone();
    coop.stop();
    CHECK(resultOf(done).failure().check<SchedulerStopped>());
    CHECK_THROWS_AS(task->pause(), SchedulerStopped);
}

TEST_CASE("a paused cooperative task does not run until resumed", "[cooperator]") {
    Clock clock;
    Cooperator coop(clock, Cooperator::Options{.tickDelay = 1, .maxUnitsPerTick = 1});
    int steps = 0;
    auto task = coop.cooperate([&] { return ++steps == 2 ? WorkResult::done() : WorkResult::more(); });
    task->pause();
    clock.advance(1);
    CHECK(steps == 0);
    CHECK_THROWS_AS((task->resume(), task->resume()), NotPaused);
    clock.advance(1);
    clock.advance(1);
    CHECK(steps == 2);
    CHECK(task->finished());
    auto d = task->whenDone();
    CHECK(resultOf(d).ok());
}
