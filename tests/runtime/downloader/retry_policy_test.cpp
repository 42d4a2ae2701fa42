#include "downloader/retry_policy.h"

#include <catch2/catch.hpp>

#include <chrono>

using namespace spider;

namespace {
std::chrono::system_clock::time_point at(std::int64_t secondsSinceEpoch) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(secondsSinceEpoch));
}
// Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example date.
constexpr std::int64_t kRfcExample = 784111777;
} // namespace

TEST_CASE("the backoff doubles per attempt within half and all of the capped value") {
    CHECK(retryBackoff(1, 0.5, 30, 0.0) == Approx(0.25));
    CHECK(retryBackoff(1, 0.5, 30, 0.999999) == Approx(0.5).epsilon(1e-5));
    CHECK(retryBackoff(2, 0.5, 30, 0.0) == Approx(0.5));
    CHECK(retryBackoff(3, 0.5, 30, 0.0) == Approx(1.0));
    CHECK(retryBackoff(4, 0.5, 30, 0.5) == Approx(4.0 * 0.75));
    // Capped: 0.5 * 2^9 = 256 > 30.
    CHECK(retryBackoff(10, 0.5, 30, 0.0) == Approx(15));
    CHECK(retryBackoff(10, 0.5, 30, 0.999999) == Approx(30).epsilon(1e-5));
}

TEST_CASE("the backoff survives absurd attempts and bases") {
    CHECK(retryBackoff(100000, 0.5, 30, 0.0) == Approx(15));
    CHECK(retryBackoff(0, 0.5, 30, 0.0) == Approx(0.25));
    CHECK(retryBackoff(-5, 0.5, 30, 0.0) == Approx(0.25));
    CHECK(retryBackoff(3, 0, 30, 0.5) == 0);
    CHECK(retryBackoff(3, -1, 30, 0.5) == 0);
    CHECK(retryBackoff(3, 1, -1, 0.5) == 0);
}

TEST_CASE("Retry-After in delta-seconds is read as seconds") {
    auto now = at(kRfcExample);
    CHECK(parseRetryAfter("120", now) == 120.0);
    CHECK(parseRetryAfter(" 0 ", now) == 0.0);
    CHECK(parseRetryAfter("99999999999999999999", now).value() >= 1e12);
}

TEST_CASE("Retry-After as an HTTP-date is read in all three forms") {
    auto now = at(kRfcExample - 30);
    CHECK(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now) == 30.0);
    CHECK(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now) == 30.0);
    CHECK(parseRetryAfter("Sun Nov  6 08:49:37 1994", now) == 30.0);
    // A date in the past means "now".
    CHECK(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", at(kRfcExample + 100)) == 0.0);
    // Leap years and the end of the year.
    CHECK(parseRetryAfter("Thu, 29 Feb 2024 00:00:00 GMT", at(1709164800 - 1)) == 1.0);
    CHECK(parseRetryAfter("Fri, 31 Dec 1999 23:59:59 GMT", at(946684799 - 2)) == 2.0);
}

TEST_CASE("a Retry-After that is neither form is ignored") {
    auto now = at(kRfcExample);
    for (const char* bad : {"", "soon", "-5", "1.5", "12abc", "Sun, 06 Nov 1994 08:49:37",
                            "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT",
                            "Sun, 06 Nov 1994 25:49:37 GMT", "Sun Nov 6 08:49:37"}) {
        INFO(bad);
        CHECK_FALSE(parseRetryAfter(bad, now).has_value());
    }
}

TEST_CASE("status messages use Twisted's reason phrases as Scrapy's retry stats do") {
    CHECK(statusMessage(503) == "503 Service Unavailable");
    CHECK(statusMessage(500) == "500 Internal Server Error");
    CHECK(statusMessage(408) == "408 Request Time-out");
    CHECK(statusMessage(504) == "504 Gateway Time-out");
    CHECK(statusMessage(429) == "429 Unknown Status");
    CHECK(statusMessage(522) == "522 Unknown Status");
}

TEST_CASE("transient transport failures are retried and deterministic ones are not") {
    for (auto kind :
         {HttpFailureKind::Timeout, HttpFailureKind::ConnectFailed, HttpFailureKind::DnsFailed,
          HttpFailureKind::ConnectionLost}) {
        CHECK(isRetryableFailure(kind));
    }
    for (auto kind :
         {HttpFailureKind::ProtocolError, HttpFailureKind::TooLarge, HttpFailureKind::TooManyRedirects, HttpFailureKind::BadScheme,
          HttpFailureKind::BadUrl, HttpFailureKind::InvalidRequest, HttpFailureKind::TlsError,
          HttpFailureKind::Cancelled, HttpFailureKind::Other}) {
        CHECK_FALSE(isRetryableFailure(kind));
    }
    CHECK(failureTypeName(HttpFailureKind::Timeout) == "spider.HttpFailure.Timeout");
}
