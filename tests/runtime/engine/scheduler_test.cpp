#include <catch2/catch.hpp>

#include <vector>

#include "engine/log.h"
#include "engine/scheduler.h"
#include "engine/stats.h"

using spider::Admission;
using spider::QueueOrder;
using spider::Request;
using spider::Scheduler;
using spider::SchedulerOptions;
using spider::StatsCollector;

namespace {

Request get(std::string url, int priority = 0) {
    Request request;
    request.url = std::move(url);
    request.priority = priority;
    request.callback = "parse";
    return request;
}

std::vector<std::string> drainUrls(Scheduler& scheduler) {
    std::vector<std::string> urls;
    while (auto request = scheduler.next()) urls.push_back(request->url);
    return urls;
}

SchedulerOptions fifo() {
    SchedulerOptions options;
    options.order = QueueOrder::Fifo;
    return options;
}

bool sameRequest(const Request& a, const Request& b) {
    return a.url == b.url && a.method == b.method && a.headers == b.headers && a.body == b.body &&
           a.meta == b.meta && a.cbKwargs == b.cbKwargs && a.userData == b.userData &&
           a.priority == b.priority && a.dontFilter == b.dontFilter && a.callback == b.callback &&
           a.errback == b.errback && a.depth == b.depth && a.timeout == b.timeout &&
           a.maxSize == b.maxSize && a.followRedirects == b.followRedirects &&
           a.failOnDataLoss == b.failOnDataLoss;
}

}  // namespace

TEST_CASE("the scheduler is LIFO within a priority by default, like Scrapy") {
    StatsCollector stats;
    Scheduler scheduler({}, stats);
    for (auto url : {"http://a.test/1", "http://a.test/2", "http://a.test/3"}) {
        REQUIRE(scheduler.enqueue(get(url)) == Admission::Queued);
    }
    CHECK(drainUrls(scheduler) ==
          std::vector<std::string>{"http://a.test/3", "http://a.test/2", "http://a.test/1"});
}

TEST_CASE("the scheduler can be FIFO within a priority") {
    StatsCollector stats;
    Scheduler scheduler(fifo(), stats);
    for (auto url : {"http://a.test/1", "http://a.test/2", "http://a.test/3"}) {
        scheduler.enqueue(get(url));
    }
    CHECK(drainUrls(scheduler) ==
          std::vector<std::string>{"http://a.test/1", "http://a.test/2", "http://a.test/3"});
}

TEST_CASE("higher priorities are dequeued first, negative ones last") {
    StatsCollector stats;
    Scheduler scheduler(fifo(), stats);
    scheduler.enqueue(get("http://a.test/low", -5));
    scheduler.enqueue(get("http://a.test/mid1", 0));
    scheduler.enqueue(get("http://a.test/high", 10));
    scheduler.enqueue(get("http://a.test/mid2", 0));
    CHECK(scheduler.size() == 4);
    auto first = scheduler.next();
    REQUIRE(first);
    CHECK(first->url == "http://a.test/high");
    CHECK(first->priority == 10);
    CHECK(drainUrls(scheduler) ==
          std::vector<std::string>{"http://a.test/mid1", "http://a.test/mid2", "http://a.test/low"});
    CHECK(scheduler.empty());
    CHECK_FALSE(scheduler.next());
    CHECK(stats.getInt("scheduler/enqueued") == 4);
    CHECK(stats.getInt("scheduler/dequeued/memory") == 4);
}

TEST_CASE("a duplicate request is filtered and counted unless dontFilter is set") {
    StatsCollector stats;
    std::vector<std::string> lines;
    spider::Logger logger([&](std::string_view line) { lines.emplace_back(line); });
    Scheduler scheduler({}, stats, &logger);
    CHECK(scheduler.enqueue(get("http://a.test/p?x=1&y=2")) == Admission::Queued);
    CHECK(scheduler.enqueue(get("http://a.test/p?y=2&x=1")) == Admission::Duplicate);
    CHECK(scheduler.enqueue(get("http://a.test/p?x=1&y=2#frag")) == Admission::Duplicate);
    Request again = get("http://a.test/p?x=1&y=2");
    again.dontFilter = true;
    CHECK(scheduler.enqueue(again) == Admission::Queued);
    Request post = get("http://a.test/p?x=1&y=2");
    post.method = "POST";
    CHECK(scheduler.enqueue(post) == Admission::Queued);
    CHECK(stats.getInt("dupefilter/filtered") == 2);
    CHECK(scheduler.size() == 3);
    // Only the first duplicate is logged, as Scrapy does without DUPEFILTER_DEBUG.
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("Filtered duplicate request: <GET http://a.test/p?y=2&x=1> - no more "
                        "duplicates will be shown") != std::string::npos);
}

