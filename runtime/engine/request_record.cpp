#include "engine/request_record.h"

#include <map>
#include <type_traits>

#include "data/binary.h"
#include "data/value.h"

namespace spider {

namespace {

enum Flag : std::uint64_t {
    kMethod = 1 << 0,
    kHeaders = 1 << 1,
    kBody = 1 << 2,
    kMeta = 1 << 3,
    kCbKwargs = 1 << 4,
    kDontFilter = 1 << 5,
    kErrback = 1 << 6,
    kDepth = 1 << 7,
    kTimeout = 1 << 8,
    kMaxSize = 1 << 9,
    kNoRedirects = 1 << 10,
    kUserData = 1 << 11,
    // failOnDataLoss: set (kDataLossSet) and its value (kFailOnDataLoss).
    kDataLossSet = 1 << 12,
    kFailOnDataLoss = 1 << 13,
    kAllFlags = (1 << 14) - 1,
};

// Request's meta and cbKwargs may be string maps or ValueMaps (the http layer is moving
// from the first to the second); both are written as a binary ValueMap, so records and
// anything persisted from them do not change when the field type does.
[[maybe_unused]] void encodeMapField(std::string& out, const std::map<std::string, std::string>& map) {
    ValueMap values;
    values.reserve(map.size());
    for (const auto& [key, value] : map) values.set(key, Value(value));
    encodeMap(out, values);
}

[[maybe_unused]] void encodeMapField(std::string& out, const ValueMap& map) { encodeMap(out, map); }

[[maybe_unused]] bool decodeMapField(std::string_view& in, std::map<std::string, std::string>& map) {
    ValueMap values;
    if (!decodeMap(in, values)) return false;
    map.clear();
    for (auto& [key, value] : values) {
        if (!value.isString()) return false;
        map.emplace(key, std::move(value.asString()));
    }
    return true;
}

[[maybe_unused]] bool decodeMapField(std::string_view& in, ValueMap& map) {
    return decodeMap(in, map);
}

template <class M>
bool mapEmpty(const M& map) {
    return map.empty();
}

}  // namespace

std::uint32_t NameTable::intern(std::string_view name) {
    if (name.empty()) return 0;
    auto it = ids_.find(std::string(name));
    if (it != ids_.end()) return it->second;
    auto id = static_cast<std::uint32_t>(names_.size());
    names_.emplace_back(name);
    ids_.emplace(std::string(name), id);
    return id;
}

std::size_t NameTable::memoryBytes() const {
    std::size_t bytes = names_.capacity() * sizeof(std::string);
    for (const auto& name : names_) bytes += name.capacity() > 15 ? name.capacity() + 1 : 0;
    // Map nodes: a key string, an id and two pointers, plus a bucket pointer each.
    bytes += ids_.size() * (sizeof(std::string) + 3 * sizeof(void*)) +
             ids_.bucket_count() * sizeof(void*);
    return bytes;
}

void encodeRequest(std::string& out, const Request& request, NameTable& names,
                   std::uint64_t userDataSlot) {
    std::uint64_t flags = 0;
    if (request.method != "GET") flags |= kMethod;
    if (!request.headers.empty()) flags |= kHeaders;
    if (!request.body.empty()) flags |= kBody;
    if (!mapEmpty(request.meta)) flags |= kMeta;
    if (!mapEmpty(request.cbKwargs)) flags |= kCbKwargs;
    if (request.dontFilter) flags |= kDontFilter;
    if (!request.errback.empty()) flags |= kErrback;
    if (request.depth != 0) flags |= kDepth;
    if (request.timeout) flags |= kTimeout;
    if (request.maxSize) flags |= kMaxSize;
    if (!request.followRedirects) flags |= kNoRedirects;
    if (userDataSlot != 0) flags |= kUserData;
    if (request.failOnDataLoss) {
        flags |= kDataLossSet;
        if (*request.failOnDataLoss) flags |= kFailOnDataLoss;
    }

    appendVarint(out, flags);
    appendVarint(out, names.intern(request.callback));
    appendBytes(out, request.url);
    if (flags & kMethod) appendBytes(out, request.method);
    if (flags & kHeaders) {
        appendVarint(out, request.headers.size());
        for (const auto& [name, value] : request.headers) {
            appendBytes(out, name);
            appendBytes(out, value);
        }
    }
    if (flags & kBody) appendBytes(out, request.body);
    if (flags & kMeta) encodeMapField(out, request.meta);
    if (flags & kCbKwargs) encodeMapField(out, request.cbKwargs);
    if (flags & kErrback) appendVarint(out, names.intern(request.errback));
    if (flags & kDepth) appendZigzag(out, request.depth);
    if (flags & kTimeout) encodeValue(out, Value(*request.timeout));
    if (flags & kMaxSize) appendVarint(out, *request.maxSize);
    if (flags & kUserData) appendVarint(out, userDataSlot);
}

bool decodeRequest(std::string_view in, const NameTable& names, Request& request,
                   std::uint64_t& userDataSlot) {
    std::uint64_t flags;
    std::uint64_t id;
    std::string_view bytes;
    if (!readVarint(in, flags) || (flags & ~std::uint64_t{kAllFlags})) return false;
    if (!readVarint(in, id) || id > UINT32_MAX || !names.name(static_cast<std::uint32_t>(id))) {
        return false;
    }
    request.callback = *names.name(static_cast<std::uint32_t>(id));
    if (!readBytes(in, bytes)) return false;
    request.url.assign(bytes);

    request.method = "GET";
    if (flags & kMethod) {
        if (!readBytes(in, bytes)) return false;
        request.method.assign(bytes);
    }
    request.headers.clear();
    if (flags & kHeaders) {
        std::uint64_t count;
        if (!readVarint(in, count) || count > in.size() / 2) return false;
        request.headers.reserve(static_cast<std::size_t>(count));
        for (std::uint64_t i = 0; i < count; ++i) {
            std::string_view name;
            std::string_view value;
            if (!readBytes(in, name) || !readBytes(in, value)) return false;
            request.headers.emplace_back(std::string(name), std::string(value));
        }
    }
    request.body.clear();
    if (flags & kBody) {
        if (!readBytes(in, bytes)) return false;
        request.body.assign(bytes);
    }
    request.meta.clear();
    if ((flags & kMeta) && !decodeMapField(in, request.meta)) return false;
    request.cbKwargs.clear();
    if ((flags & kCbKwargs) && !decodeMapField(in, request.cbKwargs)) return false;
    request.dontFilter = (flags & kDontFilter) != 0;
    request.errback.clear();
    if (flags & kErrback) {
        if (!readVarint(in, id) || id > UINT32_MAX ||
            !names.name(static_cast<std::uint32_t>(id))) {
            return false;
        }
        request.errback = *names.name(static_cast<std::uint32_t>(id));
    }
    request.depth = 0;
    if (flags & kDepth) {
        std::int64_t depth;
        if (!readZigzag(in, depth)) return false;
        request.depth = static_cast<decltype(request.depth)>(depth);
    }
    request.timeout.reset();
    if (flags & kTimeout) {
        Value timeout;
        if (!decodeValue(in, timeout) || !timeout.isFloat()) return false;
        request.timeout = timeout.asFloat();
    }
    request.maxSize.reset();
    if (flags & kMaxSize) {
        std::uint64_t maxSize;
        if (!readVarint(in, maxSize)) return false;
        request.maxSize = static_cast<std::size_t>(maxSize);
    }
    request.followRedirects = (flags & kNoRedirects) == 0;
    request.failOnDataLoss.reset();
    if (flags & kDataLossSet) request.failOnDataLoss = (flags & kFailOnDataLoss) != 0;
    userDataSlot = 0;
    if ((flags & kUserData) && (!readVarint(in, userDataSlot) || userDataSlot == 0)) {
        return false;
    }
    return in.empty();
}

}  // namespace spider
