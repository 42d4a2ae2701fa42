// One in-process crawl against every misbehaving endpoint of the fixture server
// (tests/fixtures/server.py, whose docstring lists the outcome a correct crawler shows),
// mixed with healthy pages: each misbehaviour must end in its documented way (retried,
// failed with a clear error in the errback, the log and the stats, or ignored) and never
// in a crash, a hang or a lost item from a healthy page.
#include "coro/run.h"
#include "crawler/crawler.h"
#include "crawler/engine.h"
#include "crawler/spider.h"
#include "downloader/downloader.h"
#include "engine/log.h"
#include "crawl_run.h"
#include "fixtures/fixture_server.h"
#include "reactor/reactor.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using spider::CallbackStream;
using spider::HtmlResponse;
using spider::Item;
using spider::Output;
using spider::Request;
using spider::Value;
using spider::ValueMap;
using spider::testing::CrawlRun;
using spider::testing::FixtureServer;
using spider::testing::runCrawl;

constexpr int kHealthyPages = 8;
constexpr int kQuotesPerPage = 10;

// g++ 12 rejects a braced ValueMap inside a coroutine, so items are built here.
Item outcomeItem(std::string path, std::string outcome, std::string message) {
    ValueMap fields;
    fields.set("path", Value(std::move(path)));
    fields.set("outcome", Value(std::move(outcome)));
    fields.set("message", Value(std::move(message)));
    return Item(std::move(fields));
}

Item quoteItem(std::string path, std::string text) {
    ValueMap fields;
    fields.set("path", Value(std::move(path)));
    fields.set("quote", Value(std::move(text)));
    return Item(std::move(fields));
}

// Healthy pages yield one item per quote; everything else yields one item saying how the
// request ended: "200 <body bytes>" from the callback, or from the errback "http <status>"
// (HttpError) or "failure <HttpFailureKind>" (a download failure), with the failure's
// message.
class MisbehavingSpider : public spider::Spider {
  public:
    MisbehavingSpider(std::string base, std::vector<std::string> withErrback,
                      std::vector<std::string> withoutErrback)
        : base_(std::move(base))
        , withErrback_(std::move(withErrback))
        , withoutErrback_(std::move(withoutErrback)) {}

    std::string_view name() const override { return "misbehaving"; }

    spider::StartStream start() override {
        for (int page = 0; page < kHealthyPages; ++page) {
            co_yield request("/p/" + std::to_string(page) + ".html", "quotes", "onError");
        }
        for (const std::string& path : withErrback_) {
            co_yield request(path, "parse", "onError");
        }
        for (const std::string& path : withoutErrback_) {
            co_yield request(path, "parse", "");
        }
    }

    CallbackStream callback(std::string_view cb, HtmlResponse response) override {
        if (cb == "parse")
            return parse(std::move(response));
        if (cb == "quotes")
            return quotes(std::move(response));
        throw spider::UnknownCallbackError(std::string(cb));
    }

    CallbackStream errback(std::string_view name, spider::Failure failure,
                           Request request) override {
        if (name == "onError")
            return onError(std::move(failure), std::move(request));
        return Spider::errback(name, std::move(failure), std::move(request));
    }

  private:
    Request request(std::string path, std::string callback, std::string errback) {
        Request r;
        r.url = base_ + path;
        r.callback = std::move(callback);
        r.errback = std::move(errback);
        return r;
    }

    std::string pathOf(const std::string& url) const { return url.substr(base_.size()); }

    CallbackStream parse(HtmlResponse response) {
        co_yield Output(outcomeItem(pathOf(response.request().url),
                                    std::to_string(response.status()) + " " +
                                        std::to_string(response.raw().body.size()),
                                    ""));
    }

    CallbackStream quotes(HtmlResponse response) {
        for (const std::string& text : response.css("div.quote span.text::text").getall()) {
            co_yield Output(quoteItem(pathOf(response.request().url), text));
        }
    }

    CallbackStream onError(spider::Failure failure, Request request) {
        std::string outcome;
        if (failure.check<spider::HttpError>()) {
            outcome = "http " + std::to_string(failure.trap<spider::HttpError>().status());
        } else if (failure.check<spider::HttpFailureError>()) {
            outcome = "failure " + std::string(spider::toString(
                                       failure.trap<spider::HttpFailureError>().kind));
        } else {
            outcome = "other " + failure.typeName();
        }
        co_yield Output(outcomeItem(pathOf(request.url), std::move(outcome), failure.what()));
    }

    std::string base_;
    std::vector<std::string> withErrback_;
    std::vector<std::string> withoutErrback_;
};

std::string siteDir() {
    auto dir = std::filesystem::temp_directory_path() /
               ("spider-misbehaving-site-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return spider::testing::generateSite(dir, kHealthyPages);
}

} // namespace

