#pragma once
// Per-thread, size-bucketed freelists for the runtime's small hot objects: Deferred cores,
// callback steps, large results and coroutine frames (GCC allocates one frame per call).
//
// Memory taken on one thread may be given back on another: it then joins that thread's
// freelist. Each thread's freelists are freed when it exits. Blocks larger than
// kMaxPooledSize go straight to operator new. Under AddressSanitizer the freelists are
// bypassed so that use-after-free is still detected.
#include <cstddef>
#include <cstdint>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define SPIDER_POOL_DISABLED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPIDER_POOL_DISABLED 1
#endif
#endif

namespace spider::detail {

inline constexpr std::size_t kPoolGranule = 16;
inline constexpr std::size_t kMaxPooledSize = 1024;
inline constexpr std::size_t kPoolBuckets = kMaxPooledSize / kPoolGranule;
// A bucket keeps at most this many free blocks; the rest go back to the system.
inline constexpr std::uint32_t kMaxFreePerBucket = 1u << 14;

struct FreeBlock {
    FreeBlock* next;
};

struct PoolLists {
    FreeBlock* heads[kPoolBuckets];
    // How many more free blocks each bucket may keep. Zero until the thread-exit cleanup is
    // armed (pool.cpp) and again after it ran, so the hot path checks one number.
    std::uint32_t room[kPoolBuckets];
};

// Trivially constructible and destructible, so access needs no TLS init guard; the reaper
// that frees the lists at thread exit is registered on the slow path (pool.cpp).
inline thread_local constinit PoolLists tlsPoolLists{};

void* poolAllocateSlow(std::size_t bucket);
void poolDeallocateSlow(void* p, std::size_t bucket) noexcept;

inline std::size_t poolBucket(std::size_t size) noexcept {
    return (size + kPoolGranule - 1) / kPoolGranule - (size != 0);
}

// Always inlined: with the size a constant (it always is), the bucket is folded away and
// the fast path is a few instructions.
[[gnu::always_inline]] inline void* poolAllocate(std::size_t size) {
#ifdef SPIDER_POOL_DISABLED
    return ::operator new(size);
#else
    if (size > kMaxPooledSize) {
        return ::operator new(size);
    }
    std::size_t b = poolBucket(size);
    PoolLists& lists = tlsPoolLists;
    if (FreeBlock* block = lists.heads[b]) {
        lists.heads[b] = block->next;
        ++lists.room[b];
        return block;
    }
    return poolAllocateSlow(b);
#endif
}

[[gnu::always_inline]] inline void poolDeallocate(void* p, std::size_t size) noexcept {
#ifdef SPIDER_POOL_DISABLED
    ::operator delete(p);
#else
    if (size > kMaxPooledSize) {
        ::operator delete(p);
        return;
    }
    std::size_t b = poolBucket(size);
    PoolLists& lists = tlsPoolLists;
    if (lists.room[b] == 0) {
        poolDeallocateSlow(p, b);
        return;
    }
    auto* block = static_cast<FreeBlock*>(p);
    block->next = lists.heads[b];
    lists.heads[b] = block;
    --lists.room[b];
#endif
}

} // namespace spider::detail
