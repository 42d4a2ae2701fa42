#pragma once
// The only thing the Deferred layer needs from a reactor (Twisted's IReactorTime):
// the current time and callLater, returning a DelayedCall handle.
//
// Two implementations: spider::Clock (clock.h, deterministic time for tests) and
// spider::Reactor (reactor.h, the real event loop).
//
// Threading: a DelayedCall and the ReactorTime it came from belong to the thread that runs
// that reactor. Handles are cheap to copy (a non-atomic reference count), and must not be
// copied, used or destroyed on another thread (use Reactor::callFromThread to get there).
#include <cstdint>
#include <functional>

namespace spider {

namespace detail {
struct TimerEntry; // defined by the reactor layer (timer_queue.h)
class TimerQueue;
} // namespace detail

// A handle to one scheduled call (Twisted's DelayedCall). Copyable; a default-constructed
// handle is inactive. All methods are no-ops (returning false) once the call ran or was
// cancelled, and once the ReactorTime that scheduled it was destroyed.
class DelayedCall {
  public:
    DelayedCall() = default;
    DelayedCall(const DelayedCall& other) noexcept;
    DelayedCall(DelayedCall&& other) noexcept;
    DelayedCall& operator=(const DelayedCall& other) noexcept;
    DelayedCall& operator=(DelayedCall&& other) noexcept;
    ~DelayedCall();

    // Scheduled, not yet run (nor running) and not cancelled.
    bool active() const;
    // True if it was active; then it never runs, and its function (with everything it
    // captured) is destroyed at once.
    bool cancel();
    // Reschedules to run secondsFromNow after now. Negative or NaN counts as 0. A call
    // rescheduled to the same time as others runs after those already scheduled for it.
    bool reset(double secondsFromNow);
    // Pushes the call back by secondsLater (negative or NaN counts as 0).
    bool delay(double secondsLater);
    // The absolute time (ReactorTime::seconds() scale) it runs at, or ran or would have run
    // at; 0 for a default-constructed handle.
    double getTime() const;

    // Additions to the contract: Twisted's `called` and `cancelled` attributes.
    bool called() const;    // the function started running
    bool cancelled() const; // cancel() succeeded

    // Two handles are equal when they name the same scheduled call.
    friend bool operator==(const DelayedCall& a, const DelayedCall& b) noexcept {
        return a.entry_ == b.entry_;
    }

  private:
    friend class detail::TimerQueue;
    explicit DelayedCall(detail::TimerEntry* entry) noexcept; // takes a new reference

    detail::TimerEntry* entry_ = nullptr; // intrusively reference-counted
};

class ReactorTime {
  public:
    virtual ~ReactorTime() = default;
    // Monotonic now, in seconds (the origin is unspecified: only differences mean anything).
    virtual double seconds() const = 0;
    // Runs fn once, delaySeconds from now (negative or NaN counts as 0). Calls due at the
    // same time run in the order they were scheduled.
    virtual DelayedCall callLater(double delaySeconds, std::function<void()> fn) = 0;
};

} // namespace spider