TEST_CASE("a crawl through every misbehaving endpoint ends each one as documented and keeps "
          "every healthy item") {
    spider::testing::FixtureServerOptions serverOptions;
    serverOptions.siteDir = siteDir();
    FixtureServer server(serverOptions);

    // The documented outcome of each endpoint, as the errback or callback reports it ("200 *":
    // any body size).
    const std::map<std::string, std::string> expected = {
        {"/slow-first-byte?delay=3", "failure Timeout"},
        {"/slow-body?delay=3&parts=3", "failure Timeout"},
        {"/reset-mid-body", "failure ConnectionLost"},
        {"/wrong-length/long", "failure ConnectionLost"},
        {"/wrong-length/short", "200 10"},
        {"/bad-chunked", "failure ProtocolError"},
        {"/endless-chunked", "failure TooLarge"},
        {"/huge-headers", "failure ProtocolError"},
        // 64 MiB of zeros, 32 times the size limit (the server's default 1 GiB costs it
        // ~0.4 s of CRC before the first byte, which can exceed the timeout on a busy machine).
        {"/gzip-bomb?size=67108864", "failure TooLarge"},
        {"/invalid-gzip", "failure ProtocolError"},
        {"/close-without-response", "failure ConnectionLost"},
        {"/redirect/loop", "failure TooManyRedirects"},
        {"/redirect/chain?n=25", "failure TooManyRedirects"},
        {"/redirect/chain?n=5", "200 *"},
        {"/redirect/ftp", "failure BadScheme"},
        {"/redirect/javascript", "failure BadScheme"},
        {"/status/404?errback=1", "http 404"},
        {"/status/503", "http 503"},
        {"/status/503?retry-after=1", "http 503"},
        {"/status/429?retry-after=1", "http 429"},
        {"/flaky?fail=2&key=misbehaving", "200 *"},
    };
    // Without an errback: ignored (HTTP statuses) or logged at ERROR (download failures).
    const std::vector<std::string> withoutErrback = {"/status/404", "/status/500",
                                                     "/close-without-response?errback=0"};
    std::vector<std::string> withErrback;
    for (const auto& [path, outcome] : expected)
        withErrback.push_back(path);

    MisbehavingSpider spider(server.url(""), withErrback, withoutErrback);
    spider::Settings settings;
    settings.download_timeout = 1;
    settings.download_maxsize = 2 * 1024 * 1024;
    settings.retry_times = 2;
    settings.retry_backoff_base = 0.05;
    settings.retry_backoff_max = 0.2;
    // Everything goes to one host: let the slow endpoints not hold up the rest.
    settings.concurrent_requests = 64;
    settings.concurrent_requests_per_domain = 64;
    CrawlRun run = runCrawl(spider, settings, {}, 60);

    std::ostringstream seen;
    for (const std::string& line : run.log)
        seen << line << "\n";
    INFO("crawl log:\n" << seen.str());

    REQUIRE(run.reason == "finished");
    CHECK(run.seconds < 30);
    // Two retries of each Retry-After: 1 response, each no sooner than a second later.
    CHECK(run.seconds >= 2);

    // Every healthy page's quotes, each once.
    std::set<std::string> quotes;
    std::map<std::string, std::vector<std::string>> outcomes;
    std::map<std::string, std::string> messages;
    for (const Item& item : run.items) {
        if (const Value* quote = item.get("quote")) {
            quotes.insert(item.get("path")->asString() + " " + quote->asString());
        } else {
            std::string path = item.get("path")->asString();
            outcomes[path].push_back(item.get("outcome")->asString());
            messages[path] = item.get("message")->asString();
        }
    }
    CHECK(quotes.size() == static_cast<std::size_t>(kHealthyPages * kQuotesPerPage));
    CHECK(run.stat("item_scraped_count") ==
          static_cast<std::int64_t>(kHealthyPages * kQuotesPerPage + expected.size()));

    // Each bad endpoint ended exactly once, the documented way.
    for (const auto& [path, outcome] : expected) {
        INFO(path);
        REQUIRE(outcomes[path].size() == 1);
        if (outcome.size() > 2 && outcome.compare(outcome.size() - 2, 2, " *") == 0) {
            CHECK(outcomes[path][0].compare(0, outcome.size() - 1, outcome, 0,
                                            outcome.size() - 1) == 0);
        } else {
            CHECK(outcomes[path][0] == outcome);
        }
    }
    // The failures say what went wrong, and where.
    const std::map<std::string, std::string> explained = {
        {"/bad-chunked", "chunked-encoding"},
        {"/huge-headers", "Too large response headers"},
        {"/invalid-gzip", "incorrect header check"},
        {"/gzip-bomb?size=67108864", "larger than the download size limit"},
        {"/endless-chunked", "larger than the download size limit"},
        // On a fresh connection libcurl says "Empty reply from server"; when the attempt went
        // out on a reused keep-alive connection, libcurl retried it itself and reports
        // "Connection died, tried N times before giving up".
        {"/close-without-response", "Empty reply from server|Connection died"},
        {"/reset-mid-body", "Connection reset by peer"},
        {"/wrong-length/long", "bytes remaining to read"},
        {"/redirect/loop", "redirect"},
        {"/redirect/ftp", "unsupported scheme 'ftp'"},
    };
    for (const auto& [path, texts] : explained) {
        INFO(path << ": " << messages[path]);
        bool mentioned = false; // any of the '|'-separated texts
        for (std::size_t start = 0; start <= texts.size();) {
            std::size_t bar = texts.find('|', start);
            if (bar == std::string::npos) bar = texts.size();
            mentioned = mentioned ||
                        messages[path].find(texts.substr(start, bar - start)) != std::string::npos;
            start = bar + 1;
        }
        CHECK(mentioned);
        // A refused redirect names the URL it was refused for instead.
        std::string named = path == "/redirect/ftp" ? "ftp://127.0.0.1/file.txt" : path;
        CHECK(messages[path].find(named) != std::string::npos);
    }
    for (const std::string& path : withoutErrback) {
        INFO(path);
        CHECK(outcomes.count(path) == 0);
    }

    // Retried: connection-level failures and 5xx/429 up to retry_times, then given up.
    CHECK(server.hits("/slow-first-byte") == 3);
    CHECK(server.hits("/reset-mid-body") == 3);
    CHECK(server.hits("/wrong-length/long") == 3);
    // libcurl itself resends a request whose reused connection closed without a byte, so
    // an empty reply may be seen more than once per attempt.
    CHECK(server.hits("/close-without-response") >= 6);
    CHECK(server.hits("/status/500") == 3);
    CHECK(server.hits("/status/503") == 6);
    CHECK(server.hits("/status/429") == 3);
    CHECK(server.hits("/flaky") == 3);
    // Not retried: an ordinary 404, too many redirects, an unsupported redirect, too large,
    // and the deterministic protocol errors (bad chunked encoding, oversized headers, invalid
    // gzip).
    CHECK(server.hits("/status/404") == 2);
    CHECK(server.hits("/bad-chunked") == 1);
    CHECK(server.hits("/huge-headers") == 1);
    CHECK(server.hits("/invalid-gzip") == 1);
    CHECK(server.hits("/redirect/ftp") == 1);
    CHECK(server.hits("/redirect/javascript") == 1);
    CHECK(server.hits("/gzip-bomb") == 1);
    CHECK(server.hits("/endless-chunked") == 1);
    // n=25: the request and 20 redirects followed, then the 21st refused; n=5: 6 requests.
    CHECK(server.hits("/redirect/chain") == 27);
    // The loop is cut when /redirect/loop redirects for the third time.
    CHECK(server.hits("/redirect/loop") == 3);
    CHECK(server.hits("/redirect/loop-b") == 2);
    // Each redirect hop went through the downloader as a request of its own.
    // n=25: 21 redirects (the last one refused), n=5: 5, the loop: 5, ftp and javascript: 1 each.
    CHECK(run.stat("downloader/response_status_count/302") == 21 + 5 + 5 + 2);

    const std::string kFailure = "downloader/exception_type_count/spider.HttpFailure.";
    CHECK(run.stat(kFailure + "Timeout") == 6);
    CHECK(run.stat(kFailure + "TooLarge") == 2);
    CHECK(run.stat(kFailure + "TooManyRedirects") == 2);
    CHECK(run.stat(kFailure + "BadScheme") == 2);
    // Bad chunks, huge headers and invalid gzip: one attempt each.
    CHECK(run.stat(kFailure + "ProtocolError") == 3);
    // reset, wrong length and two empty replies, 3 attempts each.
    CHECK(run.stat(kFailure + "ConnectionLost") == 12);
    CHECK(run.stat("retry/reason_count/spider.HttpFailure.Timeout") == 4);
    CHECK(run.stat("retry/reason_count/500 Internal Server Error") == 2);
    CHECK(run.stat("retry/reason_count/503 Service Unavailable") == 6);
    // Twisted's reason table (which the stats keys follow) has no 429.
    CHECK(run.stat("retry/reason_count/429 Unknown Status") == 2);
    // 10 requests retried twice and given up, and the flaky one retried twice.
    CHECK(run.stat("retry/count") == 22);
    CHECK(run.stat("retry/max_reached") == 10);
    CHECK(run.logged("Gave up retrying <GET " + server.url("/status/500") + "> (failed 3 times)"));

    CHECK(run.stat("httperror/response_ignored_count") == 2);
    CHECK(run.stat("httperror/response_ignored_status_count/404") == 1);
    CHECK(run.stat("httperror/response_ignored_status_count/500") == 1);
    CHECK(run.logged("Ignoring response <404 " + server.url("/status/404") +
                     ">: HTTP status code is not handled or not allowed"));
    CHECK(run.logged("ERROR: Error downloading <GET " +
                     server.url("/close-without-response?errback=0")));
    CHECK(run.stat("spider_exceptions/UnknownCallbackError") == 0);
    CHECK(run.stats.get("finish_reason")->asString() == "finished");
}