TEST_CASE("dontFilter requests do not mark their fingerprint as seen") {
    StatsCollector stats;
    Scheduler scheduler({}, stats);
    Request start = get("http://a.test/");
    start.dontFilter = true;
    CHECK(scheduler.enqueue(start) == Admission::Queued);
    CHECK(scheduler.enqueue(get("http://a.test/")) == Admission::Queued);
    CHECK(scheduler.enqueue(get("http://a.test/")) == Admission::Duplicate);
}

TEST_CASE("requests deeper than the depth limit are dropped and the maximum depth recorded") {
    StatsCollector stats;
    SchedulerOptions options;
    options.depthLimit = 2;
    Scheduler scheduler(options, stats);
    for (int depth = 0; depth <= 4; ++depth) {
        Request request = get("http://a.test/d" + std::to_string(depth));
        request.depth = depth;
        Admission expected = depth <= 2 ? Admission::Queued : Admission::TooDeep;
        CHECK(scheduler.enqueueFromSpider(request) == expected);
    }
    CHECK(scheduler.size() == 3);
    CHECK(stats.getInt("request_depth_max") == 2);
    CHECK(stats.getInt("depth/filtered") == 2);
}

TEST_CASE("depth priority lowers deeper requests so a FIFO crawl goes breadth first") {
    StatsCollector stats;
    SchedulerOptions options = fifo();
    options.depthPriority = 1;
    options.depthStatsVerbose = true;
    Scheduler scheduler(options, stats);
    Request deep = get("http://a.test/deep");
    deep.depth = 3;
    Request shallow = get("http://a.test/shallow");
    shallow.depth = 1;
    scheduler.enqueueFromSpider(deep);
    scheduler.enqueueFromSpider(shallow);
    auto first = scheduler.next();
    REQUIRE(first);
    CHECK(first->url == "http://a.test/shallow");
    CHECK(first->priority == -1);
    CHECK(scheduler.next()->priority == -3);
    CHECK(stats.getInt("request_depth_count/3") == 1);
}

TEST_CASE("offsite requests are filtered with Scrapy's domain rule and counted per domain") {
    StatsCollector stats;
    SchedulerOptions options;
    options.allowedDomains = {"example.com"};
    Scheduler scheduler(options, stats);
    CHECK(scheduler.enqueueFromSpider(get("http://example.com/a")) == Admission::Queued);
    CHECK(scheduler.enqueueFromSpider(get("https://www.Example.com/b")) == Admission::Queued);
    CHECK(scheduler.enqueueFromSpider(get("http://notexample.com/c")) == Admission::Offsite);
    CHECK(scheduler.enqueueFromSpider(get("http://notexample.com/d")) == Admission::Offsite);
    CHECK(scheduler.enqueueFromSpider(get("http://other.org/e")) == Admission::Offsite);
    CHECK(scheduler.enqueueFromSpider(get("http://example.com.evil.org/f")) == Admission::Offsite);
    Request forced = get("http://other.org/forced");
    forced.dontFilter = true;
    CHECK(scheduler.enqueueFromSpider(forced) == Admission::Queued);
    // Requests the engine schedules itself are not offsite-filtered (Scrapy's middleware
    // only sees spider output).
    CHECK(scheduler.enqueue(get("http://other.org/start")) == Admission::Queued);
    CHECK(stats.getInt("offsite/filtered") == 4);
    CHECK(stats.getInt("offsite/domains") == 3);
}

TEST_CASE("allowed_domains entries that are URLs or have ports are ignored with a warning") {
    StatsCollector stats;
    std::vector<std::string> lines;
    spider::Logger logger([&](std::string_view line) { lines.emplace_back(line); });
    SchedulerOptions options;
    options.allowedDomains = {"http://example.com", "example.org:8080"};
    Scheduler scheduler(options, stats, &logger);
    CHECK(lines.size() == 2);
    CHECK(scheduler.enqueueFromSpider(get("http://example.com/")) == Admission::Offsite);
    CHECK(scheduler.enqueueFromSpider(get("http://example.org/")) == Admission::Offsite);
}

