#pragma once
// The operations bench/micro measures, written once for both programs that run them:
// micro_bench.cpp (Google Benchmark: time per operation) and micro_count.cpp (a fixed number
// of operations, under callgrind: instructions per operation). `Loop` is anything a range-for
// can run over once per operation: benchmark::State, or CountedLoop below.
#include "coro/async_generator.h"
#include "coro/task.h"
#include "deferred/deferred.h"

#include <cstdint>

namespace spider::bench {

// A range of n iterations (what benchmark::State is to Google Benchmark).
class CountedLoop {
public:
    explicit CountedLoop(std::int64_t n) noexcept : n_(n) {}
    struct Iterator {
        std::int64_t left;
        std::int64_t operator*() const noexcept { return left; }
        Iterator& operator++() noexcept {
            --left;
            return *this;
        }
        bool operator!=(const Iterator& other) const noexcept { return left != other.left; }
    };
    Iterator begin() const noexcept { return Iterator{n_}; }
    Iterator end() const noexcept { return Iterator{0}; }

private:
    std::int64_t n_;
};

// Keeps a result observable, so the compiler cannot drop the work that produced it.
inline void keep(long value) noexcept { asm volatile("" : : "r"(value) : "memory"); }

// Create a Deferred, add one callback, fire it.
template <class Loop>
void fireOneCallback(Loop& loop) {
    long sum = 0;
    for ([[maybe_unused]] auto _ : loop) {
        Deferred<long> d;
        d.addCallback([&sum](long v) { sum += v; });
        d.callback(1);
    }
    keep(sum);
}

// Create a Deferred, add ten callbacks and a last one, fire it.
template <class Loop>
void chainTenCallbacks(Loop& loop) {
    long sum = 0;
    for ([[maybe_unused]] auto _ : loop) {
        Deferred<long> d;
        for (int i = 0; i < 10; ++i) {
            d.addCallback([](long v) { return v + 1; });
        }
        d.addCallback([&sum](long v) { sum += v; });
        d.callback(1);
    }
    keep(sum);
}

// co_await of an already-fired Deferred (succeed(1)) inside a Task.
template <class Loop>
Task<void> awaitReadyDeferred(Loop* loop) {
    long sum = 0;
    for ([[maybe_unused]] auto _ : *loop) {
        sum += co_await succeed(1L);
    }
    keep(sum);
}

inline AsyncGenerator<long> naturals() {
    for (long i = 0;; ++i) {
        co_yield i;
    }
}

// One value from an AsyncGenerator to its consumer (co_yield + co_await next()).
template <class Loop>
Task<void> generatorYield(Loop* loop) {
    auto gen = naturals();
    long sum = 0;
    for ([[maybe_unused]] auto _ : *loop) {
        sum += *co_await gen.next();
    }
    keep(sum);
}

} // namespace spider::bench
