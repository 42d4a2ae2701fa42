#include "downloader/downloader.h"

#include "downloader/autothrottle.h"
#include "downloader/retry_policy.h"
#include "downloader/robots.h"
#include "engine/log.h"
#include "engine/settings.h"
#include "engine/stats.h"
#include "http/client.h"
#include "http/referer.h"
#include "http/url.h"
#include "reactor/reactor.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <optional>
#include <random>
#include <unordered_map>
#include <utility>
#include <vector>

namespace spider {

namespace {

constexpr std::string_view kLogName = "spider.downloader";

class HttpClientTransport final : public DownloadTransport {
  public:
    explicit HttpClientTransport(HttpClient& client)
        : client_(client) {}
    TransferId start(Request request, std::function<void(HttpResult)> done) override {
        return client_.start(std::move(request), std::move(done));
    }
    bool cancel(TransferId id) override { return client_.cancel(id); }

  private:
    HttpClient& client_;
};

// "scheme://netloc" of an absolute URL (lower-case scheme), or "" when it has none: the key
// robots.txt is cached under, as Scrapy's RobotsTxtMiddleware keys it by netloc.
std::string originOf(std::string_view url) {
    std::size_t colon = url.find("://");
    if (colon == std::string_view::npos || colon == 0) {
        return {};
    }
    std::string origin;
    for (char c : url.substr(0, colon)) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
            return {};
        }
        origin += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    std::size_t hostStart = colon + 3;
    std::size_t hostEnd = url.find_first_of("/?#", hostStart);
    std::string_view netloc =
        url.substr(hostStart, hostEnd == std::string_view::npos ? url.npos : hostEnd - hostStart);
    if (netloc.empty()) {
        return {};
    }
    origin += "://";
    origin += netloc;
    return origin;
}

// The retry durations are meant to become settings (retry_backoff_base, retry_backoff_max,
// retry_after_max); until settings.def defines them, these give the documented defaults.
// Templates, so `requires` can ask whether Settings has the member.
template <class S>
double retryBackoffBaseOf(const S& s) {
    if constexpr (requires { s.retry_backoff_base; }) {
        return s.retry_backoff_base;
    } else {
        return 0.5;
    }
}
template <class S>
double retryBackoffMaxOf(const S& s) {
    if constexpr (requires { s.retry_backoff_max; }) {
        return s.retry_backoff_max;
    } else {
        return 30.0;
    }
}
template <class S>
double retryAfterMaxOf(const S& s) {
    if constexpr (requires { s.retry_after_max; }) {
        return s.retry_after_max;
    } else {
        return 60.0;
    }
}

bool metaFlag(const Request& request, std::string_view key) {
    const Value* value = request.meta.find(key);
    return value && value->isBool() && value->asBool();
}

std::string describe(const Request& request) {
    return "<" + request.method + " " + request.url + ">";
}

bool isRedirectStatus(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Scrapy's RedirectMiddleware leaves a redirect alone when the request asked to see that
// status (handle_httpstatus_list / handle_httpstatus_all) or not to be redirected.
bool wantsRedirectResponse(const Request& request, int status) {
    if (const Value* v = request.meta.find("dont_redirect"); v && v->truthy()) {
        return true;
    }
    if (const Value* v = request.meta.find("handle_httpstatus_all"); v && v->truthy()) {
        return true;
    }
    if (const Value* v = request.meta.find("handle_httpstatus_list")) {
        if (const ValueList* statuses = v->getList()) {
            return std::any_of(statuses->begin(), statuses->end(),
                               [&](const Value& s) { return s.isInt() && s.asInt() == status; });
        }
    }
    return false;
}

std::string schemeOf(std::string_view url) {
    std::string scheme;
    for (char c : url.substr(0, url.find(':'))) {
        scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return scheme;
}

void eraseHeaders(HeaderList& headers, bool (*match)(std::string_view name)) {
    std::erase_if(headers, [match](const auto& header) { return match(header.first); });
}

// The request for the next hop of a redirect (Scrapy's _build_redirect_request plus its
// method rules), from the request that got `status` and the absolute `target`: 303 (but
// for HEAD) and a POST answered by 301/302 become a GET without body or Content-* headers;
// Cookie goes when the host changes and Authorization when the scheme or host does.
Request redirectRequest(Request request, int status, std::string target) {
    std::string fromHost = hostOf(request.url);
    std::string fromScheme = schemeOf(request.url);
    request.url = std::move(target);
    bool toGet = (status == 303 && request.method != "HEAD") ||
                 ((status == 301 || status == 302) && request.method == "POST");
    if (toGet) {
        request.method = "GET";
        request.body.clear();
        eraseHeaders(request.headers, [](std::string_view name) {
            return name.size() >= 8 && equalsIgnoreCase(name.substr(0, 8), "Content-");
        });
    }
    std::string toHost = hostOf(request.url);
    if (toHost != fromHost) {
        eraseHeaders(request.headers,
                     [](std::string_view name) { return equalsIgnoreCase(name, "Cookie"); });
    }
    if (toHost != fromHost || schemeOf(request.url) != fromScheme) {
        eraseHeaders(request.headers, [](std::string_view name) {
            return equalsIgnoreCase(name, "Authorization");
        });
    }
    return request;
}

} // namespace

struct Downloader::Impl {
    enum class Stage { Robots, Queued, Retrying, Transferring };

    struct Slot {
        std::string key;
        int concurrency = 1;
        double delay = 0;      // download_delay, or AutoThrottle's current delay
        double crawlDelay = 0; // robots.txt's, a floor
        std::deque<std::uint64_t> queue;
        int transferring = 0;
        std::size_t assigned = 0; // requests queued, transferring or waiting to retry here
        double lastStart = -std::numeric_limits<double>::infinity();
        // The random factor drawn at the last start: the wait before the next one is
        // factor * delay, so an AutoThrottle change applies at once.
        double factor = 1;
        double pausedUntil = 0; // Retry-After holds the whole slot
        double lastSeen = 0;
        DelayedCall wake;
        bool waitingGlobal = false;
    };

    struct Pending {
        std::uint64_t id = 0;
        Request request; // moved into the transport during a transfer, back after it
        Deferred<Response> result;
        Stage stage = Stage::Queued;
        Slot* slot = nullptr;
        std::string origin; // while waiting for robots.txt
        int retries = 0;
        DownloadTransport::TransferId transfer = 0;
        DelayedCall timer;
        double startedAt = 0;
        bool robotsFetch = false;
        bool cancelling = false;
        std::string label; // describe(request), kept while the request is with the transport
        // Redirects: whether to follow them (the transport never does), whether the slot
        // key came from the user's meta (then every hop keeps it), the request as fetch()
        // got it (kept from the first hop on, for the final Response::request), and the
        // URLs and statuses that redirected so far.
        bool followRedirects = true;
        bool userSlot = false;
        std::optional<Request> original;
        std::vector<std::string> redirectUrls;
        std::vector<int> redirectStatuses;
    };

    struct RobotsEntry {
        bool ready = false;
        std::optional<RobotsTxt> rules; // nullopt: allow everything
        std::vector<std::uint64_t> waiters;
    };

    Impl(ReactorTime& t, DownloadTransport& tr, std::unique_ptr<DownloadTransport> owned,
         const Settings& settings, StatsCollector& s, Logger& l, DownloaderOptions o)
        : time(t)
        , ownedTransport(std::move(owned))
        , transport(tr)
        , stats(s)
        , logger(l)
        , options(std::move(o)) {
        totalConcurrency =
            static_cast<std::size_t>(std::max<std::int64_t>(1, settings.concurrent_requests));
        domainConcurrency = static_cast<int>(std::clamp<std::int64_t>(
            settings.concurrent_requests_per_domain, 1, std::numeric_limits<int>::max()));
        downloadDelay = std::max(0.0, settings.download_delay);
        randomizeDelay = settings.randomize_download_delay;
        retryEnabled = settings.retry_enabled;
        retryTimes = static_cast<int>(std::clamp<std::int64_t>(settings.retry_times, 0, 1000));
        for (std::int64_t code : settings.retry_http_codes) {
            retryCodes.push_back(static_cast<int>(code));
        }
        obeyRobots = settings.robotstxt_obey;
        userAgent = settings.user_agent;
        ipConcurrency = static_cast<int>(std::clamp<std::int64_t>(
            settings.concurrent_requests_per_ip, 0, std::numeric_limits<int>::max()));
        redirectEnabled = settings.redirect_enabled;
        maxRedirects = static_cast<int>(
            std::clamp<std::int64_t>(settings.redirect_max_times, 0, 100000));
        refererEnabled = settings.referer_enabled;
        failOnDataLoss = settings.download_fail_on_dataloss;
        if (settings.autothrottle_enabled) {
            AutoThrottle at;
            at.minDelay = downloadDelay;
            at.maxDelay = settings.autothrottle_max_delay;
            at.startDelay = settings.autothrottle_start_delay;
            at.targetConcurrency = settings.autothrottle_target_concurrency;
            throttle = at;
        }
        retryBackoffBase = options.retryBackoffBase.value_or(retryBackoffBaseOf(settings));
        retryBackoffMax = options.retryBackoffMax.value_or(retryBackoffMaxOf(settings));
        retryAfterMax = options.retryAfterMax.value_or(retryAfterMaxOf(settings));
        if (!options.random) {
            rng.seed(std::random_device{}());
        }
        if (!options.wallClock) {
            options.wallClock = [] { return std::chrono::system_clock::now(); };
        }
        if (!(options.slotIdleSeconds > 0)) {
            options.slotIdleSeconds = 60;
        }
    }

    ~Impl() {
        alive.reset();
        gcTimer.cancel();
        for (auto& [key, slot] : slots) {
            slot->wake.cancel();
        }
        for (auto& [id, p] : pending) {
            p->timer.cancel();
            if (p->stage == Stage::Transferring && !p->cancelling) {
                p->cancelling = true;
                transport.cancel(p->transfer);
            }
        }
    }

    double random01() {
        if (options.random) {
            return std::clamp(options.random(), 0.0, std::nextafter(1.0, 0.0));
        }
        return static_cast<double>(rng() >> 11) * 0x1.0p-53;
    }

    // ---- slots ------------------------------------------------------------------------

    std::string slotKeyFor(const Request& request) const {
        if (const Value* key = request.meta.find("download_slot"); key && key->isString()) {
            return key->asString();
        }
        std::string host = hostOf(request.url);
        if (ipConcurrency > 0) {
            // Scrapy's dnscache.get(host, host): the address once a response told it.
            if (auto ip = hostIps.find(host); ip != hostIps.end()) {
                return ip->second;
            }
        }
        return host;
    }

    // Remembers the address a host answered from, for per-IP slots.
    void learnAddress(const Response& response) {
        if (ipConcurrency <= 0 || response.ipAddress.empty()) {
            return;
        }
        if (hostIps.size() >= kMaxKnownHosts) {
            hostIps.clear(); // a bound, like Scrapy's LocalCache(10000)
        }
        hostIps.insert_or_assign(hostOf(response.url), response.ipAddress);
    }

    Slot& slotFor(const std::string& key) {
        auto it = slots.find(key);
        if (it == slots.end()) {
            auto slot = std::make_unique<Slot>();
            slot->key = key;
            slot->concurrency = ipConcurrency > 0 ? ipConcurrency : domainConcurrency;
            slot->delay = throttle ? throttle->initialDelay() : downloadDelay;
            slot->lastSeen = time.seconds();
            it = slots.emplace(key, std::move(slot)).first;
            if (!gcTimer.active()) {
                gcTimer = time.callLater(options.slotIdleSeconds, [this] { collectSlots(); });
            }
        }
        return *it->second;
    }

    // Scrapy's Downloader._slot_gc: drops slots nobody used for slotIdleSeconds.
    void collectSlots() {
        double now = time.seconds();
        for (auto it = slots.begin(); it != slots.end();) {
            Slot& slot = *it->second;
            bool idle = slot.assigned == 0 && slot.transferring == 0 && !slot.wake.active() &&
                        !slot.waitingGlobal &&
                        slot.lastSeen + std::max(slot.delay, slot.crawlDelay) <
                            now - options.slotIdleSeconds;
            it = idle ? slots.erase(it) : std::next(it);
        }
        if (!slots.empty()) {
            gcTimer = time.callLater(options.slotIdleSeconds, [this] { collectSlots(); });
        }
    }

    void enqueue(Pending& p, bool front) {
        if (!p.slot) {
            p.slot = &slotFor(slotKeyFor(p.request));
            ++p.slot->assigned;
        }
        Slot& slot = *p.slot;
        p.stage = Stage::Queued;
        slot.lastSeen = time.seconds();
        if (front) {
            slot.queue.push_front(p.id);
        } else {
            slot.queue.push_back(p.id);
        }
        processQueue(slot);
    }

    // Starts what the slot's delay, concurrency and the global limit allow; schedules itself
    // for when the delay has passed.
    void processQueue(Slot& slot) {
        if (slot.wake.active()) {
            return;
        }
        while (!slot.queue.empty() && slot.transferring < slot.concurrency) {
            double now = time.seconds();
            double gap = std::max(slot.factor * slot.delay, slot.crawlDelay);
            double readyAt = std::max(slot.pausedUntil, slot.lastStart + gap);
            if (now < readyAt) {
                Slot* target = &slot;
                slot.wake =
                    time.callLater(readyAt - now, [this, target] { processQueue(*target); });
                return;
            }
            if (transferring >= totalConcurrency) {
                if (!slot.waitingGlobal) {
                    slot.waitingGlobal = true;
                    waitingSlots.push_back(&slot);
                }
                return;
            }
            std::uint64_t id = slot.queue.front();
            slot.queue.pop_front();
            slot.lastStart = now;
            slot.factor = randomizeDelay ? 0.5 + random01() : 1.0;
            startTransfer(*pending.at(id), slot);
        }
    }

    // Hands free global capacity to the slots that asked for it first.
    void serveWaitingSlots() {
        while (transferring < totalConcurrency && !waitingSlots.empty()) {
            Slot* slot = waitingSlots.front();
            waitingSlots.pop_front();
            slot->waitingGlobal = false;
            processQueue(*slot);
        }
    }

    void startTransfer(Pending& p, Slot& slot) {
        p.stage = Stage::Transferring;
        ++slot.transferring;
        ++transferring;
        p.startedAt = time.seconds();
        slot.lastSeen = p.startedAt;
        p.request.meta.set("download_slot", slot.key);
        // The downloader follows redirects itself, one hop at a time (see redirect()).
        p.request.followRedirects = false;
        if (!p.request.failOnDataLoss) {
            const Value* meta = p.request.meta.find("download_fail_on_dataloss");
            p.request.failOnDataLoss = meta && meta->isBool() ? meta->asBool() : failOnDataLoss;
        }
        requestCount.inc();
        if (methodCount.key().empty() || methodCounted != p.request.method) {
            methodCounted = p.request.method;
            methodCount = StatsCounter(stats, "downloader/request_method_count/" + methodCounted);
        }
        methodCount.inc();
        p.label = describe(p.request);
        std::weak_ptr<bool> guard = alive;
        std::uint64_t id = p.id;
        p.transfer = transport.start(std::move(p.request), [this, guard, id](HttpResult&& result) {
            if (!guard.expired()) {
                onResult(id, std::move(result));
            }
        });
    }

    // ---- results and retries ----------------------------------------------------------

    int maxRetriesFor(const Request& request) const {
        if (!retryEnabled || metaFlag(request, "dont_retry")) {
            return 0;
        }
        if (const Value* max = request.meta.find("max_retry_times"); max && max->isInt()) {
            return static_cast<int>(std::clamp<std::int64_t>(max->asInt(), 0, 1000));
        }
        return retryTimes;
    }

    void onResult(std::uint64_t id, HttpResult&& result) {
        auto it = pending.find(id);
        if (it == pending.end() || it->second->cancelling) {
            return; // cancelled: the canceller has done the bookkeeping
        }
        Pending& p = *it->second;
        Slot& slot = *p.slot;
        --slot.transferring;
        --transferring;
        double now = time.seconds();
        slot.lastSeen = now;

        bool hop = false;
        // Initialised from either prvalue: the Response is not moved from one optional
        // into another.
        std::optional<Outcome<Response>> outcome =
            result.ok() ? onResponse(p, slot, std::move(result.response()), now, hop)
                        : onFailure(p, std::move(result.failure()));
        serveWaitingSlots();
        processQueue(slot);
        if (outcome) {
            complete(id, std::move(*outcome));
        } else if (hop) {
            startHop(id);
        } else {
            notifyCapacity();
        }
    }

    // The Response to deliver, or nullopt when a retry was scheduled.
    // Responses are passed by rvalue reference down this path: each by-value hop would move
    // the Response (and its Request) once more.
    std::optional<Outcome<Response>> onResponse(Pending& p, Slot& slot, Response&& response,
                                                double now, bool& hop) {
        responseCount.inc();
        auto statusCount = statusCounts.find(response.status);
        if (statusCount == statusCounts.end()) {
            statusCount = statusCounts
                              .emplace(response.status,
                                       StatsCounter(stats, "downloader/response_status_count/" +
                                                               std::to_string(response.status)))
                              .first;
        }
        statusCount->second.inc();
        responseBytes.inc(static_cast<std::int64_t>(response.body.size()));
        double latency =
            response.timing.startTransfer > 0 ? response.timing.startTransfer : now - p.startedAt;
        response.request.meta.set("download_latency", latency);
        response.request.followRedirects = p.followRedirects;
        learnAddress(response);
        if (throttle) {
            slot.delay = throttle->nextDelay(slot.delay, latency, response.status);
        }
        if (response.dataLoss) {
            stats.inc("downloader/response_dataloss_count");
            logger.warning(kLogName, "Got data loss in " + response.url +
                                         ": the body is shorter than its Content-Length "
                                         "(kept because download_fail_on_dataloss is off)");
        }
        int status = response.status;
        if (isRedirectStatus(status) && p.followRedirects && redirectEnabled &&
            !wantsRedirectResponse(response.request, status)) {
            if (auto location = response.header("Location")) {
                std::string target(*location);
                return redirect(p, std::move(response), std::move(target), hop);
            }
        }
        if (std::find(retryCodes.begin(), retryCodes.end(), status) == retryCodes.end() ||
            maxRetriesFor(response.request) == 0) {
            return finalResponse(p, std::move(response));
        }
        std::optional<double> retryAfter;
        if (status == 429 || status == 503) {
            if (auto header = response.header("Retry-After")) {
                retryAfter = parseRetryAfter(*header, options.wallClock());
            }
        }
        std::string reason = statusMessage(status);
        if (retryAfter && *retryAfter > retryAfterMax) {
            stats.inc("retry/retry_after_too_long");
            logger.error(kLogName, "Gave up retrying " + describe(response.request) + " (failed " +
                                       std::to_string(p.retries + 1) + " times): " + reason +
                                       " with Retry-After " + formatSeconds(*retryAfter) +
                                       " s, more than the " + formatSeconds(retryAfterMax) +
                                       " s allowed");
            return finalResponse(p, std::move(response));
        }
        if (p.retries >= maxRetriesFor(response.request)) {
            giveUp(response.request, p.retries, reason);
            return finalResponse(p, std::move(response));
        }
        p.request = std::move(response.request);
        scheduleRetry(p, reason, retryAfter, now);
        return std::nullopt;
    }

    // ---- redirects ----------------------------------------------------------------------

    // The Response fetch() delivers: after redirects, it carries the chain and the request
    // as fetch() got it (plus what the downloader adds to meta), not the last hop's.
    std::optional<Outcome<Response>> finalResponse(Pending& p, Response&& response) {
        if (!p.redirectUrls.empty()) {
            ValueMap meta = std::move(response.request.meta);
            response.request = std::move(*p.original);
            p.original.reset();
            for (const auto& [key, value] : meta) {
                response.request.meta.set(key, value);
            }
            response.redirectUrls = p.redirectUrls;
        }
        return std::optional<Outcome<Response>>(std::in_place, std::move(response));
    }

    // A failure of hop `request` as the client would report it.
    Outcome<Response> hopFailure(HttpFailureKind kind, Request request, std::string detail) {
        HttpFailure failure;
        failure.kind = kind;
        failure.url = request.url;
        failure.message = std::string(toString(kind)) + ": " + detail;
        failure.request = std::move(request);
        stats.inc("downloader/exception_count");
        stats.inc("downloader/exception_type_count/" + failureTypeName(kind));
        std::string context = "downloading " + failure.request.url;
        return Outcome<Response>(Failure(HttpFailureError(std::move(failure)), std::move(context)));
    }

    // Scrapy's RedirectMiddleware for a 301/302/303/307/308 with a Location: builds the next
    // hop's request into p.request (the hop is queued by startHop once onResult is done
    // with the old slot) or fails the download (bad target, too many redirects, a loop).
    std::optional<Outcome<Response>> redirect(Pending& p, Response response, std::string location,
                                              bool& hop) {
        const std::string& from = response.url;
        std::optional<std::string> target = urljoin(from, location);
        if (!target) {
            return hopFailure(HttpFailureKind::BadUrl, std::move(response.request),
                              "malformed redirect location '" + location + "' from " + from);
        }
        if (std::optional<std::string> problem = httpUrlError(*target)) {
            return hopFailure(HttpFailureKind::BadScheme, std::move(response.request),
                              "redirect from " + from + " to '" + *target + "' not followed: " +
                                  *problem);
        }
        auto seen = std::count(p.redirectUrls.begin(), p.redirectUrls.end(), from);
        if (seen >= 2) {
            // A URL redirecting for the third time is a loop: stop now rather than after
            // redirect_max_times round trips. (Twice is allowed: a login bounce may set a
            // cookie and send the client back.)
            return hopFailure(HttpFailureKind::TooManyRedirects, std::move(response.request),
                              "redirect loop: " + from + " redirected " +
                                  std::to_string(seen + 1) + " times while fetching " +
                                  (p.original ? p.original->url : from));
        }
        if (static_cast<int>(p.redirectUrls.size()) >= maxRedirects) {
            logger.debug(kLogName, "Discarding " + describe(response.request) +
                                       ": max redirections reached");
            return hopFailure(HttpFailureKind::TooManyRedirects, std::move(response.request),
                              "maximum (" + std::to_string(maxRedirects) +
                                  ") redirects followed, refusing the redirect from " + from +
                                  " to " + *target);
        }
        if (!p.original) {
            p.original = response.request; // the first hop is the request fetch() got
        }
        Request next = redirectRequest(std::move(response.request), response.status, *target);
        p.redirectUrls.push_back(from);
        p.redirectStatuses.push_back(response.status);
        ValueList urls;
        ValueList reasons;
        for (std::size_t i = 0; i < p.redirectUrls.size(); ++i) {
            urls.emplace_back(p.redirectUrls[i]);
            reasons.emplace_back(static_cast<std::int64_t>(p.redirectStatuses[i]));
        }
        next.meta.set("redirect_times", static_cast<std::int64_t>(p.redirectUrls.size()));
        next.meta.set("redirect_ttl",
                      static_cast<std::int64_t>(maxRedirects) -
                          static_cast<std::int64_t>(p.redirectUrls.size()));
        next.meta.set("redirect_urls", Value(std::move(urls)));
        next.meta.set("redirect_reasons", Value(std::move(reasons)));
        if (!p.userSlot) {
            next.meta.erase("download_slot"); // the new host's slot, not the old one's
        }
        next.priority += 2; // Scrapy's REDIRECT_PRIORITY_ADJUST
        if (refererEnabled) {
            updateRefererForRedirect(next);
        }
        if (logger.enabled(LogLevel::Debug)) {
            logger.debug(kLogName, "Redirecting (" + std::to_string(response.status) + ") to " +
                                       describe(next) + " from " + describe(*p.original));
        }
        p.request = std::move(next);
        hop = true;
        return std::nullopt;
    }

    // Sends the hop built by redirect() through the rules a new request meets: the
    // redirect filter (offsite), robots.txt and its own host's slot.
    void startHop(std::uint64_t id) {
        auto it = pending.find(id);
        if (it == pending.end()) {
            return;
        }
        Pending& p = *it->second;
        release(p);
        if (redirectFilter && !p.robotsFetch && !p.request.dontFilter) {
            std::function<bool(const Request&)> filter = redirectFilter; // may replace itself
            std::weak_ptr<bool> guard = alive;
            bool allowed = filter(p.request);
            if (guard.expired()) {
                return;
            }
            it = pending.find(id);
            if (it == pending.end()) {
                return;
            }
            if (!allowed) {
                std::string what = "Filtered offsite redirect to '" + hostOf(p.request.url) +
                                   "': " + describe(p.request) + " (redirected from " +
                                   p.redirectUrls.back() + ")";
                logger.debug(kLogName, what);
                stats.inc("redirect/filtered");
                complete(id, Outcome<Response>(Failure(IgnoreRequest(what),
                                                       "downloading " + p.request.url)));
                return;
            }
        }
        std::weak_ptr<bool> guard = alive;
        route(p);
        if (!guard.expired()) {
            notifyCapacity();
        }
    }

    std::optional<Outcome<Response>> onFailure(Pending& p, HttpFailure failure) {
        if (failure.kind == HttpFailureKind::Cancelled) {
            // Someone cancelled the transfer in the client directly (HttpClient::cancelAll).
            return Outcome<Response>(
                Failure(CancelledError("download cancelled: " + describe(failure.request)),
                        "downloading " + failure.request.url));
        }
        std::string type = failureTypeName(failure.kind);
        stats.inc("downloader/exception_count");
        stats.inc("downloader/exception_type_count/" + type);
        if (isRetryableFailure(failure.kind) && maxRetriesFor(failure.request) > 0) {
            if (p.retries < maxRetriesFor(failure.request)) {
                p.request = std::move(failure.request);
                scheduleRetry(p, type, std::nullopt, time.seconds());
                return std::nullopt;
            }
            giveUp(failure.request, p.retries, failure.message);
        }
        std::string context = "downloading " + failure.request.url;
        return Outcome<Response>(Failure(HttpFailureError(std::move(failure)), std::move(context)));
    }

    void giveUp(const Request& request, int retries, const std::string& reason) {
        stats.inc("retry/max_reached");
        logger.error(kLogName, "Gave up retrying " + describe(request) + " (failed " +
                                   std::to_string(retries + 1) + " times): " + reason);
    }

    void scheduleRetry(Pending& p, const std::string& reason, std::optional<double> retryAfter,
                       double now) {
        ++p.retries;
        stats.inc("retry/count");
        stats.inc("retry/reason_count/" + reason);
        double wait = retryBackoff(p.retries, retryBackoffBase, retryBackoffMax, random01());
        if (retryAfter) {
            wait = std::max(wait, *retryAfter);
            p.slot->pausedUntil = std::max(p.slot->pausedUntil, now + *retryAfter);
        }
        if (logger.enabled(LogLevel::Debug)) {
            logger.debug(kLogName, "Retrying " + describe(p.request) + " (failed " +
                                       std::to_string(p.retries) + " times): " + reason + " (in " +
                                       formatSeconds(wait) + " s)");
        }
        p.request.meta.set("retry_times", p.retries);
        p.stage = Stage::Retrying;
        ++retrying;
        std::uint64_t id = p.id;
        p.timer = time.callLater(wait, [this, id] { retryNow(id); });
    }

    void retryNow(std::uint64_t id) {
        auto it = pending.find(id);
        if (it == pending.end()) {
            return;
        }
        --retrying;
        enqueue(*it->second, true);
    }

    static std::string formatSeconds(double seconds) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%g", seconds);
        return buffer;
    }

    // Removes the request and fires its Deferred (or, for a robots.txt fetch, settles the
    // origin's rules).
    void complete(std::uint64_t id, Outcome<Response>&& outcome) {
        auto it = pending.find(id);
        std::unique_ptr<Pending> p = std::move(it->second);
        pending.erase(it);
        release(*p);
        std::weak_ptr<bool> guard = alive;
        if (outcome.ok()) {
            p->result.callback(std::move(outcome).value());
        } else {
            p->result.errback(std::move(outcome.failure()));
        }
        if (!guard.expired()) {
            notifyCapacity();
        }
    }

    void release(Pending& p) {
        if (p.slot) {
            --p.slot->assigned;
            p.slot->lastSeen = time.seconds();
            p.slot = nullptr;
        }
    }

    void notifyCapacity() {
        if (onCapacity) {
            // A copy: the listener may replace itself.
            std::function<void()> fn = onCapacity;
            fn();
        }
    }

    // ---- robots.txt ---------------------------------------------------------------------

    // Whether `p` may go on (else it was failed here); applies the Crawl-delay to its slot.
    bool admitByRobots(Pending& p, const RobotsEntry& entry) {
        if (!entry.rules) {
            return true;
        }
        std::string_view agent = userAgent;
        if (auto header = findHeader(p.request.headers, "User-Agent")) {
            agent = *header;
        }
        if (!entry.rules->allowed(p.request.url, agent)) {
            stats.inc("robotstxt/forbidden");
            logger.debug(kLogName, "Forbidden by robots.txt: " + describe(p.request));
            std::uint64_t id = p.id;
            std::string what = "Forbidden by robots.txt: " + describe(p.request);
            complete(id, Outcome<Response>(
                             Failure(ForbiddenByRobots(what), "downloading " + p.request.url)));
            return false;
        }
        if (std::optional<double> delay = entry.rules->crawlDelay(agent);
            delay && *delay > 0 && std::isfinite(*delay)) {
            Slot& slot = slotFor(slotKeyFor(p.request));
            if (*delay > slot.crawlDelay) {
                logger.debug(kLogName, "Crawl-delay " + formatSeconds(*delay) +
                                           " s from robots.txt applies to slot " + slot.key);
                slot.crawlDelay = *delay;
            }
        }
        return true;
    }

    void route(Pending& p) {
        std::string origin;
        if (obeyRobots && !p.robotsFetch && !metaFlag(p.request, "dont_obey_robotstxt")) {
            origin = originOf(p.request.url);
        }
        if (origin.empty()) {
            enqueue(p, false);
            return;
        }
        auto found = robots.find(origin);
        if (found == robots.end()) {
            found = robots.emplace(origin, RobotsEntry{}).first;
            found->second.waiters.push_back(p.id);
            p.stage = Stage::Robots;
            p.origin = origin;
            fetchRobots(origin);
            return;
        }
        if (!found->second.ready) {
            found->second.waiters.push_back(p.id);
            p.stage = Stage::Robots;
            p.origin = origin;
            return;
        }
        if (admitByRobots(p, found->second)) {
            enqueue(p, false);
        }
    }

    void fetchRobots(const std::string& origin) {
        Request request;
        request.url = origin + "/robots.txt";
        request.meta.set("dont_obey_robotstxt", true);
        stats.inc("robotstxt/request_count");
        Pending& p = add(std::move(request));
        p.robotsFetch = true;
        p.result.addBoth(
            [this, origin, guard = std::weak_ptr<bool>(alive)](Outcome<Response> outcome) {
                if (!guard.expired()) {
                    robotsDone(origin, std::move(outcome));
                }
            });
        // Ahead of anything already queued for that host.
        enqueue(p, true);
    }

    void robotsDone(const std::string& origin, Outcome<Response> outcome) {
        auto found = robots.find(origin);
        if (found == robots.end()) {
            return;
        }
        std::string url = origin + "/robots.txt";
        if (outcome.failed()) {
            const Failure& failure = outcome.failure();
            if (failure.check<CancelledError>()) {
                // Not an answer: whoever still waits triggers a new fetch.
                std::vector<std::uint64_t> waiters = std::move(found->second.waiters);
                robots.erase(found);
                std::weak_ptr<bool> guard = alive;
                for (std::uint64_t id : waiters) {
                    if (guard.expired()) {
                        return;
                    }
                    if (auto it = pending.find(id); it != pending.end()) {
                        route(*it->second);
                    }
                }
                return;
            }
            std::string type = failure.typeName();
            if (failure.check<HttpFailureError>()) {
                type = failureTypeName(failure.trap<HttpFailureError>().kind);
            }
            stats.inc("robotstxt/exception_count/" + type);
            logger.error(kLogName, "Error downloading <GET " + url + ">: " + failure.what());
        } else {
            const Response& response = outcome.value();
            stats.inc("robotstxt/response_count");
            stats.inc("robotstxt/response_status_count/" + std::to_string(response.status));
            if (response.status >= 200 && response.status < 300) {
                bool undecodable = false;
                found->second.rules = RobotsTxt::fromBody(response.body, &undecodable);
                if (undecodable) {
                    logger.warning(kLogName, "Failure while parsing " + url +
                                                 ": not UTF-8, treating it as an empty file");
                }
            }
        }
        found->second.ready = true;
        std::vector<std::uint64_t> waiters = std::move(found->second.waiters);
        // Admitting a request may run callbacks that add origins: references into an
        // unordered_map survive that, iterators might not.
        const RobotsEntry& entry = found->second;
        std::weak_ptr<bool> guard = alive;
        for (std::uint64_t id : waiters) {
            // A refused request's errback may have destroyed the downloader.
            if (guard.expired()) {
                return;
            }
            auto it = pending.find(id);
            if (it == pending.end()) {
                continue;
            }
            if (admitByRobots(*it->second, entry)) {
                enqueue(*it->second, false);
            }
        }
    }

    // ---- requests in and out ------------------------------------------------------------

    Pending& add(Request request) {
        auto p = std::make_unique<Pending>();
        p->id = nextId++;
        p->request = std::move(request);
        std::weak_ptr<bool> guard = alive;
        std::uint64_t id = p->id;
        p->result = Deferred<Response>([this, guard, id](Deferred<Response>& d) {
            if (!guard.expired()) {
                cancel(id, d);
            }
        });
        Pending& ref = *p;
        pending.emplace(id, std::move(p));
        return ref;
    }

    // The canceller of every fetch() Deferred: takes the request out wherever it is.
    void cancel(std::uint64_t id, Deferred<Response>& d) {
        auto it = pending.find(id);
        if (it == pending.end()) {
            return;
        }
        Pending& p = *it->second;
        Slot* slot = p.slot;
        switch (p.stage) {
        case Stage::Robots:
            if (auto entry = robots.find(p.origin); entry != robots.end()) {
                std::erase(entry->second.waiters, id);
            }
            break;
        case Stage::Queued:
            if (slot) {
                if (auto at = std::find(slot->queue.begin(), slot->queue.end(), id);
                    at != slot->queue.end()) {
                    slot->queue.erase(at);
                }
            }
            break;
        case Stage::Retrying:
            p.timer.cancel();
            --retrying;
            break;
        case Stage::Transferring:
            p.cancelling = true;
            // The client calls back at once with a Cancelled failure; onResult ignores it.
            transport.cancel(p.transfer);
            --slot->transferring;
            --transferring;
            break;
        }
        std::string what = "download cancelled: " +
                           (p.stage == Stage::Transferring ? p.label : describe(p.request));
        std::unique_ptr<Pending> owned = std::move(it->second);
        pending.erase(it);
        release(*owned);
        std::weak_ptr<bool> guard = alive;
        d.errback(Failure(CancelledError(what)));
        if (guard.expired()) {
            return;
        }
        serveWaitingSlots();
        if (slot) {
            processQueue(*slot);
        }
        notifyCapacity();
    }

    ReactorTime& time;
    std::unique_ptr<DownloadTransport> ownedTransport;
    DownloadTransport& transport;
    StatsCollector& stats;
    Logger& logger;
    DownloaderOptions options;
    // The stats bumped per request, as handles (no key lookup, no key built per request).
    StatsCounter requestCount{stats, "downloader/request_count"};
    StatsCounter responseCount{stats, "downloader/response_count"};
    StatsCounter responseBytes{stats, "downloader/response_bytes"};
    StatsCounter methodCount; // downloader/request_method_count/<the last method seen>
    std::string methodCounted;
    std::unordered_map<int, StatsCounter> statusCounts; // downloader/response_status_count/N

    std::size_t totalConcurrency = 16;
    int domainConcurrency = 8;
    double downloadDelay = 0;
    bool randomizeDelay = true;
    bool retryEnabled = true;
    int retryTimes = 2;
    std::vector<int> retryCodes;
    double retryBackoffBase = 0.5;
    double retryBackoffMax = 30;
    double retryAfterMax = 60;
    bool obeyRobots = false;
    std::string userAgent;
    int ipConcurrency = 0; // concurrent_requests_per_ip; > 0: slots per IP address
    bool redirectEnabled = true;
    int maxRedirects = 20;
    bool refererEnabled = true;
    bool failOnDataLoss = true;
    std::function<bool(const Request&)> redirectFilter;
    static constexpr std::size_t kMaxKnownHosts = 10000;
    std::unordered_map<std::string, std::string> hostIps; // host -> address it answered from
    std::optional<AutoThrottle> throttle;
    std::mt19937_64 rng;

    std::unordered_map<std::uint64_t, std::unique_ptr<Pending>> pending;
    std::unordered_map<std::string, std::unique_ptr<Slot>> slots;
    std::unordered_map<std::string, RobotsEntry> robots;
    std::deque<Slot*> waitingSlots;
    std::size_t transferring = 0;
    std::size_t retrying = 0;
    std::uint64_t nextId = 1;
    DelayedCall gcTimer;
    std::function<void()> onCapacity;
    // Expires when the downloader is destroyed: callbacks and cancellers that outlive it
    // check it before touching anything.
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

Downloader::Downloader(Reactor& reactor, HttpClient& client, const Settings& settings,
                       StatsCollector& stats, Logger& logger, DownloaderOptions options) {
    auto transport = std::make_unique<HttpClientTransport>(client);
    DownloadTransport& ref = *transport;
    impl_ = std::make_unique<Impl>(reactor, ref, std::move(transport), settings, stats, logger,
                                   std::move(options));
}

Downloader::Downloader(ReactorTime& time, DownloadTransport& transport, const Settings& settings,
                       StatsCollector& stats, Logger& logger, DownloaderOptions options)
    : impl_(std::make_unique<Impl>(time, transport, nullptr, settings, stats, logger,
                                   std::move(options))) {}

Downloader::~Downloader() = default;

Deferred<Response> Downloader::fetch(Request request) {
    bool follow = request.followRedirects;
    const Value* slot = request.meta.find("download_slot");
    bool userSlot = slot && slot->isString();
    Impl::Pending& p = impl_->add(std::move(request));
    p.followRedirects = follow;
    p.userSlot = userSlot;
    Deferred<Response> result = p.result;
    impl_->route(p);
    return result;
}

std::size_t Downloader::activeCount() const {
    return impl_->pending.size();
}

bool Downloader::needsBackout() const {
    return impl_->pending.size() - impl_->retrying >= impl_->totalConcurrency;
}

void Downloader::onCapacity(std::function<void()> fn) {
    impl_->onCapacity = std::move(fn);
}

void Downloader::setRedirectFilter(std::function<bool(const Request&)> allow) {
    impl_->redirectFilter = std::move(allow);
}

void Downloader::cancelAll() {
    // The downloader's own robots.txt fetches last: by then nobody waits for them.
    std::vector<std::uint64_t> ids;
    std::vector<std::uint64_t> robotsFetches;
    for (const auto& [id, p] : impl_->pending) {
        (p->robotsFetch ? robotsFetches : ids).push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    ids.insert(ids.end(), robotsFetches.begin(), robotsFetches.end());
    std::weak_ptr<bool> guard = impl_->alive;
    for (std::uint64_t id : ids) {
        if (guard.expired()) {
            return;
        }
        auto it = impl_->pending.find(id);
        if (it != impl_->pending.end()) {
            Deferred<Response> d = it->second->result;
            d.cancel();
        }
    }
}

std::size_t Downloader::slotCount() const {
    return impl_->slots.size();
}

std::size_t Downloader::transferringCount() const {
    return impl_->transferring;
}

double Downloader::slotDelay(const std::string& key) const {
    auto it = impl_->slots.find(key);
    return it == impl_->slots.end() ? -1 : it->second->delay;
}

double Downloader::slotCrawlDelay(const std::string& key) const {
    auto it = impl_->slots.find(key);
    return it == impl_->slots.end() ? -1 : it->second->crawlDelay;
}

} // namespace spider
