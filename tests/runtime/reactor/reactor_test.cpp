#include "reactor/reactor.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

using spider::DelayedCall;
using spider::Reactor;

namespace {

// Runs the reactor until `done` or a deadline, so a broken reactor fails the test instead of
// hanging it.
template <class Pred>
bool iterateUntil(Reactor& reactor, Pred done, double timeoutSeconds = 5) {
    const double deadline = reactor.seconds() + timeoutSeconds;
    while (!done()) {
        if (reactor.seconds() > deadline) {
            return false;
        }
        reactor.iterate(0.05);
    }
    return true;
}

// Arms a timer that stops the reactor after timeoutSeconds and records that it fired.
struct Watchdog {
    Watchdog(Reactor& reactor, double timeoutSeconds)
        : call(reactor.callLater(timeoutSeconds, [this, &reactor] {
            fired = true;
            reactor.stop();
        })) {}
    ~Watchdog() { call.cancel(); }
    DelayedCall call;
    bool fired = false;
};

struct Pipe {
    Pipe() { REQUIRE(pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0); }
    ~Pipe() {
        closeRead();
        closeWrite();
    }
    void closeRead() {
        if (fds[0] >= 0) {
            close(fds[0]);
            fds[0] = -1;
        }
    }
    void closeWrite() {
        if (fds[1] >= 0) {
            close(fds[1]);
            fds[1] = -1;
        }
    }
    int fds[2] = {-1, -1};
};

struct ErrorLog {
    explicit ErrorLog(Reactor& reactor) {
        reactor.setErrorHandler([this](std::string_view where, std::exception_ptr error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                messages.push_back(std::string(where) + ": " + e.what());
            }
        });
    }
    std::vector<std::string> messages;
};

} // namespace

TEST_CASE("callSoon calls run on the next iteration in the order they were added") {
    Reactor reactor;
    std::string order;
    reactor.callSoon([&] { order += 'a'; });
    reactor.callSoon([&] { order += 'b'; });
    reactor.callSoon([&] { order += 'c'; });
    CHECK(order.empty());
    reactor.iterate(0);
    CHECK(order == "abc");
}

TEST_CASE("a callSoon call added by a callSoon call waits for the next iteration") {
    Reactor reactor;
    std::string order;
    reactor.callSoon([&] {
        order += 'a';
        reactor.callSoon([&] { order += 'b'; });
    });
    reactor.iterate(0);
    CHECK(order == "a");
    reactor.iterate(0);
    CHECK(order == "ab");
}

TEST_CASE("reactor timers run in time order once due") {
    Reactor reactor;
    std::string order;
    reactor.callLater(0.03, [&] { order += 'c'; });
    reactor.callLater(0.01, [&] { order += 'a'; });
    reactor.callLater(0.02, [&] { order += 'b'; });
    reactor.callLater(0.02, [&] { order += 'B'; });
    REQUIRE(iterateUntil(reactor, [&] { return order.size() == 4; }));
    CHECK(order == "abBc");
}

TEST_CASE("a reactor timer does not run before its time") {
    Reactor reactor;
    const double start = reactor.seconds();
    double ranAt = -1;
    reactor.callLater(0.05, [&] { ranAt = reactor.seconds(); });
    REQUIRE(iterateUntil(reactor, [&] { return ranAt >= 0; }));
    CHECK(ranAt - start >= 0.05);
}

TEST_CASE("calls added during a timer pass run on the next iteration") {
    Reactor reactor;
    std::string order;
    reactor.callLater(0, [&] {
        order += 'a';
        reactor.callLater(0, [&] { order += 't'; });
        reactor.callSoon([&] { order += 's'; });
    });
    reactor.iterate(0);
    CHECK(order == "a");
    reactor.iterate(0);
    CHECK(order == "ast");
}

TEST_CASE("a reset during a timer pass moves the call to a later iteration") {
    Reactor reactor;
    std::string order;
    DelayedCall second;
    reactor.callLater(0, [&] {
        order += 'a';
        second.reset(0);
    });
    second = reactor.callLater(0, [&] { order += 'b'; });
    reactor.iterate(0);
    CHECK(order == "a");
    reactor.iterate(0);
    CHECK(order == "ab");
}

TEST_CASE("a cancelled reactor timer never runs") {
    Reactor reactor;
    bool ran = false;
    bool later = false;
    DelayedCall call = reactor.callLater(0.01, [&] { ran = true; });
    reactor.callLater(0.02, [&] { later = true; });
    CHECK(call.cancel());
    REQUIRE(iterateUntil(reactor, [&] { return later; }));
    CHECK_FALSE(ran);
    CHECK(reactor.getDelayedCalls().empty());
}

