#include "engine/scheduler.h"

#include <algorithm>
#include <deque>
#include <stdexcept>

#include "data/binary.h"
#include "engine/log.h"
#include "engine/stats.h"

namespace spider {

std::string_view admissionName(Admission admission) {
    switch (admission) {
        case Admission::Queued: return "queued";
        case Admission::Duplicate: return "duplicate";
        case Admission::Offsite: return "offsite";
        case Admission::UrlTooLong: return "url too long";
        case Admission::TooDeep: return "too deep";
        case Admission::UnsupportedUrl: return "unsupported URL";
    }
    return "?";
}

// One priority's records, framed as [varint length][payload][length as a byte-reversed
// varint] so they can be read from either end, in a deque of chunks. Chunks start small
// and double up to 64 KiB, so a priority holding one request costs a few hundred bytes,
// not a whole chunk; a chunk is freed as soon as its last record is popped.
class Scheduler::RecordQueue {
public:
    void push(std::string_view payload) {
        char length[10];
        std::size_t lengthBytes = 0;
        for (std::uint64_t n = payload.size();; n >>= 7) {
            length[lengthBytes++] = static_cast<char>((n & 0x7F) | (n >= 0x80 ? 0x80 : 0));
            if (n < 0x80) break;
        }
        std::size_t framed = 2 * lengthBytes + payload.size();
        if (chunks_.empty() || chunks_.back().capacity - chunks_.back().end < framed) {
            std::size_t capacity = chunks_.empty() ? kMinChunk
                                                   : std::min(kMaxChunk, chunks_.back().capacity * 2);
            capacity = std::max(capacity, framed);
            chunks_.push_back(Chunk{std::make_unique<char[]>(capacity), capacity, 0, 0});
        }
        Chunk& chunk = chunks_.back();
        char* out = chunk.data.get() + chunk.end;
        std::copy(length, length + lengthBytes, out);
        out += lengthBytes;
        std::copy(payload.begin(), payload.end(), out);
        out += payload.size();
        std::reverse_copy(length, length + lengthBytes, out);
        chunk.end += framed;
        ++count_;
    }

    // Copies the oldest record into `out` and removes it.
    void popFront(std::string& out) {
        Chunk& chunk = chunks_.front();
        const char* at = chunk.data.get() + chunk.begin;
        std::uint64_t length = 0;
        std::size_t lengthBytes = 0;
        while (true) {
            auto byte = static_cast<std::uint8_t>(at[lengthBytes]);
            length |= static_cast<std::uint64_t>(byte & 0x7F) << (7 * lengthBytes);
            ++lengthBytes;
            if (!(byte & 0x80)) break;
        }
        out.assign(at + lengthBytes, static_cast<std::size_t>(length));
        chunk.begin += 2 * lengthBytes + static_cast<std::size_t>(length);
        --count_;
        if (chunk.begin == chunk.end) chunks_.pop_front();
    }

    // Copies the newest record into `out` and removes it.
    void popBack(std::string& out) {
        Chunk& chunk = chunks_.back();
        const char* end = chunk.data.get() + chunk.end;
        std::uint64_t length = 0;
        std::size_t lengthBytes = 0;
        while (true) {
            auto byte = static_cast<std::uint8_t>(end[-1 - static_cast<std::ptrdiff_t>(lengthBytes)]);
            length |= static_cast<std::uint64_t>(byte & 0x7F) << (7 * lengthBytes);
            ++lengthBytes;
            if (!(byte & 0x80)) break;
        }
        std::size_t framed = 2 * lengthBytes + static_cast<std::size_t>(length);
        out.assign(end - lengthBytes - length, static_cast<std::size_t>(length));
        chunk.end -= framed;
        --count_;
        if (chunk.begin == chunk.end) chunks_.pop_back();
    }

    bool empty() const { return count_ == 0; }

    std::size_t memoryBytes() const {
        std::size_t bytes = sizeof(*this);
        for (const Chunk& chunk : chunks_) bytes += chunk.capacity + sizeof(Chunk);
        return bytes;
    }

private:
    static constexpr std::size_t kMinChunk = 256;
    static constexpr std::size_t kMaxChunk = 64 * 1024;