TEST_CASE("only absolute http and https URLs are queued") {
    StatsCollector stats;
    Scheduler scheduler({}, stats);
    CHECK(scheduler.enqueue(get("ftp://a.test/file")) == Admission::UnsupportedUrl);
    CHECK(scheduler.enqueue(get("javascript:void(0)")) == Admission::UnsupportedUrl);
    CHECK(scheduler.enqueue(get("/relative")) == Admission::UnsupportedUrl);
    CHECK(scheduler.enqueue(get("")) == Admission::UnsupportedUrl);
    CHECK(scheduler.enqueue(get("https://a.test/")) == Admission::Queued);
    CHECK(stats.getInt("scheduler/filtered/unsupported_url") == 4);
}

TEST_CASE("every request field survives the queue, userData included") {
    StatsCollector stats;
    Scheduler scheduler({}, stats);
    Request full;
    full.url = "https://a.test/search?q=caf%C3%A9";
    full.method = "POST";
    full.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-A", "1"}, {"X-A", "2"}};
    static constexpr char kBody[] = "q=caf\xc3\xa9&bin=\0\xff";
    full.body = std::string(kBody, sizeof kBody - 1);
    full.meta = {{"cookiejar", "7"}, {"", "empty key"}};
    full.cbKwargs = {{"page", "3"}};
    full.userData = std::make_shared<int>(42);
    full.priority = -7;
    full.dontFilter = true;
    full.callback = "parse_result";
    full.errback = "on_error";
    full.depth = 12;
    full.timeout = 2.5;
    full.maxSize = 1 << 20;
    full.followRedirects = false;
    full.failOnDataLoss = false;
    Request copy = full;
    REQUIRE(scheduler.enqueue(std::move(copy)) == Admission::Queued);
    auto back = scheduler.next();
    REQUIRE(back);
    CHECK(sameRequest(*back, full));
    CHECK(*std::static_pointer_cast<int>(back->userData) == 42);
}

TEST_CASE("a million queued requests come back byte for byte in under 200 bytes each") {
    constexpr int kCount = 1'000'000;
    auto make = [](int i) {
        Request request;
        // A typical ~60-byte URL.
        request.url = "https://quotes.example.com/catalogue/page-" + std::to_string(i) +
                      "/index.html?sort=asc&ref=" + std::to_string(i % 97);
        request.callback = i % 3 == 0 ? "parse_author" : "parse";
        request.priority = i % 4;
        request.depth = i % 9;
        request.cbKwargs = {{"page", std::to_string(i)}};
        return request;
    };
    StatsCollector stats;
    Scheduler scheduler(fifo(), stats);
    for (int i = 0; i < kCount; ++i) {
        if (scheduler.enqueue(make(i)) != Admission::Queued) FAIL("request " << i << " dropped");
    }
    CHECK(scheduler.size() == static_cast<std::size_t>(kCount));
    double bytesPerRequest = static_cast<double>(scheduler.memoryBytes()) / kCount;
    INFO("frontier bytes per queued request: " << bytesPerRequest);
    CHECK(bytesPerRequest <= 200.0);

    // FIFO within each priority, priority 3 first: request i comes back in the order of
    // (priority descending, i ascending).
    for (int priority = 3; priority >= 0; --priority) {
        for (int i = priority; i < kCount; i += 4) {
            auto request = scheduler.next();
            if (!request) FAIL("the queue ran dry before request " << i);
            if (!sameRequest(*request, make(i))) FAIL("request " << i << " came back different");
        }
    }
    CHECK(scheduler.empty());
    CHECK(scheduler.memoryBytes() < 4096);
}

TEST_CASE("interleaved pushes and pops across chunk boundaries keep LIFO order") {
    StatsCollector stats;
    Scheduler scheduler({}, stats);
    std::vector<std::string> model;
    int serial = 0;
    for (int round = 0; round < 200; ++round) {
        for (int k = 0; k < 50; ++k) {
            std::string url = "http://a.test/" + std::string(static_cast<std::size_t>(serial % 300), 'x') +
                              "/" + std::to_string(serial);
            ++serial;
            scheduler.enqueue(get(url));
            model.push_back(url);
        }
        for (int k = 0; k < 30; ++k) {
            auto request = scheduler.next();
            REQUIRE(request);
            REQUIRE(request->url == model.back());
            model.pop_back();
        }
    }
    while (auto request = scheduler.next()) {
        REQUIRE(request->url == model.back());
        model.pop_back();
    }
    CHECK(model.empty());
}