TEST_CASE("callFromThread from another thread wakes a blocked loop") {
    Reactor reactor;
    Watchdog watchdog(reactor, 10);
    std::atomic<bool> ran{false};
    std::thread::id ranOn;
    std::thread worker([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        reactor.callFromThread([&] {
            ran = true;
            ranOn = std::this_thread::get_id();
            reactor.stop();
        });
    });
    const double start = reactor.seconds();
    reactor.run(); // blocks in epoll_wait with no timer due before the watchdog's
    worker.join();
    CHECK(ran);
    CHECK_FALSE(watchdog.fired);
    CHECK(ranOn == std::this_thread::get_id());
    CHECK(reactor.seconds() - start < 5);
}

TEST_CASE("many callFromThread calls from several threads all run, each once") {
    Reactor reactor;
    constexpr int kThreads = 4;
    constexpr int kCallsEach = 2000;
    int count = 0; // only touched on the reactor thread
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kCallsEach; ++i) {
                reactor.callFromThread([&] { ++count; });
            }
        });
    }
    bool ok = iterateUntil(
        reactor, [&] { return count == kThreads * kCallsEach; }, 10);
    for (auto& thread : threads) {
        thread.join();
    }
    reactor.iterate(0);
    CHECK(ok);
    CHECK(count == kThreads * kCallsEach);
}

TEST_CASE("a reader on a pipe runs when data arrives and stops after removeReader") {
    Reactor reactor;
    Pipe p;
    std::string received;
    reactor.addReader(p.fds[0], [&] {
        char buf[64];
        ssize_t n = read(p.fds[0], buf, sizeof buf);
        if (n > 0) {
            received.append(buf, static_cast<std::size_t>(n));
        }
    });
    reactor.iterate(0);
    CHECK(received.empty());
    REQUIRE(write(p.fds[1], "hello", 5) == 5);
    REQUIRE(iterateUntil(reactor, [&] { return received == "hello"; }));
    reactor.removeReader(p.fds[0]);
    CHECK(reactor.watchedEvents(p.fds[0]) == 0);
    REQUIRE(write(p.fds[1], "more", 4) == 4);
    reactor.iterate(0.02);
    CHECK(received == "hello");
}

TEST_CASE("level-triggered watching keeps reporting data that was not read") {
    Reactor reactor;
    Pipe p;
    int calls = 0;
    reactor.addReader(p.fds[0], [&] { ++calls; }); // never reads
    REQUIRE(write(p.fds[1], "x", 1) == 1);
    reactor.iterate(0.05);
    reactor.iterate(0.05);
    reactor.iterate(0.05);
    CHECK(calls == 3);
}

TEST_CASE("a writer on a socketpair runs while writable, and a reader sees the bytes") {
    Reactor reactor;
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
    std::string toSend = "ping";
    std::string received;
    reactor.addWriter(sv[0], [&] {
        ssize_t n = write(sv[0], toSend.data(), toSend.size());
        if (n > 0) {
            toSend.erase(0, static_cast<std::size_t>(n));
        }
        if (toSend.empty()) {
            reactor.removeWriter(sv[0]);
        }
    });
    reactor.addReader(sv[1], [&] {
        char buf[16];
        ssize_t n = read(sv[1], buf, sizeof buf);
        if (n > 0) {
            received.append(buf, static_cast<std::size_t>(n));
        }
    });
    REQUIRE(iterateUntil(reactor, [&] { return received == "ping"; }));
    CHECK(reactor.watchedEvents(sv[0]) == 0);
    CHECK(reactor.watchedEvents(sv[1]) == Reactor::kReadable);
    reactor.unwatch(sv[1]);
    close(sv[0]);
    close(sv[1]);
}

TEST_CASE("a reader and a writer on one fd are kept independently") {
    Reactor reactor;
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
    int reads = 0;
    int writes = 0;
    reactor.addReader(sv[0], [&] {
        char buf[16];
        if (read(sv[0], buf, sizeof buf) > 0) {
            ++reads;
        }
    });
    reactor.addWriter(sv[0], [&] {
        ++writes;
        reactor.removeWriter(sv[0]);
    });
    CHECK(reactor.watchedEvents(sv[0]) == (Reactor::kReadable | Reactor::kWritable));
    REQUIRE(iterateUntil(reactor, [&] { return writes == 1; }));
    CHECK(reactor.watchedEvents(sv[0]) == Reactor::kReadable);
    REQUIRE(write(sv[1], "x", 1) == 1);
    REQUIRE(iterateUntil(reactor, [&] { return reads == 1; }));
    CHECK(writes == 1);
    reactor.unwatch(sv[0]);
    close(sv[0]);
    close(sv[1]);
}

