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
            lists.room[b] = 0;
        }
    }
};

thread_local PoolReaper tlsPoolReaper;
thread_local constinit bool tlsReaperArmed = false;

// Once per thread: touching the reaper constructs it, which registers its destructor; then
// the buckets get their room.
void armReaper() {
    tlsReaperArmed = true;
    static_cast<void>(&tlsPoolReaper);
    PoolLists& lists = tlsPoolLists;
    for (std::size_t b = 0; b < kPoolBuckets; ++b) {
        lists.room[b] = kMaxFreePerBucket;
    }
}

} // namespace

void* poolAllocateSlow(std::size_t bucket) {
    if (!tlsReaperArmed) {
        armReaper();
    }
    return ::operator new((bucket + 1) * kPoolGranule);
}

void poolDeallocateSlow(void* p, std::size_t bucket) noexcept {
    // room is zero: the bucket is full, or this thread never allocated from the pool yet
    // (memory from another thread), or its reaper already ran.
    if (!tlsReaperArmed) {
        armReaper();
        PoolLists& lists = tlsPoolLists;
        auto* block = static_cast<FreeBlock*>(p);
        block->next = lists.heads[bucket];
        lists.heads[bucket] = block;
        --lists.room[bucket];
        return;
    }
    ::operator delete(p);
}

} // namespace spider::detail