TEST_CASE("a link longer than urllength_limit is dropped with a log line and a stat") {
    StatsCollector stats;
    std::vector<std::string> lines;
    spider::Logger logger([&](std::string_view line) { lines.emplace_back(line); });
    SchedulerOptions options;
    options.urlLengthLimit = 40;
    Scheduler scheduler(options, stats, &logger);
    std::string longUrl = "http://a.test/" + std::string(27, 'x'); // 41 characters
    std::string limitUrl = "http://a.test/" + std::string(26, 'x'); // 40 characters
    CHECK(scheduler.enqueueFromSpider(get(longUrl)) == Admission::UrlTooLong);
    CHECK(scheduler.enqueueFromSpider(get(limitUrl)) == Admission::Queued);
    // Only links from callbacks are checked, as Scrapy's UrlLengthMiddleware does.
    CHECK(scheduler.enqueue(get(longUrl)) == Admission::Queued);
    CHECK(stats.getInt("urllength/request_ignored_count") == 1);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("Ignoring link (url length > 40): " + longUrl) != std::string::npos);

    SECTION("the default is Scrapy's 2083, and 0 turns it off") {
        CHECK(SchedulerOptions{}.urlLengthLimit == 2083);
        SchedulerOptions off;
        off.urlLengthLimit = 0;
        Scheduler unlimited(off, stats);
        CHECK(unlimited.enqueueFromSpider(get("http://a.test/" + std::string(5000, 'y'))) ==
              Admission::Queued);
    }
}

TEST_CASE("isOffsite tells the engine whether a redirect hop leaves allowed_domains") {
    StatsCollector stats;
    SchedulerOptions options;
    options.allowedDomains = {"a.test"};
    Scheduler scheduler(options, stats);
    CHECK_FALSE(scheduler.isOffsite(get("http://www.a.test/x")));
    CHECK(scheduler.isOffsite(get("http://b.test/x")));
    CHECK(stats.getInt("offsite/filtered") == 1);
    CHECK(stats.getInt("offsite/domains") == 1);
}

TEST_CASE("a link is filtered the same way whether its URL is plain or needs the general parser") {
    StatsCollector stats;
    std::vector<std::string> lines;
    spider::Logger logger([&](std::string_view line) { lines.emplace_back(line); });
    logger.setLevel(spider::LogLevel::Debug);
    SchedulerOptions options;
    options.allowedDomains = {"example.com"};
    Scheduler scheduler(options, stats, &logger);
    // Plain and general spellings of one resource share a fingerprint.
    CHECK(scheduler.enqueueFromSpider(get("http://WWW.Example.com/p?b=2&a=1#x")) ==
          Admission::Queued);
    CHECK(scheduler.enqueueFromSpider(get("http://www.example.com/%70?a=1&b=2")) ==
          Admission::Duplicate);
    CHECK(scheduler.enqueueFromSpider(get("HTTP://www.example.com/p?a=1&b=2")) ==
          Admission::Duplicate);
    // The offsite host is reported lower-cased whichever parser found it.
    CHECK(scheduler.enqueueFromSpider(get("http://Other.ORG/a")) == Admission::Offsite);
    CHECK(scheduler.enqueueFromSpider(get("http://other.org/a%20b")) == Admission::Offsite);
    CHECK(stats.getInt("offsite/domains") == 1);
    bool loggedLowerCase = false;
    for (const auto& line : lines) {
        if (line.find("Filtered offsite request to 'other.org'") != std::string::npos) {
            loggedLowerCase = true;
        }
    }
    CHECK(loggedLowerCase);
    // An invalid URL has no host, so it is offsite (as before); past the offsite check
    // (dontFilter) it is refused as unsupported.
    CHECK(scheduler.enqueueFromSpider(get("http://www.example.com:99999/")) ==
          Admission::Offsite);
    Request forced = get("http://www.example.com:99999/");
    forced.dontFilter = true;
    CHECK(scheduler.enqueueFromSpider(forced) == Admission::UnsupportedUrl);
    CHECK(stats.getInt("request_depth_max") == 0);
}
