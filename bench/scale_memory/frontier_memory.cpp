// bench_frontier_memory: what the crawl frontier costs per queued request and the dupefilter
// per seen fingerprint, measured from the allocator (mallinfo2: bytes in use, heap and mmap)
// and from the process's resident set, as deltas around filling each structure.
//
//   bench_frontier_memory [REQUESTS] [FINGERPRINTS]     (defaults 1000000 and 10000000)
//
// Prints a table, then a JSON summary as the last line. The typical request is the one the
// targets name: a ~60-byte URL, a callback, a priority, a depth and one small cb_kwarg.

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/dupefilter.h"
#include "engine/scheduler.h"
#include "engine/stats.h"

namespace {

struct Memory {
    std::size_t heapInUse;  // malloc'd bytes still allocated (arena + mmap'd chunks)
    std::size_t rss;
};

Memory measure() {
    malloc_trim(0);
    struct mallinfo2 info = mallinfo2();
    return {info.uordblks + info.hblkhd, spider::currentRssBytes()};
}

spider::Request typicalRequest(std::size_t i, bool dontFilter) {
    spider::Request request;
    request.url = "https://quotes.example.com/catalogue/page-" + std::to_string(i) +
                  "/index.html?sort=asc&ref=" + std::to_string(i % 97);
    request.callback = i % 3 == 0 ? "parse_author" : "parse";
    request.priority = static_cast<int>(i % 4);
    request.depth = static_cast<int>(i % 9);
    request.cbKwargs = {{"page", std::to_string(i)}};
    request.dontFilter = dontFilter;
    return request;
}

spider::Fingerprint syntheticFingerprint(std::uint64_t i) {
    auto mix = [](std::uint64_t z) {
        z += 0x9E3779B97F4A7C15ULL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    };
    spider::Fingerprint fp{};
    std::uint64_t a = mix(i);
    std::uint64_t b = mix(i ^ 0xDEADBEEFCAFEF00DULL);
    std::memcpy(fp.data(), &a, 8);
    std::memcpy(fp.data() + 8, &b, 8);
    std::memcpy(fp.data() + 16, &i, 4);
    return fp;
}

double perEntry(std::size_t after, std::size_t before, std::size_t count) {
    return after > before ? static_cast<double>(after - before) / static_cast<double>(count) : 0.0;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t requests = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    std::size_t fingerprints = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10'000'000;
    if (requests == 0 || fingerprints == 0) {
        std::fprintf(stderr, "usage: %s [REQUESTS > 0] [FINGERPRINTS > 0]\n", argv[0]);
        return 2;
    }

    // 1. The queue alone: dontFilter requests skip the dupefilter.
    double queueHeap;
    double queueRss;
    double queueAccounted;
    double queueSeconds;
    {
        spider::StatsCollector stats;
        Memory before = measure();
        auto start = std::chrono::steady_clock::now();
        spider::Scheduler scheduler({}, stats);
        for (std::size_t i = 0; i < requests; ++i) scheduler.enqueue(typicalRequest(i, true));
        queueSeconds = secondsSince(start);
        Memory after = measure();
        queueHeap = perEntry(after.heapInUse, before.heapInUse, requests);
        queueRss = perEntry(after.rss, before.rss, requests);
        queueAccounted = static_cast<double>(scheduler.memoryBytes()) / static_cast<double>(requests);
        std::size_t drained = 0;
        while (scheduler.next()) ++drained;
        if (drained != requests) {
            std::fprintf(stderr, "error: queued %zu requests, got %zu back\n", requests, drained);
            return 1;
        }
    }

    // 2. The frontier as a crawl has it: queue plus the fingerprints of what was queued.
    double frontierHeap;
    double frontierRss;
    {
        spider::StatsCollector stats;
        Memory before = measure();
        spider::Scheduler scheduler({}, stats);
        for (std::size_t i = 0; i < requests; ++i) scheduler.enqueue(typicalRequest(i, false));
        Memory after = measure();
        frontierHeap = perEntry(after.heapInUse, before.heapInUse, requests);
        frontierRss = perEntry(after.rss, before.rss, requests);
    }

    // 3. The dupefilter alone.
    double seenHeap;
    double seenRss;
    double seenAccounted;
    double seenSeconds;
    std::size_t peakBytes = 0;
    {
        Memory before = measure();
        auto start = std::chrono::steady_clock::now();
        spider::DupeFilter filter;
        for (std::uint64_t i = 0; i < fingerprints; ++i) {
            if (!filter.insert(syntheticFingerprint(i))) {
                std::fprintf(stderr, "error: fingerprint %llu looked seen\n",
                             static_cast<unsigned long long>(i));
                return 1;
            }
            if ((i & 0xFFFF) == 0) peakBytes = std::max(peakBytes, filter.memoryBytes());
        }
        seenSeconds = secondsSince(start);
        Memory after = measure();
        seenHeap = perEntry(after.heapInUse, before.heapInUse, fingerprints);
        seenRss = perEntry(after.rss, before.rss, fingerprints);
        seenAccounted = static_cast<double>(filter.memoryBytes()) / static_cast<double>(fingerprints);
        for (std::uint64_t i = 0; i < fingerprints; ++i) {
            if (!filter.contains(syntheticFingerprint(i))) {
                std::fprintf(stderr, "error: fingerprint %llu was lost\n",
                             static_cast<unsigned long long>(i));
                return 1;
            }
        }
    }

    std::printf("%-44s %12s %12s %12s\n", "structure", "heap B/each", "RSS B/each", "target");
    std::printf("%-44s %12.1f %12.1f %12s\n", "scheduler queue (1 typical request)", queueHeap,
                queueRss, "<= 200");
    std::printf("%-44s %12.1f %12.1f %12s\n", "scheduler queue + its dupefilter", frontierHeap,
                frontierRss, "");
    std::printf("%-44s %12.1f %12.1f %12s\n", "dupefilter (1 fingerprint)", seenHeap, seenRss,
                "<= 32");
    std::printf("\nrequests %zu (queue's own accounting %.1f B each, filled in %.2f s); "
                "fingerprints %zu (table %.1f B each, largest sampled %.1f B each, filled in %.2f s)\n",
                requests, queueAccounted, queueSeconds, fingerprints, seenAccounted,
                static_cast<double>(peakBytes) / static_cast<double>(fingerprints), seenSeconds);
    bool met = queueHeap <= 200 && queueRss <= 200 && seenHeap <= 32 && seenRss <= 32;
    std::printf("{\"bench\":\"frontier_memory\",\"requests\":%zu,\"fingerprints\":%zu,"
                "\"queue_heap_bytes_per_request\":%.1f,\"queue_rss_bytes_per_request\":%.1f,"
                "\"frontier_with_dupefilter_heap_bytes_per_request\":%.1f,"
                "\"dupefilter_heap_bytes_per_fingerprint\":%.1f,"
                "\"dupefilter_rss_bytes_per_fingerprint\":%.1f,\"targets_met\":%s}\n",
                requests, fingerprints, queueHeap, queueRss, frontierHeap, seenHeap, seenRss,
                met ? "true" : "false");
    return 0;
}
