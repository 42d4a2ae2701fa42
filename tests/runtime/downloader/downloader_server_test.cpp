// The downloader with the real Reactor and HttpClient against tests/fixtures/server.py.
#include "downloader/downloader.h"

#include "engine/log.h"
#include "engine/settings.h"
#include "engine/stats.h"
#include "fixtures/fixture_server.h"
#include "http/client.h"
#include "reactor/reactor.h"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace spider;
using spider::testing::FixtureServer;
using spider::testing::FixtureServerOptions;

namespace {

struct Result {
    std::optional<Response> response;
    std::optional<Failure> failure;
    double doneAt = 0;
    bool done() const { return response || failure; }
};

struct Crawl {
    Reactor reactor;
    HttpClient client{reactor};
    Settings settings;
    StatsCollector stats;
    Logger logger{[](std::string_view) {}};
    DownloaderOptions options;
    std::optional<Downloader> downloader;

    Crawl() {
        settings.randomize_download_delay = false;
        options.retryBackoffBase = 0.05;
        options.retryBackoffMax = 0.2;
    }
    Downloader& make() {
        downloader.emplace(reactor, client, settings, stats, logger, options);
        return *downloader;
    }
    std::shared_ptr<Result> fetch(std::string url, ValueMap meta = {}) {
        auto result = std::make_shared<Result>();
        Request request;
        request.url = std::move(url);
        request.meta = std::move(meta);
        Reactor* r = &reactor;
        downloader->fetch(std::move(request))
            .addCallbacks(
                [result, r](Response response) {
                    result->response = std::move(response);
                    result->doneAt = r->seconds();
                },
                [result, r](Failure failure) {
                    result->failure = std::move(failure);
                    result->doneAt = r->seconds();
                });
        return result;
    }
    // Runs the reactor until `done` or `timeout` seconds; calls `each` every iteration.
    bool runUntil(const std::function<bool()>& done, double timeout = 10,
                  const std::function<void()>& each = {}) {
        double deadline = reactor.seconds() + timeout;
        while (!done()) {
            if (reactor.seconds() > deadline) {
                return false;
            }
            reactor.iterate(0.005);
            if (each) {
                each();
            }
        }
        return true;
    }
    bool runAll(const std::vector<std::shared_ptr<Result>>& results, double timeout = 10) {
        return runUntil(
            [&] {
                return std::all_of(results.begin(), results.end(),
                                   [](auto& r) { return r->done(); });
            },
            timeout);
    }
};

// A 127.0.0.1 port nobody listens on (bound, then closed).
int closedPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

} // namespace

TEST_CASE("the per-domain concurrency limit holds against a real server") {
    FixtureServer server;
    Crawl crawl;
    crawl.settings.concurrent_requests_per_domain = 2;
    crawl.make();
    double start = crawl.reactor.seconds();
    std::vector<std::shared_ptr<Result>> results;
    for (int i = 0; i < 6; ++i) {
        results.push_back(
            crawl.fetch(server.url("/slow-first-byte?delay=0.15&i=" + std::to_string(i))));
    }
    std::size_t most = 0;
    REQUIRE(crawl.runUntil(
        [&] {
            return std::all_of(results.begin(), results.end(), [](auto& r) { return r->done(); });
        },
        10, [&] { most = std::max(most, crawl.downloader->transferringCount()); }));
    for (auto& r : results) {
        REQUIRE(r->response);
        CHECK(r->response->status == 200);
    }
    CHECK(most == 2);
    // Three waves of two.
    CHECK(crawl.reactor.seconds() - start >= 0.45);
    CHECK(server.hits("/slow-first-byte") == 6);
}

TEST_CASE("download_delay spaces requests to a real server") {
    FixtureServer server;
    Crawl crawl;
    crawl.settings.download_delay = 0.15;
    crawl.make();
    double start = crawl.reactor.seconds();
    std::vector<std::shared_ptr<Result>> results;
    for (int i = 0; i < 4; ++i) {
        results.push_back(crawl.fetch(server.url("/echo?i=" + std::to_string(i))));
    }
    REQUIRE(crawl.runAll(results));
    for (std::size_t i = 1; i < results.size(); ++i) {
        CHECK(results[i]->doneAt - results[i - 1]->doneAt >= 0.1);
    }
    CHECK(results.back()->doneAt - start >= 0.45);
}

