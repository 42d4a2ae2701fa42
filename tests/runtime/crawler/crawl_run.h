#pragma once
// Runs an in-process crawl to its end on a fresh Reactor and keeps what the tests assert on:
// the finish reason, the stats, every scraped item and every log line. Shared by the
// engine's tests and the misbehaving-server crawl.
#include "coro/run.h"
#include "crawler/crawler.h"
#include "crawler/engine.h"
#include "crawler/spider.h"
#include "engine/log.h"
#include "reactor/reactor.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spider::testing {

struct CrawlRun {
    std::string reason;
    StatsCollector stats;
    std::vector<Item> items;
    std::vector<std::string> log;
    std::vector<std::string> received; // the URL of every response, in arrival order
    double seconds = 0;

    std::int64_t stat(std::string_view key) const { return stats.getInt(key); }
    bool logged(std::string_view text) const {
        return std::any_of(log.begin(), log.end(), [&](const std::string& line) {
            return line.find(text) != std::string::npos;
        });
    }
};

// Runs `spider` to the end. A watchdog aborts a crawl still running after `watchdogSeconds`
// and sets the reason to "watchdog: the crawl hung", so a hang fails the test through its
// finish reason instead of blocking ctest. `during` runs once the crawl has started.
inline CrawlRun runCrawl(Spider& spider, Settings settings = {},
                         std::function<void(Reactor&, Crawler&)> during = {},
                         double watchdogSeconds = 30) {
    CrawlRun run;
    Reactor reactor;
    Logger logger([&run](std::string_view line) { run.log.emplace_back(line); },
                  LoggerOptions{LogLevel::Debug, true});
    settings.logstats_interval = 0;
    CrawlerOptions options;
    options.signals.itemScraped = [&run](const Item& item) { run.items.push_back(item); };
    options.signals.responseReceived = [&run](const HtmlResponse& response) {
        run.received.push_back(response.url());
    };
    Crawler crawler(reactor, spider, std::move(settings), logger, std::move(options));
    bool watchdogFired = false;
    DelayedCall watchdog = reactor.callLater(watchdogSeconds, [&] {
        watchdogFired = true;
        crawler.engine().abort();
    });
    double started = reactor.seconds();
    Deferred<std::string> done = crawler.crawl();
    if (during)
        during(reactor, crawler);
    run.reason = runUntilComplete(reactor, std::move(done));
    run.seconds = reactor.seconds() - started;
    watchdog.cancel();
    if (watchdogFired)
        run.reason = "watchdog: the crawl hung";
    run.stats = crawler.stats();
    return run;
}

} // namespace spider::testing
