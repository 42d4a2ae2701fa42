#pragma once
// The crawl loop (Scrapy's ExecutionEngine and Scraper) for one spider, on one Reactor.
//
// - Start requests are pulled from spider.start() lazily, one at a time, whenever the
//   scheduler is empty and the downloader has capacity (Scrapy 2.8), and scheduled with
//   Scheduler::enqueue (no offsite filtering; the dupefilter unless dontFilter, which the
//   default start() sets). Unlike Scrapy, a dont_filter start request's fingerprint is
//   still recorded, so links back to a start page do not scrape it a second time.
// - A "next request" step, queued with callSoon whenever something changes (a download
//   finished, the downloader reported capacity, a request was scheduled), moves requests
//   from the scheduler into the downloader until Downloader::needsBackout(). There is no
//   polling and no recursion between the two.
// - Each response runs its request's callback (default "parse") as an AsyncGenerator on a
//   fresh reactor iteration. Items go through the pipeline to the feeds
//   (item_scraped_count); requests get depth = the response's depth + 1 and go through
//   Scheduler::enqueueFromSpider (depth limit, offsite, dupefilter).
// - Feeds are flushed once per reactor iteration that produced items, and before anything
//   reports items as scraped (the "Scraped from" debug line, CrawlSignals::itemScraped, the
//   log-stats line, the close): feeds opened with FeedOptions::flushEveryItem off (what
//   Crawler uses) then cost one write() per iteration, and no item reported as scraped is
//   lost if the process dies (the rule in feeds/feed.h).
// - A response whose status is not 2xx (after the downloader's retries) never reaches the
//   callback: it becomes an HttpError failure for the request's errback, or, without one,
//   an INFO line "Ignoring response <404 url>: HTTP status code is not handled or not
//   allowed" and httperror/response_ignored_count (+ _status_count/N), like Scrapy's
//   HttpErrorMiddleware. Meta handle_httpstatus_list (a list of ints) and
//   handle_httpstatus_all (true) let other statuses through, as in Scrapy.
// - A download failure goes to the errback with its Failure, else it is logged at ERROR
//   ("Error downloading <GET url>: ...").
// - An exception escaping a callback or errback (or UnknownCallbackError for a name the
//   spider does not define) is logged at ERROR with the request, the exception and, for a
//   SpiderError, the spider source position; counted as spider_exceptions/<Type>; items
//   the callback yielded before it are kept and the crawl goes on.
// - Inline requests (SpiderContext::fetch) go straight to the downloader; the callback
//   awaiting one is still running work.
// - Parse threads (setting parse_threads, default 1; 0 turns them off). Parsing a page is
//   most of a crawl's CPU, so it runs on worker threads while the reactor thread downloads,
//   schedules and runs callbacks. A page goes to a parse thread before its callback starts
//   when that callback was seen to use the page's selectors the last time it ran (the
//   first page of each callback parses on first use, as do pages of callbacks that did not
//   use selectors last time: a fetch-only callback never pays for a parse). Callbacks and
//   errbacks still start in the order their responses arrived. Inline fetch() responses
//   parse on first use. Pages go to the threads in arrival order, two per thread at a
//   time, so each is parsed shortly before its callback runs. Once concurrent_requests
//   pages wait for their callbacks, no new download starts until one of them does.
//
// Idle and close. The spider closes with "finished" exactly when nothing is left: the
// scheduler is empty, no scheduled download is in flight, no callback or errback is running
// or suspended (on an inline fetch, a sleep, a gather...), and the start generator is done.
// The check runs at the end of every step, and every piece of work that finishes queues a
// step, so the close comes one reactor iteration after the last piece of work, never
// earlier and without any polling delay.
//
// Other closes (Scrapy's CloseSpider extension and shutdown): closespider_itemcount,
// closespider_pagecount, closespider_timeout, closespider_errorcount (callback exceptions)
// and closeSpider(reason) drain: no new request leaves the scheduler, no new start request
// is pulled (a pending pull is cancelled), and the downloads and callbacks in flight finish
// (their items are still exported, as in Scrapy). abort() cancels everything at once: the
// downloader's requests (Downloader::cancelAll), the suspended callbacks (CancelledError at
// their co_await) and the start generator, then closes at once.
//
// At close: the feeds are closed (trailer written, flushed), finish_reason, finish_time,
// elapsed_time_seconds and memusage/max are set, the stats are dumped at INFO, and the
// Deferred from crawl() fires with the finish reason.
//
// Logs (logger names "spider.engine", "spider.scraper", "spider.logstats" and the spider's
// name for its errors), at Scrapy's levels: "Spider opened", "Crawled (200) <GET url>"
// (DEBUG), "Scraped from <200 url>" + the item (DEBUG), the periodic "Crawled N pages (at X
// pages/min), scraped M items (at Y items/min)" every logstats_interval seconds (INFO),
// "Closing spider (reason)", "Dumping crawl stats:", "Spider closed (reason)".
#include "crawler/spider.h"
#include "deferred/deferred.h"
#include "engine/http_error.h"
#include "engine/scheduler.h"
#include "reactor/reactor_time.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace spider {

