#pragma once

// A compact binary encoding of Values (and the varints it is built from), for records that
// are stored rather than shown: the scheduler's in-memory frontier, and crawl state on disk
// or in Redis. Not JSON because a queued request must cost bytes, not a text document.
//
// Format (stable; persisted data depends on it): one tag byte per Value, then
//   none/false/true: nothing;  int: zigzag varint;  float: 8 bytes little-endian IEEE 754;
//   string: varint length + bytes;  list: varint count + Values;
//   map: varint count + (varint key length + key bytes + Value) per entry.
//
// Decoding never trusts its input: a truncated or corrupt record, or one nested deeper than
// kMaxBinaryDepth, makes decode return false (with `in` in an unspecified position).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "data/value.h"

namespace spider {

inline constexpr std::size_t kMaxBinaryDepth = 512;

void appendVarint(std::string& out, std::uint64_t value);
// Reads a varint from the front of `in` and removes it; false when truncated or too long.
bool readVarint(std::string_view& in, std::uint64_t& value);

void appendZigzag(std::string& out, std::int64_t value);
bool readZigzag(std::string_view& in, std::int64_t& value);

// A varint length followed by the bytes.
void appendBytes(std::string& out, std::string_view bytes);
bool readBytes(std::string_view& in, std::string_view& bytes);

void encodeValue(std::string& out, const Value& value);
bool decodeValue(std::string_view& in, Value& value);

// Map entries without the tag: for records that always hold a map (meta, cb_kwargs).
void encodeMap(std::string& out, const ValueMap& map);
bool decodeMap(std::string_view& in, ValueMap& map);

}  // namespace spider
