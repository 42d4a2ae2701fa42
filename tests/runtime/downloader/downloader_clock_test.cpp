// The downloader on a test Clock with a scripted transport: every timing is exact.
#include "downloader/downloader.h"

#include "engine/log.h"
#include "engine/settings.h"
#include "engine/stats.h"
#include "http/url.h"
#include "reactor/clock.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

using namespace spider;

namespace {

// Records what the downloader starts; the test decides when and how each transfer ends.
class ScriptedTransport final : public DownloadTransport {
  public:
    struct Transfer {
        TransferId id;
        Request request;
        std::function<void(HttpResult)> done;
    };
    struct Start {
        double at;
        std::string url;
    };

    explicit ScriptedTransport(Clock& clock)
        : clock_(clock) {}

    TransferId start(Request request, std::function<void(HttpResult)> done) override {
        starts.push_back({clock_.seconds(), request.url});
        TransferId id = nextId_++;
        active.push_back({id, std::move(request), std::move(done)});
        return id;
    }
    bool cancel(TransferId id) override {
        ++cancels;
        auto it = std::find_if(active.begin(), active.end(), [&](auto& t) { return t.id == id; });
        if (it == active.end()) {
            return false;
        }
        Transfer t = std::move(*it);
        active.erase(it);
        HttpFailure failure;
        failure.kind = HttpFailureKind::Cancelled;
        failure.message = "Cancelled";
        failure.url = t.request.url;
        failure.request = std::move(t.request);
        t.done(HttpResult{std::move(failure)});
        return true;
    }

    bool has(const std::string& url) const {
        return std::any_of(active.begin(), active.end(),
                           [&](auto& t) { return t.request.url == url; });
    }
    // Ends the oldest transfer of `url` with a response.
    void respond(const std::string& url, int status, std::string body = "ok",
                 HeaderList headers = {}) {
        Transfer t = take(url);
        Response response;
        response.url = t.request.url;
        response.ipAddress = ip;
        response.status = status;
        response.body = std::move(body);
        response.headers = std::move(headers);
        response.request = std::move(t.request);
        t.done(HttpResult{std::move(response)});
    }
    void fail(const std::string& url, HttpFailureKind kind) {
        Transfer t = take(url);
        HttpFailure failure;
        failure.kind = kind;
        failure.message = std::string(toString(kind)) + ": scripted, fetching " + t.request.url;
        failure.url = t.request.url;
        failure.request = std::move(t.request);
        t.done(HttpResult{std::move(failure)});
    }
    std::size_t startsOf(const std::string& url) const {
        return static_cast<std::size_t>(
            std::count_if(starts.begin(), starts.end(), [&](auto& s) { return s.url == url; }));
    }
    std::vector<double> startTimes(const std::string& url) const {
        std::vector<double> times;
        for (const auto& s : starts) {
            if (s.url == url) {
                times.push_back(s.at);
            }
        }
        return times;
    }

    // Ends the oldest transfer of `url` with a redirect to `location`.
    void redirect(const std::string& url, const std::string& location, int status = 302,
                  HeaderList extra = {}) {
        extra.emplace_back("Location", location);
        respond(url, status, "", std::move(extra));
    }
    // The request the transport got for `url` (the oldest one in flight).
    const Request& requestOf(const std::string& url) const {
        auto it = std::find_if(active.begin(), active.end(),
                               [&](auto& t) { return t.request.url == url; });
        if (it == active.end()) {
            FAIL("no transfer in flight for " << url);
        }
        return it->request;
    }

    std::vector<Transfer> active;
    std::vector<Start> starts;
    int cancels = 0;
    std::string ip; // Response::ipAddress of every response

  private:
    Transfer take(const std::string& url) {
        auto it = std::find_if(active.begin(), active.end(),
                               [&](auto& t) { return t.request.url == url; });
        if (it == active.end()) {
            FAIL("no transfer in flight for " << url);
        }
        Transfer t = std::move(*it);
        active.erase(it);
        return t;
    }

    Clock& clock_;
    TransferId nextId_ = 1;
};

// A fixed sequence of "random" numbers, repeated.
std::function<double()> sequence(std::vector<double> values) {
    auto index = std::make_shared<std::size_t>(0);
    return [values, index] { return values[(*index)++ % values.size()]; };
}

struct Fixture {
    Clock clock;
    ScriptedTransport transport{clock};
    Settings settings;
    StatsCollector stats;
    std::vector<std::string> lines;
    Logger logger{[this](std::string_view line) { lines.emplace_back(line); }};
    DownloaderOptions options;
    std::optional<Downloader> downloader;

    Fixture() {
        settings.randomize_download_delay = false;
        options.random = sequence({0.0});
    }
    Downloader& make() {
        downloader.emplace(clock, transport, settings, stats, logger, options);
        return *downloader;
    }
    // Collects the outcome of a fetch.
    struct Result {
        std::optional<Response> response;
        std::optional<Failure> failure;
        int fired = 0;
    };
    std::shared_ptr<Result> fetch(std::string url, ValueMap meta = {}) {
        auto result = std::make_shared<Result>();
        Request request;
        request.url = std::move(url);
        request.meta = std::move(meta);
        downloader->fetch(std::move(request))
            .addCallbacks(
                [result](Response r) {
                    ++result->fired;
                    result->response = std::move(r);
                },
                [result](Failure f) {
                    ++result->fired;
                    result->failure = std::move(f);
                });
        return result;
    }
    bool logged(std::string_view text) const {
        return std::any_of(lines.begin(), lines.end(),
                           [&](auto& l) { return l.find(text) != std::string::npos; });
    }
};

const std::string kA = "http://a.example/";
const std::string kB = "http://b.example/";

} // namespace

TEST_CASE("a fetched request reaches the transport and its response comes back") {
    Fixture f;
    f.make();
    auto r = f.fetch(kA + "1");
    CHECK(f.downloader->activeCount() == 1);
    REQUIRE(f.transport.has(kA + "1"));
    f.transport.respond(kA + "1", 200, "hello");
    REQUIRE(r->response);
    CHECK(r->fired == 1);
    CHECK(r->response->body == "hello");
    CHECK(r->response->request.meta.find("download_slot")->asString() == "a.example");
    CHECK(r->response->request.meta.find("download_latency") != nullptr);
    CHECK(f.downloader->activeCount() == 0);
    CHECK(f.stats.getInt("downloader/request_count") == 1);
    CHECK(f.stats.getInt("downloader/request_method_count/GET") == 1);
    CHECK(f.stats.getInt("downloader/response_count") == 1);
    CHECK(f.stats.getInt("downloader/response_status_count/200") == 1);
}

