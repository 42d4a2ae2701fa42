#pragma once

// Item exporters: turn items into the bytes of a feed, with no I/O of their own (a Feed
// writes what they produce), so each format is testable as a pure function.
//
//   JSON Lines (Scrapy's JsonLinesItemExporter): one JSON object per line.
//   JSON (JsonItemExporter): "[\n" at start, items separated by ",\n", "\n]\n" at finish.
//     A crawl that dies before finish() leaves "[\n{...},\n{...}": every item written is
//     complete, only the closing bracket is missing (Feed's append mode repairs it).
//   CSV (CsvItemExporter): Python csv's defaults (',' delimiter, '"' quoting only where
//     needed, "\r\n" line ends), a header row from the first item's fields (the declared
//     fields of a typed item) or from explicit fields, lists of strings joined with ",",
//     other values as Python's str() writes them, missing fields and None as "".
//
// Field order is the item's order (its declaration order for typed items). Output is always
// valid UTF-8: invalid bytes become U+FFFD.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/item.h"
#include "data/json.h"

namespace spider {

enum class FeedFormat : std::uint8_t { JsonLines, Json, Csv };

class ItemExporter {
public:
    virtual ~ItemExporter() = default;
    // Appends what opens the feed (JSON's "[").
    virtual void start(std::string& out) { (void)out; }
    // Appends one item.
    virtual void exportItem(const Item& item, std::string& out) = 0;
    // Appends what closes the feed (JSON's "]").
    virtual void finish(std::string& out) { (void)out; }
};

struct ExporterOptions {
    // JSON formats: \u-escape non-ASCII (FEED_EXPORT_ENCODING unset) or write UTF-8.
    JsonWriteOptions json;
    // FEED_EXPORT_FIELDS: the fields (and their order) to export; empty means each item's
    // own fields (JSON) or the first item's (CSV header).
    std::vector<std::string> fields;
    // CSV: write the header row (false when appending to a file that has one).
    bool csvHeader = true;
    // JSON: the feed continues an existing array whose "[" is already written (and whose
    // "]" has been removed); `jsonArrayHasItems` says whether the first new item needs a
    // separator.
    bool jsonContinuesArray = false;
    bool jsonArrayHasItems = false;
};

std::unique_ptr<ItemExporter> makeExporter(FeedFormat format, ExporterOptions options = {});

// One CSV row (without the line end) from cells, quoted as Python's csv.writer does.
std::string csvRow(const std::vector<std::string>& cells);
// A CSV cell for a value: strings as is, lists of strings joined with ",", None as "",
// others as str().
std::string csvCell(const Value& value);
// Splits the first record of CSV text (quotes and doubled quotes handled) into cells; used
// to read an existing header when appending.
std::vector<std::string> parseCsvRecord(std::string_view text);

}  // namespace spider
