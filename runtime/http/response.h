#pragma once
// A downloaded HTTP response (Scrapy's Response/TextResponse). Any status is a Response: deciding
// what a 404 or a 500 means is the engine's job, not the client's.
#include "http/request.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spider {

// Seconds from the start of the transfer (libcurl's CURLINFO_*_TIME, summed over redirects).
struct ResponseTiming {
    double nameLookup = 0;
    double connect = 0;       // TCP connected
    double startTransfer = 0; // first response byte
    double total = 0;
};

struct Response {
    std::string url; // final URL, after redirects
    int status = 0;
    std::string protocol; // "HTTP/1.1", "HTTP/2", ...
    std::string ipAddress;
    HeaderList headers; // those of the final response only (not of redirects or 1xx)
    std::string body;   // decoded from Content-Encoding (gzip, deflate, br, zstd)
    Request request;    // the request as it was made (its original URL)
    // The URLs that answered with a redirect, in order, ending before `url` (Scrapy's
    // meta['redirect_urls']); empty when there was no redirect.
    std::vector<std::string> redirectUrls;
    ResponseTiming timing;
    long newConnections = 0; // connections this transfer opened (0: it reused one)
    // The body is shorter than the Content-Length announced (delivered only when
    // failOnDataLoss was off; Scrapy flags such a response "dataloss").
    bool dataLoss = false;

    // The first value of header `name`, case-insensitive.
    std::optional<std::string_view> header(std::string_view name) const {
        return findHeader(headers, name);
    }
    std::vector<std::string_view> headerValues(std::string_view name) const {
        return findHeaders(headers, name);
    }

    // The body's character encoding as w3lib decides it for Scrapy (see detectCharset).
    std::string charset() const;
    // The body decoded to UTF-8 from charset(); undecodable bytes become U+FFFD. Decodes on
    // every call: keep the result when it is needed more than once.
    std::string text() const;
};

// w3lib's html_to_unicode order: a byte-order mark; else the Content-Type header's charset;
// else a <meta charset>, <meta http-equiv="Content-Type" content="...charset=..."> or XML
// declaration in the first 4 KiB of the body; else "utf-8" when the body is valid UTF-8 and
// "windows-1252" otherwise. Declared names are normalised as browsers and w3lib do
// (iso-8859-1, latin-1 and ascii mean windows-1252; gb2312 and gbk mean gb18030; ...), and a
// name iconv does not know is skipped. The result is lower-case.
std::string detectCharset(std::string_view contentType, std::string_view body);

// `bytes` in encoding `charset` (any name iconv knows) as UTF-8. Invalid or truncated
// sequences become U+FFFD; an unknown charset decodes as UTF-8. A byte-order mark matching
// the charset is dropped.
std::string decodeToUtf8(std::string_view bytes, std::string_view charset);

} // namespace spider
