// ThreadPool and deferToThread: work runs off the reactor thread, results and failures come
// back on it, one thread keeps submission order, and a pool destroyed with work queued drops
// that work without running it or firing its Deferred.
#include "coro/run.h"
#include "deferred/deferred_list.h"
#include "reactor/reactor.h"
#include "threads/thread_pool.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using spider::Deferred;
using spider::Failure;
using spider::Outcome;
using spider::Reactor;
using spider::ThreadPool;
using spider::deferToThread;

TEST_CASE("deferToThread runs the function on a worker and fires on the reactor thread") {
    Reactor reactor;
    ThreadPool pool(2);
    const std::thread::id reactorThread = std::this_thread::get_id();
    std::thread::id ranOn;
    std::thread::id firedOn;
    Deferred<std::string> d = deferToThread(reactor, pool, [&ranOn] {
        ranOn = std::this_thread::get_id();
        return std::string("parsed");
    });
    d = d.addCallback([&firedOn](std::string value) {
        firedOn = std::this_thread::get_id();
        return value + " and delivered";
    });
    CHECK(spider::runUntilComplete(reactor, d) == "parsed and delivered");
    CHECK(ranOn != reactorThread);
    CHECK(firedOn == reactorThread);
}

TEST_CASE("an exception thrown on the worker becomes the Deferred's Failure") {
    Reactor reactor;
    ThreadPool pool(1);
    Deferred<int> d = deferToThread(reactor, pool, []() -> int {
        throw std::out_of_range("no such page");
    });
    std::string message;
    Deferred<int> handled = d.addErrback([&message](const Failure& failure) {
        message = failure.typeName() + ": " + failure.what();
        return -1;
    });
    CHECK(spider::runUntilComplete(reactor, handled) == -1);
    CHECK(message.find("out_of_range") != std::string::npos);
    CHECK(message.find("no such page") != std::string::npos);
}

TEST_CASE("a void function fires its Deferred with no value") {
    Reactor reactor;
    ThreadPool pool(1);
    std::atomic<int> runs{0};
    Deferred<void> d = deferToThread(reactor, pool, [&runs] { ++runs; });
    spider::runUntilComplete(reactor, d);
    CHECK(runs == 1);
}

TEST_CASE("a one-thread pool runs jobs in submission order, results arrive in that order") {
    Reactor reactor;
    ThreadPool pool(1);
    std::vector<int> ranOrder;   // written by the worker only
    std::vector<int> firedOrder; // written by the reactor thread only
    std::vector<Deferred<int>> all;
    for (int i = 0; i < 200; ++i) {
        all.push_back(deferToThread(reactor, pool, [i, &ranOrder] {
            ranOrder.push_back(i);
            return i;
        }).addCallback([&firedOrder](int i) {
            firedOrder.push_back(i);
            return i;
        }));
    }
    spider::runUntilComplete(reactor, spider::gatherResults(all));
    REQUIRE(firedOrder.size() == 200);
    for (int i = 0; i < 200; ++i) {
        CHECK(ranOrder[static_cast<std::size_t>(i)] == i);
        CHECK(firedOrder[static_cast<std::size_t>(i)] == i);
    }
}

TEST_CASE("destroying the pool drops jobs not started and never fires their Deferreds") {
    Reactor reactor;
    std::atomic<bool> release{false};
    std::atomic<int> started{0};
    int fired = 0;
    std::thread releaser;
    {
        ThreadPool pool(1);
        // The first job holds the only worker until the pool is being destroyed.
        deferToThread(reactor, pool, [&] {
            ++started;
            while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return 0;
        }).addBoth([&fired] { ++fired; });
        for (int i = 0; i < 5; ++i) {
            deferToThread(reactor, pool, [&started] { return ++started; }).addBoth([&fired] {
                ++fired;
            });
        }
        while (started == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        releaser = std::thread([&release] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            release = true;
        });
        // ~ThreadPool: waits for the running job, drops the five queued ones.
    }
    releaser.join();
    CHECK(started == 1);
    CHECK(fired == 0); // the finished job's result waits on the reactor, which has not run
    reactor.callLater(0.05, [&reactor] { reactor.stop(); });
    reactor.run();
    CHECK(fired == 1);
}

TEST_CASE("a pool needs a thread") {
    CHECK_THROWS_AS(ThreadPool(0), std::invalid_argument);
}

TEST_CASE("after shutdown a job submitted runs at once on the caller's thread") {
    ThreadPool pool(2);
    pool.shutdown();
    pool.shutdown(); // idempotent
    std::thread::id ranOn;
    pool.submit([&ranOn] { ranOn = std::this_thread::get_id(); });
    CHECK(ranOn == std::this_thread::get_id());
}
