#pragma once
// The downloader: every request the crawl makes, scheduled or inline, goes through here on
// its way to the HTTP client (Scrapy's Downloader plus its retry, robots.txt and
// AutoThrottle parts). It owns the politeness rules:
//
// - Slots: one per host (Scrapy's default key), or per IP address when
//   concurrent_requests_per_ip > 0, each with its own concurrency limit
//   (concurrent_requests_per_domain, or concurrent_requests_per_ip) and delay (download_delay, randomised 0.5x-1.5x when
//   randomize_download_delay; or robots.txt's Crawl-delay when larger and obeyed; or
//   AutoThrottle's current delay), under a global limit (concurrent_requests).
// - Retries: retry_http_codes and connection-level failures are retried up to retry_times
//   with exponential backoff (base * 2^attempt, capped, jittered), honouring Retry-After
//   (seconds or HTTP-date) when the server sends one: Scrapy has neither.
// - robots.txt (robotstxt_obey): fetched once per host before its first request (through the
//   same slot), cached; disallowed requests fail with ForbiddenByRobots.
// - Redirects (Scrapy's RedirectMiddleware, done here so every hop meets the same rules):
//   301/302/303/307/308 with a Location are followed one hop at a time; each hop is a new
//   transfer that goes through the redirect filter (offsite), robots.txt and its own host's
//   slot (delay, concurrency), and counts in downloader/request_count like any request.
// - Stats: downloader/request_count, downloader/response_count,
//   downloader/response_status_count/N, downloader/exception_count and _type_count/...,
//   retry/count, retry/reason_count/..., retry/max_reached, robotstxt/...
//
// fetch() is for both kinds of request; the crawler decides what a response means
// (callbacks, errbacks, HttpError). The downloader never consults the dupefilter.
//
// The details, where the lines above leave a choice:
//
// - Slot key: meta["download_slot"] (a string) when set, else hostOf(url). A slot's delay is
//   the time between two consecutive transfer starts in it: max(d, crawlDelay) where d is
//   download_delay (or AutoThrottle's current delay) times a factor drawn uniformly from
//   [0.5, 1.5) once per start when randomize_download_delay; Crawl-delay is a floor the
//   server asked for, so it is never randomised below. Requests wait in their slot's FIFO
//   queue; a slot waiting for global capacity never holds up a slot that has it, and slots
//   waiting for global capacity get it in the order they asked. A slot unused for
//   DownloaderOptions::slotIdleSeconds is dropped (checked that often).
// - Retries: attempt n (n = 1 for the first retry) waits
//       backoff(n) = min(retry_backoff_max, retry_backoff_base * 2^(n-1)) * u,  u in [0.5, 1)
//   (defaults 30 s and 0.5 s: see DownloaderOptions) outside any slot, then re-enters its
//   slot's queue at the front. A 429 or 503 with a Retry-After header waits
//   max(Retry-After, backoff(n)) and holds the whole slot until then; a Retry-After beyond
//   retry_after_max (60 s) gives up at once (the response is returned, stats
//   retry/retry_after_too_long). Retried failures: Timeout, ConnectFailed, DnsFailed,
//   ConnectionLost. Never: ProtocolError, TooLarge, TooManyRedirects, BadScheme, BadUrl,
//   InvalidRequest, TlsError, Cancelled, Other (see isRetryableFailure). meta["dont_retry"] (bool) turns retries off
//   for one request and meta["max_retry_times"] (int) overrides retry_times. When retries
//   are exhausted the last Response is returned as a Response and the last failure as a
//   failure. Stats keys follow Scrapy: retry/reason_count/503 Service Unavailable (Twisted's
//   reason phrases) and retry/reason_count/spider.HttpFailure.Timeout for failures.
// - robots.txt: one fetch per origin (scheme://host:port), made before that origin's first
//   request, through its slot, with retries; requests arriving meanwhile wait for it. A
//   2xx body is parsed as Protego does (robots.h); any other status, an undecodable body or
//   a failed fetch means "allow everything" (Scrapy's behaviour). The user agent matched is
//   the request's User-Agent header, else the user_agent setting. meta["dont_obey_robotstxt"]
//   (bool) skips the check. Stats: robotstxt/request_count, robotstxt/response_count,
//   robotstxt/response_status_count/N, robotstxt/exception_count/<type>,
//   robotstxt/forbidden.
// - Each attempt's Request (and so Response::request) carries meta["download_slot"],
//   meta["download_latency"] (seconds to the first response byte) and, on a retry,
//   meta["retry_times"], as in Scrapy.
// - Per-IP slots (concurrent_requests_per_ip > 0): the key is the address the host last
//   answered from (Response::ipAddress), the host name until one did, as Scrapy's
//   dnscache.get(host, host); each such slot allows concurrent_requests_per_ip transfers.
// - Redirect hops: followed unless the request's followRedirects is false (the engine sets
//   it from redirect_enabled and meta dont_redirect), redirect_enabled is off, or meta
//   handle_httpstatus_list / handle_httpstatus_all asks for that status; a 3xx without
//   Location is a plain response. The hop is built as Scrapy builds it: URL joined to the
//   redirecting one; 303 (not HEAD) and a POST answered by 301/302 become GET without body
//   or Content-* headers; Cookie dropped when the host changes, Authorization when the
//   scheme or host does; Referer re-checked against the new URL (https -> http drops it)
//   when referer_enabled; priority + 2; meta redirect_times, redirect_ttl, redirect_urls,
//   redirect_reasons; meta download_slot dropped unless the caller set it. Failures, all
//   HttpFailureError and never retried: a target that is not http(s) (BadScheme: "redirect
//   from U to 'ftp://...' not followed: unsupported scheme 'ftp'"), a malformed Location
//   (BadUrl), more than redirect_max_times redirects or one URL redirecting a third time
//   (TooManyRedirects). Retries carry over: a hop that fails is retried as any request, and
//   the retry count is per fetch(), not per hop. The final Response has redirectUrls (the
//   URLs that redirected, in order) and Response::request is the request fetch() got, with
//   the last hop's meta. The dupefilter is never consulted (the downloader has none).
// - download_fail_on_dataloss (or meta download_fail_on_dataloss): when false, a body
//   shorter than its Content-Length is delivered with Response::dataLoss set, a WARNING
//   and downloader/response_dataloss_count, instead of failing with ConnectionLost.
#include "deferred/deferred.h"
#include "http/client.h"
#include "http/request.h"
#include "http/response.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace spider {

