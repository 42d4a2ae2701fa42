#pragma once
// Deterministic time for tests (Twisted's task.Clock): time starts at 0 and moves only when
// the test calls advance() or pump().
#include "reactor/reactor_time.h"
#include "reactor/timer_queue.h"

#include <vector>

namespace spider {

class Clock final : public ReactorTime {
  public:
    Clock() = default;
    Clock(const Clock&) = delete;
    Clock& operator=(const Clock&) = delete;

    double seconds() const override { return now_; }
    DelayedCall callLater(double delaySeconds, std::function<void()> fn) override;

    // Moves time forward by `seconds` (negative or NaN counts as 0), then runs every call
    // due by the new time, in time order, ties in scheduling order, including calls
    // scheduled (or reset) during the advance that fall due by the new time. Like Twisted,
    // an exception thrown by a call propagates out of advance(); the calls still due run
    // on the next advance (advance(0) runs them).
    void advance(double seconds);
    // advance() once per step.
    void pump(const std::vector<double>& steps);

    // The active calls, in the order they will run.
    std::vector<DelayedCall> getDelayedCalls() const { return timers_.pending(); }

  private:
    double now_ = 0;
    detail::TimerQueue timers_{*this};
};

} // namespace spider
