#include "downloader/autothrottle.h"

#include <catch2/catch.hpp>

using spider::AutoThrottle;

TEST_CASE("AutoThrottle starts at the larger of start_delay and download_delay") {
    AutoThrottle at;
    at.minDelay = 0;
    at.startDelay = 5;
    CHECK(at.initialDelay() == 5);
    at.minDelay = 7;
    CHECK(at.initialDelay() == 7);
}

TEST_CASE("AutoThrottle averages towards latency over target concurrency") {
    AutoThrottle at;
    at.minDelay = 0;
    at.maxDelay = 60;
    at.targetConcurrency = 2;
    // target 1.0, mean (5 + 1) / 2 = 3.
    CHECK(at.nextDelay(5, 2.0, 200) == Approx(3.0));
    // target 4.0 above the mean (1 + 4) / 2: the target wins.
    CHECK(at.nextDelay(1, 8.0, 200) == Approx(4.0));
}

TEST_CASE("AutoThrottle keeps the delay between download_delay and max_delay") {
    AutoThrottle at;
    at.minDelay = 0.5;
    at.maxDelay = 10;
    at.targetConcurrency = 1;
    CHECK(at.nextDelay(0.5, 0.01, 200) == Approx(0.5));
    CHECK(at.nextDelay(5, 100, 200) == Approx(10));
}

TEST_CASE("AutoThrottle never lowers the delay on a non-200 response") {
    AutoThrottle at;
    at.minDelay = 0;
    at.maxDelay = 60;
    at.targetConcurrency = 1;
    CHECK(at.nextDelay(4, 0.1, 500) == 4);
    CHECK(at.nextDelay(4, 0.1, 404) == 4);
    CHECK(at.nextDelay(4, 0.1, 200) == Approx(2.05));
    // ...but may raise it.
    CHECK(at.nextDelay(1, 3, 503) == Approx(3));
}

TEST_CASE("AutoThrottle with a zero target concurrency does not divide by zero") {
    AutoThrottle at;
    at.minDelay = 0;
    at.maxDelay = 60;
    at.targetConcurrency = 0;
    CHECK(at.nextDelay(1, 3, 200) == Approx(3));
}
