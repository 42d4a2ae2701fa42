#pragma once
// LoopingCall: call a function every `interval` seconds (Twisted's task.LoopingCall).
//
// - start(interval, now) runs the function at once (now = true) or after one interval,
//   then at every multiple of `interval` from the start time. If the function returns a
//   Deferred, the next call is scheduled only after it fires.
// - Late ticks are not replayed: if a call (or the Deferred it returned) overran one or more
//   intervals, the next call happens at the next interval boundary. withCount() gives the
//   function the number of intervals since its previous call (1 normally, more after
//   missed ticks).
// - The Deferred from start() fires (void) when stop() is called, or fails with the
//   function's failure (the loop then stops).
// - Destroying a running LoopingCall stops it without firing that Deferred.
#include "deferred/deferred.h"
#include "reactor/reactor_time.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace spider {

class LoopingCall {
public:
    // fn returns void or a Deferred to wait for (through maybeDeferred).
    template <class F>
    LoopingCall(ReactorTime& clock, F fn)
        : state_(std::make_shared<State>(clock, toCallable(std::move(fn)))) {}

    // fn(count) with count = the number of intervals since the previous call.
    template <class F>
    static LoopingCall withCount(ReactorTime& clock, F fn) {
        LoopingCall lc(clock, [] {});
        lc.state_->countFn = toCountCallable(std::move(fn));
        lc.state_->fn = nullptr;
        return lc;
    }

    LoopingCall(const LoopingCall&) = delete;
    LoopingCall& operator=(const LoopingCall&) = delete;
    LoopingCall(LoopingCall&&) noexcept = default;
    LoopingCall& operator=(LoopingCall&&) = delete;
    ~LoopingCall();

    // std::logic_error if already running; std::invalid_argument if interval < 0.
    Deferred<void> start(double interval, bool now = true);
    // std::logic_error if not running.
    void stop();
    // Skips the pending call and restarts the intervals from now. std::logic_error if not
    // running.
    void reset();

    bool running() const noexcept { return state_ && state_->running; }
    double interval() const noexcept { return state_ ? state_->interval : 0; }

private:
    struct State {
        State(ReactorTime& c, std::function<Deferred<void>()> f) : clock(c), fn(std::move(f)) {}
        ReactorTime& clock;
        std::function<Deferred<void>()> fn;
        std::function<Deferred<void>(std::int64_t)> countFn;
        bool running = false;
        bool runAtStart = false;
        double interval = 0;
        double startTime = 0;
        bool haveLastTime = false;
        double realLastTime = 0;
        DelayedCall call;
        std::unique_ptr<Deferred<void>> deferred;
    };

    template <class F>
    static std::function<Deferred<void>()> toCallable(F fn) {
        return [fn = std::move(fn)]() mutable {
            return maybeDeferred(fn).addCallback([] {});
        };
    }
    template <class F>
    static std::function<Deferred<void>(std::int64_t)> toCountCallable(F fn) {
        return [fn = std::move(fn)](std::int64_t count) mutable {
            return maybeDeferred(fn, count).addCallback([] {});
        };
    }

    static void tick(const std::shared_ptr<State>& st);
    static void scheduleFrom(const std::shared_ptr<State>& st, double when);
    static std::int64_t intervalOf(const State& st, double t);
    static void finish(const std::shared_ptr<State>& st, std::optional<Failure> failure);

    std::shared_ptr<State> state_;
};

} // namespace spider
