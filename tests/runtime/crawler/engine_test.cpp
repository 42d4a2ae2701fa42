// The crawl loop end to end with in-process spiders against the fixture server
// (tests/fixtures/server.py): item sets, idle detection with suspended callbacks, close
// conditions, errors, abort.
#include "coro/run.h"
#include "coro/sleep.h"
#include "crawler/crawler.h"
#include "crawler/engine.h"
#include "crawler/spider.h"
#include "deferred/errors.h"
#include "engine/log.h"
#include "crawl_run.h"
#include "fixtures/fixture_server.h"
#include "reactor/reactor.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <functional>
#include <set>
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

std::filesystem::path scratchDir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() /
               ("spider-crawler-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir;
}

const std::string& siteDir() {
    static const std::string kDir = spider::testing::generateSite(scratchDir("site"), 120);
    return kDir;
}

// An untyped item from key, value pairs. Coroutine bodies build items through this rather
// than a braced ValueMap: g++ 12 rejects a std::initializer_list inside a coroutine
// ("array used as initializer").
void addFields(ValueMap&) {}
template <class V, class... Rest>
void addFields(ValueMap& fields, const char* key, V value, Rest... rest) {
    fields.set(key, Value(std::move(value)));
    addFields(fields, std::move(rest)...);
}
template <class... A>
Item itemOf(A... pairs) {
    ValueMap fields;
    addFields(fields, std::move(pairs)...);
    return Item(std::move(fields));
}

// The quotes job (samples/quotes.spider) as an in-process spider.
class QuotesSpider : public spider::Spider {
  public:
    explicit QuotesSpider(std::string base)
        : base_(std::move(base)) {}
    std::string_view name() const override { return "quotes"; }
    std::vector<std::string> allowedDomains() const override { return {"127.0.0.1"}; }
    std::vector<std::string> startUrls() const override { return {base_ + "/p/0.html"}; }
    CallbackStream callback(std::string_view cb, HtmlResponse response) override {
        if (cb == "parse")
            return parse(std::move(response));
        throw spider::UnknownCallbackError(std::string(cb));
    }

  private:
    CallbackStream parse(HtmlResponse response) {
        spider::SelectorList quotes = response.css("div.quote");
        for (const spider::Selector& q : quotes) {
            spider::ValueList tags;
            for (std::string& tag : q.css("a.tag::text").getall())
                tags.emplace_back(tag);
            co_yield Output(itemOf("text", Value(q.css("span.text::text").get("?")), "tags",
                                   Value(std::move(tags)), "page", Value(response.url())));
        }
        std::vector<std::string> hrefs =
            response.css("ul.pager a::attr(href), ul.related a::attr(href)").getall();
        for (const std::string& href : hrefs) {
            co_yield Output(response.follow(href));
        }
    }

    std::string base_;
};

spider::testing::FixtureServerOptions siteOptions() {
    spider::testing::FixtureServerOptions options;
    options.siteDir = siteDir();
    return options;
}

} // namespace

TEST_CASE("a full crawl scrapes every quote of the site exactly once") {
    FixtureServer server(siteOptions());
    QuotesSpider spider(server.url(""));
    CrawlRun run = runCrawl(spider);
    CHECK(run.reason == "finished");
    CHECK(run.items.size() == 1200);
    std::set<std::string> texts;
    for (const Item& item : run.items)
        texts.insert(item.get("text")->asString());
    CHECK(texts.size() == 1200);
    CHECK(run.stat("item_scraped_count") == 1200);
    CHECK(run.stat("response_received_count") == 120);
    CHECK(run.stat("dupefilter/filtered") > 0);
    for (int page : {0, 1, 57, 119}) {
        CHECK(server.hits("/p/" + std::to_string(page) + ".html") == 1);
    }
    CHECK(run.stats.get("finish_reason")->asString() == "finished");
    CHECK(run.stats.getTime("finish_time").has_value());
    CHECK(run.stats.get("elapsed_time_seconds")->asFloat() > 0);
    CHECK(run.stat("memusage/max") > 0);
    CHECK(run.logged("Spider closed (finished)"));
}

namespace {

// The number of complete lines in a file.
std::size_t linesIn(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return static_cast<std::size_t>(std::count(content.begin(), content.end(), '\n'));
}

} // namespace

