#include "reactor/timer_queue.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace spider {

// ---- DelayedCall ------------------------------------------------------------------------

DelayedCall::DelayedCall(detail::TimerEntry* entry) noexcept
    : entry_(entry) {
    if (entry_ != nullptr) {
        ++entry_->refs;
    }
}

DelayedCall::DelayedCall(const DelayedCall& other) noexcept
    : DelayedCall(other.entry_) {}

DelayedCall::DelayedCall(DelayedCall&& other) noexcept
    : entry_(std::exchange(other.entry_, nullptr)) {}

DelayedCall& DelayedCall::operator=(const DelayedCall& other) noexcept {
    if (entry_ != other.entry_) {
        DelayedCall copy(other);
        std::swap(entry_, copy.entry_);
    }
    return *this;
}

DelayedCall& DelayedCall::operator=(DelayedCall&& other) noexcept {
    if (this != &other) {
        detail::TimerEntry* old = std::exchange(entry_, std::exchange(other.entry_, nullptr));
        detail::releaseEntry(old);
    }
    return *this;
}

DelayedCall::~DelayedCall() {
    detail::releaseEntry(entry_);
}

bool DelayedCall::active() const {
    return entry_ != nullptr && entry_->state == detail::TimerEntry::State::Pending;
}

bool DelayedCall::cancel() {
    if (!active()) {
        return false;
    }
    entry_->owner->cancel(*entry_);
    return true;
}

bool DelayedCall::reset(double secondsFromNow) {
    if (!active()) {
        return false;
    }
    detail::TimerQueue& owner = *entry_->owner;
    owner.reschedule(*entry_, owner.now() + detail::sanitizeDelay(secondsFromNow));
    return true;
}

bool DelayedCall::delay(double secondsLater) {
    if (!active()) {
        return false;
    }
    entry_->owner->reschedule(*entry_, entry_->time + detail::sanitizeDelay(secondsLater));
    return true;
}

double DelayedCall::getTime() const {
    return entry_ != nullptr ? entry_->time : 0.0;
}

bool DelayedCall::called() const {
    return entry_ != nullptr && entry_->state == detail::TimerEntry::State::Called;
}

bool DelayedCall::cancelled() const {
    return entry_ != nullptr && entry_->state == detail::TimerEntry::State::Cancelled;
}

namespace detail {

void releaseEntry(TimerEntry* entry) noexcept {
    if (entry != nullptr && --entry->refs == 0) {
        delete entry;
    }
}

// ---- TimerQueue -------------------------------------------------------------------------

TimerQueue::~TimerQueue() {
    // Functions are destroyed only after every entry is marked, so a destructor of something
    // a function captured sees consistent (inactive) handles. Such a destructor may even
    // schedule new calls here: the loop abandons those too.
    while (!heap_.empty()) {
        std::vector<Node> nodes;
        nodes.swap(heap_);
        staleCount_ = 0;
        std::vector<std::function<void()>> doomed;
        for (Node& node : nodes) {
            TimerEntry& entry = *node.entry;
            if (isLive(node)) {
                entry.state = TimerEntry::State::Abandoned;
                entry.queued = false;
                entry.owner = nullptr;
                doomed.push_back(std::move(entry.fn));
            }
        }
        doomed.clear();
        for (Node& node : nodes) {
            releaseEntry(node.entry);
        }
    }
}

DelayedCall TimerQueue::schedule(double when, std::function<void()> fn) {
    if (!fn) {
        throw std::invalid_argument("callLater: the function to call is empty");
    }
    auto* entry = new TimerEntry;
    entry->fn = std::move(fn);
    entry->time = when;
    entry->owner = this;
    DelayedCall handle(entry);
    push(*entry);
    return handle;
}

void TimerQueue::push(TimerEntry& entry) {
    entry.seq = nextSeq_++;
    entry.queued = true;
    ++entry.refs;
    heap_.push_back(Node{entry.time, entry.seq, &entry});
    std::push_heap(heap_.begin(), heap_.end(), later);
}

TimerQueue::Node TimerQueue::popTop() {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    Node node = heap_.back();
    heap_.pop_back();
    return node;
}

void TimerQueue::dropStaleTop() {
    while (!heap_.empty() && !isLive(heap_.front())) {
        Node node = popTop();
        --staleCount_;
        releaseEntry(node.entry);
    }
}

std::optional<std::function<void()>> TimerQueue::popDue(double now, std::uint64_t seqLimit) {
    dropStaleTop();
    if (heap_.empty()) {
        return std::nullopt;
    }
    const Node& top = heap_.front();
    if (top.time > now || top.seq >= seqLimit) {
        return std::nullopt;
    }
    Node node = popTop();
    TimerEntry& entry = *node.entry;
    entry.queued = false;
    entry.state = TimerEntry::State::Called;
    entry.owner = nullptr;
    std::optional<std::function<void()>> fn(std::move(entry.fn));
    releaseEntry(node.entry);
    return fn;
}

std::optional<double> TimerQueue::nextTime() {
    dropStaleTop();
    if (heap_.empty()) {
        return std::nullopt;
    }
    return heap_.front().time;
}

std::vector<DelayedCall> TimerQueue::pending() const {
    std::vector<Node> live;
    live.reserve(heap_.size() - staleCount_);
    for (const Node& node : heap_) {
        if (isLive(node)) {
            live.push_back(node);
        }
    }
    std::sort(live.begin(), live.end(), [](const Node& a, const Node& b) { return later(b, a); });
    std::vector<DelayedCall> calls;
    calls.reserve(live.size());
    for (const Node& node : live) {
        calls.push_back(DelayedCall(node.entry));
    }
    return calls;
}

void TimerQueue::cancel(TimerEntry& entry) {
    entry.state = TimerEntry::State::Cancelled;
    entry.owner = nullptr;
    if (entry.queued) {
        entry.queued = false;
        ++staleCount_;
    }
    // Keep the entry alive while its function (and what it captured) is destroyed: a
    // captured DelayedCall may hold the last reference.
    ++entry.refs;
    std::function<void()> doomed = std::move(entry.fn);
    compactIfMostlyStale();
    doomed = nullptr;
    releaseEntry(&entry);
}

void TimerQueue::reschedule(TimerEntry& entry, double when) {
    if (entry.queued) {
        ++staleCount_;
    }
    entry.time = when;
    push(entry);
    compactIfMostlyStale();
}

void TimerQueue::compactIfMostlyStale() {
    // Rebuilding costs O(n); doing it only when stale nodes are the majority keeps the
    // amortized cost of a cancel O(1) and bounds the heap to twice the live calls.
    constexpr std::size_t kMinStaleToCompact = 1024;
    if (staleCount_ < kMinStaleToCompact || staleCount_ * 2 <= heap_.size()) {
        return;
    }
    auto firstStale = std::partition(heap_.begin(), heap_.end(), isLive);
    for (auto it = firstStale; it != heap_.end(); ++it) {
        releaseEntry(it->entry);
    }
    heap_.erase(firstStale, heap_.end());
    std::make_heap(heap_.begin(), heap_.end(), later);
    staleCount_ = 0;
    if (heap_.capacity() > 4 * heap_.size() + 1024) {
        heap_.shrink_to_fit();
    }
}

} // namespace detail
} // namespace spider
