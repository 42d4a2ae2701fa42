#include "deferred/sync.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <vector>

using namespace spider;
using spider::testing::CollectingSink;
using spider::testing::resultOf;

TEST_CASE("a semaphore serves waiters in FIFO order", "[sync]") {
    DeferredSemaphore sem(2);
    std::vector<int> order;
    for (int i = 0; i < 5; ++i) {
        sem.acquire().addCallback([&order, i] { order.push_back(i); });
    }
    CHECK(order == std::vector<int>{0, 1});
    CHECK(sem.tokens() == 0);
    CHECK(sem.waiting() == 3);
    sem.release();
    CHECK(order == std::vector<int>{0, 1, 2});
    sem.release();
    sem.release();
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
    sem.release();
    sem.release();
    CHECK(sem.tokens() == 2);
    CHECK_THROWS_AS(sem.release(), std::logic_error);
}

TEST_CASE("a semaphore needs at least one token", "[sync]") {
    CHECK_THROWS_AS(DeferredSemaphore(0), std::invalid_argument);
}

TEST_CASE("a cancelled acquire leaves the queue", "[sync]") {
    CollectingSink sink;
    DeferredSemaphore sem(1);
    auto first = sem.acquire();
    auto second = sem.acquire();
    bool thirdGot = false;
    sem.acquire().addCallback([&] { thirdGot = true; });
    second.cancel();
    CHECK(resultOf(second).failure().check<CancelledError>());
    CHECK(sem.waiting() == 1);
    sem.release();
    CHECK(thirdGot);
}

TEST_CASE("semaphore run releases the token after the function's Deferred fires", "[sync]") {
    DeferredSemaphore sem(1);
    Deferred<int> work;
    auto result = sem.run([&] { return work; });
    CHECK(sem.tokens() == 0);
    work.callback(5);
    CHECK(sem.tokens() == 1);
    CHECK(resultOf(result).value() == 5);
    auto failing = sem.run([]() -> int { throw std::runtime_error("x"); });
    CHECK(resultOf(failing).failed());
    CHECK(sem.tokens() == 1);
}

TEST_CASE("a lock is exclusive and FIFO", "[sync]") {
    DeferredLock lock;
    std::vector<int> order;
    lock.acquire().addCallback([&] { order.push_back(1); });
    lock.acquire().addCallback([&] { order.push_back(2); });
    CHECK(lock.locked());
    CHECK(order == std::vector<int>{1});
    lock.release();
    CHECK(order == std::vector<int>{1, 2});
    lock.release();
    CHECK_FALSE(lock.locked());
    CHECK_THROWS_AS(lock.release(), std::logic_error);
}

TEST_CASE("a queue hands values to waiting getters in order", "[sync]") {
    DeferredQueue<int> q;
    std::vector<int> got;
    q.get().addCallback([&](int v) { got.push_back(v); });
    q.get().addCallback([&](int v) { got.push_back(v * 10); });
    q.put(1);
    q.put(2);
    q.put(3);
    CHECK(got == std::vector<int>{1, 20});
    CHECK(q.pending() == 1);
    CHECK(resultOf(q.get()).value() == 3);
}

TEST_CASE("a full queue overflows and too many getters underflow", "[sync]") {
    DeferredQueue<int> q(1, 1);
    q.put(1);
    CHECK_THROWS_AS(q.put(2), QueueOverflow);
    CHECK(resultOf(q.get()).value() == 1);
    auto waiting = q.get();
    CHECK_THROWS_AS(q.get(), QueueUnderflow);
    q.put(9);
    CHECK(resultOf(waiting).value() == 9);
}

TEST_CASE("a cancelled get leaves the queue", "[sync]") {
    DeferredQueue<int> q;
    auto a = q.get();
    auto b = q.get();
    a.cancel();
    CHECK(resultOf(a).failure().check<CancelledError>());
    q.put(4);
    CHECK(resultOf(b).value() == 4);
}

TEST_CASE("destroying a queue fails its waiting getters with CancelledError", "[sync]") {
    Deferred<int> waiting;
    {
        DeferredQueue<int> q;
        waiting = q.get();
    }
    CHECK(resultOf(waiting).failure().check<CancelledError>());
}
