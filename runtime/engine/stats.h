#pragma once

// The crawl's stats collector (Scrapy's MemoryStatsCollector) with Scrapy's key names, so
// users, dashboards and parity tests read the same numbers:
//
//   downloader/request_count, downloader/response_count,
//   downloader/response_status_count/200, response_received_count, item_scraped_count,
//   item_dropped_count, item_dropped_reasons_count/<reason>, retry/count,
//   retry/reason_count/<reason>, dupefilter/filtered, offsite/filtered, offsite/domains,
//   request_depth_max, scheduler/enqueued(/memory), scheduler/dequeued(/memory),
//   log_count/<LEVEL>, spider_exceptions/<Type>, finish_reason, start_time, finish_time,
//   elapsed_time_seconds, memusage/max, feedexport/success_count/<storage>, ...
//
// Keys this runtime adds where Scrapy has none: depth/filtered (requests dropped by
// DEPTH_LIMIT; Scrapy only logs them), scheduler/filtered/unsupported_url,
// feedexport/write_error_count.
//
// Values are spider::Values (int, float, string) plus wall-clock times kept apart so they
// print like Scrapy's datetimes. Not thread-safe: it belongs to the reactor thread, like
// the rest of the crawl state.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "data/value.h"

namespace spider {

using WallTime = std::chrono::system_clock::time_point;

class StatsCollector;

// One stat bumped on a hot path (per request): inc() as StatsCollector::inc(key, by) without
// looking the key up each time. The stat is created on the first inc(), as inc() would; the
// handle finds it again after remove(), setTime() or clear(). The collector must outlive it.
class StatsCounter {
public:
    StatsCounter() = default;
    StatsCounter(StatsCollector& stats, std::string key) : stats_(&stats), key_(std::move(key)) {}

    void inc(std::int64_t by = 1);
    const std::string& key() const { return key_; }

private:
    StatsCollector* stats_ = nullptr;
    std::string key_;
    Value* value_ = nullptr;   // the stat's node in the collector's map (stable until erased)
    std::uint64_t epoch_ = 0;  // the collector's erase count when value_ was found
};

class StatsCollector {
public:
    // Adds `by` to an int stat (a missing stat counts from 0; a float stat stays float).
    void inc(std::string_view key, std::int64_t by = 1);
    void incFloat(std::string_view key, double by);
    void set(std::string_view key, Value value);
    // Keeps the larger (max) / smaller (min) of the current value and `value`; sets the
    // stat when missing. Numbers compare across int and float.
    void max(std::string_view key, Value value);
    void min(std::string_view key, Value value);
    void setTime(std::string_view key, WallTime time);
    void remove(std::string_view key);
    void clear();

    // The value, or nullptr when unset (times are not Values: see getTime).
    const Value* get(std::string_view key) const;
    // An int stat, or `fallback` when unset or not an int.
    std::int64_t getInt(std::string_view key, std::int64_t fallback = 0) const;
    std::optional<WallTime> getTime(std::string_view key) const;
    bool contains(std::string_view key) const;
    std::size_t size() const { return values_.size() + times_.size(); }

    // Python's pprint.pformat of the stats dict, as Scrapy's "Dumping Scrapy stats:" shows
    // it: sorted keys, one `'key': value` per line, times as datetime.datetime(...) in UTC.
    std::string formatDump() const;
    // A JSON object with sorted keys, times as ISO 8601 UTC ("2026-11-22T10:00:00.123456Z"),
    // for --stats-json.
    std::string toJsonText() const;

private:
    friend class StatsCounter;
    // The Value of an int stat to bump, created as 0 when missing.
    Value& counterSlot(std::string_view key);

    std::map<std::string, Value, std::less<>> values_;
    // Bumped whenever a node of values_ is erased: StatsCounter's cached pointers then
    // look their key up again.
    std::uint64_t eraseEpoch_ = 0;
    std::map<std::string, WallTime, std::less<>> times_;
};

// What the periodic log-stats line needs from the stats at one instant.
struct CrawlProgress {
    std::int64_t pages = 0;  // response_received_count
    std::int64_t items = 0;  // item_scraped_count
};

CrawlProgress progressOf(const StatsCollector& stats);

// Scrapy's LogStats line from two snapshots `intervalSeconds` apart:
// "Crawled 120 pages (at 60 pages/min), scraped 900 items (at 450 items/min)". Rates are
// per minute and truncated toward zero, as Scrapy's %d formats them; an interval <= 0
// gives rates of 0.
std::string formatLogStatsLine(const CrawlProgress& previous, const CrawlProgress& current,
                               double intervalSeconds);

// "2026-11-22T10:00:00.123456Z": UTC, microseconds.
std::string formatIsoTime(WallTime time);

// The process's resident set size now and its peak (VmHWM), in bytes, from
// /proc/self/status; 0 when unavailable. For memusage/max and the benchmarks.
std::size_t currentRssBytes();
std::size_t peakRssBytes();

}  // namespace spider
