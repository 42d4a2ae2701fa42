#include "crawler/engine.h"

#include "coro/task.h"
#include "data/json.h"
#include "deferred/errors.h"
#include "downloader/downloader.h"
#include "engine/log.h"
#include "engine/settings.h"
#include "engine/stats.h"
#include "feeds/feed.h"
#include "feeds/pipeline.h"
#include "http/referer.h"
#include "reactor/reactor.h"
#include "selectors/html_document.h"
#include "selectors/query_cache.h"
#include "threads/thread_pool.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

namespace spider {

namespace {

constexpr std::string_view kEngineLog = "spider.engine";
constexpr std::string_view kScraperLog = "spider.scraper";
constexpr std::string_view kLogStatsLog = "spider.logstats";

SchedulerOptions schedulerOptions(const Settings& settings, const Spider& spider) {
    SchedulerOptions options;
    options.order = settings.scheduler_order == "fifo" ? QueueOrder::Fifo : QueueOrder::Lifo;
    options.depthLimit = static_cast<int>(settings.depth_limit);
    options.depthPriority = static_cast<int>(settings.depth_priority);
    options.dupefilterDebug = settings.dupefilter_debug;
    options.allowedDomains = spider.allowedDomains();
    options.urlLengthLimit =
        static_cast<std::size_t>(std::max<std::int64_t>(0, settings.urllength_limit));
    return options;
}

// "<GET http://host/p/1.html>", as Scrapy prints a request.
std::string describeRequest(const Request& request) {
    return "<" + request.method + " " + request.url + ">";
}

// The exception's type without its namespaces, as Scrapy's spider_exceptions/<Type> keys
// name Python classes ("ValueTypeError", "runtime_error").
std::string shortTypeName(const Failure& failure) {
    std::string name = failure.typeName();
    std::size_t templateStart = name.find('<');
    std::size_t colons = name.rfind("::", templateStart);
    if (colons != std::string::npos)
        name.erase(0, colons + 2);
    return name;
}

// The spider-source position of the exception inside `failure`, when it carries one.
std::optional<SourceLocation> spiderLocation(const Failure& failure) {
    try {
        failure.raise();
    } catch (const SpiderError& error) {
        if (error.where().known())
            return error.where();
    } catch (...) {
    }
    return std::nullopt;
}

} // namespace

// Where a callback's output came from: the request it answers, for depth, logs and
// errors. Shared by the scrape task and its outputs.
struct CrawlEngine::Origin {
    Request request;
    std::string callback; // "parse", or "errback 'onError'" for errbacks
    int status = 0;       // 0 for errbacks
    std::string url;      // the response's URL (after redirects), or the request's
    HtmlResponse response; // the page a callback runs on (none for errbacks)
};

CrawlEngine::CrawlEngine(Reactor& reactor, Spider& spider, const Settings& settings,
                         Downloader& downloader, StatsCollector& stats, Logger& logger,
                         FeedExports* feeds, const ItemPipeline* pipeline, CrawlSignals signals)
    : reactor_(reactor)
    , spider_(spider)
    , settings_(settings)
    , httpErrors_(HttpErrorPolicy::fromSettings(settings))
    , downloader_(downloader)
    , stats_(stats)
    , logger_(logger)
    , feeds_(feeds)
    , pipeline_(pipeline)
    , signals_(std::move(signals))
    , spiderName_(spider.name())
    , scheduler_(schedulerOptions(settings, spider), stats, &logger, "spider.scheduler")
    , queryCache_(std::make_shared<QueryCache>()) {
    if (settings_.parse_threads > 0) {
        HtmlDocument::initializeParser(); // before any parse thread parses
        parsePool_ = std::make_shared<ThreadPool>(static_cast<unsigned>(settings_.parse_threads));
    }
}

CrawlEngine::~CrawlEngine() {
    *alive_ = false;
    if (parsePool_)
        parsePool_->shutdown(); // documents still alive free their trees where they die
    if (state_ != State::New) {
        downloader_.onCapacity({});
        downloader_.setRedirectFilter({});
    }
    logStatsCall_.cancel();
    timeoutCall_.cancel();
}

ReactorTime& CrawlEngine::time() {
    return reactor_;
}

CrawlEngine::Work CrawlEngine::work() const {
    return Work{scheduler_.size(), downloading_, scraping_, !startDone_ || startPulling_};
}

Deferred<std::string> CrawlEngine::crawl() {
    if (state_ != State::New) {
        throw std::logic_error("CrawlEngine::crawl() called twice");
    }
    state_ = State::Running;
    startSeconds_ = reactor_.seconds();
    stats_.setTime("start_time", std::chrono::system_clock::now());
    stats_.set("memusage/startup", static_cast<std::int64_t>(currentRssBytes()));
    ValueMap overridden = settings_.overridden();
    if (!overridden.empty()) {
        logger_.info(kEngineLog, "Overridden settings:\n" +
                                     toJson(Value(std::move(overridden)), {false, true}));
    }
    logger_.info(kEngineLog, "Spider opened");
    spider_.attach(*this);
    if (signals_.spiderOpened)
        signals_.spiderOpened();

    try {
        start_.emplace(spider_.start());
    } catch (...) {
        Failure failure = Failure::fromCurrentException();
        logger_.error(kEngineLog, "Error while obtaining start requests: " + failure.describe());
        startDone_ = true;
    }

    if (settings_.logstats_interval > 0) {
        logStats();
    }
    if (settings_.closespider_timeout > 0) {
        timeoutCall_ = reactor_.callLater(settings_.closespider_timeout,
                                          [this] { closeSpider("closespider_timeout"); });
    }
    downloader_.onCapacity([this, alive = alive_] {
        if (*alive)
            scheduleStep();
    });
    // A redirect must not leave allowed_domains (Scrapy 2.11's downloader OffsiteMiddleware).
    downloader_.setRedirectFilter([this, alive = alive_](const Request& hop) {
        return !*alive || !scheduler_.isOffsite(hop);
    });
    scheduleStep();
    return closed_;
}

void CrawlEngine::scheduleStep() {
    if (stepQueued_ || state_ == State::Closed)
        return;
    stepQueued_ = true;
    reactor_.callSoon([this, alive = alive_] {
        if (!*alive)
            return;
        stepQueued_ = false;
        step();
    });
}

void CrawlEngine::step() {
    if (state_ == State::Running) {
        while (!downloader_.needsBackout() && !parsesNeedBackout()) {
            if (std::optional<Request> request = scheduler_.next()) {
                download(std::move(*request));
            } else if (!pullStartRequest()) {
                break;
            }
        }
        if (scheduler_.empty() && downloading_ == 0 && scraping_ == 0 && startDone_ &&
            !startPulling_) {
            closeSpider("finished");
        }
    }
    if (state_ == State::Draining && downloading_ == 0 && scraping_ == 0 && !startPulling_) {
        finalize();
    }
}

// Pulls one start request. True when one arrived synchronously (it is in the scheduler),
// so the caller's loop can go on; a pull that has to wait ends the loop and queues a step
// when it completes.
bool CrawlEngine::pullStartRequest() {
    if (!start_ || startDone_ || startPulling_)
        return false;
    startPulling_ = true;
    insidePull_ = true;
    pulledInline_ = false;
    start_->nextDeferred().addBoth([this, alive = alive_](Outcome<std::optional<Request>> o) {
        if (*alive)
            onStartRequest(std::move(o));
    });
    insidePull_ = false;
    return pulledInline_ && !startDone_;
}

void CrawlEngine::onStartRequest(Outcome<std::optional<Request>> outcome) {
    startPulling_ = false;
    if (insidePull_)
        pulledInline_ = true;
    if (outcome.failed()) {
        startDone_ = true;
        if (!outcome.failure().check<CancelledError>() || state_ == State::Running) {
            logger_.error(kEngineLog,
                          "Error while obtaining start requests: " + outcome.failure().describe());
        }
    } else if (!outcome.value()) {
        startDone_ = true;
    } else if (state_ == State::Running) {
        Request& request = *outcome.value();
        if (request.callback.empty())
            request.callback = "parse";
        enqueueStart(std::move(request));
    }
    if (!insidePull_)
        scheduleStep();
}

// A dont_filter start request is always fetched, but unlike Scrapy its fingerprint is
// still recorded, so a link back to a start page (the "Previous" link to page 0) is a
// duplicate instead of a second scrape of the same items. Only a start request seen before
// (the same start URL twice) takes the forced path, and counts in dupefilter/filtered.
void CrawlEngine::enqueueStart(Request request) {
    if (!request.dontFilter) {
        scheduler_.enqueue(std::move(request));
        return;
    }
    request.dontFilter = false;
    Request forced = request;
    if (scheduler_.enqueue(std::move(request)) == Admission::Duplicate) {
        forced.dontFilter = true;
        scheduler_.enqueue(std::move(forced));
    }
}

void CrawlEngine::download(Request request) {
    ++downloading_;
    if (!settings_.redirect_enabled)
        request.followRedirects = false;
    if (const Value* dontRedirect = request.meta.find("dont_redirect")) {
        if (dontRedirect->truthy())
            request.followRedirects = false;
    }
    auto saved = std::make_shared<Request>(request);
    downloader_.fetch(std::move(request))
        .addBoth([this, alive = alive_, saved = std::move(saved)](Outcome<Response> o) mutable {
            if (*alive)
                onDownloaded(std::move(saved), std::move(o));
        });
}

void CrawlEngine::onDownloaded(std::shared_ptr<Request> request, Outcome<Response> outcome) {
    --downloading_;
    scheduleStep();
    if (aborting_)
        return;
    if (outcome.failed()) {
        const Failure& failure = outcome.failure();
        if (!request->errback.empty()) {
            runErrback(failure, std::move(*request));
        } else if (!failure.check<IgnoreRequest>()) {
            // A request dropped on purpose (robots.txt, an offsite redirect) is not an
            // error: the downloader logged it at DEBUG and counted it, as Scrapy does.
            logger_.error(kEngineLog, "Error downloading " + describeRequest(*request) + ": " +
                                          failure.describe());
        }
        return;
    }
    HtmlResponse response = received(std::move(outcome.value()), std::move(*request));
    if (statusAllowed(response.raw())) {
        runCallback(std::move(response));
        return;
    }
    if (!response.request().errback.empty()) {
        Request original = response.request();
        runErrback(Failure(HttpError(response)), std::move(original));
        return;
    }
    stats_.inc("httperror/response_ignored_count");
    stats_.inc("httperror/response_ignored_status_count/" + std::to_string(response.status()));
    logger_.info(kEngineLog, "Ignoring response <" + std::to_string(response.status()) + " " +
                                 response.url() +
                                 ">: HTTP status code is not handled or not allowed");
}

// A response arrived (scheduled or inline): counts it, logs it and applies
// closespider_pagecount. `request` is the request as the engine made it, so callback names,
// meta and depth are exactly what the spider set, whatever the downloader kept.
HtmlResponse CrawlEngine::received(Response response, Request request) {
    response.request = std::move(request);
    ++pageCount_;
    stats_.inc("response_received_count");
    if (logger_.enabled(LogLevel::Debug)) {
        std::string line = "Crawled (" + std::to_string(response.status) + ") " +
                           describeRequest(response.request);
        if (response.url != response.request.url)
            line += " (redirected to " + response.url + ")";
        logger_.debug(kEngineLog, line);
    }
    HtmlResponse html(std::make_shared<const Response>(std::move(response)), queryCache_);
    if (signals_.responseReceived)
        signals_.responseReceived(html);
    if (settings_.closespider_pagecount > 0 && pageCount_ >= settings_.closespider_pagecount) {
        closeSpider("closespider_pagecount");
    }
    return html;
}

bool CrawlEngine::statusAllowed(const Response& response) const {
    return httpErrors_.allows(response.request, response.status);
}

Deferred<HtmlResponse> CrawlEngine::fetch(Request request) {
    if (state_ == State::Closed || aborting_) {
        return fail<HtmlResponse>(CancelledError("the spider is closed: inline request " +
                                                 describeRequest(request) + " not made"));
    }
    stats_.inc("inline/request_count");
    if (!settings_.redirect_enabled)
        request.followRedirects = false;
    Request saved = request;
    return downloader_.fetch(std::move(request))
        .addCallback([this, alive = alive_, saved = std::move(saved)](Response response) mutable {
            if (!*alive) {
                response.request = std::move(saved);
                return HtmlResponse(std::make_shared<const Response>(std::move(response)));
            }
            HtmlResponse html = received(std::move(response), std::move(saved));
            if (!statusAllowed(html.raw())) {
                throw HttpError(html);
            }
            return html;
        });
}

void CrawlEngine::runCallback(HtmlResponse response) {
    auto origin = std::make_shared<Origin>();
    origin->request = response.request();
    origin->callback = origin->request.callback.empty() ? "parse" : origin->request.callback;
    origin->status = response.status();
    origin->url = response.url();
    origin->response = response;
    std::string name = origin->callback;
    bool parseAhead = parsePool_ && !response.parsed() && callbackParses(name);
    std::function<CallbackStream()> make = [this, name = std::move(name), response]() {
        return spider_.callback(name, response);
    };
    if (!parseAhead) {
        startScrape(std::move(make), std::move(origin));
        return;
    }
    ++scraping_;
    pendingScrapes_.push_back({std::move(make), std::move(origin), false, std::move(response)});
    submitParses();
}

// Pages go to the parse threads in arrival order, at most two per thread at a time: enough to
// keep every thread busy while the reactor thread takes the results, few enough that a
// page is parsed just before its callback walks the tree, while it is still in the caches
// (at concurrency 64, parsing every waiting page at once cost a third more CPU per page).
void CrawlEngine::submitParses() {
    const std::uint64_t end = pendingScrapesFront_ + pendingScrapes_.size();
    nextToParse_ = std::max(nextToParse_, pendingScrapesFront_);
    const std::size_t window = 2 * std::size_t{parsePool_->size()};
    while (parsesInFlight_ < window && nextToParse_ < end) {
        const std::uint64_t sequence = nextToParse_++;
        PendingScrape& entry = pendingScrapes_[sequence - pendingScrapesFront_];
        if (entry.ready)
            continue; // an errback or a callback without a parse, waiting for its turn
        ++parsesInFlight_;
        std::shared_ptr<const Response> raw = entry.page.rawShared();
        deferToThread(reactor_, *parsePool_, [raw] { return HtmlResponse::prepare(*raw); })
            .addBoth([this, alive = alive_, sequence](Outcome<PreparedPage> page) {
                if (!*alive)
                    return;
                --parsesInFlight_;
                PendingScrape& done = pendingScrapes_[sequence - pendingScrapesFront_];
                // A failed parse (libxml2 out of memory) is not reported here: the
                // callback's first selector() parses again and fails there, as without
                // parse threads.
                if (page.ok())
                    done.page.adoptPrepared(std::move(page.value()), treeDisposer());
                done.page = HtmlResponse(); // the callback holds its own handle
                done.ready = true;
                submitParses();
                launchReadyScrapes();
            });
    }
}

// Pages waiting for their callback (for a parse thread, or behind one that does) hold
// back new downloads once there are as many as concurrent_requests: a reactor thread that
// downloads faster than the threads parse would otherwise queue pages without bound.
// (Scrapy's scraper slot backs out the same way, by bytes: SCRAPER_SLOT_MAX_ACTIVE_SIZE.)
bool CrawlEngine::parsesNeedBackout() const {
    return pendingScrapes_.size() >=
           static_cast<std::size_t>(std::max<std::int64_t>(1, settings_.concurrent_requests));
}

// Freeing a page's tree costs the reactor thread about a tenth of what parsing it did: the
// parse threads do it instead (or the caller, once the pool is shut down).
TreeDisposer CrawlEngine::treeDisposer() const {
    return [pool = parsePool_](ParsedTree tree) {
        auto doomed = std::make_shared<ParsedTree>(std::move(tree));
        pool->submit([doomed] { ParsedTree freed = std::move(*doomed); });
    };
}

bool CrawlEngine::callbackParses(const std::string& callback) const {
    auto it = callbackParses_.find(callback);
    return it != callbackParses_.end() && it->second;
}

void CrawlEngine::runErrback(Failure failure, Request request) {
    auto origin = std::make_shared<Origin>();
    origin->callback = "errback '" + request.errback + "'";
    origin->url = request.url;
    origin->request = std::move(request);
    startScrape(
        [this, failure = std::move(failure), origin]() {
            return spider_.errback(origin->request.errback, failure, origin->request);
        },
        origin);
}

// Queues a callback or errback to start after those still waiting for a parse.
void CrawlEngine::startScrape(std::function<CallbackStream()> make,
                              std::shared_ptr<const Origin> origin) {
    ++scraping_;
    if (pendingScrapes_.empty()) {
        launchScrape(std::move(make), std::move(origin));
        return;
    }
    pendingScrapes_.push_back({std::move(make), std::move(origin), true, HtmlResponse()});
}

void CrawlEngine::launchReadyScrapes() {
    bool launched = false;
    while (!pendingScrapes_.empty() && pendingScrapes_.front().ready) {
        PendingScrape next = std::move(pendingScrapes_.front());
        pendingScrapes_.pop_front();
        ++pendingScrapesFront_;
        launchScrape(std::move(next.make), std::move(next.origin));
        launched = true;
    }
    if (launched)
        scheduleStep(); // parsesNeedBackout() may have eased
}

// Callbacks start on a fresh reactor iteration, never from inside the downloader's
// completion: a callback that fetches inline then never re-enters the downloader (or the
// HTTP client below it) while it is delivering a result. scraping_ was counted by the
// caller.
void CrawlEngine::launchScrape(std::function<CallbackStream()> make,
                               std::shared_ptr<const Origin> origin) {
    reactor_.callSoon([this, alive = alive_, make = std::move(make), origin = std::move(origin)] {
        if (!*alive)
            return;
        if (aborting_ || state_ == State::Closed) {
            --scraping_;
            scheduleStep();
            return;
        }
        CallbackStream stream;
        try {
            stream = make();
        } catch (...) {
            spiderError(Failure::fromCurrentException(), *origin);
            --scraping_;
            scheduleStep();
            return;
        }
        scrape(std::move(stream), origin);
    });
}

// Consumes one callback's stream. scraping_ was counted by startScrape; the guard gives it
// back however the frame ends (finished, or destroyed because what it awaited died).
Task<void> CrawlEngine::scrape(CallbackStream stream, std::shared_ptr<const Origin> origin) {
    struct Active {
        CrawlEngine* engine;
        CallbackStream* stream;
        std::shared_ptr<bool> alive;
        ~Active() {
            if (!*alive)
                return;
            engine->streams_.erase(stream);
            --engine->scraping_;
            engine->scheduleStep();
        }
    } active{this, &stream, alive_};
    streams_.insert(&stream);

    for (;;) {
        std::optional<Output> output;
        try {
            output = co_await stream.next();
        } catch (...) {
            if (*active.alive)
                spiderError(Failure::fromCurrentException(), *origin);
            break;
        }
        if (!output || !*active.alive)
            break;
        handleOutput(std::move(*output), *origin);
    }
    if (*active.alive && origin->response.valid())
        callbackParses_[origin->callback] = origin->response.parsed();
}

void CrawlEngine::handleOutput(Output output, const Origin& origin) {
    if (output.isItem()) {
        handleItem(std::move(output.item()), origin);
        return;
    }
    Request& request = output.request();
    request.depth = origin.request.depth + 1;
    if (settings_.referer_enabled && origin.status != 0)
        addReferer(request, origin.url);
    if (state_ == State::Closed)
        return;
    if (scheduler_.enqueueFromSpider(std::move(request)) == Admission::Queued) {
        scheduleStep();
    }
}

void CrawlEngine::handleItem(Item item, const Origin& origin) {
    if (state_ == State::Closed) {
        // Only a callback that caught the CancelledError of an abort gets here.
        logger_.warning(kScraperLog, "Item from " + describeRequest(origin.request) +
                                         " dropped: the spider is already closed");
        return;
    }
    if (pipeline_ && pipeline_->size() > 0) {
        PipelineResult result = pipeline_->process(std::move(item), stats_, &logger_);
        if (!result.item)
            return;
        item = std::move(*result.item);
    }
    if (feeds_) {
        (void)feeds_->exportItem(item); // FeedExports logs and counts its own errors
        queueFeedFlush();
    }
    ++itemCount_;
    stats_.inc("item_scraped_count");
    if (logger_.enabled(LogLevel::Debug)) {
        flushFeeds(); // the line reports the item as scraped: it is written first
        logger_.debug(kScraperLog, "Scraped from <" + std::to_string(origin.status) + " " +
                                       origin.url + ">\n" +
                                       toJson(Value(item.fields()), {false, true}));
    }
    if (signals_.itemScraped) {
        flushFeeds(); // a hook may report the item anywhere: it is written first
        signals_.itemScraped(item);
    }
    if (settings_.closespider_itemcount > 0 && itemCount_ >= settings_.closespider_itemcount) {
        closeSpider("closespider_itemcount");
    }
}

// Items wait in the feeds' buffers until the end of the reactor iteration that produced
// them: every callback that ran in the iteration shares one write() per feed. A flush also
// comes before anything that reports items as scraped (the "Scraped from" debug line, the
// itemScraped hook, the periodic log-stats line, and the close, which writes the stats), so
// an item the crawl has reported is in the file even if the process then dies.
void CrawlEngine::queueFeedFlush() {
    if (feedFlushQueued_)
        return;
    feedFlushQueued_ = true;
    reactor_.callSoon([this, alive = alive_] {
        if (!*alive)
            return;
        feedFlushQueued_ = false;
        flushFeeds();
    });
}

void CrawlEngine::flushFeeds() {
    if (feeds_)
        (void)feeds_->flush(); // FeedExports logs and counts its own errors
}

void CrawlEngine::spiderError(const Failure& failure, const Origin& origin) {
    if (failure.check<CancelledError>() && aborting_)
        return;
    ++errorCount_;
    stats_.inc("spider_exceptions/" + shortTypeName(failure));
    std::string message = "Spider error processing " + describeRequest(origin.request) + " (" +
                          origin.callback + "): " + failure.typeName() + ": " + failure.what();
    if (std::optional<SourceLocation> where = spiderLocation(failure)) {
        message += " [at " + std::string(where->file) + ":" + std::to_string(where->line) + "]";
    }
    logger_.error(spiderName_, message);
    if (signals_.spiderError)
        signals_.spiderError(failure, origin.request);
    if (settings_.closespider_errorcount > 0 && errorCount_ >= settings_.closespider_errorcount) {
        closeSpider("closespider_errorcount");
    }
}

void CrawlEngine::logStats() {
    flushFeeds(); // the line reports items as scraped
    double interval = settings_.logstats_interval;
    CrawlProgress now = progressOf(stats_);
    logger_.info(kLogStatsLog, formatLogStatsLine({lastPages_, lastItems_}, now, interval));
    lastPages_ = now.pages;
    lastItems_ = now.items;
    logStatsCall_ = reactor_.callLater(interval, [this] { logStats(); });
}

void CrawlEngine::closeSpider(std::string reason) {
    if (state_ != State::Running)
        return;
    state_ = State::Draining;
    finishReason_ = std::move(reason);
    logger_.info(kEngineLog, "Closing spider (" + finishReason_ + ")");
    if (startPulling_ && start_) {
        start_->cancel();
    }
    scheduleStep();
}

void CrawlEngine::abort() {
    if (state_ == State::Closed || aborting_)
        return;
    if (state_ == State::New) {
        finishReason_ = "shutdown";
        state_ = State::Draining;
        finalize();
        return;
    }
    if (state_ == State::Running) {
        closeSpider("shutdown");
    }
    aborting_ = true;
    downloader_.cancelAll();
    std::vector<CallbackStream*> streams(streams_.begin(), streams_.end());
    for (CallbackStream* stream : streams) {
        // Cancelling one callback can end others (a gather, a shared Deferred): only touch
        // those still registered.
        if (streams_.count(stream))
            stream->cancel();
    }
    if (startPulling_ && start_) {
        start_->cancel();
    }
    finalize();
}

void CrawlEngine::finalize() {
    if (state_ == State::Closed)
        return;
    state_ = State::Closed;
    logStatsCall_.cancel();
    timeoutCall_.cancel();
    downloader_.onCapacity({});
    if (feeds_) {
        (void)feeds_->close(); // FeedExports logs failures and counts feedexport/* stats
    }
    stats_.set("finish_reason", finishReason_);
    stats_.setTime("finish_time", std::chrono::system_clock::now());
    stats_.set("elapsed_time_seconds", reactor_.seconds() - startSeconds_);
    stats_.set("memusage/max", static_cast<std::int64_t>(peakRssBytes()));
    logger_.info(kEngineLog, "Dumping crawl stats:\n" + stats_.formatDump());
    logger_.info(kEngineLog, "Spider closed (" + finishReason_ + ")");
    if (signals_.spiderClosed)
        signals_.spiderClosed(finishReason_);
    Deferred<std::string> closed = closed_;
    closed.callback(finishReason_);
}

} // namespace spider
