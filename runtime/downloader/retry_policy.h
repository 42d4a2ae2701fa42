#pragma once
// The downloader's retry arithmetic, kept free of I/O so tests can check it exactly.
#include "http/client.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace spider {

// Whether a failed transfer may succeed when tried again: Timeout, ConnectFailed, DnsFailed
// and ConnectionLost (a reset, a truncated body, an empty reply, an HTTP/2 stream error).
// Protocol violations (bad chunked encoding, oversized headers, undecodable gzip), size
// limits, redirect limits, bad URLs and schemes, TLS verification and cancellations fail
// the same way every time. Scrapy retries some protocol errors too (ResponseFailed is in
// its EXCEPTIONS_TO_RETRY); a server that sends a bad chunk size sends it again.
bool isRetryableFailure(HttpFailureKind kind) noexcept;

// The wait before retry number `attempt` (1 for the first retry):
//     min(maxSeconds, baseSeconds * 2^(attempt-1)) * (0.5 + 0.5 * random01)
// so it stays within [half, all] of the capped exponential. random01 is uniform in [0, 1).
// Non-positive base gives 0; attempt < 1 counts as 1.
double retryBackoff(int attempt, double baseSeconds, double maxSeconds, double random01);

// A Retry-After header value as seconds from `now`: delta-seconds ("120") or an HTTP-date
// (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" or
// asctime "Sun Nov  6 08:49:37 1994"). A date in the past gives 0. Anything else
// (negative, fractional, garbage) gives std::nullopt: the header is ignored.
std::optional<double> parseRetryAfter(std::string_view value,
                                      std::chrono::system_clock::time_point now);

// Scrapy's response_status_message: "503 Service Unavailable", with Twisted's reason
// phrases ("408 Request Time-out"), "Unknown Status" for codes Twisted does not name.
std::string statusMessage(int status);

// The stats name of a failure kind, "spider.HttpFailure.Timeout" (Scrapy names the
// exception class: twisted.internet.error.TimeoutError).
std::string failureTypeName(HttpFailureKind kind);

} // namespace spider