TEST_CASE("requests to one host start download_delay apart, in FIFO order") {
    Fixture f;
    f.settings.download_delay = 1.0;
    f.make();
    for (int i = 0; i < 3; ++i) {
        f.fetch(kA + std::to_string(i));
    }
    REQUIRE(f.transport.starts.size() == 1);
    f.clock.advance(0.99);
    CHECK(f.transport.starts.size() == 1);
    f.clock.advance(0.01);
    CHECK(f.transport.starts.size() == 2);
    f.clock.advance(1.0);
    REQUIRE(f.transport.starts.size() == 3);
    for (int i = 0; i < 3; ++i) {
        CHECK(f.transport.starts[static_cast<std::size_t>(i)].url == kA + std::to_string(i));
        CHECK(f.transport.starts[static_cast<std::size_t>(i)].at == Approx(i * 1.0));
    }
}

TEST_CASE("randomised delays fall between half and one and a half times download_delay") {
    SECTION("at the extremes of the random number") {
        Fixture f;
        f.settings.download_delay = 2.0;
        f.settings.randomize_download_delay = true;
        f.options.random = sequence({0.0, 0.999999, 0.5});
        f.make();
        for (int i = 0; i < 4; ++i) {
            f.fetch(kA + std::to_string(i));
        }
        f.clock.pump(std::vector<double>(100, 0.1));
        REQUIRE(f.transport.starts.size() == 4);
        CHECK(f.transport.starts[1].at - f.transport.starts[0].at == Approx(1.0).margin(0.1));
        CHECK(f.transport.starts[2].at - f.transport.starts[1].at == Approx(3.0).margin(0.1));
        CHECK(f.transport.starts[3].at - f.transport.starts[2].at == Approx(2.0).margin(0.1));
    }
    SECTION("with the default generator") {
        Fixture f;
        f.settings.download_delay = 1.0;
        f.settings.randomize_download_delay = true;
        f.settings.concurrent_requests = 100;
        f.settings.concurrent_requests_per_domain = 100;
        f.options.random = nullptr;
        f.make();
        for (int i = 0; i < 50; ++i) {
            f.fetch(kA + std::to_string(i));
        }
        f.clock.pump(std::vector<double>(8000, 0.01));
        REQUIRE(f.transport.starts.size() == 50);
        double shortest = 10;
        double longest = 0;
        for (std::size_t i = 1; i < 50; ++i) {
            double gap = f.transport.starts[i].at - f.transport.starts[i - 1].at;
            shortest = std::min(shortest, gap);
            longest = std::max(longest, gap);
        }
        CHECK(shortest >= 0.5 - 1e-9);
        CHECK(longest <= 1.5 + 0.01 + 1e-9);
        CHECK(longest - shortest > 0.2); // actually random
    }
}

TEST_CASE("a slot runs at most concurrent_requests_per_domain transfers") {
    Fixture f;
    f.settings.concurrent_requests_per_domain = 2;
    f.make();
    for (int i = 0; i < 5; ++i) {
        f.fetch(kA + std::to_string(i));
    }
    CHECK(f.transport.active.size() == 2);
    CHECK(f.downloader->transferringCount() == 2);
    f.transport.respond(kA + "0", 200);
    CHECK(f.transport.active.size() == 2);
    CHECK(f.transport.has(kA + "2"));
    CHECK(f.downloader->activeCount() == 4);
}

TEST_CASE("a slow host never holds up requests to other hosts") {
    Fixture f;
    f.settings.concurrent_requests_per_domain = 1;
    f.make();
    auto slow = f.fetch(kA + "slow");
    auto slowQueued = f.fetch(kA + "next");
    std::vector<std::shared_ptr<Fixture::Result>> others;
    for (int i = 0; i < 3; ++i) {
        others.push_back(f.fetch(kB + std::to_string(i)));
        f.transport.respond(kB + std::to_string(i), 200);
    }
    for (auto& r : others) {
        CHECK(r->response);
    }
    CHECK_FALSE(slow->fired);
    CHECK_FALSE(f.transport.has(kA + "next"));
}

TEST_CASE("the global limit caps transfers and hands capacity to waiting slots in order") {
    Fixture f;
    f.settings.concurrent_requests = 2;
    f.settings.concurrent_requests_per_domain = 8;
    f.make();
    f.fetch(kA + "1");
    f.fetch(kA + "2");
    f.fetch("http://b.example/1");
    f.fetch("http://c.example/1");
    f.fetch(kA + "3");
    CHECK(f.transport.active.size() == 2);
    CHECK(f.downloader->needsBackout());
    f.transport.respond(kA + "1", 200);
    // b asked first: it gets the freed capacity, not a's third request.
    CHECK(f.transport.has("http://b.example/1"));
    CHECK_FALSE(f.transport.has(kA + "3"));
    f.transport.respond(kA + "2", 200);
    CHECK(f.transport.has("http://c.example/1"));
    f.transport.respond("http://b.example/1", 200);
    CHECK(f.transport.has(kA + "3"));
    CHECK(f.transport.active.size() == 2);
}

TEST_CASE("needsBackout counts accepted requests but not those sleeping before a retry") {
    Fixture f;
    f.settings.concurrent_requests = 2;
    f.options.retryBackoffBase = 10;
    f.make();
    f.fetch(kA + "1");
    CHECK_FALSE(f.downloader->needsBackout());
    f.fetch(kA + "2");
    CHECK(f.downloader->needsBackout());
    f.transport.respond(kA + "1", 503);
    CHECK(f.downloader->activeCount() == 2);
    CHECK_FALSE(f.downloader->needsBackout());
}

TEST_CASE("onCapacity runs when a request finishes") {
    Fixture f;
    f.make();
    int calls = 0;
    f.downloader->onCapacity([&] { ++calls; });
    f.fetch(kA + "1");
    CHECK(calls == 0);
    f.transport.respond(kA + "1", 200);
    CHECK(calls == 1);
}

TEST_CASE("idle slots are dropped after slotIdleSeconds and busy ones are kept") {
    Fixture f;
    f.options.slotIdleSeconds = 60;
    f.make();
    f.fetch(kA + "1");
    f.fetch(kB + "1");
    f.transport.respond(kA + "1", 200);
    CHECK(f.downloader->slotCount() == 2);
    f.clock.advance(61);
    f.clock.advance(60);
    CHECK(f.downloader->slotCount() == 1); // b still transferring
    f.transport.respond(kB + "1", 200);
    f.clock.pump({60, 60, 60});
    CHECK(f.downloader->slotCount() == 0);
    CHECK(f.clock.getDelayedCalls().empty()); // no GC timer without slots
    f.fetch(kA + "2");
    CHECK(f.downloader->slotCount() == 1);
}

