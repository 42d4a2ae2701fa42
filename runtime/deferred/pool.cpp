#include "deferred/pool.h"

namespace spider::detail {

namespace {

// Frees the calling thread's freelists when the thread exits. A separate thread_local
// (with a destructor) so that the hot-path PoolLists stays trivially destructible.
struct PoolReaper {
    PoolReaper() = default;
    PoolReaper(const PoolReaper&) = delete;
    PoolReaper& operator=(const PoolReaper&) = delete;
    ~PoolReaper() {
        PoolLists& lists = tlsPoolLists;
        for (std::size_t b = 0; b < kPoolBuckets; ++b) {
            FreeBlock* block = lists.heads[b];
            while (block) {
                FreeBlock* next = block->next;
                ::operator delete(block);
                block = next;
            }
            lists.heads[b] = nullptr;
            // Blocks freed after this (by later thread-exit destructors) go straight back
            // to the system.
            lists.counts[b] = kMaxFreePerBucket;
        }
    }
};

thread_local PoolReaper tlsPoolReaper;

void registerReaper() {
    // Touching the reaper constructs it (once per thread), which registers its destructor.
    static_cast<void>(&tlsPoolReaper);
    tlsPoolLists.reaperRegistered = true;
}

} // namespace

void* poolAllocateSlow(std::size_t bucket) {
    if (!tlsPoolLists.reaperRegistered) {
        registerReaper();
    }
    return ::operator new((bucket + 1) * kPoolGranule);
}

void poolDeallocateSlow(void* p, std::size_t bucket) noexcept {
    PoolLists& lists = tlsPoolLists;
    if (lists.counts[bucket] >= kMaxFreePerBucket) {
        ::operator delete(p);
        return;
    }
    if (!lists.reaperRegistered) {
        registerReaper();
    }
    auto* block = static_cast<FreeBlock*>(p);
    block->next = lists.heads[bucket];
    lists.heads[bucket] = block;
    ++lists.counts[bucket];
}

} // namespace spider::detail