class Downloader;
class FeedExports;
class ItemPipeline;
class Logger;
class QueryCache;
class Reactor;
class ThreadPool;
class Settings;
class StatsCollector;

// Scrapy's signals, as plain hooks (any may be empty). They run on the reactor thread,
// synchronously, at the moment the event happens; a hook must not destroy the engine.
struct CrawlSignals {
    std::function<void()> spiderOpened;
    // Before the callback runs (after the HttpError check let the response through or not).
    std::function<void(const HtmlResponse&)> responseReceived;
    // After the item passed the pipeline and went to the feeds.
    std::function<void(const Item&)> itemScraped;
    // An exception escaped a callback or errback.
    std::function<void(const Failure&, const Request&)> spiderError;
    // After the feeds were closed and the stats finalised, before crawl()'s Deferred fires.
    std::function<void(std::string_view reason)> spiderClosed;
};

class CrawlEngine final : public SpiderContext {
  public:
    // Everything is borrowed and must outlive the engine; `feeds` (already opened) and
    // `pipeline` may be null. Reads its options from `settings` once, here.
    CrawlEngine(Reactor& reactor, Spider& spider, const Settings& settings, Downloader& downloader,
                StatsCollector& stats, Logger& logger, FeedExports* feeds = nullptr,
                const ItemPipeline* pipeline = nullptr, CrawlSignals signals = {});
    // Abandons whatever still runs (nothing is called back into a destroyed engine).
    ~CrawlEngine() override;
    CrawlEngine(const CrawlEngine&) = delete;
    CrawlEngine& operator=(const CrawlEngine&) = delete;

    // Opens the spider and starts the crawl. The Deferred fires with the finish reason
    // ("finished", "closespider_itemcount", "shutdown", ...) once the spider has closed.
    // Call once.
    Deferred<std::string> crawl();

    // Closes the spider gracefully with `reason` (see above); the first reason wins.
    void closeSpider(std::string reason);
    // Cancels everything and closes now (with "shutdown" unless a close was under way).
    void abort();

    bool running() const { return state_ == State::Running; }
    bool closed() const { return state_ == State::Closed; }
    const std::string& finishReason() const { return finishReason_; }
    Scheduler& scheduler() { return scheduler_; }

    // What the engine waits for before it can close.
    struct Work {
        std::size_t queued = 0;      // requests in the scheduler
        std::size_t downloading = 0; // scheduled requests in the downloader
        std::size_t scraping = 0;    // callbacks/errbacks running, suspended or about to run
        bool startPending = true;    // the start generator is not done
    };
    Work work() const;