TEST_CASE("a slow host does not delay another host on the same server") {
    FixtureServer server;
    Crawl crawl;
    crawl.settings.concurrent_requests_per_domain = 1;
    crawl.make();
    std::string fast = "http://localhost:" + std::to_string(server.port()) + "/echo";
    auto slow = crawl.fetch(server.url("/slow-first-byte?delay=0.8"));
    auto queued = crawl.fetch(server.url("/echo?queued"));
    auto other = crawl.fetch(fast);
    REQUIRE(crawl.runAll({other}));
    CHECK(other->response);
    CHECK_FALSE(slow->done());
    CHECK_FALSE(queued->done());
    REQUIRE(crawl.runAll({slow, queued}));
    CHECK(queued->doneAt >= slow->doneAt);
}

TEST_CASE("a flaky endpoint is retried to success with exactly the needed hits") {
    FixtureServer server;
    Crawl crawl;
    crawl.make();
    auto r = crawl.fetch(server.url("/flaky?fail=2&key=downloader-flaky"));
    REQUIRE(crawl.runAll({r}));
    REQUIRE(r->response);
    CHECK(r->response->status == 200);
    CHECK(r->response->body.find("ok after 2 failures") != std::string::npos);
    CHECK(r->response->request.meta.find("retry_times")->asInt() == 2);
    CHECK(server.hits("/flaky") == 3);
    CHECK(crawl.stats.getInt("retry/count") == 2);
    CHECK(crawl.stats.getInt("retry/reason_count/503 Service Unavailable") == 2);
    CHECK(crawl.stats.getInt("downloader/response_status_count/503") == 2);
    CHECK(crawl.stats.getInt("downloader/response_status_count/200") == 1);
}

TEST_CASE("exhausted retries return the last response with the stats") {
    FixtureServer server;
    Crawl crawl;
    crawl.make();
    auto r = crawl.fetch(server.url("/status/500"));
    REQUIRE(crawl.runAll({r}));
    REQUIRE(r->response);
    CHECK(r->response->status == 500);
    CHECK(server.hits("/status/500") == 3);
    CHECK(crawl.stats.getInt("retry/count") == 2);
    CHECK(crawl.stats.getInt("retry/max_reached") == 1);
    CHECK(crawl.stats.getInt("retry/reason_count/500 Internal Server Error") == 2);
}

TEST_CASE("a 503 with Retry-After in seconds is retried no sooner") {
    FixtureServer server;
    Crawl crawl;
    crawl.make();
    double start = crawl.reactor.seconds();
    auto r = crawl.fetch(server.url("/status/503?retry-after=1"), ValueMap{{"max_retry_times", 1}});
    REQUIRE(crawl.runAll({r}));
    REQUIRE(r->response);
    CHECK(r->response->status == 503);
    CHECK(r->doneAt - start >= 1.0);
    CHECK(server.hits("/status/503") == 2);
}

TEST_CASE("a 503 with Retry-After as an HTTP-date is retried no sooner than that date") {
    FixtureServer server;
    Crawl crawl;
    crawl.make();
    auto wallStart = std::chrono::system_clock::now();
    auto r = crawl.fetch(server.url("/status/503?retry-after-date=1.5"),
                         ValueMap{{"max_retry_times", 1}});
    REQUIRE(crawl.runAll({r}));
    REQUIRE(r->response);
    // The date has a resolution of one second: it lies 0.5 to 1.5 s ahead.
    auto waited =
        std::chrono::duration<double>(std::chrono::system_clock::now() - wallStart).count();
    CHECK(waited >= 0.5);
    CHECK(server.hits("/status/503") == 2);
}

TEST_CASE("a refused connection is retried, then fails with ConnectFailed") {
    Crawl crawl;
    crawl.make();
    auto r = crawl.fetch("http://127.0.0.1:" + std::to_string(closedPort()) + "/x");
    REQUIRE(crawl.runAll({r}));
    REQUIRE(r->failure);
    REQUIRE(r->failure->check<HttpFailureError>());
    CHECK(r->failure->trap<HttpFailureError>().kind == HttpFailureKind::ConnectFailed);
    CHECK(crawl.stats.getInt("retry/count") == 2);
    CHECK(crawl.stats.getInt("retry/max_reached") == 1);
    CHECK(crawl.stats.getInt("downloader/exception_type_count/spider.HttpFailure.ConnectFailed") ==
          3);
}

