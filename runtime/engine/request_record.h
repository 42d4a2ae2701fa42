#pragma once

// A Request as a compact byte record: how the scheduler keeps its frontier small (bytes per
// queued URL, not a few hundred bytes of std::string and map nodes), and the form a
// persistent or shared frontier (SQLite, Redis) can store.
//
// The record holds everything but `priority` (the queue it sits in says that) and
// `userData` (an opaque pointer that cannot leave the process; the scheduler keeps it aside
// and restores it). Callback and errback names are interned in a NameTable and stored as
// small integers; the table must be the same (or a copy) when decoding.
//
// Layout: varint flags, varint callback id, url bytes, then only the fields that differ
// from a default GET request, in a fixed order (see request_record.cpp). Varints, lengths
// and Values use data/binary.h's encoding.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/request.h"

namespace spider {

// Interned callback/errback names. Id 0 is the empty name.
class NameTable {
public:
    NameTable() { names_.emplace_back(); }
    std::uint32_t intern(std::string_view name);
    // The name for `id`, or nullptr when no such id was handed out.
    const std::string* name(std::uint32_t id) const {
        return id < names_.size() ? &names_[id] : nullptr;
    }
    std::size_t size() const { return names_.size(); }
    std::size_t memoryBytes() const;

private:
    std::vector<std::string> names_;
    std::unordered_map<std::string, std::uint32_t> ids_;
};

// Appends the record of `request` to `out`; `userDataSlot`, when nonzero, is stored in
// place of the userData pointer (the caller's key to where it kept it).
void encodeRequest(std::string& out, const Request& request, NameTable& names,
                   std::uint64_t userDataSlot = 0);

// Decodes a whole record into `request` (priority and userData untouched); `userDataSlot`
// receives the stored slot or 0. False when the record is truncated or corrupt, or names an
// unknown callback id; `request` is then unspecified.
bool decodeRequest(std::string_view record, const NameTable& names, Request& request,
                   std::uint64_t& userDataSlot);

}  // namespace spider