TEST_CASE("a retried status waits the backoff schedule, then the last response is returned") {
    Fixture f;
    f.options.retryBackoffBase = 1.0;
    f.options.random = sequence({0.0}); // the lower edge: half of base * 2^(n-1)
    f.make();
    auto r = f.fetch(kA + "x");
    f.transport.respond(kA + "x", 503, "first");
    CHECK(f.downloader->activeCount() == 1);
    f.clock.advance(0.49);
    CHECK(f.transport.startsOf(kA + "x") == 1);
    f.clock.advance(0.01);
    CHECK(f.transport.startsOf(kA + "x") == 2);
    f.transport.respond(kA + "x", 503, "second");
    f.clock.advance(0.99);
    CHECK(f.transport.startsOf(kA + "x") == 2);
    f.clock.advance(0.01);
    CHECK(f.transport.startsOf(kA + "x") == 3);
    CHECK(f.transport.active.back().request.meta.find("retry_times")->asInt() == 2);
    f.transport.respond(kA + "x", 503, "third");
    REQUIRE(r->response);
    CHECK(r->response->status == 503);
    CHECK(r->response->body == "third");
    CHECK(f.stats.getInt("retry/count") == 2);
    CHECK(f.stats.getInt("retry/reason_count/503 Service Unavailable") == 2);
    CHECK(f.stats.getInt("retry/max_reached") == 1);
    CHECK(f.stats.getInt("downloader/request_count") == 3);
    CHECK(f.logged(
        "Gave up retrying <GET http://a.example/x> (failed 3 times): 503 Service Unavailable"));
}

TEST_CASE("a retried status that then succeeds returns the success") {
    Fixture f;
    f.options.retryBackoffBase = 0.1;
    f.make();
    auto r = f.fetch(kA + "x");
    f.transport.respond(kA + "x", 500);
    f.clock.advance(1);
    f.transport.respond(kA + "x", 200, "fine");
    REQUIRE(r->response);
    CHECK(r->response->status == 200);
    CHECK(f.stats.getInt("retry/count") == 1);
    CHECK(f.stats.getInt("retry/max_reached") == 0);
}

TEST_CASE("statuses outside retry_http_codes, dont_retry and retry_enabled=false are not retried") {
    Fixture f;
    SECTION("a 404") {
        f.make();
        auto r = f.fetch(kA + "x");
        f.transport.respond(kA + "x", 404);
        REQUIRE(r->response);
        CHECK(r->response->status == 404);
    }
    SECTION("dont_retry") {
        f.make();
        auto r = f.fetch(kA + "x", ValueMap{{"dont_retry", true}});
        f.transport.respond(kA + "x", 503);
        REQUIRE(r->response);
    }
    SECTION("retry disabled") {
        f.settings.retry_enabled = false;
        f.make();
        auto r = f.fetch(kA + "x");
        f.transport.fail(kA + "x", HttpFailureKind::Timeout);
        REQUIRE(r->failure);
    }
    CHECK(f.stats.getInt("retry/count") == 0);
    CHECK(f.transport.starts.size() == 1);
}

TEST_CASE("max_retry_times in meta overrides retry_times") {
    Fixture f;
    f.options.retryBackoffBase = 0.1;
    f.make();
    auto r = f.fetch(kA + "x", ValueMap{{"max_retry_times", 4}});
    for (int i = 0; i < 5; ++i) {
        f.clock.advance(10);
        f.transport.respond(kA + "x", 502);
    }
    REQUIRE(r->response);
    CHECK(f.transport.startsOf(kA + "x") == 5);
    CHECK(f.stats.getInt("retry/count") == 4);
}

TEST_CASE("Retry-After seconds hold the retry and the whole slot") {
    Fixture f;
    f.options.retryBackoffBase = 0.1;
    f.make();
    auto r = f.fetch(kA + "x");
    f.transport.respond(kA + "x", 503, "busy", {{"Retry-After", "5"}});
    auto other = f.fetch(kA + "other");
    auto elsewhere = f.fetch(kB + "y");
    CHECK_FALSE(f.transport.has(kA + "other"));
    CHECK(f.transport.has(kB + "y"));
    f.clock.advance(4.99);
    CHECK(f.transport.startsOf(kA + "x") == 1);
    CHECK_FALSE(f.transport.has(kA + "other"));
    f.clock.advance(0.01);
    CHECK(f.transport.startsOf(kA + "x") == 2);
    CHECK(f.transport.has(kA + "other"));
    // The retried request goes first.
    CHECK(f.transport.starts[f.transport.starts.size() - 2].url == kA + "x");
}

TEST_CASE("Retry-After as an HTTP-date is measured against the wall clock") {
    Fixture f;
    f.options.retryBackoffBase = 0.1;
    // Sun, 06 Nov 1994 08:49:37 GMT minus 3 seconds.
    f.options.wallClock = [] {
        return std::chrono::system_clock::time_point(std::chrono::seconds(784111777 - 3));
    };
    f.make();
    f.fetch(kA + "x");
    f.transport.respond(kA + "x", 429, "", {{"Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"}});
    f.clock.advance(2.99);
    CHECK(f.transport.startsOf(kA + "x") == 1);
    f.clock.advance(0.01);
    CHECK(f.transport.startsOf(kA + "x") == 2);
    CHECK(f.stats.getInt("retry/reason_count/429 Unknown Status") == 1);
}

TEST_CASE("a Retry-After beyond the maximum gives up at once with the response") {
    Fixture f;
    f.options.retryAfterMax = 60;
    f.make();
    auto r = f.fetch(kA + "x");
    f.transport.respond(kA + "x", 503, "come back tomorrow", {{"Retry-After", "86400"}});
    REQUIRE(r->response);
    CHECK(r->response->status == 503);
    CHECK(f.downloader->activeCount() == 0);
    CHECK(f.stats.getInt("retry/retry_after_too_long") == 1);
    CHECK(f.stats.getInt("retry/count") == 0);
    CHECK(f.logged("Retry-After 86400 s, more than the 60 s allowed"));
}

TEST_CASE("a Retry-After on another retried status is only backoff") {
    Fixture f;
    f.options.retryBackoffBase = 1.0;
    f.make();
    f.fetch(kA + "x");
    f.transport.respond(kA + "x", 500, "", {{"Retry-After", "30"}});
    f.clock.advance(0.5);
    CHECK(f.transport.startsOf(kA + "x") == 2);
}

