#include "selectors/libxml_memory.h"

#include "deferred/pool.h"

#include <libxml/xmlmemory.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

namespace spider {
namespace {

// In front of every block: its usable size. 16 bytes keep the block 16-aligned, as
// malloc's are.
struct alignas(16) BlockHeader {
    std::size_t size;
};
static_assert(sizeof(BlockHeader) == 16);

constexpr std::size_t kHeader = sizeof(BlockHeader);

bool pooled(std::size_t size) {
    return size + kHeader <= detail::kMaxPooledSize;
}

BlockHeader* headerOf(void* p) {
    return reinterpret_cast<BlockHeader*>(static_cast<char*>(p) - kHeader);
}

void* allocateBlock(std::size_t size) {
    void* raw = nullptr;
    if (pooled(size)) {
        try {
            raw = detail::poolAllocate(size + kHeader);
        } catch (const std::bad_alloc&) {
            return nullptr;
        }
    } else {
        if (size > static_cast<std::size_t>(-1) - kHeader) return nullptr;
        raw = std::malloc(size + kHeader);
        if (raw == nullptr) return nullptr;
    }
    auto* header = static_cast<BlockHeader*>(raw);
    header->size = size;
    return header + 1;
}

void freeBlock(void* p) {
    if (p == nullptr) return;
    BlockHeader* header = headerOf(p);
    if (pooled(header->size)) {
        detail::poolDeallocate(header, header->size + kHeader);
    } else {
        std::free(header);
    }
}

void* reallocateBlock(void* p, std::size_t size) {
    if (p == nullptr) return allocateBlock(size);
    BlockHeader* header = headerOf(p);
    const std::size_t old = header->size;
#ifndef SPIDER_POOL_DISABLED
    // A pooled block is as large as its size class. (Without the pool, under ASan, a block
    // is exactly what was asked for, so it never grows in place.)
    if (pooled(old) && pooled(size) &&
        detail::poolBucket(old + kHeader) == detail::poolBucket(size + kHeader)) {
        header->size = size;
        return p;
    }
#endif
    if (!pooled(old) && !pooled(size)) {
        auto* moved = static_cast<BlockHeader*>(std::realloc(header, size + kHeader));
        if (moved == nullptr) return nullptr;
        moved->size = size;
        return moved + 1;
    }
    void* fresh = allocateBlock(size);
    if (fresh == nullptr) return nullptr; // the old block stays valid, as realloc's does
    std::memcpy(fresh, p, old < size ? old : size);
    freeBlock(p);
    return fresh;
}

char* duplicateString(const char* text) {
    std::size_t length = std::strlen(text) + 1;
    auto* copy = static_cast<char*>(allocateBlock(length));
    if (copy != nullptr) std::memcpy(copy, text, length);
    return copy;
}

} // namespace

bool installLibxmlAllocator() {
    xmlFreeFunc currentFree = nullptr;
    xmlMallocFunc currentMalloc = nullptr;
    xmlReallocFunc currentRealloc = nullptr;
    xmlStrdupFunc currentStrdup = nullptr;
    xmlMemGet(&currentFree, &currentMalloc, &currentRealloc, &currentStrdup);
    if (currentMalloc == &allocateBlock) return true;
    return xmlMemSetup(&freeBlock, &allocateBlock, &reallocateBlock, &duplicateString) == 0;
}

} // namespace spider
