#include "engine/dupefilter.h"

#include <cstring>

namespace spider {

namespace {

constexpr std::size_t kMinShardCapacity = 16;

__extension__ typedef unsigned __int128 Uint128;

bool isEmpty(std::uint64_t low, std::uint64_t high) { return (low | high) == 0; }

}  // namespace

DupeFilter::DupeFilter() : shards_(std::make_unique<Shard[]>(kShardCount)) {}
DupeFilter::DupeFilter(DupeFilter&&) noexcept = default;
DupeFilter& DupeFilter::operator=(DupeFilter&&) noexcept = default;
DupeFilter::~DupeFilter() = default;

DupeFilter::Key DupeFilter::keyOf(const Fingerprint& fingerprint) {
    Key key;
    std::memcpy(&key.low, fingerprint.data(), 8);
    std::memcpy(&key.high, fingerprint.data() + 8, 8);
    return key;
}

// SHA-1 output is uniformly distributed, so the key's own bits index the table; a
// multiply-shift maps them onto any capacity, which lets shards grow by 1.5x instead of
// being held to powers of two.
std::size_t DupeFilter::homeSlot(const Key& key, std::size_t capacity) {
    return static_cast<std::size_t>(
        (static_cast<Uint128>(key.low) * capacity) >> 64);
}

void DupeFilter::grow(Shard& shard) {
    std::size_t capacity =
        shard.capacity < kMinShardCapacity ? kMinShardCapacity : shard.capacity + shard.capacity / 2;
    auto slots = std::make_unique<Key[]>(capacity);  // value-initialised: all empty
    for (std::size_t i = 0; i < shard.capacity; ++i) {
        const Key& key = shard.slots[i];
        if (isEmpty(key.low, key.high)) continue;
        std::size_t slot = homeSlot(key, capacity);
        while (!isEmpty(slots[slot].low, slots[slot].high)) {
            if (++slot == capacity) slot = 0;
        }
        slots[slot] = key;
    }
    shard.slots = std::move(slots);
    shard.capacity = capacity;
}

bool DupeFilter::insert(const Fingerprint& fingerprint) {
    Key key = keyOf(fingerprint);
    if (isEmpty(key.low, key.high)) {
        if (hasZeroKey_) return false;
        hasZeroKey_ = true;
        ++size_;
        return true;
    }
    Shard& shard = shardFor(key);
    if (static_cast<double>(shard.size + 1) > static_cast<double>(shard.capacity) * kMaxLoad) {
        if (contains(fingerprint)) return false;
        grow(shard);
    }
    std::size_t slot = homeSlot(key, shard.capacity);
    while (true) {
        Key& current = shard.slots[slot];
        if (isEmpty(current.low, current.high)) {
            current = key;
            ++shard.size;
            ++size_;
            return true;
        }
        if (current.low == key.low && current.high == key.high) return false;
        if (++slot == shard.capacity) slot = 0;
    }
}

bool DupeFilter::contains(const Fingerprint& fingerprint) const {
    Key key = keyOf(fingerprint);
    if (isEmpty(key.low, key.high)) return hasZeroKey_;
    const Shard& shard = shardFor(key);
    if (shard.capacity == 0) return false;
    std::size_t slot = homeSlot(key, shard.capacity);
    while (true) {
        const Key& current = shard.slots[slot];
        if (isEmpty(current.low, current.high)) return false;
        if (current.low == key.low && current.high == key.high) return true;
        if (++slot == shard.capacity) slot = 0;
    }
}

void DupeFilter::clear() {
    shards_ = std::make_unique<Shard[]>(kShardCount);
    size_ = 0;
    hasZeroKey_ = false;
}

std::size_t DupeFilter::memoryBytes() const {
    std::size_t bytes = sizeof(Shard) * kShardCount;
    for (std::size_t i = 0; i < kShardCount; ++i) bytes += shards_[i].capacity * sizeof(Key);
    return bytes;
}

}  // namespace spider
