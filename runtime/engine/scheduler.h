#pragma once

// The crawl frontier: Scrapy's Scheduler (with RFPDupeFilter, ScrapyPriorityQueue and
// memory queues) plus the request filtering of its DepthMiddleware and OffsiteMiddleware,
// all synchronous. The engine pushes requests in and pulls the next one to download.
//
// Order: highest priority first; within a priority LIFO by default, like Scrapy's default
// SCHEDULER_MEMORY_QUEUE (scrapy.squeues.LifoMemoryQueue), or FIFO when configured (the
// order a breadth-first crawl wants, together with a positive DEPTH_PRIORITY).
//
// Memory: queued requests are kept as compact byte records (engine/request_record.h) in
// chunked per-priority arenas, about 20 bytes plus the URL and kwargs per request, and
// decoded back into a Request by next(). A request's `userData`, which cannot be encoded,
// is kept aside in a map and costs more; requests that carry one are not persistable.
//
// Stats (Scrapy's keys): scheduler/enqueued(/memory), scheduler/dequeued(/memory),
// dupefilter/filtered, offsite/filtered, offsite/domains, request_depth_max,
// request_depth_count/<n> (DEPTH_STATS_VERBOSE), urllength/request_ignored_count, plus
// depth/filtered and
// scheduler/filtered/unsupported_url (this runtime's; Scrapy has none).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/dupefilter.h"
#include "engine/request_record.h"
#include "engine/stats.h"
#include "http/fingerprint.h"
#include "http/request.h"
#include "http/url.h"

namespace spider {

class Logger;
class StatsCollector;

enum class QueueOrder : std::uint8_t { Lifo, Fifo };

struct SchedulerOptions {
    QueueOrder order = QueueOrder::Lifo;  // SCHEDULER_MEMORY_QUEUE
    int depthLimit = 0;                   // DEPTH_LIMIT; 0 means no limit
    int depthPriority = 0;                // DEPTH_PRIORITY
    bool depthStatsVerbose = false;       // DEPTH_STATS_VERBOSE
    bool dupefilterDebug = false;         // DUPEFILTER_DEBUG: log every duplicate
    // The spider's allowed_domains; empty allows every host. Entries that are URLs or carry
    // a port are ignored with a warning, as Scrapy does.
    std::vector<std::string> allowedDomains;
    // URLLENGTH_LIMIT (Scrapy's UrlLengthMiddleware): a request from a spider callback with
    // a longer URL is dropped, logged at INFO ("Ignoring link (url length > 2083): URL") and
    // counted in urllength/request_ignored_count. 0: no limit.
    std::size_t urlLengthLimit = 2083;
};

// Why a request was or was not queued.
enum class Admission : std::uint8_t {
    Queued,
    Duplicate,       // seen before and not dontFilter
    Offsite,         // host outside allowed_domains and not dontFilter
    TooDeep,         // depth > depthLimit
    UnsupportedUrl,  // not an absolute http(s) URL
    UrlTooLong,      // from a callback, longer than urlLengthLimit
};

std::string_view admissionName(Admission admission);

class Scheduler {
public:
    // `stats` and `logger` (optional) must outlive the scheduler. `logName` is the logger
    // name its messages carry.
    Scheduler(SchedulerOptions options, StatsCollector& stats, Logger* logger = nullptr,
              std::string logName = "spider.scheduler");
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // A request yielded by a spider callback (its depth already set by the engine to the
    // parent response's depth + 1): drops it when its URL is longer than urlLengthLimit,
    // applies DEPTH_PRIORITY to its priority, drops it when deeper than depthLimit, drops it
    // when offsite (unless dontFilter), then enqueue().
    Admission enqueueFromSpider(Request request);

    // Any request the engine schedules directly (start requests, retries, redirects): must
    // be an absolute http(s) URL; goes through the dupefilter unless dontFilter; then queued.
    // Returns Admission::Queued, or why it was dropped (counted in the stats).
    Admission enqueue(Request request);

    // The next request to download (highest priority, then LIFO/FIFO), or std::nullopt
    // when the queue is empty.
    std::optional<Request> next();

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    // Whether `request`'s host is outside allowed_domains (dontFilter is not looked at).
    // Counts offsite/filtered (and offsite/domains, with a DEBUG line, the first time a host
    // is seen) when it is: the engine also asks it about each redirect hop
    // (Downloader::setRedirectFilter).
    bool isOffsite(const Request& request);

    const DupeFilter& dupeFilter() const { return dupeFilter_; }
    // Bytes the queued records, their arenas and bookkeeping occupy (not the dupefilter).
    std::size_t memoryBytes() const;

private:
    class RecordQueue;

    void logDebug(const std::string& message);
    // isOffsite() given the request's host (any case).
    bool isOffsiteHost(std::string_view host, const Request& request);
    // enqueue() with the request's URL already split (null when it is not plain): each
    // link is parsed once however many questions are asked about it.
    Admission admit(Request& request, const PlainHttpUrl* plain);

    SchedulerOptions options_;
    StatsCollector& stats_;
    Logger* logger_;
    std::string logName_;
    // Bumped once per request each: handles instead of a key lookup per bump.
    StatsCounter enqueuedMemory_{stats_, "scheduler/enqueued/memory"};
    StatsCounter enqueued_{stats_, "scheduler/enqueued"};
    StatsCounter dequeuedMemory_{stats_, "scheduler/dequeued/memory"};
    StatsCounter dequeued_{stats_, "scheduler/dequeued"};

    DupeFilter dupeFilter_;
    RequestFingerprinter fingerprinter_;
    int depthMaxSeen_ = -1;  // the largest depth given to stats_.max so far
    bool loggedFirstDuplicate_ = false;
    std::unordered_set<std::string> offsiteDomainsSeen_;

    NameTable names_;
    // Highest priority first.
    std::map<int, std::unique_ptr<RecordQueue>, std::greater<int>> queues_;
    std::size_t size_ = 0;
    std::string scratch_;

    std::unordered_map<std::uint64_t, std::shared_ptr<void>> userData_;
    std::uint64_t nextUserDataSlot_ = 1;
};

}  // namespace spider
