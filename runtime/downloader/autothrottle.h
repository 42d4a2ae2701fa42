#pragma once
// AutoThrottle's delay policy (Scrapy's scrapy/extensions/throttle.py), as plain arithmetic:
// the downloader feeds it each response's latency and keeps the result as the slot's delay.

namespace spider {

struct AutoThrottle {
    double minDelay = 0;          // download_delay: never go below it
    double maxDelay = 60;         // autothrottle_max_delay
    double startDelay = 5;        // autothrottle_start_delay
    double targetConcurrency = 1; // autothrottle_target_concurrency (> 0)

    // A new slot's delay: max(minDelay, startDelay).
    double initialDelay() const;

    // The slot's next delay after a response with `status` that took `latency` seconds:
    //   target = latency / targetConcurrency
    //   next   = clamp(max(target, (current + target) / 2), minDelay, maxDelay)
    // except that a non-200 response never lowers the delay (error pages are fast and would
    // otherwise speed the crawl up against a struggling server): then `current` is kept.
    double nextDelay(double current, double latency, int status) const;
};

} // namespace spider
