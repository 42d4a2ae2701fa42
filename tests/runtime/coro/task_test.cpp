#include "coro/gather.h"
#include "coro/sleep.h"
#include "coro/task.h"
#include "reactor/clock.h"
#include "../deferred/test_support.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace spider;
using spider::testing::CollectingSink;
using spider::testing::resultOf;

namespace {

Task<int> addOne(Deferred<int> d) {
    int v = co_await d;
    co_return v + 1;
}

Task<int> immediate(int v) { co_return v; }

Task<void> appendAfter(std::vector<std::string>* trace, Deferred<void> d) {
    trace->push_back("start");
    co_await d;
    trace->push_back("resumed");
}

Task<int> throwsAfter(Deferred<int> d) {
    co_await d;
    throw std::runtime_error("task failed");
}

Task<std::string> catches(Deferred<int> d) {
    try {
        co_await d;
        co_return "value";
    } catch (const std::runtime_error& e) {
        co_return std::string("caught ") + e.what();
    }
}

struct Guard {
    explicit Guard(int* counter) : counter_(counter) {}
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() { ++*counter_; }
    int* counter_;
};

Task<std::string> cancellable(Deferred<int> d, int* cleanups) {
    Guard g(cleanups);
    try {
        co_await d;
        co_return "not cancelled";
    } catch (const CancelledError&) {
        co_return "caught cancel";
    }
}

Task<int> cancelledNotCaught(Deferred<int> d, int* cleanups) {
    Guard g(cleanups);
    co_return co_await d;
}

Task<int> sleeper(Clock* clock, double seconds) {
    co_await sleep(*clock, seconds);
    co_return 1;
}

Task<int> outerAwaitsInner(Clock* clock) {
    int v = co_await sleeper(clock, 5);
    co_return v + 10;
}

Task<int> awaitsTwice(Deferred<int> d) {
    co_await d;
    co_return co_await d; // already consumed
}

Task<void> keepsWaiting(Deferred<int> first, Deferred<int> second, std::vector<int>* got) {
    try {
        got->push_back(co_await first);
    } catch (const CancelledError&) {
        got->push_back(-1);
    }
    got->push_back(co_await second);
}

} // namespace

TEST_CASE("a task runs eagerly until its first await", "[task]") {
    std::vector<std::string> trace;
    Deferred<void> d;
    auto t = appendAfter(&trace, d);
    CHECK(trace == std::vector<std::string>{"start"});
    CHECK_FALSE(t.called());
    d.callback();
    CHECK(trace == std::vector<std::string>{"start", "resumed"});
    CHECK(t.called());
}

TEST_CASE("a task that never suspends has its result at once", "[task]") {
    auto t = immediate(9);
    CHECK(t.hasResult());
    CHECK(resultOf(t.deferred()).value() == 9);
}

TEST_CASE("a task is a Deferred to its callers", "[task]") {
    Deferred<int> d;
    Deferred<int> asDeferred = addOne(d);
    int got = 0;
    asDeferred.addCallback([&](int v) { got = v; });
    d.callback(1);
    CHECK(got == 2);
}

TEST_CASE("co_await of a fired Deferred continues without suspending", "[task]") {
    auto t = addOne(succeed(41));
    CHECK(resultOf(t.deferred()).value() == 42);
}

TEST_CASE("a failure arrives as the exception at the co_await", "[task]") {
    Deferred<int> d;
    auto t = catches(d);
    d.errback(std::runtime_error("from the Deferred"));
    CHECK(resultOf(t.deferred()).value() == "caught from the Deferred");
}

TEST_CASE("an exception escaping the body fails the task's Deferred", "[task]") {
    Deferred<int> d;
    auto t = throwsAfter(d);
    d.callback(0);
    auto r = resultOf(t.deferred());
    REQUIRE(r.failed());
    CHECK(r.failure().what() == "task failed");
}

TEST_CASE("a failed task nobody waits for is reported as unhandled", "[task][unhandled]") {
    CollectingSink sink;
    throwsAfter(succeed(1));
    REQUIRE(sink.reports.size() == 1);
    CHECK(sink.reports[0].find("task failed") != std::string::npos);
}

TEST_CASE("cancelling a suspended task raises CancelledError at its co_await, where it is caught",
          "[task][cancel]") {
    int cleanups = 0;
    bool awaitedCancelled = false;
    Deferred<int> d([&](Deferred<int>&) { awaitedCancelled = true; });
    auto t = cancellable(d, &cleanups);
    t.cancel();
    CHECK(awaitedCancelled);
    CHECK(cleanups == 1);
    CHECK(resultOf(t.deferred()).value() == "caught cancel");
}