    // SpiderContext.
    ReactorTime& time() override;
    Deferred<HtmlResponse> fetch(Request request) override;
    Logger& logger() override { return logger_; }
    StatsCollector& stats() override { return stats_; }
    const Settings& settings() const override { return settings_; }

  private:
    enum class State { New, Running, Draining, Closed };
    struct Origin;

    void scheduleStep();
    void step();
    bool pullStartRequest();
    void onStartRequest(Outcome<std::optional<Request>> outcome);
    void enqueueStart(Request request);
    void download(Request request);
    void onDownloaded(std::shared_ptr<Request> request, Outcome<Response> outcome);
    HtmlResponse received(Response response, Request request);
    bool statusAllowed(const Response& response) const;
    void runCallback(HtmlResponse response);
    void runErrback(Failure failure, Request request);
    void startScrape(std::function<CallbackStream()> make, std::shared_ptr<const Origin> origin);
    void launchScrape(std::function<CallbackStream()> make, std::shared_ptr<const Origin> origin);
    void launchReadyScrapes();
    bool callbackParses(const std::string& callback) const;
    bool parsesNeedBackout() const;
    void submitParses();
    TreeDisposer treeDisposer() const;
    Task<void> scrape(CallbackStream stream, std::shared_ptr<const Origin> origin);
    void handleOutput(Output output, const Origin& origin);
    void handleItem(Item item, const Origin& origin);
    void queueFeedFlush();
    void flushFeeds();
    void spiderError(const Failure& failure, const Origin& origin);
    void logStats();
    void finalize();

    Reactor& reactor_;
    Spider& spider_;
    const Settings& settings_;
    const HttpErrorPolicy httpErrors_; // from settings_, read once: consulted per response
    Downloader& downloader_;
    StatsCollector& stats_;
    Logger& logger_;
    FeedExports* feeds_;
    const ItemPipeline* pipeline_;
    CrawlSignals signals_;
    std::string spiderName_;

    Scheduler scheduler_;
    std::shared_ptr<QueryCache> queryCache_;

    State state_ = State::New;
    std::string finishReason_;
    Deferred<std::string> closed_;

    std::optional<StartStream> start_;
    bool startDone_ = false;
    bool startPulling_ = false;
    bool insidePull_ = false;
    bool pulledInline_ = false;

    std::size_t downloading_ = 0;
    std::size_t scraping_ = 0;
    std::unordered_set<CallbackStream*> streams_;
    // Callbacks and errbacks waiting for their turn: the front one waits for its page's
    // parse, those behind it (ready or not) for the front, so all start in arrival order.
    struct PendingScrape {
        std::function<CallbackStream()> make;
        std::shared_ptr<const Origin> origin;
        bool ready = false;
        HtmlResponse page; // the page to parse first (until it is parsed)
    };
    std::deque<PendingScrape> pendingScrapes_;
    std::uint64_t pendingScrapesFront_ = 0; // the sequence number of pendingScrapes_.front()
    std::uint64_t nextToParse_ = 0;         // the first entry not yet given to a parse thread
    std::size_t parsesInFlight_ = 0;        // at most two per parse thread: submitParses()
    // Whether each callback used its page's selectors the last time it finished.
    std::unordered_map<std::string, bool> callbackParses_;
    bool stepQueued_ = false;
    bool feedFlushQueued_ = false;
    bool aborting_ = false;

    std::int64_t itemCount_ = 0;
    std::int64_t pageCount_ = 0;
    std::int64_t errorCount_ = 0;

    double startSeconds_ = 0;
    DelayedCall logStatsCall_;
    DelayedCall timeoutCall_;
    std::int64_t lastPages_ = 0;
    std::int64_t lastItems_ = 0;

    // Cleared by the destructor: Deferred callbacks and coroutine frames that outlive the
    // engine check it before touching it.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

    // Shared with the documents parsed on it, which hand their trees back to be freed there
    // (see treeDisposer()); the destructor shuts it down before anything else goes.
    std::shared_ptr<ThreadPool> parsePool_;
};

} // namespace spider