TEST_CASE("connection failures are retried, then fail with the client's failure") {
    Fixture f;
    f.options.retryBackoffBase = 0.1;
    f.make();
    auto r = f.fetch(kA + "x");
    for (int i = 0; i < 3; ++i) {
        f.clock.advance(10);
        f.transport.fail(kA + "x", HttpFailureKind::ConnectFailed);
    }
    REQUIRE(r->failure);
    CHECK(r->fired == 1);
    REQUIRE(r->failure->check<HttpFailureError>());
    CHECK(r->failure->check<HttpFailure>());
    CHECK(r->failure->trap<HttpFailureError>().kind == HttpFailureKind::ConnectFailed);
    CHECK(r->failure->what().find("ConnectFailed") != std::string::npos);
    CHECK(f.stats.getInt("retry/count") == 2);
    CHECK(f.stats.getInt("retry/reason_count/spider.HttpFailure.ConnectFailed") == 2);
    CHECK(f.stats.getInt("retry/max_reached") == 1);
    CHECK(f.stats.getInt("downloader/exception_count") == 3);
    CHECK(f.stats.getInt("downloader/exception_type_count/spider.HttpFailure.ConnectFailed") == 3);
}

TEST_CASE("deterministic failures are not retried") {
    Fixture f;
    f.make();
    auto r = f.fetch(kA + "x");
    f.transport.fail(kA + "x", HttpFailureKind::TooLarge);
    REQUIRE(r->failure);
    CHECK(r->failure->trap<HttpFailureError>().kind == HttpFailureKind::TooLarge);
    CHECK(f.transport.starts.size() == 1);
    CHECK(f.stats.getInt("retry/max_reached") == 0);
}

TEST_CASE("cancelling a queued request removes it without a transfer") {
    Fixture f;
    f.settings.concurrent_requests_per_domain = 1;
    f.make();
    f.fetch(kA + "1");
    Request request;
    request.url = kA + "2";
    auto d = f.downloader->fetch(request);
    int failures = 0;
    d.addCallbacks([](Response) {},
                   [&](Failure failure) {
                       ++failures;
                       CHECK(failure.check<CancelledError>());
                       CHECK(failure.what().find(kA + "2") != std::string::npos);
                   });
    d.cancel();
    d.cancel();
    CHECK(failures == 1);
    CHECK(f.downloader->activeCount() == 1);
    f.transport.respond(kA + "1", 200);
    CHECK(f.transport.startsOf(kA + "2") == 0);
    CHECK(f.downloader->activeCount() == 0);
}

TEST_CASE("cancelling a transfer aborts it once and frees its capacity") {
    Fixture f;
    f.settings.concurrent_requests_per_domain = 1;
    f.make();
    Request request;
    request.url = kA + "1";
    auto d = f.downloader->fetch(request);
    auto next = f.fetch(kA + "2");
    int failures = 0;
    d.addCallbacks([](Response) {},
                   [&](Failure failure) {
                       ++failures;
                       CHECK(failure.check<CancelledError>());
                   });
    d.cancel();
    CHECK(failures == 1);
    CHECK(f.transport.cancels == 1);
    CHECK(f.transport.has(kA + "2")); // the slot's capacity went to the next request
    CHECK(f.downloader->transferringCount() == 1);
    d.cancel();
    CHECK(f.transport.cancels == 1);
    f.transport.respond(kA + "2", 200);
    CHECK(next->response);
    CHECK(f.downloader->activeCount() == 0);
    CHECK(f.downloader->transferringCount() == 0);
}

TEST_CASE("cancelling a request waiting to retry stops the retry") {
    Fixture f;
    f.options.retryBackoffBase = 1;
    f.make();
    Request request;
    request.url = kA + "1";
    auto d = f.downloader->fetch(request);
    f.transport.respond(kA + "1", 503);
    d.cancel();
    CHECK(d.hasFailure());
    d.addCallbacks([](Response) {}, [](Failure) {});
    f.clock.advance(100);
    CHECK(f.transport.startsOf(kA + "1") == 1);
    CHECK(f.downloader->activeCount() == 0);
}

TEST_CASE("cancelAll cancels queued, waiting and transferring requests") {
    Fixture f;
    f.settings.concurrent_requests_per_domain = 1;
    f.options.retryBackoffBase = 1;
    f.make();
    auto a = f.fetch(kA + "1");
    auto b = f.fetch(kA + "2");
    auto c = f.fetch(kB + "1");
    f.transport.respond(kB + "1", 503);
    f.downloader->cancelAll();
    for (auto& r : {a, b, c}) {
        CHECK(r->fired == 1);
        REQUIRE(r->failure);
        CHECK(r->failure->check<CancelledError>());
    }
    CHECK(f.downloader->activeCount() == 0);
    CHECK(f.downloader->transferringCount() == 0);
    CHECK(f.transport.active.empty());
    f.clock.advance(100);
    CHECK(f.transport.starts.size() == 3);
}

TEST_CASE("a downloader destroyed with requests pending leaves nothing running") {
    Fixture f;
    f.make();
    Request request;
    request.url = kA + "1";
    auto d = f.downloader->fetch(request);
    f.fetch(kB + "1");
    f.downloader.reset();
    CHECK(f.transport.active.empty());
    CHECK_FALSE(d.called());
    d.cancel(); // the canceller outlives the downloader harmlessly
    CHECK(d.hasFailure());
    d.addCallbacks([](Response) {}, [](Failure) {});
}

TEST_CASE("a callback may fetch again or cancel everything from inside a result") {
    Fixture f;
    f.make();
    std::shared_ptr<Fixture::Result> second;
    Request request;
    request.url = kA + "1";
    f.downloader->fetch(request).addCallback([&](Response) { second = f.fetch(kA + "2"); });
    f.transport.respond(kA + "1", 200);
    REQUIRE(second);
    CHECK(f.transport.has(kA + "2"));
    request.url = kA + "3";
    f.downloader->fetch(request).addCallback([&](Response) { f.downloader->cancelAll(); });
    f.transport.respond(kA + "3", 200);
    CHECK(second->failure);
    CHECK(f.downloader->activeCount() == 0);
}

