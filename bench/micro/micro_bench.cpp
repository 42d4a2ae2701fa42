// Micro-benchmarks of the runtime's core: Deferreds, coroutines, the reactor. bench/micro/run
// runs them beside the same operations in Twisted (twisted_micro.py) and prints the ratio.
#include "coro/async_generator.h"
#include "coro/task.h"
#include "deferred/deferred.h"
#include "reactor/reactor.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>

namespace {

using spider::AsyncGenerator;
using spider::Deferred;
using spider::Reactor;
using spider::Task;

// Create a Deferred, add one callback, fire it.
void fireOneCallback(benchmark::State& state) {
    long sum = 0;
    for (auto _ : state) {
        Deferred<long> d;
        d.addCallback([&sum](long v) { sum += v; });
        d.callback(1);
    }
    benchmark::DoNotOptimize(sum);
}
BENCHMARK(fireOneCallback)->Name("fire_one_callback");

// Create a Deferred, add ten callbacks, fire it.
void chainTenCallbacks(benchmark::State& state) {
    long sum = 0;
    for (auto _ : state) {
        Deferred<long> d;
        for (int i = 0; i < 10; ++i) {
            d.addCallback([](long v) { return v + 1; });
        }
        d.addCallback([&sum](long v) { sum += v; });
        d.callback(1);
    }
    benchmark::DoNotOptimize(sum);
}
BENCHMARK(chainTenCallbacks)->Name("chain_10_callbacks");

Task<void> awaitReadyBody(benchmark::State* state) {
    long sum = 0;
    for (auto _ : *state) {
        sum += co_await spider::succeed(1L);
    }
    benchmark::DoNotOptimize(sum);
}

// co_await of an already-fired Deferred (succeed(i)) inside a Task.
void awaitReadyDeferred(benchmark::State& state) { awaitReadyBody(&state); }
BENCHMARK(awaitReadyDeferred)->Name("await_ready_deferred");

AsyncGenerator<long> naturals() {
    for (long i = 0;; ++i) {
        co_yield i;
    }
}

Task<void> generatorBody(benchmark::State* state) {
    auto gen = naturals();
    long sum = 0;
    for (auto _ : *state) {
        sum += *co_await gen.next();
    }
    benchmark::DoNotOptimize(sum);
}

// One value from an AsyncGenerator to its consumer (co_yield + co_await next()).
void generatorYield(benchmark::State& state) { generatorBody(&state); }
BENCHMARK(generatorYield)->Name("generator_yield");

// 1,000,000 callLater scheduled (spread over 1 ms) and fired on the real Reactor; the
// reported time is per call (one iteration = 1,000,000 calls).
void callLaterMillion(benchmark::State& state) {
    constexpr int kCalls = 1'000'000;
    for (auto _ : state) {
        Reactor reactor;
        int fired = 0;
        for (int i = 0; i < kCalls; ++i) {
            reactor.callLater((i % 1000) * 1e-6, [&fired, &reactor] {
                if (++fired == kCalls) {
                    reactor.stop();
                }
            });
        }
        reactor.run();
        benchmark::DoNotOptimize(fired);
    }
    state.counters["per_op_divisor"] = kCalls;
}
BENCHMARK(callLaterMillion)->Name("call_later_1m")->Unit(benchmark::kMillisecond)->Iterations(3);

// Another thread asks the reactor thread to run a function and waits until it has run.
void callFromThreadRoundTrip(benchmark::State& state) {
    Reactor reactor;
    std::atomic<bool> started{false};
    reactor.callSoon([&] { started = true; });
    std::thread loop([&] { reactor.run(); });
    while (!started.load()) {
        std::this_thread::yield();
    }
    std::atomic<long> done{0};
    long expected = 0;
    for (auto _ : state) {
        ++expected;
        reactor.callFromThread([&done] { done.fetch_add(1, std::memory_order_release); });
        while (done.load(std::memory_order_acquire) != expected) {
            std::this_thread::yield(); // fair to the reactor thread on a busy machine
        }
    }
    reactor.stop();
    loop.join();
}
BENCHMARK(callFromThreadRoundTrip)->Name("call_from_thread_round_trip")->UseRealTime();

} // namespace

BENCHMARK_MAIN();