TEST_CASE("every item the crawl reports as scraped is already in the feed file") {
    FixtureServer server(siteOptions());
    QuotesSpider spider(server.url(""));
    const std::string path = (scratchDir("feed-flush") / "items.jsonl").string();
    spider::Reactor reactor;
    // Reports: the itemScraped hook, and the log-stats line ("scraped M items"). INFO, so
    // no per-item debug line forces a flush of its own.
    std::size_t hooked = 0;
    std::size_t hookedAhead = 0;
    std::size_t statLines = 0;
    std::size_t statsAhead = 0;
    spider::Logger logger(
        [&](std::string_view line) {
            std::size_t at = line.find("scraped ");
            if (line.find("Crawled ") == std::string_view::npos || at == std::string_view::npos)
                return;
            ++statLines;
            std::size_t reported = std::stoul(std::string(line.substr(at + 8)));
            if (linesIn(path) < reported)
                ++statsAhead;
        },
        spider::LoggerOptions{spider::LogLevel::Info, true});
    spider::Settings settings;
    settings.logstats_interval = 0.01;
    spider::CrawlerOptions options;
    options.feeds = {spider::FeedSpec{path, spider::FeedFormat::JsonLines, true}};
    options.signals.itemScraped = [&](const Item&) {
        ++hooked;
        if (linesIn(path) < hooked)
            ++hookedAhead;
    };
    spider::Crawler crawler(reactor, spider, settings, logger, std::move(options));
    REQUIRE(crawler.openFeeds().empty());
    std::string reason = spider::runUntilComplete(reactor, crawler.crawl());
    CHECK(reason == "finished");
    CHECK(hooked == 1200);
    CHECK(hookedAhead == 0);
    CHECK(statLines > 0);
    CHECK(statsAhead == 0);
    CHECK(linesIn(path) == 1200);
}

TEST_CASE("depth_limit stops following links past the limit") {
    FixtureServer server(siteOptions());
    QuotesSpider spider(server.url(""));
    spider::Settings settings;
    settings.depth_limit = 1;
    CrawlRun run = runCrawl(spider, settings);
    CHECK(run.reason == "finished");
    // The start page and the 11 distinct pages it links to (its next link and 10 related
    // ones, some possibly the same page).
    CHECK(run.stat("response_received_count") >= 2);
    CHECK(run.stat("response_received_count") <= 12);
    CHECK(run.stat("depth/filtered") > 0);
    CHECK(run.stat("request_depth_max") == 1);
}

TEST_CASE("closespider_itemcount closes the spider early with its finish reason") {
    FixtureServer server(siteOptions());
    QuotesSpider spider(server.url(""));
    spider::Settings settings;
    settings.closespider_itemcount = 25;
    CrawlRun run = runCrawl(spider, settings);
    CHECK(run.reason == "closespider_itemcount");
    CHECK(run.items.size() >= 25);
    // In-flight pages still finish (as in Scrapy), but the crawl stops well short of the end.
    CHECK(run.items.size() < 400);
    CHECK(run.stats.get("finish_reason")->asString() == "closespider_itemcount");
}

TEST_CASE("closespider_pagecount closes the spider after that many responses") {
    FixtureServer server(siteOptions());
    QuotesSpider spider(server.url(""));
    spider::Settings settings;
    settings.closespider_pagecount = 5;
    settings.concurrent_requests = 2;
    CrawlRun run = runCrawl(spider, settings);
    CHECK(run.reason == "closespider_pagecount");
    CHECK(run.stat("response_received_count") >= 5);
    CHECK(run.stat("response_received_count") <= 7);
}

namespace {

// Awaits slow things inside callbacks: an inline fetch of a slow endpoint, a sleep and a
// start generator that sleeps between its requests.
class PatientSpider : public spider::Spider {
  public:
    explicit PatientSpider(std::string base)
        : base_(std::move(base)) {}
    std::string_view name() const override { return "patient"; }

    spider::StartStream start() override {
        Request first;
        first.url = base_ + "/p/0.html";
        first.callback = "inline";
        co_yield std::move(first);
        co_await spider::sleep(context().time(), 0.3);
        Request second;
        second.url = base_ + "/p/1.html";
        second.callback = "sleepy";
        co_yield std::move(second);
    }

    CallbackStream callback(std::string_view cb, HtmlResponse response) override {
        if (cb == "inline")
            return inlineFetch(std::move(response));
        if (cb == "sleepy")
            return sleepy(std::move(response));
        throw spider::UnknownCallbackError(std::string(cb));
    }

  private:
    CallbackStream inlineFetch(HtmlResponse response) {
        Request slow;
        slow.url = base_ + "/slow-first-byte?delay=1.0";
        HtmlResponse late = co_await fetch(std::move(slow));
        co_yield Output(itemOf("from", Value("inline"), "status", Value(late.status())));
    }

    CallbackStream sleepy(HtmlResponse response) {
        co_await spider::sleep(context().time(), 0.5);
        co_yield Output(itemOf("from", Value("sleep")));
    }