TEST_CASE("robots.txt is fetched once and a disallowed path is never requested") {
    FixtureServerOptions options;
    options.robots = "disallow=/private/";
    FixtureServer server(options);
    Crawl crawl;
    crawl.settings.robotstxt_obey = true;
    crawl.make();
    auto a = crawl.fetch(server.url("/echo?a"));
    auto b = crawl.fetch(server.url("/private/secret.html"));
    auto c = crawl.fetch(server.url("/status/200"));
    REQUIRE(crawl.runAll({a, b, c}));
    CHECK(a->response);
    CHECK(c->response);
    REQUIRE(b->failure);
    CHECK(b->failure->check<ForbiddenByRobots>());
    auto d = crawl.fetch(server.url("/echo?d"));
    REQUIRE(crawl.runAll({d}));
    CHECK(server.hits("/robots.txt") == 1);
    CHECK(server.hits("/private/secret.html") == 0);
    CHECK(crawl.stats.getInt("robotstxt/forbidden") == 1);
}

TEST_CASE("robots.txt Crawl-delay spaces requests to a real server") {
    FixtureServerOptions options;
    options.robots = "crawl-delay=0.2";
    FixtureServer server(options);
    Crawl crawl;
    crawl.settings.robotstxt_obey = true;
    crawl.make();
    std::vector<std::shared_ptr<Result>> results;
    for (int i = 0; i < 3; ++i) {
        results.push_back(crawl.fetch(server.url("/echo?i=" + std::to_string(i))));
    }
    REQUIRE(crawl.runAll(results));
    for (std::size_t i = 1; i < results.size(); ++i) {
        CHECK(results[i]->doneAt - results[i - 1]->doneAt >= 0.15);
    }
    CHECK(crawl.downloader->slotCrawlDelay("127.0.0.1") == 0.2);
}

TEST_CASE("a robots.txt that is missing allows everything") {
    FixtureServerOptions options;
    options.robots = "none";
    FixtureServer server(options);
    Crawl crawl;
    crawl.settings.robotstxt_obey = true;
    crawl.make();
    auto r = crawl.fetch(server.url("/private/x.html"));
    REQUIRE(crawl.runAll({r}));
    REQUIRE(r->response);
    CHECK(server.hits("/private/x.html") == 1);
    CHECK(crawl.stats.getInt("robotstxt/response_status_count/404") == 1);
}

TEST_CASE("cancelling queued and in-flight requests frees the slot at once") {
    FixtureServer server;
    Crawl crawl;
    crawl.settings.concurrent_requests_per_domain = 1;
    crawl.make();
    Request slow;
    slow.url = server.url("/slow-first-byte?delay=3");
    Request queued;
    queued.url = server.url("/echo?queued");
    auto inFlight = crawl.downloader->fetch(slow);
    auto waiting = crawl.downloader->fetch(queued);
    int cancelled = 0;
    for (auto* d : {&inFlight, &waiting}) {
        d->addCallbacks([](Response) {},
                        [&](Failure f) { cancelled += f.check<CancelledError>() ? 1 : 0; });
    }
    // Let the slow transfer reach the server.
    REQUIRE(crawl.runUntil([&] { return server.hits("/slow-first-byte") == 1; }, 5));
    double start = crawl.reactor.seconds();
    waiting.cancel();
    inFlight.cancel();
    CHECK(cancelled == 2);
    CHECK(crawl.downloader->activeCount() == 0);
    auto next = crawl.fetch(server.url("/echo?next"));
    REQUIRE(crawl.runAll({next}, 2));
    CHECK(next->response);
    CHECK(crawl.reactor.seconds() - start < 1.0);
    CHECK(server.hits("/echo") == 1);
}

