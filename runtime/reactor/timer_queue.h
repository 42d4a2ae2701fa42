#pragma once
// The timer heap shared by Clock and Reactor (private to the reactor layer).
//
// A binary min-heap of (time, seq, entry) nodes ordered by time, then by seq (scheduling
// order). Each scheduled call is one reference-counted TimerEntry; DelayedCall handles and
// heap nodes hold references to it. cancel() and reset() never search the heap: they make
// the entry's current node stale, and stale nodes are skipped when they reach the top, or
// dropped all at once when they outnumber the live ones.
#include "reactor/reactor_time.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace spider::detail {

struct TimerEntry {
    enum class State : std::uint8_t { Pending, Called, Cancelled, Abandoned };

    std::function<void()> fn;
    double time = 0;
    std::uint64_t seq = 0;       // seq of the entry's current heap node
    TimerQueue* owner = nullptr; // null once the entry can no longer run
    std::uint32_t refs = 0;
    State state = State::Pending;
    bool queued = false; // the node with the current seq is in the heap
};

class TimerQueue {
  public:
    // seconds: the owner's clock, read by DelayedCall::reset.
    explicit TimerQueue(const ReactorTime& clock)
        : clock_(clock) {}
    TimerQueue(const TimerQueue&) = delete;
    TimerQueue& operator=(const TimerQueue&) = delete;
    // Every entry still scheduled becomes inactive (its handles report Abandoned calls as
    // neither active nor cancellable) and its function is destroyed.
    ~TimerQueue();

    DelayedCall schedule(double when, std::function<void()> fn);

    // The seq the next scheduled node will get; popDue(now, nextSeq()) taken at the start of
    // a pass excludes everything scheduled or rescheduled during the pass.
    std::uint64_t nextSeq() const noexcept { return nextSeq_; }

    // Removes the earliest live call due by `now` whose node seq is below seqLimit, marks
    // it called and returns its function; nullopt when there is none.
    std::optional<std::function<void()>> popDue(double now, std::uint64_t seqLimit = UINT64_MAX);

    // The time of the earliest live call, if any (drops stale nodes from the top).
    std::optional<double> nextTime();

    // The live calls in the order they will run.
    std::vector<DelayedCall> pending() const;

    std::size_t liveCount() const noexcept { return heap_.size() - staleCount_; }
    std::size_t heapSize() const noexcept { return heap_.size(); }

    // For DelayedCall.
    double now() const { return clock_.seconds(); }
    void cancel(TimerEntry& entry);
    void reschedule(TimerEntry& entry, double when);

  private:
    struct Node {
        double time;
        std::uint64_t seq;
        TimerEntry* entry; // holds one reference
    };
    static bool later(const Node& a, const Node& b) noexcept {
        return a.time > b.time || (a.time == b.time && a.seq > b.seq);
    }
    static bool isLive(const Node& node) noexcept {
        return node.entry->queued && node.entry->seq == node.seq;
    }
    void push(TimerEntry& entry);
    Node popTop();
    void dropStaleTop();
    void compactIfMostlyStale();

    const ReactorTime& clock_;
    std::vector<Node> heap_;
    std::size_t staleCount_ = 0;
    std::uint64_t nextSeq_ = 0;
};

// Releases one reference; deletes the entry at zero.
void releaseEntry(TimerEntry* entry) noexcept;

// A delay as callLater/reset/delay take it: negative or NaN counts as 0.
inline double sanitizeDelay(double seconds) noexcept {
    return seconds > 0 ? seconds : 0.0;
}

} // namespace spider::detail
