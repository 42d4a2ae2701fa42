// Micro-benchmarks of the runtime's core: Deferreds, coroutines, the reactor. bench/micro/run
// runs them beside the same operations in Twisted (twisted_micro.py) and prints the ratio.
#include "micro_ops.h"
#include "reactor/reactor.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>

namespace {

using spider::Reactor;

// The Deferred and coroutine operations live in micro_ops.h (shared with micro_count.cpp).
void fireOneCallback(benchmark::State& state) { spider::bench::fireOneCallback(state); }
BENCHMARK(fireOneCallback)->Name("fire_one_callback");

void chainTenCallbacks(benchmark::State& state) { spider::bench::chainTenCallbacks(state); }
BENCHMARK(chainTenCallbacks)->Name("chain_10_callbacks");

void awaitReadyDeferred(benchmark::State& state) { spider::bench::awaitReadyDeferred(&state); }
BENCHMARK(awaitReadyDeferred)->Name("await_ready_deferred");

void generatorYield(benchmark::State& state) { spider::bench::generatorYield(&state); }
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