TEST_CASE("a redirect chain on a real server is followed hop by hop, each hop a request") {
    FixtureServer server;
    Crawl crawl;
    crawl.make();
    auto r = crawl.fetch(server.url("/redirect/chain?n=3"));
    REQUIRE(crawl.runAll({r}));
    REQUIRE(r->response);
    CHECK(r->response->status == 200);
    CHECK(r->response->url == server.url("/redirect/chain?n=0"));
    CHECK(r->response->redirectUrls ==
          std::vector<std::string>{server.url("/redirect/chain?n=3"),
                                   server.url("/redirect/chain?n=2"),
                                   server.url("/redirect/chain?n=1")});
    CHECK(r->response->request.url == server.url("/redirect/chain?n=3"));
    CHECK(server.hits("/redirect/chain") == 4);
    CHECK(crawl.stats.getInt("downloader/request_count") == 4);
    CHECK(crawl.stats.getInt("downloader/response_status_count/302") == 3);
}

TEST_CASE("a login POST redirected to its account page arrives as a GET with the new cookie") {
    FixtureServer server;
    Crawl crawl;
    crawl.make();
    Request login;
    login.url = server.url("/login");
    login.method = "POST";
    login.body = "user=demo&password=demo";
    login.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    auto result = std::make_shared<Result>();
    crawl.downloader->fetch(std::move(login))
        .addCallbacks([result](Response response) { result->response = std::move(response); },
                      [result](Failure failure) { result->failure = std::move(failure); });
    REQUIRE(crawl.runAll({result}));
    REQUIRE(result->response);
    CHECK(result->response->status == 200);
    CHECK(result->response->url == server.url("/account"));
    CHECK(result->response->body.find("Logged in as demo") != std::string::npos);
    CHECK(crawl.stats.getInt("downloader/request_method_count/POST") == 1);
    CHECK(crawl.stats.getInt("downloader/request_method_count/GET") == 1);
}

TEST_CASE("with download_fail_on_dataloss off a truncated body is kept and flagged") {
    FixtureServer server;
    SECTION("the setting") {
        Crawl crawl;
        crawl.settings.download_fail_on_dataloss = false;
        crawl.make();
        auto r = crawl.fetch(server.url("/wrong-length/long"));
        REQUIRE(crawl.runAll({r}));
        REQUIRE(r->response);
        CHECK(r->response->dataLoss);
        CHECK(r->response->body.size() == 1000);
        CHECK(crawl.stats.getInt("downloader/response_dataloss_count") == 1);
        CHECK(server.hits("/wrong-length/long") == 1);
    }
    SECTION("the meta key, against the default") {
        Crawl crawl;
        crawl.settings.retry_times = 0;
        crawl.make();
        auto kept = crawl.fetch(server.url("/wrong-length/long?a"),
                                ValueMap{{"download_fail_on_dataloss", Value(false)}});
        auto failed = crawl.fetch(server.url("/wrong-length/long?b"));
        REQUIRE(crawl.runAll({kept, failed}));
        REQUIRE(kept->response);
        CHECK(kept->response->dataLoss);
        REQUIRE(failed->failure);
        CHECK(failed->failure->trap<HttpFailureError>().kind == HttpFailureKind::ConnectionLost);
    }
}

TEST_CASE("bad chunked encoding, oversized headers and invalid gzip fail once as ProtocolError") {
    FixtureServer server;
    Crawl crawl;
    crawl.make();
    std::vector<std::shared_ptr<Result>> results;
    for (const char* path : {"/bad-chunked", "/huge-headers", "/invalid-gzip"}) {
        results.push_back(crawl.fetch(server.url(path)));
    }
    REQUIRE(crawl.runAll(results));
    for (auto& r : results) {
        REQUIRE(r->failure);
        REQUIRE(r->failure->check<HttpFailureError>());
        CHECK(r->failure->trap<HttpFailureError>().kind == HttpFailureKind::ProtocolError);
    }
    CHECK(server.hits("/bad-chunked") == 1);
    CHECK(server.hits("/huge-headers") == 1);
    CHECK(server.hits("/invalid-gzip") == 1);
    CHECK(crawl.stats.getInt("retry/count") == 0);
    CHECK(crawl.stats.getInt("downloader/exception_type_count/spider.HttpFailure.ProtocolError") ==
          3);
}
