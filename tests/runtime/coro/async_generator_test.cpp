#include "coro/async_generator.h"
#include "coro/sleep.h"
#include "coro/task.h"
#include "reactor/clock.h"
#include "../deferred/test_support.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace spider;
using spider::testing::resultOf;

namespace {

AsyncGenerator<int> count(int n) {
    for (int i = 0; i < n; ++i) {
        co_yield i;
    }
}

Task<std::vector<int>> collect(AsyncGenerator<int> gen) {
    std::vector<int> out;
    while (std::optional<int> v = co_await gen.next()) {
        out.push_back(*v);
    }
    co_return out;
}

// Yields, awaits a timer, yields again: what a spider callback looks like.
AsyncGenerator<std::string> interleaved(Clock* clock, std::vector<std::string>* trace) {
    trace->push_back("body start");
    co_yield std::string("first");
    trace->push_back("before sleep");
    co_await sleep(*clock, 1.0);
    trace->push_back("after sleep");
    co_yield std::string("second");
    std::string third = "third"; // yielded as an lvalue: copied
    co_yield third;
    trace->push_back("body end");
}

Task<std::vector<std::string>> collectStrings(AsyncGenerator<std::string> gen,
                                              std::vector<std::string>* trace) {
    std::vector<std::string> out;
    while (std::optional<std::string> v = co_await gen.next()) {
        trace->push_back("got " + *v);
        out.push_back(*v);
    }
    co_return out;
}

AsyncGenerator<int> failsAfterOne(Deferred<int> d) {
    co_yield 1;
    co_yield co_await d;
    throw std::runtime_error("generator broke");
}

Task<std::string> consumeUntilError(AsyncGenerator<int> gen) {
    std::string trace;
    try {
        while (std::optional<int> v = co_await gen.next()) {
            trace += std::to_string(*v) + ",";
        }
    } catch (const std::runtime_error& e) {
        trace += e.what();
    }
    std::optional<int> after = co_await gen.next();
    trace += after ? ",more" : ",end";
    co_return trace;
}

struct Guard {
    explicit Guard(int* counter) : counter_(counter) {}
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() { ++*counter_; }
    int* counter_;
};

AsyncGenerator<int> guarded(Deferred<int> d, int* cleanups) {
    Guard g(cleanups);
    co_yield 1;
    co_yield co_await d;
}

AsyncGenerator<int> catchesCancel(Deferred<int> d) {
    int v = 0;
    try {
        v = co_await d;
    } catch (const CancelledError&) {
        v = -1; // co_yield is not allowed in a handler
    }
    co_yield v;
}

Task<int> firstValue(AsyncGenerator<int>* gen) {
    std::optional<int> v = co_await gen->next();
    co_return v ? *v : -100;
}

} // namespace

TEST_CASE("a generator's values reach the consumer in order", "[generator]") {
    auto t = collect(count(5));
    CHECK(resultOf(t.deferred()).value() == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("a generator is lazy: the body starts at the first next()", "[generator]") {
    Clock clock;
    std::vector<std::string> trace;
    auto gen = interleaved(&clock, &trace);
    CHECK(trace.empty());
    auto first = gen.nextDeferred();
    CHECK(trace == std::vector<std::string>{"body start"});
    CHECK(resultOf(first).value() == "first");
}

TEST_CASE("a generator interleaves awaits and yields", "[generator]") {
    Clock clock;
    std::vector<std::string> trace;
    auto t = collectStrings(interleaved(&clock, &trace), &trace);
    CHECK(trace == std::vector<std::string>{"body start", "got first", "before sleep"});
    clock.advance(1.0);
    CHECK(trace == std::vector<std::string>{"body start", "got first", "before sleep",
                                            "after sleep", "got second", "got third",
                                            "body end"});
    CHECK(resultOf(t.deferred()).value() ==
          std::vector<std::string>{"first", "second", "third"});
}

TEST_CASE("exceptions travel from the generator body to the consumer's next()", "[generator]") {
    Deferred<int> d;
    auto t = consumeUntilError(failsAfterOne(d));
    CHECK_FALSE(t.called());
    d.callback(2);
    CHECK(resultOf(t.deferred()).value() == "1,2,generator broke,end");
}

TEST_CASE("a failed Deferred awaited in a generator throws there", "[generator]") {
    Deferred<int> d;
    auto t = consumeUntilError(failsAfterOne(d));
    d.errback(std::runtime_error("awaited failure"));
    CHECK(resultOf(t.deferred()).value() == "1,awaited failure,end");
}

TEST_CASE("nextDeferred serves non-coroutine callers", "[generator]") {
    auto gen = count(2);
    CHECK(resultOf(gen.nextDeferred()).value() == 0);
    CHECK(resultOf(gen.nextDeferred()).value() == 1);
    CHECK_FALSE(resultOf(gen.nextDeferred()).value().has_value());
    CHECK(gen.done());
}

TEST_CASE("destroying a generator suspended at a yield runs its cleanup", "[generator]") {
    int cleanups = 0;
    Deferred<int> d;
    {
        auto gen = guarded(d, &cleanups);
        CHECK(resultOf(gen.nextDeferred()).value() == 1);
        CHECK(cleanups == 0);
    }
    CHECK(cleanups == 1);
}

TEST_CASE("destroying a generator suspended at an await detaches it and fails the waiting next()",
          "[generator]") {
    int cleanups = 0;
    Deferred<int> d;
    Deferred<std::optional<int>> pending;
    {
        auto gen = guarded(d, &cleanups);
        CHECK(resultOf(gen.nextDeferred()).value() == 1);
        pending = gen.nextDeferred(); // the body now waits on d
        CHECK_FALSE(pending.called());
    }
    CHECK(cleanups == 1);
    CHECK(resultOf(pending).failure().check<CancelledError>());
    d.callback(5); // resumes nothing
    SUCCEED();
}

TEST_CASE("cancelling a generator raises CancelledError at its await", "[generator][cancel]") {
    Deferred<int> d;
    auto gen = catchesCancel(d);
    auto first = gen.nextDeferred();
    CHECK_FALSE(first.called());
    gen.cancel();
    CHECK(resultOf(first).value() == -1);
}

TEST_CASE("cancelling a task waiting in next() cancels the generator's await",
          "[generator][cancel]") {
    Deferred<int> d;
    auto gen = catchesCancel(d);
    auto t = firstValue(&gen);
    t.cancel();
    CHECK(resultOf(t.deferred()).value() == -1);
}

TEST_CASE("a second next() while one is pending is a logic error", "[generator]") {
    Deferred<int> d;
    auto gen = catchesCancel(d);
    auto first = gen.nextDeferred();
    auto second = gen.nextDeferred();
    CHECK(resultOf(second).failure().check<std::logic_error>());
    d.callback(3);
    CHECK(resultOf(first).value() == 3);
}

TEST_CASE("move-only values can be yielded", "[generator]") {
    struct Local {
        static AsyncGenerator<std::unique_ptr<int>> make() {
            co_yield std::make_unique<int>(7);
        }
    };
    auto gen = Local::make();
    int got = 0;
    gen.nextDeferred().addCallback([&](std::optional<std::unique_ptr<int>> v) {
        if (v && *v) {
            got = **v;
        }
    });
    CHECK(got == 7);
}
