#include "deferred/deferred.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace spider;
using spider::testing::CollectingSink;
using spider::testing::resultOf;

TEST_CASE("callbacks run in order when the Deferred fires", "[deferred]") {
    std::vector<int> seen;
    Deferred<int> d;
    d.addCallback([&](int v) {
        seen.push_back(v);
        return v + 1;
    });
    d.addCallback([&](int v) {
        seen.push_back(v);
        return v * 10;
    });
    CHECK(seen.empty());
    d.callback(1);
    CHECK(seen == std::vector<int>{1, 2});
    CHECK(resultOf(d).value() == 20);
}

TEST_CASE("a callback added to a fired Deferred runs at once", "[deferred]") {
    Deferred<int> d = succeed(5);
    int got = 0;
    d.addCallback([&](int v) { got = v; });
    CHECK(got == 5);
}

TEST_CASE("a callback may change the type of the chain's value", "[deferred]") {
    Deferred<int> d;
    Deferred<std::string> s = d.addCallback([](int n) { return std::to_string(n); });
    std::string got;
    s.addCallback([&](const std::string& v) { got = v + "!"; });
    d.callback(42);
    CHECK(got == "42!");
}

TEST_CASE("adding through a handle whose type no longer matches the chain is a logic error",
          "[deferred]") {
    Deferred<int> d;
    auto s = d.addCallback([](int n) { return std::to_string(n); });
    CHECK_THROWS_AS(d.addCallback([](int) {}), std::logic_error);
    CHECK_THROWS_AS(s.callback("x"), std::logic_error);
    d.callback(1);
}

TEST_CASE("a throwing callback switches the chain to errbacks", "[deferred]") {
    Deferred<int> d;
    bool skipped = true;
    std::string error;
    d.addCallback([](int) -> int { throw std::runtime_error("bad"); })
        .addCallback([&](int) { skipped = false; })
        .addErrback([&](const Failure& f) { error = f.what(); });
    d.callback(1);
    CHECK(skipped);
    CHECK(error == "bad");
}

TEST_CASE("a callback returning a Failure switches to errbacks and keeps the type",
          "[deferred]") {
    Deferred<int> d;
    Deferred<int> same = d.addCallback([](int) { return Failure(std::runtime_error("no")); });
    auto recovered =
        same.addErrback([](Failure f) { return f.check<std::runtime_error>() ? -1 : 0; });
    d.callback(3);
    CHECK(resultOf(recovered).value() == -1);
}

TEST_CASE("an errback returning a value switches the chain back to callbacks", "[deferred]") {
    Deferred<int> d;
    int got = 0;
    d.addErrback([](Failure) { return 7; }).addCallback([&](int v) { got = v; });
    d.errback(std::runtime_error("x"));
    CHECK(got == 7);
}

TEST_CASE("an errback that traps the wrong type passes the failure on", "[deferred]") {
    Deferred<int> d;
    std::string type;
    d.addErrback([](Failure f) {
         f.trap<CancelledError>();
         return 0;
     }).addErrback([&](Failure f) {
        type = f.typeName();
        return 0;
    });
    d.errback(std::invalid_argument("wrong"));
    CHECK(type == "std::invalid_argument");
}

TEST_CASE("callbacks are skipped while failing and errbacks while succeeding", "[deferred]") {
    std::vector<std::string> trace;
    Deferred<int> d;
    d.addCallbacks(
         [&](int v) {
             trace.push_back("cb1");
             return v;
         },
         [&](Failure) {
             trace.push_back("eb1");
             return 0;
         })
        .addErrback([&](Failure) {
            trace.push_back("eb2");
            return 0;
        })
        .addCallback([&](int) -> int { throw std::runtime_error("boom"); })
        .addCallback([&](int v) {
            trace.push_back("cb3");
            return v;
        })
        .addErrback([&](Failure) {
            trace.push_back("eb3");
            return 0;
        });
    d.callback(1);
    CHECK(trace == std::vector<std::string>{"cb1", "eb3"});
}

TEST_CASE("addBoth sees values and failures alike", "[deferred]") {
    int calls = 0;
    auto both = [&](Outcome<int> o) {
        ++calls;
        return o.ok() ? o.value() : -1;
    };
    Deferred<int> a;
    a.addBoth(both);
    a.callback(4);
    Deferred<int> b;
    b.addBoth(both);
    b.errback(std::runtime_error("x"));
    CHECK(calls == 2);
    CHECK(resultOf(a).value() == 4);
    CHECK(resultOf(b).value() == -1);
}

TEST_CASE("a Deferred<void> chain passes no value", "[deferred]") {
    Deferred<void> d;
    int n = 0;
    d.addCallback([&] { ++n; }).addCallback([&] { return n * 2; }).addCallback([&](int v) { n = v; });
    d.callback();
    CHECK(n == 2);
}

