#pragma once
// A request to download (Scrapy's Request): what to fetch and, for the engine, what to do
// with the answer. The HTTP client reads url, method, headers, body, timeout, maxSize,
// followRedirects and failOnDataLoss; everything else rides along for the scheduler and the
// scraper.
#include "data/value.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spider {

// HTTP header fields in the order they were given or received; a name may repeat.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// ASCII case-insensitive equality, as header names compare.
bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept;
// The first value of header `name` (case-insensitive), if any.
std::optional<std::string_view> findHeader(const HeaderList& headers, std::string_view name);
// Every value of header `name` (case-insensitive), in order.
std::vector<std::string_view> findHeaders(const HeaderList& headers, std::string_view name);

struct Request {
    std::string url;
    std::string method = "GET";
    HeaderList headers;
    std::string body;

    // Scrapy's meta and cb_kwargs: plain data, so a queued request can be packed,
    // persisted and shared; userData carries anything else (it never leaves the process).
    ValueMap meta;
    ValueMap cbKwargs;
    std::shared_ptr<void> userData;

    int priority = 0;        // higher first
    bool dontFilter = false; // skips the dupefilter
    std::string callback;    // name (or id) of the spider method for the response
    std::string errback;     // name (or id) of the spider method for a failure
    int depth = 0;

    // Per-request overrides of the client's options (Scrapy's download_timeout,
    // download_maxsize and dont_redirect meta keys).
    std::optional<double> timeout;      // seconds for the whole transfer
    std::optional<std::size_t> maxSize; // bytes; 0 means no limit
    // HttpClient follows redirects itself when true. The Downloader instead follows them one
    // hop at a time (robots.txt, offsite and slot rules per hop) and hands the client every
    // hop with this false.
    bool followRedirects = true;
    // Scrapy's download_fail_on_dataloss meta key; nullopt: HttpClientOptions::failOnDataLoss.
    std::optional<bool> failOnDataLoss;
};

} // namespace spider
