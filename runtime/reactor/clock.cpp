#include "reactor/clock.h"

#include <utility>

namespace spider {

DelayedCall Clock::callLater(double delaySeconds, std::function<void()> fn) {
    return timers_.schedule(now_ + detail::sanitizeDelay(delaySeconds), std::move(fn));
}

void Clock::advance(double seconds) {
    now_ += detail::sanitizeDelay(seconds);
    while (auto fn = timers_.popDue(now_)) {
        (*fn)();
    }
}

void Clock::pump(const std::vector<double>& steps) {
    for (double step : steps) {
        advance(step);
    }
}

} // namespace spider