TEST_CASE("firing twice is AlreadyCalledError", "[deferred]") {
    Deferred<int> d;
    d.callback(1);
    CHECK_THROWS_AS(d.callback(2), AlreadyCalledError);
    CHECK_THROWS_AS(d.errback(std::runtime_error("x")), AlreadyCalledError);
}

TEST_CASE("a callback returning an unfired Deferred pauses the chain until it fires",
          "[deferred]") {
    Deferred<int> outer;
    Deferred<std::string> inner;
    std::string got;
    outer.addCallback([&](int) { return inner; }).addCallback([&](std::string s) { got = s; });
    outer.callback(1);
    CHECK(got.empty());
    CHECK(outer.paused());
    inner.callback("inner value");
    CHECK(got == "inner value");
    CHECK_FALSE(outer.paused());
}

TEST_CASE("a callback returning a fired Deferred continues with its result at once",
          "[deferred]") {
    Deferred<int> outer;
    int got = 0;
    outer.addCallback([](int v) { return succeed(v * 3); }).addCallback([&](int v) { got = v; });
    outer.callback(2);
    CHECK(got == 6);
}

TEST_CASE("a failing chained Deferred delivers its failure to the outer errbacks",
          "[deferred]") {
    Deferred<int> outer;
    Deferred<int> inner;
    std::string error;
    outer.addCallback([&](int) { return inner; }).addErrback([&](Failure f) {
        error = f.what();
        return 0;
    });
    outer.callback(0);
    inner.errback(std::runtime_error("inner failed"));
    CHECK(error == "inner failed");
}

namespace {

// kDepth + 1 Deferreds where the callback of each returns the next; firing them in order
// leaves each one waiting on the next.
std::vector<Deferred<int>> waitingChain(int depth) {
    std::vector<Deferred<int>> ds(static_cast<std::size_t>(depth) + 1);
    for (int i = 0; i < depth; ++i) {
        ds[i].addCallback([next = ds[i + 1]](int) { return next; });
    }
    for (int i = 0; i < depth; ++i) {
        ds[i].callback(i);
    }
    return ds;
}

} // namespace

TEST_CASE("a chain of a million Deferreds waiting on each other fires at constant stack depth",
          "[deferred][stress]") {
    constexpr int kDepth = 1'000'000;
    std::vector<Deferred<int>> ds = waitingChain(kDepth);
    int got = 0;
    ds[0].addCallback([&](int v) { got = v; });
    CHECK(ds[0].paused());
    Deferred<int> last = ds[kDepth];
    ds.clear(); // the waiting Deferreds are kept alive by the chain itself
    last.callback(42);
    CHECK(got == 42);
}

TEST_CASE("a long chain of unfired waiting Deferreds is destroyed without recursion",
          "[deferred][stress]") {
    constexpr int kDepth = 1'000'000;
    std::vector<Deferred<int>> ds = waitingChain(kDepth);
    ds.clear(); // the last one goes, then every Deferred waiting on it
    SUCCEED();
}

TEST_CASE("cancelling the first of a long waiting chain reaches the last one",
          "[deferred][stress]") {
    constexpr int kDepth = 100'000;
    std::vector<Deferred<int>> ds = waitingChain(kDepth);
    std::string error;
    ds[0].addErrback([&](Failure f) {
        error = f.typeName();
        return 0;
    });
    ds[0].cancel();
    CHECK(error == "spider::CancelledError");
}

TEST_CASE("cancel errbacks an unfired Deferred with CancelledError", "[deferred][cancel]") {
    Deferred<int> d;
    bool cancelled = false;
    d.addErrback([&](Failure f) {
        cancelled = f.check<CancelledError>();
        return 0;
    });
    d.cancel();
    CHECK(cancelled);
}

TEST_CASE("after a cancel without canceller one late fire is ignored, a second is an error",
          "[deferred][cancel]") {
    Deferred<int> d;
    d.addErrback([](Failure) { return 0; });
    d.cancel();
    CHECK_NOTHROW(d.callback(1));
    CHECK_THROWS_AS(d.callback(2), AlreadyCalledError);
}

TEST_CASE("the canceller runs on cancel and may fire the Deferred itself", "[deferred][cancel]") {
    int cancellerCalls = 0;
    Deferred<int> d([&](Deferred<int>& self) {
        ++cancellerCalls;
        self.callback(99);
    });
    d.cancel();
    CHECK(cancellerCalls == 1);
    CHECK(resultOf(d).value() == 99);
}