TEST_CASE("watch reports the ready events and a hang-up") {
    Reactor reactor;
    Pipe p;
    std::vector<unsigned> seen;
    reactor.watch(p.fds[0], Reactor::kReadable, [&](unsigned ready) {
        seen.push_back(ready);
        reactor.unwatch(p.fds[0]);
    });
    p.closeWrite();
    REQUIRE(iterateUntil(reactor, [&] { return !seen.empty(); }));
    REQUIRE(seen.size() == 1);
    CHECK((seen[0] & Reactor::kReadable) != 0);
    CHECK((seen[0] & Reactor::kError) != 0);
}

TEST_CASE("a callback that unwatches its own fd is not called again") {
    Reactor reactor;
    Pipe p;
    int calls = 0;
    reactor.watch(p.fds[0], Reactor::kReadable, [&](unsigned) {
        ++calls;
        reactor.unwatch(p.fds[0]);
    });
    REQUIRE(write(p.fds[1], "x", 1) == 1);
    reactor.iterate(0.05);
    reactor.iterate(0.02);
    CHECK(calls == 1);
}

TEST_CASE("a callback unwatching another ready fd in the same pass stops its dispatch") {
    Reactor reactor;
    Pipe a;
    Pipe b;
    int aCalls = 0;
    int bCalls = 0;
    reactor.addReader(a.fds[0], [&] {
        ++aCalls;
        reactor.removeReader(b.fds[0]);
    });
    reactor.addReader(b.fds[0], [&] {
        ++bCalls;
        reactor.removeReader(a.fds[0]);
    });
    REQUIRE(write(a.fds[1], "x", 1) == 1);
    REQUIRE(write(b.fds[1], "x", 1) == 1);
    reactor.iterate(0.05);
    CHECK(aCalls + bCalls == 1);
}

TEST_CASE("unwatching a closed fd or one never watched is fine") {
    Reactor reactor;
    Pipe p;
    reactor.addReader(p.fds[0], [] {});
    const int fd = p.fds[0];
    p.closeRead();
    CHECK_NOTHROW(reactor.unwatch(fd));
    CHECK_NOTHROW(reactor.unwatch(fd));
    CHECK_NOTHROW(reactor.unwatch(12345));
    CHECK_NOTHROW(reactor.unwatch(-1));
    CHECK_NOTHROW(reactor.removeReader(999));
    CHECK_NOTHROW(reactor.removeWriter(fd));
    CHECK(reactor.watchedEvents(fd) == 0);
}

TEST_CASE("a reused fd number can be watched again after its old fd was closed") {
    Reactor reactor;
    Pipe first;
    reactor.addReader(first.fds[0], [] {});
    const int fd = first.fds[0];
    first.closeRead(); // closed without unwatch: epoll forgot it, the table did not
    Pipe second;       // likely reuses fd
    bool ran = false;
    REQUIRE_NOTHROW(reactor.addReader(second.fds[0], [&] { ran = true; }));
    REQUIRE(write(second.fds[1], "x", 1) == 1);
    REQUIRE(iterateUntil(reactor, [&] { return ran; }));
    (void)fd;
    reactor.unwatch(second.fds[0]);
}

TEST_CASE("watching a bad fd is an error with the fd in the message") {
    Reactor reactor;
    CHECK_THROWS_AS(reactor.watch(-3, Reactor::kReadable, [](unsigned) {}), std::invalid_argument);
    Pipe p;
    const int fd = p.fds[0];
    p.closeRead();
    CHECK_THROWS_WITH(reactor.addReader(fd, [] {}), Catch::Contains("fd " + std::to_string(fd)));
    CHECK(reactor.watchedEvents(fd) == 0);
}

TEST_CASE("a real SIGTERM sent with kill is delivered as a reactor event") {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    REQUIRE(pthread_sigmask(SIG_BLOCK, &mask, nullptr) == 0);
    Reactor reactor;
    int received = 0;
    reactor.onSignal(SIGTERM, [&] { ++received; });
    REQUIRE(kill(getpid(), SIGTERM) == 0);
    REQUIRE(iterateUntil(reactor, [&] { return received == 1; }));
}