class Reactor;
class ReactorTime;
class Settings;
class StatsCollector;
class Logger;
class HttpClient;

// A request the downloader dropped on purpose rather than failed to download (Scrapy's
// IgnoreRequest): refused by robots.txt, or a redirect to an offsite host.
class IgnoreRequest : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A request refused by robots.txt (Scrapy's IgnoreRequest from RobotsTxtMiddleware).
class ForbiddenByRobots : public IgnoreRequest {
  public:
    using IgnoreRequest::IgnoreRequest;
};

// How a download that failed in the client reaches a Deferred: the client's HttpFailure as
// an exception. Catch it as HttpFailureError or as HttpFailure (failure.check<HttpFailure>()
// works); what() is the client's message ("Timeout: ... fetching <url>").
class HttpFailureError : public std::runtime_error, public HttpFailure {
  public:
    explicit HttpFailureError(HttpFailure failure)
        : std::runtime_error(failure.message)
        , HttpFailure(std::move(failure)) {}
};

// What the downloader needs from an HTTP client: HttpClient's callback API. The Reactor
// constructor adapts an HttpClient; tests may pass their own transport and a Clock.
class DownloadTransport {
  public:
    using TransferId = std::uint64_t;
    virtual ~DownloadTransport() = default;
    // As HttpClient::start: `done` runs exactly once, never from inside start().
    virtual TransferId start(Request request, std::function<void(HttpResult)> done) = 0;
    // As HttpClient::cancel: the transfer's callback runs at once with a Cancelled failure.
    virtual bool cancel(TransferId id) = 0;
};

// Knobs beyond the crawler settings, mostly for tests. The retry durations, when not set
// here, come from the settings retry_backoff_base, retry_backoff_max and retry_after_max
// once settings.def defines them, else from the defaults shown.
struct DownloaderOptions {
    std::optional<double> retryBackoffBase; // seconds before the first retry (0.5)
    std::optional<double> retryBackoffMax;  // the longest backoff between two attempts (30)
    std::optional<double> retryAfterMax;    // the longest Retry-After honoured (60)
    double slotIdleSeconds = 60;            // how long an unused slot is kept (and the GC period)
    // Uniform in [0, 1): the randomised delays and the backoff jitter. nullptr: a
    // std::mt19937_64 seeded from std::random_device.
    std::function<double()> random;
    // The wall clock Retry-After HTTP-dates are compared with. nullptr: system_clock.
    std::function<std::chrono::system_clock::time_point()> wallClock;
};

class Downloader {
  public:
    // Everything is borrowed and must outlive the downloader. Reads its options from
    // settings once, at construction.
    Downloader(Reactor& reactor, HttpClient& client, const Settings& settings,
               StatsCollector& stats, Logger& logger, DownloaderOptions options = {});
    // The same on any ReactorTime (a Clock in tests) and any transport.
    Downloader(ReactorTime& time, DownloadTransport& transport, const Settings& settings,
               StatsCollector& stats, Logger& logger, DownloaderOptions options = {});
    // Transfers in flight are cancelled and pending Deferreds are dropped without firing:
    // call cancelAll() first when someone waits on them.
    ~Downloader();
    Downloader(const Downloader&) = delete;
    Downloader& operator=(const Downloader&) = delete;

    // Queues `request` on its slot; the Deferred fires with the final Response (any status
    // that was not retried away, after redirects) or fails with the download's failure
    // (HttpFailureError, ForbiddenByRobots or another IgnoreRequest, CancelledError).
    // Cancelling the Deferred removes a queued request or aborts a transfer in flight.
    Deferred<Response> fetch(Request request);

    // Requests accepted and not yet finished (queued in slots, waiting for a delay or a
    // retry, or transferring). The crawler is idle only when this is 0.
    std::size_t activeCount() const;
    // Whether the crawler should stop feeding new scheduled requests for now (Scrapy's
    // needs_backout): the accepted requests, not counting those sleeping before a retry,
    // reach concurrent_requests.
    bool needsBackout() const;

    // Calls `fn` whenever a request finishes, so the crawler can pull more from the
    // scheduler (one listener; replaces any earlier one).
    void onCapacity(std::function<void()> fn);

    // Asked about every redirect hop (not dontFilter, not robots.txt's own) before it is
    // queued, with the hop's request; false drops it: the fetch fails with IgnoreRequest
    // ("Filtered offsite redirect to 'host': ..."), stats redirect/filtered. The crawler
    // passes its offsite check (Scheduler::isOffsite) so a redirect cannot leave
    // allowed_domains. Empty (the default): every hop is allowed. One filter; replaces any
    // earlier one.
    void setRedirectFilter(std::function<bool(const Request&)> allow);

    // Cancels everything queued or in flight (the second SIGINT).
    void cancelAll();

    // Introspection, for tests and the debug log.
    std::size_t slotCount() const;
    std::size_t transferringCount() const;
    // The slot's current base delay (download_delay or AutoThrottle's), or -1 without slot.
    double slotDelay(const std::string& key) const;
    // The Crawl-delay applied to the slot (0: none), or -1 without slot.
    double slotCrawlDelay(const std::string& key) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace spider