TEST_CASE("with a canceller that does not fire, a late fire after cancel is AlreadyCalledError",
          "[deferred][cancel]") {
    Deferred<int> d([](Deferred<int>&) {});
    d.addErrback([](Failure) { return 0; });
    d.cancel();
    CHECK_THROWS_AS(d.callback(1), AlreadyCalledError);
}

TEST_CASE("cancelling a fired Deferred does nothing", "[deferred][cancel]") {
    Deferred<int> d = succeed(1);
    d.cancel();
    CHECK(resultOf(d).value() == 1);
}

TEST_CASE("cancelling a Deferred that waits on a chained one cancels the chained one",
          "[deferred][cancel]") {
    bool innerCancelled = false;
    Deferred<int> inner([&](Deferred<int>&) { innerCancelled = true; });
    Deferred<int> outer;
    std::string error;
    outer.addCallback([&](int) { return inner; }).addErrback([&](Failure f) {
        error = f.typeName();
        return 0;
    });
    outer.callback(0);
    outer.cancel();
    CHECK(innerCancelled);
    CHECK(error == "spider::CancelledError");
}

TEST_CASE("a Deferred destroyed holding a failure logs Unhandled error in Deferred",
          "[deferred][unhandled]") {
    CollectingSink sink;
    {
        Deferred<int> d;
        d.errback(std::runtime_error("lost"));
    }
    REQUIRE(sink.reports.size() == 1);
    CHECK(sink.reports[0].find("Unhandled error in Deferred") == 0);
    CHECK(sink.reports[0].find("std::runtime_error: lost") != std::string::npos);
    CHECK(sink.reports[0].find("deferred_test.cpp") != std::string::npos);
}

TEST_CASE("a handled failure is not logged", "[deferred][unhandled]") {
    CollectingSink sink;
    {
        Deferred<int> d;
        d.addErrback([](Failure) { return 0; });
        d.errback(std::runtime_error("handled"));
        Deferred<int> e = fail<int>(std::runtime_error("also handled"));
        e.addErrback([](Failure) { return 1; });
    }
    CHECK(sink.reports.empty());
}

TEST_CASE("a failure handed on to a chained Deferred is logged once, by the outer one",
          "[deferred][unhandled]") {
    CollectingSink sink;
    {
        Deferred<int> outer;
        Deferred<int> inner;
        outer.addCallback([&](int) { return inner; });
        outer.callback(0);
        inner.errback(std::runtime_error("passes through"));
    }
    CHECK(sink.reports.size() == 1);
}

TEST_CASE("the sink is scoped: reports go to the innermost installed one", "[deferred][unhandled]") {
    CollectingSink outer;
    {
        CollectingSink inner;
        fail<int>(std::runtime_error("a"));
        CHECK(inner.reports.size() == 1);
    }
    fail<int>(std::runtime_error("b"));
    CHECK(outer.reports.size() == 1);
}

TEST_CASE("maybeDeferred wraps values, Deferreds and exceptions", "[deferred]") {
    CHECK(resultOf(maybeDeferred([] { return 3; })).value() == 3);
    Deferred<int> pending;
    auto same = maybeDeferred([&] { return pending; });
    CHECK(same == pending);
    auto failed = maybeDeferred([]() -> int { throw std::runtime_error("nope"); });
    CHECK(resultOf(failed).failure().what() == "nope");
    auto v = maybeDeferred([](int a, int b) { return a + b; }, 2, 3);
    CHECK(resultOf(v).value() == 5);
}

TEST_CASE("pause holds the chain until unpause", "[deferred]") {
    Deferred<int> d;
    int got = 0;
    d.addCallback([&](int v) { got = v; });
    d.pause();
    d.callback(3);
    CHECK(got == 0);
    d.unpause();
    CHECK(got == 3);
}

TEST_CASE("chainDeferred fires the other Deferred with this one's result", "[deferred]") {
    Deferred<int> a;
    Deferred<int> b;
    int got = 0;
    b.addCallback([&](int v) { got = v; });
    a.chainDeferred(b);
    a.callback(8);
    CHECK(got == 8);
}

TEST_CASE("a callback returning its own Deferred fails instead of looping", "[deferred]") {
    Deferred<int> d;
    auto handle = d;
    d.addCallback([handle](int) { return handle; });
    d.callback(1);
    auto r = resultOf(d);
    CHECK(r.failed());
}

TEST_CASE("move-only values travel through the chain", "[deferred]") {
    Deferred<std::unique_ptr<int>> d;
    int got = 0;
    d.addCallback([](std::unique_ptr<int> p) {
         *p += 1;
         return p;
     }).addCallback([&](std::unique_ptr<int> p) { got = *p; });
    d.callback(std::make_unique<int>(41));
    CHECK(got == 42);
}

