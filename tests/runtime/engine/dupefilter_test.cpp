#include <catch2/catch.hpp>

#include <cstring>

#include "engine/dupefilter.h"
#include "http/fingerprint.h"

using spider::DupeFilter;
using spider::Fingerprint;

namespace {

// Distinct, uniformly spread fingerprints without paying for SHA-1 ten million times.
Fingerprint syntheticFingerprint(std::uint64_t i) {
    auto mix = [](std::uint64_t z) {
        z += 0x9E3779B97F4A7C15ULL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    };
    Fingerprint fp{};
    std::uint64_t a = mix(i);
    std::uint64_t b = mix(i ^ 0xDEADBEEFCAFEF00DULL);
    std::uint32_t c = static_cast<std::uint32_t>(i);
    std::memcpy(fp.data(), &a, 8);
    std::memcpy(fp.data() + 8, &b, 8);
    std::memcpy(fp.data() + 16, &c, 4);
    return fp;
}

}  // namespace

TEST_CASE("a fingerprint is new once and seen afterwards") {
    DupeFilter filter;
    auto fp = spider::requestFingerprint("GET", "http://example.com/a?b=1&a=2");
    CHECK_FALSE(filter.contains(fp));
    CHECK(filter.insert(fp));
    CHECK_FALSE(filter.insert(fp));
    CHECK(filter.contains(fp));
    CHECK(filter.insert(spider::requestFingerprint("POST", "http://example.com/a?b=1&a=2")));
    CHECK_FALSE(filter.insert(spider::requestFingerprint("GET", "http://example.com/a?a=2&b=1")));
    CHECK(filter.size() == 2);
}

TEST_CASE("the all-zero fingerprint is stored like any other") {
    DupeFilter filter;
    Fingerprint zero{};
    CHECK_FALSE(filter.contains(zero));
    CHECK(filter.insert(zero));
    CHECK_FALSE(filter.insert(zero));
    CHECK(filter.contains(zero));
    CHECK(filter.size() == 1);
    filter.clear();
    CHECK_FALSE(filter.contains(zero));
    CHECK(filter.empty());
}

TEST_CASE("fingerprints differing only in their last bytes are both kept") {
    // Only the first 16 bytes are stored; the documented cost is that these two collide.
    DupeFilter filter;
    Fingerprint a = syntheticFingerprint(1);
    Fingerprint b = a;
    b[3] ^= 1;
    CHECK(filter.insert(a));
    CHECK(filter.insert(b));
    Fingerprint tailOnly = a;
    tailOnly[19] ^= 1;
    CHECK_FALSE(filter.insert(tailOnly));
}

TEST_CASE("ten million fingerprints have no false negatives and cost at most 32 bytes each") {
    constexpr std::uint64_t kCount = 10'000'000;
    DupeFilter filter;
    std::size_t peakBytesPerEntry = 0;
    for (std::uint64_t i = 0; i < kCount; ++i) {
        if (!filter.insert(syntheticFingerprint(i))) FAIL("fingerprint " << i << " looked seen");
        if (i >= 100'000 && i % 65'536 == 0) {
            peakBytesPerEntry = std::max(peakBytesPerEntry, filter.memoryBytes() / filter.size());
        }
    }
    CHECK(filter.size() == kCount);
    for (std::uint64_t i = 0; i < kCount; ++i) {
        if (!filter.contains(syntheticFingerprint(i))) FAIL("fingerprint " << i << " was lost");
    }
    std::size_t misses = 0;
    for (std::uint64_t i = kCount; i < kCount + 100'000; ++i) {
        misses += filter.contains(syntheticFingerprint(i)) ? 0 : 1;
    }
    CHECK(misses == 100'000);
    double bytesPerEntry = static_cast<double>(filter.memoryBytes()) / kCount;
    INFO("bytes per fingerprint: " << bytesPerEntry << ", peak " << peakBytesPerEntry);
    CHECK(bytesPerEntry <= 32.0);
    CHECK(peakBytesPerEntry <= 32);
}