TEST_CASE("AutoThrottle sets a slot's delay from the latency of its responses") {
    Fixture f;
    f.settings.autothrottle_enabled = true;
    f.settings.autothrottle_start_delay = 2.0;
    f.settings.autothrottle_target_concurrency = 1.0;
    f.make();
    f.fetch(kA + "1");
    CHECK(f.downloader->slotDelay("a.example") == 2.0);
    f.clock.advance(0.5);
    f.transport.respond(kA + "1", 200);
    // (2 + 0.5) / 2
    CHECK(f.downloader->slotDelay("a.example") == Approx(1.25));
    // The next start is 1.25 s after the last one (at 0), not after the response.
    f.fetch(kA + "2");
    f.clock.advance(0.74);
    CHECK(f.transport.startsOf(kA + "2") == 0);
    f.clock.advance(0.01);
    CHECK(f.transport.startsOf(kA + "2") == 1);
    f.clock.advance(0.1);
    f.transport.respond(kA + "2", 500); // fast error pages never speed things up
    CHECK(f.downloader->slotDelay("a.example") == Approx(1.25));
}

TEST_CASE("an explicit download_slot groups requests to different hosts") {
    Fixture f;
    f.settings.concurrent_requests_per_domain = 1;
    f.make();
    f.fetch(kA + "1", ValueMap{{"download_slot", "shared"}});
    f.fetch(kB + "1", ValueMap{{"download_slot", "shared"}});
    CHECK(f.transport.active.size() == 1);
    CHECK(f.downloader->slotDelay("shared") == 0);
}

// ---- robots.txt ---------------------------------------------------------------------------

TEST_CASE("robots.txt is fetched once per origin while the first requests wait for it") {
    Fixture f;
    f.settings.robotstxt_obey = true;
    f.make();
    auto a = f.fetch(kA + "public");
    auto b = f.fetch(kA + "private/x");
    auto c = f.fetch(kA + "other");
    REQUIRE(f.transport.starts.size() == 1);
    CHECK(f.transport.starts[0].url == kA + "robots.txt");
    CHECK(f.downloader->activeCount() == 4);
    f.transport.respond(kA + "robots.txt", 200, "User-agent: *\nDisallow: /private/\n");
    CHECK(f.transport.has(kA + "public"));
    CHECK(f.transport.has(kA + "other"));
    REQUIRE(b->failure);
    CHECK(b->failure->check<ForbiddenByRobots>());
    CHECK(f.stats.getInt("robotstxt/forbidden") == 1);
    CHECK(f.stats.getInt("robotstxt/request_count") == 1);
    CHECK(f.stats.getInt("robotstxt/response_count") == 1);
    CHECK(f.stats.getInt("robotstxt/response_status_count/200") == 1);
    // Later requests use the cached rules at once.
    auto d = f.fetch(kA + "private/y");
    CHECK(d->failure);
    f.fetch(kA + "z");
    CHECK(f.transport.startsOf(kA + "robots.txt") == 1);
    // Another origin on the same host (another port) has its own robots.txt.
    f.fetch("http://a.example:8080/x");
    CHECK(f.transport.has("http://a.example:8080/robots.txt"));
}

TEST_CASE("dont_obey_robotstxt skips the check and robots is off by default") {
    SECTION("off") {
        Fixture f;
        f.make();
        f.fetch(kA + "private/x");
        CHECK(f.transport.starts.size() == 1);
    }
    SECTION("meta") {
        Fixture f;
        f.settings.robotstxt_obey = true;
        f.make();
        f.fetch(kA + "x", ValueMap{{"dont_obey_robotstxt", true}});
        CHECK(f.transport.starts.size() == 1);
        CHECK(f.transport.starts[0].url == kA + "x");
    }
}

TEST_CASE("a missing, failing or undecodable robots.txt allows everything") {
    Fixture f;
    f.settings.robotstxt_obey = true;
    f.options.retryBackoffBase = 0.1;
    f.make();
    SECTION("404") {
        auto r = f.fetch(kA + "private/x");
        f.transport.respond(kA + "robots.txt", 404, "User-agent: *\nDisallow: /\n");
        CHECK(f.transport.has(kA + "private/x"));
        CHECK(f.stats.getInt("robotstxt/response_status_count/404") == 1);
    }
    SECTION("500, after retries") {
        f.fetch(kA + "private/x");
        for (int i = 0; i < 3; ++i) {
            f.clock.advance(1);
            f.transport.respond(kA + "robots.txt", 500, "User-agent: *\nDisallow: /\n");
        }
        CHECK(f.transport.has(kA + "private/x"));
        CHECK(f.stats.getInt("retry/count") == 2);
    }
    SECTION("unreachable") {
        f.fetch(kA + "private/x");
        for (int i = 0; i < 3; ++i) {
            f.clock.advance(1);
            f.transport.fail(kA + "robots.txt", HttpFailureKind::ConnectFailed);
        }
        CHECK(f.transport.has(kA + "private/x"));
        CHECK(f.stats.getInt("robotstxt/exception_count/spider.HttpFailure.ConnectFailed") == 1);
        CHECK(f.logged("Error downloading <GET http://a.example/robots.txt>"));
    }
    SECTION("not UTF-8") {
        f.fetch(kA + "private/x");
        f.transport.respond(kA + "robots.txt", 200, "User-agent: *\nDisallow: /\xff\n");
        CHECK(f.transport.has(kA + "private/x"));
        CHECK(f.logged("not UTF-8"));
    }
}

TEST_CASE("robots.txt Crawl-delay spaces the slot's requests and is never randomised below") {
    Fixture f;
    f.settings.robotstxt_obey = true;
    f.settings.download_delay = 0.5;
    f.settings.randomize_download_delay = true;
    f.options.random = sequence({0.0}); // download_delay alone would give 0.25 s
    f.make();
    for (int i = 0; i < 3; ++i) {
        f.fetch(kA + std::to_string(i));
    }
    f.transport.respond(kA + "robots.txt", 200, "User-agent: *\nCrawl-delay: 2\n");
    CHECK(f.downloader->slotCrawlDelay("a.example") == 2.0);
    for (int step = 0; step < 100; ++step) {
        f.clock.advance(0.1);
        for (int i = 0; i < 3; ++i) {
            if (f.transport.has(kA + std::to_string(i))) {
                f.transport.respond(kA + std::to_string(i), 200);
            }
        }
    }
    std::vector<double> times;
    for (const auto& s : f.transport.starts) {
        times.push_back(s.at);
    }
    REQUIRE(times.size() == 4);
    for (std::size_t i = 1; i < times.size(); ++i) {
        CHECK(times[i] - times[i - 1] >= 2.0 - 1e-9);
        CHECK(times[i] - times[i - 1] <= 2.1 + 1e-9);
    }
}

