"""The operations of micro_bench.cpp, in Twisted: per-operation nanoseconds as JSON.

Run with Debian's python3 (/usr/bin/python3), which has python3-twisted.
"""
import json
import sys
import threading
import time

from twisted.internet import defer


def per_op(fn, n, repeat=5):
    """Best of `repeat` runs of fn(n), in ns per operation (timeit-style)."""
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        fn(n)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best / n * 1e9


def fire_one_callback(n):
    total = [0]

    def add(v):
        total[0] += v

    for _ in range(n):
        d = defer.Deferred()
        d.addCallback(add)
        d.callback(1)


def chain_10_callbacks(n):
    total = [0]

    def inc(v):
        return v + 1

    def add(v):
        total[0] += v

    for _ in range(n):
        d = defer.Deferred()
        for _ in range(10):
            d.addCallback(inc)
        d.addCallback(add)
        d.callback(1)


def await_ready_deferred(n):
    async def body():
        total = 0
        for i in range(n):
            total += await defer.succeed(1)
        return total

    defer.ensureDeferred(body())


def generator_yield(n):
    async def naturals():
        i = 0
        while True:
            yield i
            i += 1

    async def body():
        total = 0
        gen = naturals()
        for _ in range(n):
            total += await gen.__anext__()
        return total

    defer.ensureDeferred(body())


def reactor_benchmarks():
    """call_later_1m and call_from_thread_round_trip need the (single-use) reactor."""
    from twisted.internet import reactor

    results = {}
    calls = 1_000_000
    round_trips = 20_000

    def call_later():
        fired = [0]
        start = time.perf_counter()
        done = defer.Deferred()

        def tick():
            fired[0] += 1
            if fired[0] == calls:
                done.callback(time.perf_counter() - start)

        for i in range(calls):
            reactor.callLater((i % 1000) * 1e-6, tick)
        return done

    def from_thread():
        done = defer.Deferred()

        def worker():
            event = threading.Event()
            start = time.perf_counter()
            for _ in range(round_trips):
                event.clear()
                reactor.callFromThread(event.set)
                event.wait()
            elapsed = time.perf_counter() - start
            reactor.callFromThread(done.callback, elapsed)

        threading.Thread(target=worker, daemon=True).start()
        return done

    async def main():
        elapsed = await call_later()
        results["call_later_1m"] = elapsed / calls * 1e9
        elapsed = await from_thread()
        results["call_from_thread_round_trip"] = elapsed / round_trips * 1e9
        reactor.stop()

    reactor.callWhenRunning(lambda: defer.ensureDeferred(main()))
    reactor.run(installSignalHandlers=False)
    return results


def main():
    results = {
        "fire_one_callback": per_op(fire_one_callback, 200_000),
        "chain_10_callbacks": per_op(chain_10_callbacks, 50_000),
        "await_ready_deferred": per_op(await_ready_deferred, 200_000),
        "generator_yield": per_op(generator_yield, 200_000),
    }
    results.update(reactor_benchmarks())
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
