#include "coro/run.h"
#include "coro/sleep.h"
#include "coro/task.h"
#include "deferred/looping_call.h"
#include "reactor/reactor.h"

#include <catch2/catch.hpp>

#include <thread>

using namespace spider;

namespace {

Task<int> sleepThenValue(Reactor* reactor, int v) {
    co_await sleep(*reactor, 0.01);
    co_return v;
}

Task<void> failsOnReactor(Reactor* reactor) {
    co_await sleep(*reactor, 0.001);
    throw std::runtime_error("main broke");
}

Task<int> fromThread(Reactor* reactor) {
    Deferred<int> d;
    std::thread worker([reactor, d]() mutable {
        reactor->callFromThread([d]() mutable { d.callback(99); });
    });
    int v = co_await d;
    worker.join();
    co_return v;
}

} // namespace

TEST_CASE("runUntilComplete runs the reactor until a task finishes", "[run][reactor]") {
    Reactor reactor;
    CHECK(runUntilComplete(reactor, sleepThenValue(&reactor, 7)) == 7);
}

TEST_CASE("runUntilComplete returns at once for a fired Deferred", "[run][reactor]") {
    Reactor reactor;
    CHECK(runUntilComplete(reactor, succeed(3)) == 3);
    CHECK(runUntilComplete(reactor, sleepThenValue(&reactor, 4)) == 4);
}

TEST_CASE("runUntilComplete throws the failure's exception", "[run][reactor]") {
    Reactor reactor;
    CHECK_THROWS_WITH(runUntilComplete(reactor, failsOnReactor(&reactor)), "main broke");
}

TEST_CASE("a task resumes on the reactor thread after callFromThread", "[run][reactor]") {
    Reactor reactor;
    CHECK(runUntilComplete(reactor, fromThread(&reactor)) == 99);
}

TEST_CASE("react returns 0 on success and 1 on failure", "[run][reactor]") {
    CHECK(react([](Reactor& r) { return sleepThenValue(&r, 1); }) == 0);
    CHECK(react([](Reactor& r) { return failsOnReactor(&r); }) == 1);
}

TEST_CASE("a LoopingCall ticks on the real reactor", "[run][reactor]") {
    Reactor reactor;
    int ticks = 0;
    LoopingCall lc(reactor, [&] {
        if (++ticks == 3) {
            reactor.stop();
        }
    });
    auto done = lc.start(0.001);
    reactor.run();
    lc.stop();
    CHECK(ticks == 3);
    CHECK(done.called());
}