TEST_CASE("the request's User-Agent header picks the robots.txt group") {
    Fixture f;
    f.settings.robotstxt_obey = true;
    f.make();
    Request request;
    request.url = kA + "x";
    request.headers = {{"User-Agent", "Googlebot/2.1"}};
    bool forbidden = false;
    f.downloader->fetch(request).addCallbacks(
        [](Response) {}, [&](Failure failure) { forbidden = failure.check<ForbiddenByRobots>(); });
    auto scrapy = f.fetch(kA + "x2");
    f.transport.respond(kA + "robots.txt", 200, "User-agent: googlebot\nDisallow: /x\n");
    CHECK(forbidden);
    CHECK(f.transport.has(kA + "x2"));
}

TEST_CASE("cancelling a request waiting for robots.txt leaves the fetch to the others") {
    Fixture f;
    f.settings.robotstxt_obey = true;
    f.make();
    Request request;
    request.url = kA + "1";
    auto d = f.downloader->fetch(request);
    auto other = f.fetch(kA + "2");
    d.cancel();
    d.addCallbacks([](Response) {}, [](Failure) {});
    CHECK(f.downloader->activeCount() == 2); // robots.txt and the other
    f.transport.respond(kA + "robots.txt", 200, "");
    CHECK(f.transport.startsOf(kA + "1") == 0);
    CHECK(f.transport.has(kA + "2"));
}

TEST_CASE("after cancelAll, robots.txt is fetched again for the next request") {
    Fixture f;
    f.settings.robotstxt_obey = true;
    f.make();
    auto r = f.fetch(kA + "1");
    f.downloader->cancelAll();
    CHECK(r->failure);
    CHECK(f.downloader->activeCount() == 0);
    f.fetch(kA + "2");
    CHECK(f.transport.startsOf(kA + "robots.txt") == 2);
}

TEST_CASE("a retry sends the same method, headers and body again") {
    Fixture f;
    f.options.retryBackoffBase = 0.1;
    f.make();
    Request request;
    request.url = kA + "form";
    request.method = "POST";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = "user=demo";
    f.downloader->fetch(request).addCallbacks([](Response) {}, [](Failure) {});
    f.transport.respond(kA + "form", 503);
    f.clock.advance(1);
    REQUIRE(f.transport.active.size() == 1);
    const Request& again = f.transport.active[0].request;
    CHECK(again.method == "POST");
    CHECK(again.body == "user=demo");
    CHECK(again.headers == request.headers);
    CHECK(f.stats.getInt("downloader/request_method_count/POST") == 2);
}

TEST_CASE("a URL without an origin skips robots.txt and goes to the transport") {
    Fixture f;
    f.settings.robotstxt_obey = true;
    f.make();
    auto r = f.fetch("not a url");
    REQUIRE(f.transport.starts.size() == 1);
    CHECK(f.transport.starts[0].url == "not a url");
    f.transport.fail("not a url", HttpFailureKind::BadUrl);
    REQUIRE(r->failure);
    CHECK(r->failure->trap<HttpFailureError>().kind == HttpFailureKind::BadUrl);
}

TEST_CASE("a downloader destroyed from one of its own callbacks stops cleanly") {
    Fixture f;
    f.settings.robotstxt_obey = true;
    f.make();
    Request request;
    request.url = kA + "private/x";
    f.downloader->fetch(request).addCallbacks([](Response) {},
                                              [&](Failure) { f.downloader.reset(); });
    auto other = f.fetch(kA + "public");
    f.transport.respond(kA + "robots.txt", 200, "User-agent: *\nDisallow: /private/\n");
    CHECK_FALSE(f.downloader.has_value());
    CHECK_FALSE(other->fired);
    CHECK(f.transport.active.empty());
}

TEST_CASE("cancelling the last request of a slot waiting for global capacity leaks nothing") {
    Fixture f;
    f.settings.concurrent_requests = 1;
    f.make();
    f.fetch(kA + "1");
    Request request;
    request.url = kB + "1";
    auto d = f.downloader->fetch(request);
    auto c = f.fetch("http://c.example/1");
    d.cancel();
    d.addCallbacks([](Response) {}, [](Failure) {});
    f.transport.respond(kA + "1", 200);
    CHECK(f.transport.has("http://c.example/1"));
    CHECK(f.downloader->transferringCount() == 1);
    f.transport.respond("http://c.example/1", 200);
    CHECK(c->response);
    CHECK(f.downloader->activeCount() == 0);
    CHECK(f.downloader->transferringCount() == 0);
}

TEST_CASE("without options the first retry waits the documented default of 0.25 to 0.5 s") {
    Fixture f;
    f.options.random = sequence({0.0});
    f.make();
    f.fetch(kA + "x");
    f.transport.respond(kA + "x", 503);
    f.clock.advance(0.249);
    CHECK(f.transport.startsOf(kA + "x") == 1);
    f.clock.advance(0.001);
    CHECK(f.transport.startsOf(kA + "x") == 2);
}

// ---- redirects, one hop at a time ----------------------------------------------------------

TEST_CASE("the downloader follows a redirect itself and the response keeps the chain") {
    Fixture f;
    f.make();
    auto r = f.fetch(kA + "start", ValueMap{{"mine", Value(1)}});
    REQUIRE(f.transport.has(kA + "start"));
    CHECK_FALSE(f.transport.requestOf(kA + "start").followRedirects);
    f.transport.redirect(kA + "start", "/next");
    REQUIRE(f.transport.has(kA + "next"));
    f.transport.redirect(kA + "next", "http://a.example/final", 301);
    f.transport.respond(kA + "final", 200, "done");
    REQUIRE(r->response);
    CHECK(r->fired == 1);
    CHECK(r->response->url == kA + "final");
    CHECK(r->response->body == "done");
    CHECK(r->response->redirectUrls == std::vector<std::string>{kA + "start", kA + "next"});
    // The request fetch() got, with the last hop's meta.
    const Request& request = r->response->request;
    CHECK(request.url == kA + "start");
    CHECK(request.followRedirects);
    CHECK(request.meta.find("mine")->asInt() == 1);
    CHECK(request.meta.find("redirect_times")->asInt() == 2);
    CHECK(request.meta.find("redirect_urls")->asList().size() == 2);
    CHECK(request.meta.find("redirect_reasons")->asList()[1].asInt() == 301);
    // Every hop is a request of its own in the stats.
    CHECK(f.stats.getInt("downloader/request_count") == 3);
    CHECK(f.stats.getInt("downloader/response_status_count/302") == 1);
    CHECK(f.stats.getInt("downloader/response_status_count/301") == 1);
    CHECK(f.downloader->activeCount() == 0);
}

