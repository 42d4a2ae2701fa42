#pragma once
// libxml2's memory on the runtime's per-thread freelists (deferred/pool.h) instead of malloc.
//
// Why: parsing a page allocates a few thousand small blocks (nodes, attributes, text) and
// freeing the tree gives them all back; glibc's per-thread cache keeps only 7 blocks per
// size, so most of those calls take malloc's slow path: a third of a parse thread's
// instructions on the quotes crawl. The freelists keep what a page gave back for the next
// page of the same thread.
//
// libxml2's allocator is process-wide (xmlMemSetup), so only a program's owner may switch
// it, once, before anything else touches libxml2: crawlerMain does, first thing. Memory
// libxml2 allocated before the switch must never be freed after it, hence the rule.
// Blocks carry a 16-byte header with their size; blocks over the pool's largest size class
// go to malloc. Allocation failure returns null, as libxml2 expects.
namespace spider {

// Installs the allocator; true on success. A second call does nothing and returns true.
// Not thread-safe: call it from main() before starting threads or using libxml2.
bool installLibxmlAllocator();

} // namespace spider
