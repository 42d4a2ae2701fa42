// The no-recursion guarantees: these must pass at -O0 under ASan (the sanitizer build).
#include "coro/async_generator.h"
#include "coro/task.h"
#include "../deferred/test_support.h"

#include <catch2/catch.hpp>

using namespace spider;
using spider::testing::resultOf;

namespace {

Task<long> sumReadyDeferreds(long n) {
    long sum = 0;
    for (long i = 0; i < n; ++i) {
        sum += co_await succeed(i);
    }
    co_return sum;
}

Task<int> nested(int depth) {
    if (depth == 0) {
        co_return 0;
    }
    int below = co_await nested(depth - 1);
    co_return below + 1;
}

Task<int> nestedOnDeferred(int depth, Deferred<int> bottom) {
    if (depth == 0) {
        co_return co_await bottom;
    }
    int below = co_await nestedOnDeferred(depth - 1, bottom);
    co_return below + 1;
}

Task<int> immediateTask(int v) { co_return v; }

Task<long> awaitManyTasks(long n) {
    long sum = 0;
    for (long i = 0; i < n; ++i) {
        sum += co_await immediateTask(1);
    }
    co_return sum;
}

AsyncGenerator<long> countTo(long n) {
    for (long i = 0; i < n; ++i) {
        co_yield i;
    }
}

Task<long> sumGenerator(long n) {
    auto gen = countTo(n);
    long sum = 0;
    while (auto v = co_await gen.next()) {
        sum += *v;
    }
    co_return sum;
}

AsyncGenerator<long> relay(long depth) {
    if (depth == 0) {
        co_yield 1L;
        co_yield 2L;
        co_return;
    }
    auto inner = relay(depth - 1);
    while (auto v = co_await inner.next()) {
        co_yield *v;
    }
}

Task<long> sumRelay(long depth) {
    auto gen = relay(depth);
    long sum = 0;
    while (auto v = co_await gen.next()) {
        sum += *v;
    }
    co_return sum;
}

} // namespace

TEST_CASE("ten million awaits of fired Deferreds in one task do not grow the stack",
          "[coro][stress]") {
    constexpr long kN = 10'000'000;
    auto t = sumReadyDeferreds(kN);
    CHECK(resultOf(t.deferred()).value() == kN * (kN - 1) / 2);
}

TEST_CASE("a million nested tasks completing synchronously run in bounded stack",
          "[coro][stress]") {
    auto t = nested(1'000'000);
    CHECK(resultOf(t.deferred()).value() == 1'000'000);
}

TEST_CASE("a million nested tasks waiting on one Deferred complete in bounded stack",
          "[coro][stress]") {
    Deferred<int> bottom;
    auto t = nestedOnDeferred(1'000'000, bottom);
    CHECK_FALSE(t.called());
    bottom.callback(5);
    CHECK(resultOf(t.deferred()).value() == 1'000'005);
}

TEST_CASE("a million awaits of synchronously completing tasks in a loop", "[coro][stress]") {
    auto t = awaitManyTasks(1'000'000);
    CHECK(resultOf(t.deferred()).value() == 1'000'000);
}

TEST_CASE("a million synchronous generator yields do not grow the stack", "[coro][stress]") {
    constexpr long kN = 1'000'000;
    auto t = sumGenerator(kN);
    CHECK(resultOf(t.deferred()).value() == kN * (kN - 1) / 2);
}

TEST_CASE("a deep stack of generators, each consuming the next, runs in bounded stack",
          "[coro][stress]") {
    // Every level resumes the one below inline until the stack budget is used up; below
    // that the resumptions are queued (coro/scheduler.h).
    auto t = sumRelay(10'000);
    CHECK(resultOf(t.deferred()).value() == 3);
}
