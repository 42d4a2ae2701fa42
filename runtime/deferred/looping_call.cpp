#include "deferred/looping_call.h"

#include <cmath>
#include <stdexcept>

namespace spider {

LoopingCall::~LoopingCall() {
    if (state_ && state_->running) {
        state_->running = false;
        state_->call.cancel();
        state_->deferred.reset();
    }
}

Deferred<void> LoopingCall::start(double interval, bool now) {
    State& st = *state_;
    if (st.running) {
        throw std::logic_error("LoopingCall::start: already running");
    }
    if (!(interval >= 0)) {
        throw std::invalid_argument("LoopingCall interval must be >= 0");
    }
    st.running = true;
    Deferred<void> d;
    st.deferred = std::make_unique<Deferred<void>>(d);
    st.startTime = st.clock.seconds();
    st.interval = interval;
    st.runAtStart = now;
    st.haveLastTime = false;
    if (now) {
        tick(state_);
    } else {
        scheduleFrom(state_, st.startTime);
    }
    return d;
}

void LoopingCall::stop() {
    State& st = *state_;
    if (!st.running) {
        throw std::logic_error("LoopingCall::stop: not running");
    }
    st.running = false;
    // While the function's Deferred is pending there is no call: the loop stops when it
    // fires (Twisted's rule).
    if (st.call.active()) {
        st.call.cancel();
        st.call = DelayedCall();
        finish(state_, std::nullopt);
    }
}

void LoopingCall::reset() {
    State& st = *state_;
    if (!st.running) {
        throw std::logic_error("LoopingCall::reset: not running");
    }
    if (st.call.active()) {
        st.call.cancel();
        st.startTime = st.clock.seconds();
        scheduleFrom(state_, st.startTime);
    }
}

void LoopingCall::finish(const std::shared_ptr<State>& st, std::optional<Failure> failure) {
    std::unique_ptr<Deferred<void>> d = std::move(st->deferred);
    if (!d) {
        return;
    }
    if (failure) {
        d->errback(std::move(*failure));
    } else {
        d->callback();
    }
}

std::int64_t LoopingCall::intervalOf(const State& st, double t) {
    return static_cast<std::int64_t>((t - st.startTime) / st.interval);
}

void LoopingCall::tick(const std::shared_ptr<State>& st) {
    st->call = DelayedCall();
    Deferred<void> d;
    if (st->countFn) {
        // Twisted's withCount counter: how many interval boundaries passed since the last
        // call (or since the start; one more when the first call ran at once).
        double now = st->clock.seconds();
        if (st->interval == 0) {
            st->haveLastTime = true;
            st->realLastTime = now;
            d = st->countFn(1);
        } else {
            double lastTime = st->realLastTime;
            if (!st->haveLastTime) {
                lastTime = st->startTime;
                if (st->runAtStart) {
                    lastTime -= st->interval;
                }
            }
            std::int64_t count = intervalOf(*st, now) - intervalOf(*st, lastTime);
            if (count > 0) {
                st->haveLastTime = true;
                st->realLastTime = now;
                d = st->countFn(count);
            } else {
                d = succeed();
            }
        }
    } else {
        d = st->fn();
    }
    std::weak_ptr<State> weak = st;
    d.addCallbacks(
        [weak] {
            std::shared_ptr<State> s = weak.lock();
            if (!s) {
                return;
            }
            if (s->running) {
                scheduleFrom(s, s->clock.seconds());
            } else {
                finish(s, std::nullopt);
            }
        },
        [weak](Failure f) {
            std::shared_ptr<State> s = weak.lock();
            if (!s) {
                return;
            }
            s->running = false;
            finish(s, std::move(f));
        });
}

void LoopingCall::scheduleFrom(const std::shared_ptr<State>& st, double when) {
    double delay = 0;
    if (st->interval != 0) {
        double runningFor = when - st->startTime;
        double untilNext = st->interval - std::fmod(runningFor, st->interval);
        // When untilNext is too small to change `when`, we are at a boundary: wait a
        // whole interval.
        delay = (when == when + untilNext) ? st->interval : untilNext;
    }
    std::weak_ptr<State> weak = st;
    st->call = st->clock.callLater(delay, [weak] {
        if (std::shared_ptr<State> s = weak.lock()) {
            tick(s);
        }
    });
}

} // namespace spider
