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

// Yields an lvalue (the consumer gets a copy, the body keeps its own) and an rvalue (moved).
AsyncGenerator<std::shared_ptr<int>> sharesThenGives(std::vector<long>* useCounts) {
    auto kept = std::make_shared<int>(1);
    co_yield kept;
    useCounts->push_back(kept.use_count()); // the consumer still holds its copy
    auto given = std::make_shared<int>(2);
    co_yield std::move(given);
    useCounts->push_back(given ? given.use_count() : 0);
}

AsyncGenerator<std::string> yieldsLvalueString(std::string* after) {
    std::string s = "kept";
    co_yield s;
    *after = s;
}

Task<std::vector<std::shared_ptr<int>>> collectShared(AsyncGenerator<std::shared_ptr<int>> gen) {
    std::vector<std::shared_ptr<int>> out;
    while (auto v = co_await gen.next()) {
        out.push_back(std::move(*v));
    }
    co_return out;
}

AsyncGenerator<int> endsAfterAwait(Deferred<int> d) {
    co_await d;
}

// Cancels itself (through *self) while running, then waits in next().
Task<int> cancelledThenWaits(Deferred<void> gate, Deferred<int>* self, AsyncGenerator<int>* gen) {
    co_await gate;
    self->cancel(); // nothing to cancel yet: pending for the next suspension
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

TEST_CASE("an lvalue yielded is copied to the consumer and an rvalue moved", "[generator]") {
    std::vector<long> useCounts;
    auto t = collectShared(sharesThenGives(&useCounts));
    auto values = resultOf(t.deferred()).value();
    REQUIRE(values.size() == 2);
    CHECK(*values[0] == 1);
    CHECK(*values[1] == 2);
    CHECK(useCounts == std::vector<long>{2, 0});

    std::string after;
    auto gen = yieldsLvalueString(&after);
    CHECK(resultOf(gen.nextDeferred()).value() == "kept");
    CHECK_FALSE(resultOf(gen.nextDeferred()).value().has_value());
    CHECK(after == "kept");
}

TEST_CASE("a generator that finishes while its consumer waits ends the consumer's next()",
          "[generator]") {
    Deferred<int> d;
    auto gen = endsAfterAwait(d);
    auto t = firstValue(&gen);
    CHECK_FALSE(t.called());
    d.callback(1);
    CHECK(resultOf(t.deferred()).value() == -100);
    CHECK(gen.done());
    CHECK_FALSE(resultOf(gen.nextDeferred()).value().has_value());
}

TEST_CASE("a cancel pending on a task reaches the generator when the task's next() waits",
          "[generator][cancel]") {
    Deferred<void> gate;
    Deferred<int> d;
    auto gen = catchesCancel(d);
    Deferred<int> self;
    Task<int> t = cancelledThenWaits(gate, &self, &gen);
    self = t.deferred();
    gate.callback();
    CHECK(resultOf(t.deferred()).value() == -1);
}
