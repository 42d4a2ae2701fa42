#pragma once

// Feeds: where scraped items go (Scrapy's FEEDS / -o / -O), one file or stdout per feed.
//
// A Feed writes each item as it arrives: exportItem() hands the bytes to the kernel with one
// write() per item by default (FeedOptions::flushEveryItem), so a crash of the crawler loses
// nothing already counted as scraped; the page cache survives the process. With
// flushEveryItem off, items are buffered (up to 64 KiB, then written) until flush(). The
// rule for whoever turns it off: call flush() before reporting a buffered item as scraped
// anywhere outside the process (a log line, a stats file, a hook, a progress line), so an
// item the crawl has reported is never lost, while one not reported yet may be. The crawl
// engine flushes once per reactor iteration and before each such report
// (crawler/engine.h). Measured on the 2-core dev machine for a 160-byte JSON Lines item:
// ~0.6 us to serialise, ~3-4 us per item with a write() each, ~1.5 us per item with one
// write() per 10 items. close() writes the format's trailer, flushes and fsyncs (so the
// feed survives a power loss once the crawl reports it closed) and closes.
//
// Append (-o) and overwrite (-O): appending to an existing JSON feed continues its array
// (a closing "]" is removed first, and a feed cut short by a crash, which lacks it, is
// simply continued), so the result is one valid array; appending to a CSV feed that has a
// header reuses its columns and writes no second header. "-" is stdout (never fsynced or
// closed).
//
// Errors (cannot open, disk full, closed pipe) never throw and never crash: the call returns
// a message naming the feed and the system error, the feed is marked failed, and later
// writes fail fast with the same message. The caller decides whether the crawl goes on.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/item.h"
#include "feeds/exporters.h"

namespace spider {

class Logger;
class StatsCollector;

// The format's name as Scrapy spells it: "jsonlines", "json", "csv".
std::string_view feedFormatName(FeedFormat format);
// "jsonlines", "jl", "jsonl", "json", "csv" (case-insensitive).
std::optional<FeedFormat> feedFormatFromName(std::string_view name);
// By extension: .jl/.jsonl/.jsonlines, .json, .csv (case-insensitive); else std::nullopt.
std::optional<FeedFormat> feedFormatFromPath(std::string_view path);

struct FeedSpec {
    std::string target;  // a file path, or "-" for stdout
    FeedFormat format = FeedFormat::JsonLines;
    bool overwrite = false;  // -O (true) or -o (false)
};

struct FeedSpecResult {
    std::optional<FeedSpec> spec;
    std::string error;
};

// Parses the argument of -o/-O: "FILE" (format from the extension, JSON Lines when it has
// none that is known) or "FILE:FORMAT" like Scrapy ("items.txt:csv", "-:json").
FeedSpecResult parseFeedArgument(std::string_view argument, bool overwrite);

struct FeedOptions {
    ExporterOptions exporter;
    bool flushEveryItem = true;
    bool fsyncOnClose = true;
};

// "utf-8"/"utf8" (any case): write UTF-8; "" or "ascii": \u-escape non-ASCII in JSON, like
// Scrapy's FEED_EXPORT_ENCODING None. Other encodings are not supported (std::nullopt).
std::optional<bool> feedEnsureAsciiFor(std::string_view encoding);

class Feed {
public:
    Feed(FeedSpec spec, FeedOptions options = {});
    ~Feed();  // closes if still open (errors are lost: call close() to see them)
    Feed(const Feed&) = delete;
    Feed& operator=(const Feed&) = delete;

    // Opens (creating, truncating or preparing to append) and writes the format's header.
    [[nodiscard]] std::optional<std::string> open();
    [[nodiscard]] std::optional<std::string> exportItem(const Item& item);
    [[nodiscard]] std::optional<std::string> flush();
    // Writes the trailer, flushes, fsyncs and closes. Idempotent.
    [[nodiscard]] std::optional<std::string> close();

    const FeedSpec& spec() const { return spec_; }
    std::size_t itemCount() const { return itemCount_; }
    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    // "items.json" or "stdout", as messages name the feed.
    std::string describe() const;

private:
    std::optional<std::string> fail(std::string what, int errnoValue);
    std::optional<std::string> writeAll(std::string_view bytes);
    std::optional<std::string> prepareAppend(ExporterOptions& exporterOptions);

    FeedSpec spec_;
    FeedOptions options_;
    std::unique_ptr<ItemExporter> exporter_;
    std::string buffer_;
    int fd_ = -1;
    bool isStdout_ = false;
    bool opened_ = false;
    bool closed_ = false;
    std::size_t itemCount_ = 0;
    std::string error_;
};

// Every feed of a crawl, with Scrapy's stats and log lines: per-item write errors counted
// as feedexport/write_error_count and logged at ERROR; at close,
// feedexport/success_count/<Storage> or feedexport/failed_count/<Storage> (FileFeedStorage,
// StdoutFeedStorage) and "Stored csv feed (N items) in: items.csv" at INFO.
class FeedExports {
public:
    // `stats` and `logger` must outlive this object; `logger` may be null.
    FeedExports(std::vector<FeedSpec> specs, FeedOptions options, StatsCollector& stats,
                Logger* logger = nullptr, std::string logName = "spider.feeds");

    // Opens every feed; returns one message per feed that failed to open.
    std::vector<std::string> open();
    // Writes the item to every healthy feed; returns the errors of this call.
    std::vector<std::string> exportItem(const Item& item);
    std::vector<std::string> flush();
    std::vector<std::string> close();

    bool anyFailed() const;
    const std::vector<std::unique_ptr<Feed>>& feeds() const { return feeds_; }

private:
    std::vector<std::string> report(std::vector<std::string> errors);

    std::vector<std::unique_ptr<Feed>> feeds_;
    StatsCollector& stats_;
    Logger* logger_;
    std::string logName_;
};

}  // namespace spider
