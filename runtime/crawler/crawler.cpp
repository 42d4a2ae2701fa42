#include "crawler/crawler.h"

#include "downloader/downloader.h"
#include "engine/log.h"
#include "reactor/reactor.h"

#include <algorithm>
#include <utility>

namespace spider {

HttpClientOptions httpClientOptionsFrom(const Settings& settings, Logger* logger) {
    HttpClientOptions options;
    options.timeout = settings.download_timeout;
    options.maxSize =
        static_cast<std::size_t>(std::max<std::int64_t>(0, settings.download_maxsize));
    options.warnSize =
        static_cast<std::size_t>(std::max<std::int64_t>(0, settings.download_warnsize));
    options.maxRedirects = static_cast<long>(settings.redirect_max_times);
    options.userAgent = settings.user_agent;
    options.cookies = settings.cookies_enabled;
    if (logger) {
        options.onWarning = [logger](std::string_view message) {
            logger->warning("spider.http", message);
        };
    }
    return options;
}

namespace {

FeedOptions feedOptionsFrom(FeedOptions options, const Settings& settings) {
    if (std::optional<bool> ensureAscii = feedEnsureAsciiFor(settings.feed_export_encoding)) {
        options.exporter.json.ensureAscii = *ensureAscii;
    }
    return options;
}

} // namespace

Crawler::Crawler(Reactor& reactor, Spider& spider, Settings settings, Logger& logger,
                 CrawlerOptions options)
    : settings_(std::move(settings))
    , logger_(logger)
    , options_(std::move(options)) {
    logger_.countInto(&stats_);
    client_ = std::make_unique<HttpClient>(reactor, httpClientOptionsFrom(settings_, &logger_));
    downloader_ = std::make_unique<Downloader>(reactor, *client_, settings_, stats_, logger_);
    if (!options_.feeds.empty()) {
        feeds_ = std::make_unique<FeedExports>(options_.feeds,
                                               feedOptionsFrom(options_.feedOptions, settings_),
                                               stats_, &logger_, "spider.feedexport");
    }
    engine_ =
        std::make_unique<CrawlEngine>(reactor, spider, settings_, *downloader_, stats_, logger_,
                                      feeds_.get(), &options_.pipeline, options_.signals);
}

Crawler::~Crawler() {
    // The engine goes first so nothing the downloader or client drops calls back into it.
    engine_.reset();
    feeds_.reset();
    downloader_.reset();
    client_.reset();
    logger_.countInto(nullptr);
}

std::vector<std::string> Crawler::openFeeds() {
    feedsOpened_ = true;
    if (!feeds_)
        return {};
    return feeds_->open();
}

Deferred<std::string> Crawler::crawl() {
    if (!feedsOpened_)
        (void)openFeeds();
    return engine_->crawl();
}

bool Crawler::feedsFailed() const {
    return feeds_ && feeds_->anyFailed();
}

} // namespace spider