TEST_CASE("a real SIGINT raised in the reactor thread stops a running reactor") {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    REQUIRE(pthread_sigmask(SIG_BLOCK, &mask, nullptr) == 0);
    Reactor reactor;
    Watchdog watchdog(reactor, 5);
    std::vector<std::string> order;
    reactor.onSignal(SIGINT, [&] {
        order.push_back("first");
        reactor.stop();
    });
    reactor.onSignal(SIGINT, [&] { order.push_back("second"); });
    reactor.callLater(0.01, [] { raise(SIGINT); });
    reactor.run();
    CHECK_FALSE(watchdog.fired);
    CHECK(order == std::vector<std::string>{"first", "second"});
}

TEST_CASE("stop from inside a callback makes run return") {
    Reactor reactor;
    Watchdog watchdog(reactor, 5);
    int ticks = 0;
    std::function<void()> tick = [&] {
        if (++ticks == 3) {
            reactor.stop();
        } else {
            reactor.callSoon(tick);
        }
    };
    reactor.callSoon(tick);
    reactor.run();
    CHECK(ticks == 3);
    CHECK_FALSE(reactor.running());
    CHECK_FALSE(watchdog.fired);
}

TEST_CASE("running reports true only inside run") {
    Reactor reactor;
    bool inside = false;
    reactor.callSoon([&] {
        inside = reactor.running();
        reactor.stop();
    });
    CHECK_FALSE(reactor.running());
    reactor.run();
    CHECK(inside);
    CHECK_FALSE(reactor.running());
}

TEST_CASE("shutdown triggers run once, when run returns") {
    Reactor reactor;
    int triggered = 0;
    bool stoppedFirst = false;
    bool stopped = false;
    reactor.addShutdownTrigger([&] {
        ++triggered;
        stoppedFirst = stopped;
    });
    reactor.callSoon([&] {
        CHECK(triggered == 0);
        stopped = true;
        reactor.stop();
    });
    reactor.run();
    CHECK(triggered == 1);
    CHECK(stoppedFirst);
    reactor.callSoon([&] { reactor.stop(); });
    reactor.run();
    CHECK(triggered == 1);
}

TEST_CASE("run from inside a callback is an error") {
    Reactor reactor;
    bool threw = false;
    reactor.callSoon([&] {
        try {
            reactor.run();
        } catch (const std::logic_error&) {
            threw = true;
        }
        reactor.stop();
    });
    reactor.run();
    CHECK(threw);
}

TEST_CASE("a throwing callback is reported and does not kill the loop") {
    Reactor reactor;
    ErrorLog log(reactor);
    Pipe p;
    bool after = false;
    reactor.callLater(0, [] { throw std::runtime_error("timer boom"); });
    reactor.callSoon([] { throw std::runtime_error("soon boom"); });
    reactor.addReader(p.fds[0], [&] {
        reactor.removeReader(p.fds[0]);
        throw std::runtime_error("reader boom");
    });
    REQUIRE(write(p.fds[1], "x", 1) == 1);
    reactor.callLater(0.01, [&] {
        after = true;
        reactor.stop();
    });
    reactor.run();
    CHECK(after);
    REQUIRE(log.messages.size() == 3);
    CHECK_THAT(log.messages[0], Catch::Contains("soon boom"));
    CHECK_THAT(log.messages[1], Catch::Contains("timer boom"));
    CHECK_THAT(log.messages[2], Catch::Contains("reader boom"));
}

TEST_CASE("a throwing callback is logged to stderr by default") {
    Reactor reactor;
    bool after = false;
    reactor.callSoon([] { throw std::runtime_error("expected test exception"); });
    reactor.callSoon([&] { after = true; });
    reactor.iterate(0);
    CHECK(after);
}

TEST_CASE("a stop requested before run makes run return after one iteration") {
    Reactor reactor;
    bool ran = false;
    reactor.callSoon([&] { ran = true; });
    reactor.stop();
    reactor.run();
    CHECK(ran);
}

TEST_CASE("destroying a reactor makes its pending calls inactive") {
    DelayedCall call;
    {
        Reactor reactor;
        call = reactor.callLater(100, [] {});
        CHECK(call.active());
    }
    CHECK_FALSE(call.active());
    CHECK_FALSE(call.cancel());
}

TEST_CASE("iterate waits no longer than the next timer") {
    Reactor reactor;
    bool ran = false;
    reactor.callLater(0.02, [&] { ran = true; });
    const double start = reactor.seconds();
    reactor.iterate(5); // blocks until the timer is due, then returns
    reactor.iterate(0);
    CHECK(ran);
    CHECK(reactor.seconds() - start < 1);
}
