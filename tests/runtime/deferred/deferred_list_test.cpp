#include "deferred/deferred_list.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <vector>

using namespace spider;
using spider::testing::CollectingSink;
using spider::testing::resultOf;

namespace {

std::vector<Deferred<int>> three() { return {Deferred<int>(), Deferred<int>(), Deferred<int>()}; }

} // namespace

TEST_CASE("a DeferredList fires with every outcome in input order", "[deferredlist]") {
    CollectingSink sink;
    auto ds = three();
    auto list = deferredList(ds, {.consumeErrors = true});
    ds[2].callback(3);
    ds[0].callback(1);
    CHECK_FALSE(list.called());
    ds[1].errback(std::runtime_error("two"));
    auto r = resultOf(list).value();
    REQUIRE(r.results.size() == 3);
    CHECK(r.results[0]->value() == 1);
    CHECK(r.results[1]->failure().what() == "two");
    CHECK(r.results[2]->value() == 3);
    CHECK_FALSE(r.firedBy);
    CHECK(sink.reports.empty());
}

TEST_CASE("an empty DeferredList fires at once", "[deferredlist]") {
    auto list = deferredList(std::vector<Deferred<int>>{});
    CHECK(resultOf(list).value().results.empty());
}

TEST_CASE("fireOnOneCallback fires with the first success and its index", "[deferredlist]") {
    auto ds = three();
    auto list = deferredList(ds, {.fireOnOneCallback = true, .consumeErrors = true});
    ds[0].errback(std::runtime_error("zero"));
    CHECK_FALSE(list.called());
    ds[1].callback(11);
    auto r = resultOf(list).value();
    CHECK(r.firedBy == 1u);
    CHECK(r.results[1]->value() == 11);
    CHECK(r.results[0]->failed());
    CHECK_FALSE(r.results[2].has_value());
    ds[2].callback(12); // later results are simply consumed
}

TEST_CASE("fireOnOneErrback fails with FirstError at the first failure", "[deferredlist]") {
    auto ds = three();
    auto list = deferredList(ds, {.fireOnOneErrback = true, .consumeErrors = true});
    ds[0].callback(1);
    ds[2].errback(std::invalid_argument("two"));
    auto r = resultOf(list);
    REQUIRE(r.failed());
    const FirstError& e = r.failure().trap<FirstError>();
    CHECK(e.index() == 2);
    CHECK(e.failure().check<std::invalid_argument>());
    ds[1].callback(2);
}

TEST_CASE("both fireOnOne flags: whichever comes first decides", "[deferredlist]") {
    {
        auto ds = three();
        auto list = deferredList(
            ds, {.fireOnOneCallback = true, .fireOnOneErrback = true, .consumeErrors = true});
        ds[1].callback(5);
        CHECK(resultOf(list).value().firedBy == 1u);
        ds[0].errback(std::runtime_error("late"));
        ds[2].callback(0);
    }
    {
        auto ds = three();
        auto list = deferredList(
            ds, {.fireOnOneCallback = true, .fireOnOneErrback = true, .consumeErrors = true});
        ds[2].errback(std::runtime_error("first"));
        CHECK(resultOf(list).failure().trap<FirstError>().index() == 2);
        ds[0].callback(0);
        ds[1].callback(0);
    }
}

TEST_CASE("without consumeErrors a failure stays in its Deferred and is logged", "[deferredlist]") {
    CollectingSink sink;
    {
        auto ds = three();
        auto list = deferredList(ds);
        ds[0].callback(1);
        ds[1].errback(std::runtime_error("kept"));
        ds[2].callback(3);
        CHECK(resultOf(list).value().results[1]->failed());
    }
    REQUIRE(sink.reports.size() == 1);
    CHECK(sink.reports[0].find("kept") != std::string::npos);
}

TEST_CASE("with consumeErrors the inputs' chains continue with void", "[deferredlist]") {
    CollectingSink sink;
    {
        std::vector<Deferred<int>> ds{Deferred<int>()};
        auto list = deferredList(ds, {.consumeErrors = true});
        ds[0].errback(std::runtime_error("consumed"));
        CHECK(ds[0].hasResult());
        CHECK_FALSE(ds[0].hasFailure());
        CHECK(list.called());
    }
    CHECK(sink.reports.empty());
}

TEST_CASE("cancelling a DeferredList cancels every input", "[deferredlist]") {
    auto ds = three();
    auto list = deferredList(ds, {.consumeErrors = true});
    list.cancel();
    auto r = resultOf(list).value();
    for (auto& o : r.results) {
        REQUIRE(o.has_value());
        CHECK(o->failure().check<CancelledError>());
    }
}

TEST_CASE("gatherResults gives the values in order", "[gather]") {
    auto ds = three();
    auto all = gatherResults(ds);
    ds[1].callback(2);
    ds[2].callback(3);
    ds[0].callback(1);
    CHECK(resultOf(all).value() == std::vector<int>{1, 2, 3});
}

TEST_CASE("gatherResults fails with FirstError on the first failure", "[gather]") {
    auto ds = three();
    auto all = gatherResults(ds, true);
    ds[1].errback(std::runtime_error("bad"));
    auto r = resultOf(all);
    REQUIRE(r.failed());
    CHECK(r.failure().trap<FirstError>().index() == 1);
    ds[0].callback(0);
    ds[2].callback(0);
}

TEST_CASE("race fires with the first success and cancels the others", "[race]") {
    int cancelled = 0;
    std::vector<Deferred<int>> ds;
    for (int i = 0; i < 3; ++i) {
        ds.emplace_back([&](Deferred<int>&) { ++cancelled; });
    }
    auto winner = race(ds);
    ds[1].callback(7);
    auto r = resultOf(winner).value();
    CHECK(r.index == 1);
    CHECK(r.value == 7);
    CHECK(cancelled == 2);
}

TEST_CASE("race fails with every failure when all inputs fail", "[race]") {
    auto ds = three();
    auto winner = race(ds);
    ds[0].errback(std::runtime_error("a"));
    ds[2].errback(std::runtime_error("c"));
    CHECK_FALSE(winner.called());
    ds[1].errback(std::runtime_error("b"));
    auto r = resultOf(winner);
    REQUIRE(r.failed());
    const auto& group = r.failure().trap<FailureGroup>();
    REQUIRE(group.failures().size() == 3);
    CHECK(group.failures()[1].what() == "b");
}

TEST_CASE("cancelling a race cancels every input", "[race]") {
    auto ds = three();
    auto winner = race(ds);
    winner.cancel();
    CHECK(resultOf(winner).failure().check<CancelledError>());
    for (auto& d : ds) {
        CHECK(d.called());
    }
}