TEST_CASE("an uncaught cancel fails the task with CancelledError after RAII cleanup",
          "[task][cancel]") {
    int cleanups = 0;
    Deferred<int> d;
    auto t = cancelledNotCaught(d, &cleanups);
    t.cancel();
    CHECK(cleanups == 1);
    CHECK(resultOf(t.deferred()).failure().check<CancelledError>());
}

TEST_CASE("a task that catches a cancel keeps running and its Deferred waits for it",
          "[task][cancel]") {
    std::vector<int> got;
    Deferred<int> first;
    Deferred<int> second;
    auto t = keepsWaiting(first, second, &got);
    t.cancel();
    CHECK(got == std::vector<int>{-1});
    CHECK_FALSE(t.called());
    second.callback(7);
    CHECK(got == std::vector<int>{-1, 7});
    CHECK(t.called());
}

TEST_CASE("cancelling a task reaches through nested tasks to the innermost Deferred",
          "[task][cancel]") {
    Clock clock;
    auto t = outerAwaitsInner(&clock);
    CHECK(clock.getDelayedCalls().size() == 1);
    t.cancel();
    CHECK(clock.getDelayedCalls().empty());
    CHECK(resultOf(t.deferred()).failure().check<CancelledError>());
}

TEST_CASE("a task timeout is a TimeoutError, a cancel a CancelledError", "[task][timeout]") {
    Clock clock;
    auto slow = sleeper(&clock, 10);
    slow.addTimeout(3, clock);
    clock.advance(3);
    CHECK(resultOf(slow.deferred()).failure().check<TimeoutError>());

    auto cancelled = sleeper(&clock, 10);
    cancelled.addTimeout(3, clock);
    cancelled.cancel();
    auto r = resultOf(cancelled.deferred());
    CHECK(r.failure().check<CancelledError>());
    CHECK_FALSE(r.failure().check<TimeoutError>());
}

TEST_CASE("sleep suspends for clock time", "[task][sleep]") {
    Clock clock;
    auto t = outerAwaitsInner(&clock);
    clock.advance(4.9);
    CHECK_FALSE(t.called());
    clock.advance(0.1);
    CHECK(resultOf(t.deferred()).value() == 11);
}

TEST_CASE("awaiting a consumed Deferred again is a logic error at the co_await", "[task]") {
    auto t = awaitsTwice(succeed(1));
    auto r = resultOf(t.deferred());
    REQUIRE(r.failed());
    CHECK(r.failure().check<std::logic_error>());
}

TEST_CASE("a callback returning a task makes the chain wait for it", "[task]") {
    Clock clock;
    Deferred<int> d;
    int got = 0;
    d.addCallback([&](int) { return sleeper(&clock, 1); }).addCallback([&](int v) { got = v; });
    d.callback(0);
    CHECK(got == 0);
    clock.advance(1);
    CHECK(got == 1);
}

namespace {

Task<int> neverResumed(Deferred<int> d, int* cleanups) {
    Guard g(cleanups);
    co_return co_await std::move(d);
}

} // namespace

TEST_CASE("a task waiting on a Deferred that dies unfired is destroyed with RAII cleanup",
          "[task]") {
    int cleanups = 0;
    auto t = neverResumed(Deferred<int>(), &cleanups);
    CHECK(cleanups == 1);
    CHECK_FALSE(t.called());
}

TEST_CASE("gather collects tuple results in argument order", "[gather]") {
    Deferred<int> a;
    Deferred<int> b;
    auto all = gather(addOne(a), immediate(5));
    b.callback(0);
    CHECK_FALSE(all.called());
    a.callback(1);
    auto r = resultOf(all.deferred()).value();
    CHECK(std::get<0>(r) == 2);
    CHECK(std::get<1>(r) == 5);
}

TEST_CASE("gather of a vector fails with the first failure's own exception", "[gather]") {
    CollectingSink sink;
    Deferred<int> a;
    Deferred<int> b;
    std::vector<Task<int>> tasks;
    tasks.push_back(addOne(a));
    tasks.push_back(throwsAfter(b));
    auto all = gather(std::move(tasks));
    b.callback(0);
    auto r = resultOf(all.deferred());
    REQUIRE(r.failed());
    CHECK(r.failure().what() == "task failed");
    a.callback(0);
    CHECK(sink.reports.empty());
}

TEST_CASE("gather of a vector gives every value in order", "[gather]") {
    std::vector<Task<int>> tasks;
    std::vector<Deferred<int>> ds(3);
    for (auto& d : ds) {
        tasks.push_back(addOne(d));
    }
    auto all = gather(std::move(tasks));
    ds[2].callback(30);
    ds[0].callback(10);
    ds[1].callback(20);
    CHECK(resultOf(all.deferred()).value() == std::vector<int>{11, 21, 31});
}
