#pragma once
// One crawl of one spider, wired together (Scrapy's Crawler): the HTTP client, the
// downloader, the stats, the feeds and the engine, all on one Reactor. crawlerMain() uses
// it; tests and programs that embed a crawl use it directly:
//
//     spider::Reactor reactor;
//     spider::Logger logger;
//     MySpider spider(args);
//     spider::Crawler crawler(reactor, spider, settings, logger, {.feeds = {...}});
//     if (!crawler.openFeeds().empty()) return 1;
//     std::string reason = spider::runUntilComplete(reactor, crawler.crawl());
//
// Destroying a Crawler abandons anything still running (its transfers are dropped).
#include "crawler/engine.h"
#include "crawler/spider.h"
#include "engine/settings.h"
#include "engine/stats.h"
#include "feeds/feed.h"
#include "feeds/pipeline.h"
#include "http/client.h"

#include <memory>
#include <string>
#include <vector>

namespace spider {

class Downloader;
class Logger;
class Reactor;

struct CrawlerOptions {
    std::vector<FeedSpec> feeds;
    // Encoding and fields are filled from the settings (feed_export_encoding) when left at
    // their defaults. Items are buffered and flushed by the engine once per reactor
    // iteration and before they are reported (engine.h); flushEveryItem = true writes each
    // item on its own.
    FeedOptions feedOptions{.exporter = {}, .flushEveryItem = false};
    ItemPipeline pipeline;
    CrawlSignals signals;
};

// The HTTP client's options from the crawl settings: download_timeout, download_maxsize,
// download_warnsize, redirect_max_times, user_agent, cookies_enabled; size warnings go to
// `logger` at WARNING when given.
HttpClientOptions httpClientOptionsFrom(const Settings& settings, Logger* logger = nullptr);

class Crawler {
  public:
    // `reactor`, `spider` and `logger` are borrowed and must outlive the crawler; the
    // settings are copied. The logger counts its lines into this crawl's stats
    // (log_count/<LEVEL>) until the crawler is destroyed.
    Crawler(Reactor& reactor, Spider& spider, Settings settings, Logger& logger,
            CrawlerOptions options = {});
    ~Crawler();
    Crawler(const Crawler&) = delete;
    Crawler& operator=(const Crawler&) = delete;

    // Opens every feed; one message per feed that could not be opened (already logged).
    std::vector<std::string> openFeeds();
    // Starts the crawl (opening the feeds first if openFeeds() was not called); fires with
    // the finish reason once the spider has closed and the feeds are closed.
    Deferred<std::string> crawl();

    CrawlEngine& engine() { return *engine_; }
    StatsCollector& stats() { return stats_; }
    const Settings& settings() const { return settings_; }
    // Whether any feed failed to open, to write an item or to close.
    bool feedsFailed() const;

  private:
    Settings settings_;
    Logger& logger_;
    CrawlerOptions options_;
    StatsCollector stats_;
    std::unique_ptr<HttpClient> client_;
    std::unique_ptr<Downloader> downloader_;
    std::unique_ptr<FeedExports> feeds_;
    std::unique_ptr<CrawlEngine> engine_;
    bool feedsOpened_ = false;
};

} // namespace spider