TEST_CASE("a redirect to another host goes through that host's slot and delay") {
    Fixture f;
    f.settings.download_delay = 5.0;
    f.make();
    f.fetch(kA + "1");
    f.fetch(kA + "2");
    auto r = f.fetch(kB + "1");
    REQUIRE(f.transport.starts.size() == 2); // a/1 and b/1; a/2 waits for a's delay
    f.clock.advance(1.0);
    f.transport.redirect(kA + "1", kB + "moved");
    // b's slot started b/1 a second ago: the hop waits for b's delay, not a's.
    CHECK_FALSE(f.transport.has(kB + "moved"));
    CHECK(f.downloader->slotCount() == 2);
    f.clock.advance(3.9);
    CHECK_FALSE(f.transport.has(kB + "moved"));
    f.clock.advance(0.1);
    REQUIRE(f.transport.has(kB + "moved"));
    CHECK(f.transport.requestOf(kB + "moved").meta.find("download_slot")->asString() ==
          "b.example");
    (void)r;
}

TEST_CASE("a download_slot set by the caller is kept by every hop") {
    Fixture f;
    f.make();
    f.fetch(kA + "1", ValueMap{{"download_slot", Value("mine")}});
    f.transport.redirect(kA + "1", kB + "2");
    REQUIRE(f.transport.has(kB + "2"));
    CHECK(f.transport.requestOf(kB + "2").meta.find("download_slot")->asString() == "mine");
    CHECK(f.downloader->slotDelay("b.example") == -1);
}

TEST_CASE("each redirect hop is checked against robots.txt") {
    Fixture f;
    f.settings.robotstxt_obey = true;
    f.make();
    auto r = f.fetch(kA + "page");
    f.transport.respond(kA + "robots.txt", 404);
    f.transport.redirect(kA + "page", kB + "private/x");
    REQUIRE(f.transport.has(kB + "robots.txt"));
    f.transport.respond(kB + "robots.txt", 200, "User-agent: *\nDisallow: /private/\n");
    CHECK(f.transport.startsOf(kB + "private/x") == 0);
    REQUIRE(r->failure);
    CHECK(r->failure->check<ForbiddenByRobots>());
    CHECK(r->failure->check<IgnoreRequest>());
    CHECK(f.stats.getInt("robotstxt/forbidden") == 1);
    CHECK(f.downloader->activeCount() == 0);
}

TEST_CASE("the redirect filter drops an offsite hop with IgnoreRequest") {
    Fixture f;
    f.make();
    std::vector<std::string> asked;
    f.downloader->setRedirectFilter([&](const Request& hop) {
        asked.push_back(hop.url);
        return hostOf(hop.url) == "a.example";
    });
    auto inside = f.fetch(kA + "1");
    auto outside = f.fetch(kA + "2");
    f.transport.redirect(kA + "1", kA + "3");
    f.transport.redirect(kA + "2", kB + "elsewhere");
    CHECK(asked == std::vector<std::string>{kA + "3", kB + "elsewhere"});
    CHECK(f.transport.has(kA + "3"));
    CHECK(f.transport.startsOf(kB + "elsewhere") == 0);
    REQUIRE(outside->failure);
    CHECK(outside->failure->check<IgnoreRequest>());
    CHECK(std::string(outside->failure->what()).find("Filtered offsite redirect to 'b.example'") !=
          std::string::npos);
    CHECK(f.stats.getInt("redirect/filtered") == 1);
    CHECK_FALSE(inside->fired);

    SECTION("a dont_filter request's hops are not asked about") {
        Request request;
        request.url = kA + "4";
        request.dontFilter = true;
        f.downloader->fetch(std::move(request));
        f.transport.redirect(kA + "4", kB + "free");
        CHECK(f.transport.has(kB + "free"));
        CHECK(asked.size() == 2);
    }
}

TEST_CASE("a POST redirected by 301, 302 or 303 continues as a GET without body or Content "
          "headers, and by 307 or 308 stays a POST") {
    auto post = [](Fixture& f, const std::string& url) {
        Request request;
        request.url = url;
        request.method = "POST";
        request.body = "a=1";
        request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                           {"Content-Length", "3"},
                           {"X-Keep", "yes"}};
        f.downloader->fetch(std::move(request));
    };
    for (int status : {301, 302, 303}) {
        INFO(status);
        Fixture f;
        f.make();
        post(f, kA + "form");
        f.transport.redirect(kA + "form", "/done", status);
        const Request& hop = f.transport.requestOf(kA + "done");
        CHECK(hop.method == "GET");
        CHECK(hop.body.empty());
        CHECK_FALSE(findHeader(hop.headers, "Content-Type"));
        CHECK_FALSE(findHeader(hop.headers, "Content-Length"));
        CHECK(findHeader(hop.headers, "X-Keep"));
    }
    for (int status : {307, 308}) {
        INFO(status);
        Fixture f;
        f.make();
        post(f, kA + "form");
        f.transport.redirect(kA + "form", "/done", status);
        const Request& hop = f.transport.requestOf(kA + "done");
        CHECK(hop.method == "POST");
        CHECK(hop.body == "a=1");
        CHECK(findHeader(hop.headers, "Content-Type"));
    }
    SECTION("a HEAD stays a HEAD on a 303") {
        Fixture f;
        f.make();
        Request request;
        request.url = kA + "h";
        request.method = "HEAD";
        f.downloader->fetch(std::move(request));
        f.transport.redirect(kA + "h", "/h2", 303);
        CHECK(f.transport.requestOf(kA + "h2").method == "HEAD");
    }
}

TEST_CASE("Cookie and Authorization headers do not follow a redirect to another host") {
    Fixture f;
    f.make();
    Request request;
    request.url = kA + "1";
    request.headers = {{"Cookie", "s=1"}, {"Authorization", "Basic eDp5"}, {"X-Other", "1"}};
    f.downloader->fetch(std::move(request));
    f.transport.redirect(kA + "1", kA + "2");
    const Request& same = f.transport.requestOf(kA + "2");
    CHECK(findHeader(same.headers, "Cookie"));
    CHECK(findHeader(same.headers, "Authorization"));
    f.transport.redirect(kA + "2", "https://a.example/3");
    const Request& https = f.transport.requestOf("https://a.example/3");
    CHECK(findHeader(https.headers, "Cookie"));
    CHECK_FALSE(findHeader(https.headers, "Authorization"));
    f.transport.redirect("https://a.example/3", kB + "4");
    const Request& other = f.transport.requestOf(kB + "4");
    CHECK_FALSE(findHeader(other.headers, "Cookie"));
    CHECK(findHeader(other.headers, "X-Other"));
}

