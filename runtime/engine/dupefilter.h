#pragma once

// The set of request fingerprints the crawl has seen (Scrapy's RFPDupeFilter without the
// logging, which the Scheduler does), built to hold tens of millions of them in under 32
// bytes each.
//
// Layout: 256 independent open-addressing tables (shards, chosen by one byte of the
// fingerprint), each a flat array of 16-byte keys with linear probing. No per-entry
// allocation. A shard grows by 1.5x when it would pass 80% full, so the table costs between
// 16/0.8 = 20 and 16 x 1.5/0.8 = 30 bytes per fingerprint at any size past the first few
// thousand entries (the first 256 x 16 slots cost 64 KiB however few are used). Only one
// shard is ever being rehashed, so the transient peak during growth adds 1/256 of the
// table, not a second copy of it.
//
// Keys are the first 128 bits of the 160-bit SHA-1. Two different fingerprints collide
// only if those 128 bits agree: among n fingerprints that happens with probability about
// n^2 / 2^129, ~1.5e-25 at n = 10 million, so the truncation never makes a new request look
// seen in practice. There are no false negatives.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "http/fingerprint.h"

namespace spider {

class DupeFilter {
public:
    DupeFilter();
    DupeFilter(DupeFilter&&) noexcept;
    DupeFilter& operator=(DupeFilter&&) noexcept;
    ~DupeFilter();

    // Records `fingerprint`; true when it was new, false when already seen.
    bool insert(const Fingerprint& fingerprint);
    bool contains(const Fingerprint& fingerprint) const;
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    void clear();

    // Bytes the tables allocate (slot arrays plus the shard directory): what the set costs.
    std::size_t memoryBytes() const;

    static constexpr std::size_t kShardCount = 256;
    static constexpr double kMaxLoad = 0.8;

private:
    struct Key {
        std::uint64_t low;
        std::uint64_t high;
    };
    struct Shard {
        std::unique_ptr<Key[]> slots;
        std::size_t capacity = 0;
        std::size_t size = 0;
    };

    static Key keyOf(const Fingerprint& fingerprint);
    static std::size_t homeSlot(const Key& key, std::size_t capacity);
    Shard& shardFor(const Key& key) { return shards_[key.high >> 56]; }
    const Shard& shardFor(const Key& key) const { return shards_[key.high >> 56]; }
    static void grow(Shard& shard);

    std::unique_ptr<Shard[]> shards_;
    std::size_t size_ = 0;
    // The all-zero key marks an empty slot; a fingerprint whose first 16 bytes are all zero
    // is remembered here instead.
    bool hasZeroKey_ = false;
};

}  // namespace spider