    std::string base_;
};

} // namespace

TEST_CASE("a callback awaiting an inline fetch or a sleep keeps the spider open until it ends") {
    FixtureServer server(siteOptions());
    PatientSpider spider(server.url(""));
    CrawlRun run = runCrawl(spider);
    CHECK(run.reason == "finished");
    REQUIRE(run.items.size() == 2);
    std::set<std::string> from;
    for (const Item& item : run.items)
        from.insert(item.get("from")->asString());
    CHECK(from == std::set<std::string>{"inline", "sleep"});
    CHECK(run.seconds >= 1.0);
    // Closing is detected at once, not by polling: well under a second after the last work.
    CHECK(run.seconds < 2.5);
    CHECK(run.stat("inline/request_count") == 1);
    CHECK(run.stat("response_received_count") == 3);
}

TEST_CASE("a graceful close waits for a callback suspended on an inline fetch") {
    FixtureServer server(siteOptions());
    PatientSpider spider(server.url(""));
    CrawlRun run = runCrawl(spider, {}, [](spider::Reactor& reactor, spider::Crawler& crawler) {
        reactor.callLater(0.2, [&crawler] { crawler.engine().closeSpider("shutdown"); });
    });
    CHECK(run.reason == "shutdown");
    // The inline callback finished and its item was kept; the second start request (after
    // the start generator's sleep) was never made.
    REQUIRE(run.items.size() == 1);
    CHECK(run.items[0].get("from")->asString() == "inline");
    CHECK(server.hits("/p/1.html") == 0);
}

TEST_CASE("abort cancels the suspended callbacks and closes at once") {
    FixtureServer server(siteOptions());
    PatientSpider spider(server.url(""));
    CrawlRun run = runCrawl(spider, {}, [](spider::Reactor& reactor, spider::Crawler& crawler) {
        reactor.callLater(0.2, [&crawler] { crawler.engine().abort(); });
    });
    CHECK(run.reason == "shutdown");
    CHECK(run.items.empty());
    CHECK(run.seconds < 0.9);
}

namespace {

// Requests that fail in every way, around one healthy page.
class TroubleSpider : public spider::Spider {
  public:
    explicit TroubleSpider(std::string base)
        : base_(std::move(base)) {}
    std::string_view name() const override { return "trouble"; }

    spider::StartStream start() override {
        co_yield request("/status/404");
        co_yield request("/status/404?with=errback", "parse", "onError");
        co_yield request("/status/500");
        co_yield request("/close-without-response", "parse", "onError");
        co_yield request("/close-without-response?again=1");
        co_yield request("/p/2.html", "throws");
        co_yield request("/p/3.html", "nosuch");
        co_yield request("/p/4.html");
        Request allowed = request("/status/404?allowed=1");
        spider::ValueList statuses;
        statuses.emplace_back(404);
        allowed.meta.set("handle_httpstatus_list", Value(std::move(statuses)));
        co_yield std::move(allowed);
    }

    CallbackStream callback(std::string_view cb, HtmlResponse response) override {
        if (cb == "parse")
            return parse(std::move(response));
        if (cb == "throws")
            return throws(std::move(response));
        throw spider::UnknownCallbackError("no callback '" + std::string(cb) + "'");
    }

    CallbackStream errback(std::string_view name, spider::Failure failure,
                           Request request) override {
        if (name == "onError")
            return onError(std::move(failure), std::move(request));
        return Spider::errback(name, std::move(failure), std::move(request));
    }

  private:
    Request request(std::string path, std::string callback = "parse", std::string errback = "") {
        Request r;
        r.url = base_ + path;
        r.callback = std::move(callback);
        r.errback = std::move(errback);
        return r;
    }

    CallbackStream parse(HtmlResponse response) {
        co_yield Output(itemOf("url", Value(response.url()), "status", Value(response.status())));
    }

    CallbackStream throws(HtmlResponse response) {
        co_yield Output(itemOf("url", Value(response.url()), "before", Value(true)));
        throw spider::SpiderError("no price on the page");
    }

    CallbackStream onError(spider::Failure failure, Request request) {
        std::string kind = failure.check<spider::HttpError>() ? "http" : "download";
        int status =
            failure.check<spider::HttpError>() ? failure.trap<spider::HttpError>().status() : 0;
        co_yield Output(
            itemOf("errback", Value(kind), "url", Value(request.url), "status", Value(status)));
    }

    std::string base_;
};

} // namespace

