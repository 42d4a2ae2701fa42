#include "downloader/autothrottle.h"

#include <algorithm>

namespace spider {

double AutoThrottle::initialDelay() const {
    return std::max(minDelay, startDelay);
}

double AutoThrottle::nextDelay(double current, double latency, int status) const {
    // A non-positive target concurrency would divide by zero; Scrapy warns and uses it as
    // given, we treat it as the default.
    double concurrency = targetConcurrency > 0 ? targetConcurrency : 1.0;
    double target = std::max(latency, 0.0) / concurrency;
    double next = std::max(target, (current + target) / 2.0);
    // Scrapy applies the floor first, so with minDelay > maxDelay the cap wins.
    next = std::min(std::max(minDelay, next), maxDelay);
    if (status != 200 && next <= current) {
        return current;
    }
    return next;
}

} // namespace spider