TEST_CASE("a redirect from https to http drops the Referer, unless referer_enabled is off") {
    for (bool enabled : {true, false}) {
        INFO(enabled);
        Fixture f;
        f.settings.referer_enabled = enabled;
        f.make();
        Request request;
        request.url = "https://a.example/1";
        request.headers = {{"Referer", "https://a.example/page#top"}};
        f.downloader->fetch(std::move(request));
        f.transport.redirect("https://a.example/1", "https://a.example/2");
        CHECK(findHeader(f.transport.requestOf("https://a.example/2").headers, "Referer") ==
              std::optional<std::string_view>(enabled ? "https://a.example/page"
                                                      : "https://a.example/page#top"));
        f.transport.redirect("https://a.example/2", kB + "3");
        CHECK(findHeader(f.transport.requestOf(kB + "3").headers, "Referer").has_value() ==
              !enabled);
    }
}

TEST_CASE("redirects end with TooManyRedirects after redirect_max_times or on a loop") {
    SECTION("the limit") {
        Fixture f;
        f.settings.redirect_max_times = 3;
        f.make();
        auto r = f.fetch(kA + "0");
        for (int i = 0; i < 3; ++i) {
            f.transport.redirect(kA + std::to_string(i), kA + std::to_string(i + 1));
        }
        REQUIRE_FALSE(r->fired);
        f.transport.redirect(kA + "3", kA + "4");
        REQUIRE(r->failure);
        REQUIRE(r->failure->check<HttpFailureError>());
        CHECK(r->failure->trap<HttpFailureError>().kind == HttpFailureKind::TooManyRedirects);
        CHECK(f.transport.startsOf(kA + "4") == 0);
        CHECK(f.stats.getInt("downloader/exception_type_count/spider.HttpFailure.TooManyRedirects") ==
              1);
        CHECK(f.stats.getInt("retry/count") == 0);
    }
    SECTION("a loop") {
        Fixture f;
        f.make();
        auto r = f.fetch(kA + "x");
        f.transport.redirect(kA + "x", kA + "y");
        f.transport.redirect(kA + "y", kA + "x");
        f.transport.redirect(kA + "x", kA + "y");
        f.transport.redirect(kA + "y", kA + "x");
        REQUIRE_FALSE(r->fired);
        f.transport.redirect(kA + "x", kA + "y");
        REQUIRE(r->failure);
        CHECK(std::string(r->failure->what()).find("redirect loop") != std::string::npos);
        CHECK(f.transport.startsOf(kA + "x") == 3);
    }
}

TEST_CASE("a redirect to a scheme other than http(s) fails with BadScheme and is not retried") {
    Fixture f;
    f.make();
    auto r = f.fetch(kA + "1");
    f.transport.redirect(kA + "1", "ftp://a.example/file");
    REQUIRE(r->failure);
    REQUIRE(r->failure->check<HttpFailureError>());
    const auto& failure = r->failure->trap<HttpFailureError>();
    CHECK(failure.kind == HttpFailureKind::BadScheme);
    CHECK(std::string(failure.what()).find("ftp://a.example/file") != std::string::npos);
    CHECK(std::string(failure.what()).find("unsupported scheme 'ftp'") != std::string::npos);
    CHECK(f.transport.starts.size() == 1);
}

TEST_CASE("a redirect is returned as it is when the request asks for it") {
    for (std::string key : {"dont_redirect", "handle_httpstatus_list", "handle_httpstatus_all",
                            "followRedirects", "redirect_enabled", "no Location"}) {
        INFO(key);
        Fixture f;
        if (key == "redirect_enabled") {
            f.settings.redirect_enabled = false;
        }
        f.make();
        Request request;
        request.url = kA + "1";
        if (key == "dont_redirect" || key == "handle_httpstatus_all") {
            request.meta.set(key, true);
        } else if (key == "handle_httpstatus_list") {
            request.meta.set(key, Value(ValueList{Value(302)}));
        } else if (key == "followRedirects") {
            request.followRedirects = false;
        }
        std::optional<Response> got;
        f.downloader->fetch(std::move(request))
            .addCallbacks([&](Response r) { got = std::move(r); }, [](Failure) {});
        if (key == "no Location") {
            f.transport.respond(kA + "1", 302);
        } else {
            f.transport.redirect(kA + "1", kA + "2");
        }
        REQUIRE(got);
        CHECK(got->status == 302);
        CHECK(got->redirectUrls.empty());
        CHECK(f.transport.startsOf(kA + "2") == 0);
    }
}

TEST_CASE("a failed redirect hop is retried with the request's remaining retries") {
    Fixture f;
    f.settings.retry_times = 1;
    f.make();
    auto r = f.fetch(kA + "1");
    f.transport.redirect(kA + "1", kA + "2");
    f.transport.fail(kA + "2", HttpFailureKind::ConnectionLost);
    f.clock.advance(10);
    REQUIRE(f.transport.has(kA + "2"));
    f.transport.respond(kA + "2", 200, "ok");
    REQUIRE(r->response);
    CHECK(r->response->redirectUrls == std::vector<std::string>{kA + "1"});
    CHECK(f.stats.getInt("retry/count") == 1);
}

TEST_CASE("with concurrent_requests_per_ip slots are keyed by the address a host answered from") {
    Fixture f;
    f.settings.concurrent_requests_per_ip = 1;
    f.settings.concurrent_requests_per_domain = 8;
    f.make();
    f.transport.ip = "10.0.0.1";
    f.fetch(kA + "1");
    f.fetch(kA + "2");
    // Until a host has answered, its name is the key; the limit is per_ip.
    CHECK(f.transport.starts.size() == 1);
    f.transport.respond(kA + "1", 200);
    REQUIRE(f.transport.has(kA + "2"));
    f.transport.respond(kA + "2", 200);
    // Both names now resolve to one address: one slot, one transfer at a time.
    f.fetch(kA + "3");
    f.fetch(kB + "1");
    f.transport.respond(kA + "3", 200);
    f.transport.respond(kB + "1", 200);
    f.fetch(kA + "4");
    f.fetch(kB + "2");
    CHECK(f.transport.active.size() == 1);
    CHECK(f.transport.requestOf(kA + "4").meta.find("download_slot")->asString() == "10.0.0.1");
    f.transport.respond(kA + "4", 200);
    CHECK(f.transport.has(kB + "2"));
}