TEST_CASE("failed requests and failing callbacks are reported and the crawl goes on") {
    FixtureServer server(siteOptions());
    TroubleSpider spider(server.url(""));
    spider::Settings settings;
    settings.retry_times = 1;
    CrawlRun run = runCrawl(spider, settings);
    CHECK(run.reason == "finished");

    std::set<std::string> items;
    for (const Item& item : run.items) {
        std::string key = item.get("url")->asString().substr(server.url("").size());
        if (const Value* errback = item.get("errback"))
            key += " errback " + errback->asString();
        if (item.get("before"))
            key += " before";
        if (const Value* status = item.get("status"))
            key += " " + std::to_string(status->asInt());
        items.insert(key);
    }
    CHECK(items == std::set<std::string>{
                       "/status/404?with=errback errback http 404",
                       "/close-without-response errback download 0",
                       "/p/2.html before",
                       "/p/4.html 200",
                       "/status/404?allowed=1 404",
                   });
    // 404 without errback, 500 after its retry: ignored like Scrapy's HttpErrorMiddleware.
    CHECK(run.stat("httperror/response_ignored_count") == 2);
    CHECK(run.stat("httperror/response_ignored_status_count/404") == 1);
    CHECK(run.stat("httperror/response_ignored_status_count/500") == 1);
    CHECK(run.logged("Ignoring response <404 " + server.url("/status/404") +
                     ">: HTTP status code is not handled or not allowed"));
    CHECK(server.hits("/status/500") == 2);
    // The download failure without an errback is an ERROR line naming the request.
    CHECK(run.logged("ERROR: Error downloading <GET " +
                     server.url("/close-without-response?again=1")));
    // The callback's exception: logged with its spider position, counted, items kept.
    CHECK(run.stat("spider_exceptions/SpiderError") == 1);
    CHECK(run.logged("Spider error processing <GET " + server.url("/p/2.html") +
                     "> (throws): spider::SpiderError: no price on the page [at "));
    CHECK(run.logged("engine_test.cpp:"));
    CHECK(run.stat("spider_exceptions/UnknownCallbackError") == 1);
    CHECK(run.logged("no callback 'nosuch'"));
}

TEST_CASE("closespider_errorcount closes after that many callback errors") {
    FixtureServer server(siteOptions());
    TroubleSpider spider(server.url(""));
    spider::Settings settings;
    settings.closespider_errorcount = 1;
    settings.concurrent_requests = 1;
    CrawlRun run = runCrawl(spider, settings);
    CHECK(run.reason == "closespider_errorcount");
}

TEST_CASE("closespider_timeout closes a crawl that runs too long") {
    FixtureServer server(siteOptions());
    PatientSpider spider(server.url(""));
    spider::Settings settings;
    settings.closespider_timeout = 0.2;
    CrawlRun run = runCrawl(spider, settings);
    CHECK(run.reason == "closespider_timeout");
    // The inline fetch in flight was allowed to finish.
    CHECK(run.items.size() == 1);
}

namespace {

class NoStartSpider : public spider::Spider {
  public:
    std::string_view name() const override { return "empty"; }
    CallbackStream callback(std::string_view, HtmlResponse) override {
        throw spider::UnknownCallbackError("none");
    }
};

} // namespace

TEST_CASE("a spider without start requests closes at once as finished") {
    NoStartSpider spider;
    CrawlRun run = runCrawl(spider);
    CHECK(run.reason == "finished");
    CHECK(run.seconds < 0.5);
    CHECK(run.stat("response_received_count") == 0);
}

namespace {

// Start requests for a page robots.txt allows and one it forbids (the fixture's robots.txt
// disallows /private/).
class RobotsSpider : public spider::Spider {
  public:
    explicit RobotsSpider(std::string base)
        : base_(std::move(base)) {}
    std::string_view name() const override { return "robots"; }
    std::vector<std::string> startUrls() const override {
        return {base_ + "/p/1.html", base_ + "/private/p/2.html"};
    }
    CallbackStream callback(std::string_view, HtmlResponse response) override {
        return parse(std::move(response));
    }

  private:
    CallbackStream parse(HtmlResponse response) {
        co_yield Output(itemOf("url", Value(response.url())));
    }
    std::string base_;
};

} // namespace

TEST_CASE("a request robots.txt forbids is dropped quietly, not reported as an error") {
    FixtureServer server(siteOptions());
    RobotsSpider spider(server.url(""));
    spider::Settings settings;
    settings.robotstxt_obey = true;
    CrawlRun run = runCrawl(spider, settings);
    CHECK(run.reason == "finished");
    REQUIRE(run.items.size() == 1);
    CHECK(run.items[0].get("url")->asString() == server.url("/p/1.html"));
    CHECK(run.stat("robotstxt/forbidden") == 1);
    CHECK(server.hits("/private/p/2.html") == 0);
    CHECK(run.logged("DEBUG: Forbidden by robots.txt: <GET " + server.url("/private/p/2.html")));
    CHECK_FALSE(run.logged("Error downloading"));
    CHECK(run.stat("log_count/ERROR") == 0);
}