    struct Chunk {
        std::unique_ptr<char[]> data;
        std::size_t capacity;
        std::size_t begin;
        std::size_t end;
    };

    std::deque<Chunk> chunks_;
    std::size_t count_ = 0;
};

namespace {

std::string describe(const Request& request) {
    return "<" + request.method + " " + request.url + ">";
}

}  // namespace

Scheduler::Scheduler(SchedulerOptions options, StatsCollector& stats, Logger* logger,
                     std::string logName)
    : options_(std::move(options)), stats_(stats), logger_(logger), logName_(std::move(logName)) {
    std::vector<std::string> domains;
    for (auto& domain : options_.allowedDomains) {
        bool isUrl = domain.rfind("http://", 0) == 0 || domain.rfind("https://", 0) == 0;
        std::size_t colon = domain.rfind(':');
        bool hasPort = !isUrl && colon != std::string::npos && colon + 1 < domain.size() &&
                       std::all_of(domain.begin() + static_cast<std::ptrdiff_t>(colon) + 1,
                                   domain.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (isUrl) {
            if (logger_) {
                logger_->warning(logName_, "allowed_domains accepts only domains, not URLs. "
                                           "Ignoring URL entry " + domain + " in allowed_domains.");
            }
        } else if (hasPort) {
            if (logger_) {
                logger_->warning(logName_, "allowed_domains accepts only domains without ports. "
                                           "Ignoring entry " + domain + " in allowed_domains.");
            }
        } else if (!domain.empty()) {
            domains.push_back(std::move(domain));
        }
    }
    // Scrapy filters nothing when allowed_domains is empty, but everything when it held only
    // ignored entries: keep that distinction with a sentinel that matches no host.
    if (domains.empty() && !options_.allowedDomains.empty()) domains.emplace_back();
    options_.allowedDomains = std::move(domains);
}

Scheduler::~Scheduler() = default;

void Scheduler::logDebug(const std::string& message) {
    if (logger_ && logger_->enabled(LogLevel::Debug)) logger_->debug(logName_, message);
}

bool Scheduler::isOffsite(const Request& request) {
    if (options_.allowedDomains.empty()) return false;
    if (auto plain = splitPlainHttpUrl(request.url)) return isOffsiteHost(plain->host, request);
    return isOffsiteHost(hostOf(request.url), request);
}

bool Scheduler::isOffsiteHost(std::string_view host, const Request& request) {
    if (options_.allowedDomains.empty()) return false;
    // domainMatches() ignores case, so the common on-site case needs no lower-cased copy.
    for (const auto& domain : options_.allowedDomains) {
        if (domainMatches(host, domain)) return false;
    }
    std::string lowered(host);
    for (char& c : lowered) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!lowered.empty() && offsiteDomainsSeen_.insert(lowered).second) {
        logDebug("Filtered offsite request to '" + lowered + "': " + describe(request));
        stats_.inc("offsite/domains");
    }
    stats_.inc("offsite/filtered");
    return true;
}

Admission Scheduler::enqueueFromSpider(Request request) {
    if (options_.urlLengthLimit > 0 && request.url.size() > options_.urlLengthLimit) {
        if (logger_) {
            logger_->info(logName_, "Ignoring link (url length > " +
                                        std::to_string(options_.urlLengthLimit) +
                                        "): " + request.url);
        }
        stats_.inc("urllength/request_ignored_count");
        return Admission::UrlTooLong;
    }
    int depth = request.depth;
    if (options_.depthPriority != 0) request.priority -= depth * options_.depthPriority;
    if (options_.depthLimit > 0 && depth > options_.depthLimit) {
        logDebug("Ignoring link (depth > " + std::to_string(options_.depthLimit) +
                 "): " + request.url);
        stats_.inc("depth/filtered");
        return Admission::TooDeep;
    }
    if (options_.depthStatsVerbose) stats_.inc("request_depth_count/" + std::to_string(depth));
    // A max with a depth no larger than one already given changes nothing: skip the lookup.
    if (depth > depthMaxSeen_) {
        depthMaxSeen_ = depth;
        stats_.max("request_depth_max", Value(depth));
    }
    // The views point into request.url: `request` is not moved while they are in use.
    std::optional<PlainHttpUrl> plain = splitPlainHttpUrl(request.url);
    if (!request.dontFilter && !options_.allowedDomains.empty()) {
        bool offsite = plain ? isOffsiteHost(plain->host, request)
                             : isOffsiteHost(hostOf(request.url), request);
        if (offsite) return Admission::Offsite;
    }
    return admit(request, plain ? &*plain : nullptr);
}

Admission Scheduler::enqueue(Request request) {
    std::optional<PlainHttpUrl> plain = splitPlainHttpUrl(request.url);
    return admit(request, plain ? &*plain : nullptr);
}

Admission Scheduler::admit(Request& request, const PlainHttpUrl* plain) {
    if (!plain) {
        if (auto error = httpUrlError(request.url)) {
            logDebug("Ignoring request " + describe(request) + ": " + *error);
            stats_.inc("scheduler/filtered/unsupported_url");
            return Admission::UnsupportedUrl;
        }
    }
    if (!request.dontFilter) {
        Fingerprint fingerprint = plain ? fingerprinter_(request.method, *plain, request.body)
                                        : fingerprinter_(request.method, request.url,
                                                         request.body);
        if (!dupeFilter_.insert(fingerprint)) {
            if (options_.dupefilterDebug) {
                logDebug("Filtered duplicate request: " + describe(request));
            } else if (!loggedFirstDuplicate_) {
                loggedFirstDuplicate_ = true;
                logDebug("Filtered duplicate request: " + describe(request) +
                         " - no more duplicates will be shown (see DUPEFILTER_DEBUG to show "
                         "all duplicates)");
            }
            stats_.inc("dupefilter/filtered");
            return Admission::Duplicate;
        }
    }

    std::uint64_t slot = 0;
    if (request.userData) {
        slot = nextUserDataSlot_++;
        userData_.emplace(slot, std::move(request.userData));
    }
    scratch_.clear();
    encodeRequest(scratch_, request, names_, slot);
    auto& queue = queues_[request.priority];
    if (!queue) queue = std::make_unique<RecordQueue>();
    queue->push(scratch_);
    ++size_;
    enqueuedMemory_.inc();
    enqueued_.inc();
    return Admission::Queued;
}

std::optional<Request> Scheduler::next() {
    if (queues_.empty()) return std::nullopt;
    auto it = queues_.begin();
    if (options_.order == QueueOrder::Lifo) {
        it->second->popBack(scratch_);
    } else {
        it->second->popFront(scratch_);
    }
    Request request;
    request.priority = it->first;
    if (it->second->empty()) queues_.erase(it);
    --size_;

    std::uint64_t slot = 0;
    if (!decodeRequest(scratch_, names_, request, slot)) {
        // Records are written by this class only: a failure here is memory corruption.
        throw std::logic_error("scheduler: a queued request record is corrupt");
    }
    if (slot != 0) {
        auto found = userData_.find(slot);
        if (found != userData_.end()) {
            request.userData = std::move(found->second);
            userData_.erase(found);
        }
    }
    dequeuedMemory_.inc();
    dequeued_.inc();
    return request;
}

std::size_t Scheduler::memoryBytes() const {
    // Map nodes: the pair, three pointers and a colour word each.
    std::size_t bytes = queues_.size() * (sizeof(int) + sizeof(void*) + 4 * sizeof(void*));
    for (const auto& [priority, queue] : queues_) bytes += queue->memoryBytes();
    bytes += names_.memoryBytes();
    bytes += userData_.size() * (sizeof(std::uint64_t) + sizeof(std::shared_ptr<void>) +
                                 2 * sizeof(void*)) +
             userData_.bucket_count() * sizeof(void*);
    return bytes;
}

}  // namespace spider
