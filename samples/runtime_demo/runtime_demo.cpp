// A tour of the runtime's core on the real Reactor: timers, Deferreds, coroutines.
// Prints what happens, with the time since start, and exits 0 when everything worked.
#include "spider.h"

#include <cstdio>
#include <string>
#include <vector>

namespace {

using namespace spider;

struct Log {
    explicit Log(Reactor& r) : reactor(r), start(r.seconds()) {}
    void operator()(const std::string& what) const {
        std::printf("[%6.3fs] %s\n", reactor.seconds() - start, what.c_str());
    }
    Reactor& reactor;
    double start;
};

// An async generator: yields "pages" while awaiting a timer between them, the way a spider
// callback yields items while awaiting responses.
AsyncGenerator<std::string> pages(Reactor* reactor, int count) {
    for (int i = 1; i <= count; ++i) {
        co_await sleep(*reactor, 0.02);
        co_yield "page " + std::to_string(i);
    }
}

Task<int> fetchLike(Reactor* reactor, int id, double seconds) {
    co_await sleep(*reactor, seconds);
    co_return id * 10;
}

Task<void> demo(Reactor* reactor) {
    Log log(*reactor);

    // 1. A plain timer and a Deferred fired by it.
    Deferred<std::string> greeting;
    reactor->callLater(0.01, [greeting]() mutable { greeting.callback("hello from a timer"); });
    log(co_await greeting);

    // 2. A callback chain that changes the value's type, and an errback that recovers.
    Deferred<int> d;
    auto described = d.addCallback([](int n) { return n * 2; })
                         .addCallback([](int n) -> std::string {
                             if (n > 10) {
                                 throw std::out_of_range("too big: " + std::to_string(n));
                             }
                             return "small";
                         })
                         .addErrback([](Failure f) { return "recovered from " + f.what(); });
    d.callback(21);
    log("chain result: " + co_await described);

    // 3. Three concurrent tasks gathered.
    auto [a, b, c] = co_await gather(fetchLike(reactor, 1, 0.03), fetchLike(reactor, 2, 0.01),
                                     fetchLike(reactor, 3, 0.02));
    log("gathered " + std::to_string(a) + ", " + std::to_string(b) + ", " + std::to_string(c));

    // 4. A timeout: TimeoutError at the co_await.
    try {
        co_await fetchLike(reactor, 4, 5.0).addTimeout(0.02, *reactor);
    } catch (const TimeoutError& e) {
        log(std::string("timed out as expected: ") + e.what());
    }

    // 5. Values from an async generator.
    auto gen = pages(reactor, 3);
    while (std::optional<std::string> page = co_await gen.next()) {
        log("generator yielded " + *page);
    }

    // 6. A LoopingCall, stopped after three ticks.
    int ticks = 0;
    LoopingCall loop(*reactor, [&] {
        log("tick " + std::to_string(++ticks));
    });
    Deferred<void> looping = loop.start(0.01);
    co_await sleep(*reactor, 0.025);
    loop.stop();
    co_await looping;

    // 7. A semaphore limiting concurrency to two.
    DeferredSemaphore sem(2);
    std::vector<Deferred<int>> jobs;
    for (int i = 0; i < 4; ++i) {
        jobs.push_back(sem.run([reactor, i] { return fetchLike(reactor, i, 0.01); }));
    }
    std::vector<int> results = co_await gatherResults(jobs);
    log("semaphore jobs done: " + std::to_string(results.size()));
    log("all done");
}

} // namespace

int main() {
    return react([](Reactor& reactor) { return demo(&reactor); });
}