namespace {

// Two callbacks: "parse" reads the page with selectors, "plain" never does (pages whose
// number is a multiple of 3). Each records, at its start, whether its page arrived parsed
// ahead on a parse thread.
class ParseAheadSpider : public spider::Spider {
  public:
    explicit ParseAheadSpider(std::string base)
        : base_(std::move(base)) {}
    std::string_view name() const override { return "parse_ahead"; }
    std::vector<std::string> allowedDomains() const override { return {"127.0.0.1"}; }
    std::vector<std::string> startUrls() const override { return {base_ + "/p/0.html"}; }
    CallbackStream callback(std::string_view cb, HtmlResponse response) override {
        if (cb == "parse")
            return parse(std::move(response));
        if (cb == "plain")
            return plain(std::move(response));
        throw spider::UnknownCallbackError(std::string(cb));
    }

    std::vector<std::string> started; // callback starts, in order
    int parseRuns = 0;
    int parseAhead = 0;
    int plainRuns = 0;
    int plainAhead = 0;

  private:
    CallbackStream parse(HtmlResponse response) {
        started.push_back(response.url());
        ++parseRuns;
        parseAhead += response.parsedAhead() ? 1 : 0;
        for (const spider::Selector& q : response.css("div.quote")) {
            co_yield Output(itemOf("text", Value(q.css("span.text::text").get("?")), "page",
                                   Value(response.url())));
        }
        for (const std::string& href :
             response.css("ul.pager a::attr(href), ul.related a::attr(href)").getall()) {
            Request next = response.follow(href);
            // Only plain spellings ("/p/12.html", not "/p/%3112.html"), so which callback a
            // page gets does not depend on which spelling of its URL the crawl met first.
            std::string file = next.url.substr(next.url.find_last_of('/') + 1);
            if (file.empty() || !std::isdigit(static_cast<unsigned char>(file[0])))
                continue;
            if (std::stoi(file) % 3 == 0)
                next.callback = "plain";
            co_yield Output(std::move(next));
        }
    }

    CallbackStream plain(HtmlResponse response) {
        started.push_back(response.url());
        ++plainRuns;
        plainAhead += response.parsedAhead() ? 1 : 0;
        co_yield Output(itemOf("text", Value("plain"), "page", Value(response.url())));
    }

    std::string base_;
};

// The items' texts (a page's URL depends on which of its spellings the crawl met first).
std::multiset<std::string> itemTexts(const CrawlRun& run) {
    std::multiset<std::string> texts;
    for (const Item& item : run.items)
        texts.insert(item.get("text")->asString());
    return texts;
}

} // namespace

TEST_CASE("pages of a callback that used selectors are parsed ahead on a parse thread") {
    FixtureServer server(siteOptions());
    ParseAheadSpider spider(server.url(""));
    spider::Settings settings;
    settings.parse_threads = 2;
    CrawlRun run = runCrawl(spider, settings);
    CHECK(run.reason == "finished");
    CHECK(run.stat("response_received_count") == 120);
    REQUIRE(spider.parseRuns > 1);
    REQUIRE(spider.plainRuns > 1);
    // Only the start page, the first run of "parse", parses on first use.
    CHECK(spider.parseAhead == spider.parseRuns - 1);
    // "plain" never used its selectors: its pages are never parsed for nothing.
    CHECK(spider.plainAhead == 0);
    CHECK(run.stat("log_count/ERROR") == 0);
}

TEST_CASE("with parse threads callbacks start in arrival order and scrape the same items") {
    FixtureServer server(siteOptions());
    std::vector<std::multiset<std::string>> itemSets;
    for (std::int64_t threads : {0, 2}) {
        ParseAheadSpider spider(server.url(""));
        spider::Settings settings;
        settings.parse_threads = threads;
        settings.concurrent_requests = 16;
        settings.concurrent_requests_per_domain = 16;
        CrawlRun run = runCrawl(spider, settings);
        CHECK(run.reason == "finished");
        CHECK(spider.parseAhead == (threads == 0 ? 0 : spider.parseRuns - 1));
        // Two parse threads may finish pages out of order; callbacks still start in the
        // order the responses arrived.
        CHECK(spider.started == run.received);
        itemSets.push_back(itemTexts(run));
    }
    REQUIRE(itemSets[0].size() > 500);
    CHECK(itemSets[0] == itemSets[1]);
}