TEST_CASE("Failure reports type, message, context and where it came from", "[failure]") {
    Failure f(std::out_of_range("idx"), "parsing a page");
    CHECK(f.check<std::out_of_range>());
    CHECK(f.check<std::logic_error>()); // a base class matches
    CHECK_FALSE(f.check<std::runtime_error>());
    CHECK((f.check<std::runtime_error, std::out_of_range>()));
    CHECK(f.what() == "idx");
    CHECK(f.typeName() == "std::out_of_range");
    CHECK(f.context() == "parsing a page");
    CHECK(f.where().line != 0);
    CHECK(f.describe().find("while parsing a page") != std::string::npos);
    CHECK(f.trap<std::logic_error>().what() == std::string("idx"));
    CHECK_THROWS_AS(f.trap<std::runtime_error>(), std::out_of_range);
    CHECK_THROWS_AS(f.raise(), std::out_of_range);
}

TEST_CASE("a Failure of a non-std exception still has a type name", "[failure]") {
    Failure f(std::make_exception_ptr(42));
    CHECK(f.typeName() == "int");
    CHECK(f.what() == "unknown exception");
    Failure null(std::exception_ptr{});
    CHECK(null.what() == "unknown failure");
}

TEST_CASE("steps added while the chain runs and after it ran keep their order", "[deferred]") {
    // The first step of a chain lives inside the Deferred, later ones (and big ones) in
    // pool memory; whichever storage each got, the order is the order of adding.
    std::vector<int> order;
    std::array<char, 96> big{}; // a capture too large to be stored inline
    big[0] = 7;
    Deferred<int> d;
    d.addCallback([&](int v) {
        order.push_back(1);
        d.addCallback([&](int w) { // added while the first one runs
            order.push_back(3);
            return w;
        });
        return v;
    });
    d.addCallback([&order, big](int v) {
        order.push_back(2 + big[0] - 7);
        return v;
    });
    d.callback(0);
    d.addCallback([&](int v) { // added after: runs at once
        order.push_back(4);
        return v;
    });
    d.addCallback([&order, big](int v) {
        order.push_back(5 + big[0] - 7);
        return v;
    });
    CHECK(order == std::vector<int>{1, 2, 3, 4, 5});
}

TEST_CASE("a Deferred destroyed unfired destroys every step it holds", "[deferred]") {
    auto token = std::make_shared<int>(0);
    std::array<char, 96> big{};
    {
        Deferred<int> d;
        d.addCallback([token](int v) { return v; });               // stored inline
        d.addCallback([token, big](int v) { return v + big[0]; }); // pool memory
        d.addErrback([token](Failure f) { return f; });   // pool memory
        CHECK(token.use_count() == 4);
    }
    CHECK(token.use_count() == 1);
}

TEST_CASE("a callback that drops the last handle to its Deferred still completes the chain",
          "[deferred]") {
    // The common "self.d = None" inside a callback: the chain must outlive its last handle.
    std::vector<int> seen;
    auto sole = std::make_optional<Deferred<int>>();
    sole->addCallback([&](int v) {
        sole.reset();
        seen.push_back(v);
        return v + 1;
    });
    Deferred<int>* d = &*sole;
    d->callback(1); // sole's last handle goes away while its chain runs
    CHECK(seen == std::vector<int>{1});
    CHECK_FALSE(sole.has_value());
}

TEST_CASE("a Failure names its source file relative to the source tree", "[failure]") {
    // Logs must not depend on where the tree was cloned.
    Failure f(std::runtime_error("x"), "testing");
    CHECK(f.where().relativeFile() == "tests/runtime/deferred/deferred_test.cpp");
    CHECK(f.describe().find(" [at tests/runtime/deferred/deferred_test.cpp:") !=
          std::string::npos);
    SourceLocation elsewhere{"/somewhere/else/file.cpp", "f", 3};
    CHECK(elsewhere.relativeFile() == "/somewhere/else/file.cpp");
}

TEST_CASE("a callback returning a Deferred whose result was already taken fails the chain",
          "[deferred]") {
    Deferred<int> inner;
    Deferred<int> first;
    // The first chain takes inner's result: inner then carries void.
    Deferred<int> firstDone = first.addCallback([inner](int) { return inner; });
    first.callback(0);
    inner.callback(7);
    CHECK(resultOf(firstDone).value() == 7);
    // A second chain returning the same Deferred must not read an int that is not there.
    Deferred<int> second;
    std::string message;
    Deferred<int> secondDone = second.addCallback([inner](int) { return inner; })
                                   .addErrback([&message](const Failure& failure) {
                                       message = failure.what();
                                       return -1;
                                   });
    second.callback(0);
    CHECK(resultOf(secondDone).value() == -1);
    CHECK(message.find("already taken") != std::string::npos);
}
