#include "data/binary.h"

#include <cstring>

namespace spider {

namespace {

enum Tag : std::uint8_t {
    kTagNone = 0,
    kTagFalse = 1,
    kTagTrue = 2,
    kTagInt = 3,
    kTagFloat = 4,
    kTagString = 5,
    kTagList = 6,
    kTagMap = 7,
};

bool decodeValueAt(std::string_view& in, Value& value, std::size_t depth);

bool decodeMapAt(std::string_view& in, ValueMap& map, std::size_t depth) {
    std::uint64_t count;
    // Each entry takes at least two bytes, so a count beyond that is corrupt (and must not
    // drive a huge reserve()).
    if (!readVarint(in, count) || count > in.size() / 2) return false;
    map.clear();
    map.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i) {
        std::string_view key;
        Value element;
        if (!readBytes(in, key) || !decodeValueAt(in, element, depth)) return false;
        map.set(std::string(key), std::move(element));
    }
    return true;
}

bool decodeValueAt(std::string_view& in, Value& value, std::size_t depth) {
    if (in.empty() || depth > kMaxBinaryDepth) return false;
    auto tag = static_cast<std::uint8_t>(in[0]);
    in.remove_prefix(1);
    switch (tag) {
        case kTagNone: value = Value(); return true;
        case kTagFalse: value = Value(false); return true;
        case kTagTrue: value = Value(true); return true;
        case kTagInt: {
            std::int64_t i;
            if (!readZigzag(in, i)) return false;
            value = Value(i);
            return true;
        }
        case kTagFloat: {
            if (in.size() < 8) return false;
            std::uint64_t bits = 0;
            for (int b = 7; b >= 0; --b) bits = (bits << 8) | static_cast<std::uint8_t>(in[b]);
            double d;
            std::memcpy(&d, &bits, sizeof d);
            in.remove_prefix(8);
            value = Value(d);
            return true;
        }
        case kTagString: {
            std::string_view bytes;
            if (!readBytes(in, bytes)) return false;
            value = Value(std::string(bytes));
            return true;
        }
        case kTagList: {
            std::uint64_t count;
            if (!readVarint(in, count) || count > in.size()) return false;
            ValueList list;
            list.reserve(static_cast<std::size_t>(count));
            for (std::uint64_t i = 0; i < count; ++i) {
                Value element;
                if (!decodeValueAt(in, element, depth + 1)) return false;
                list.push_back(std::move(element));
            }
            value = Value(std::move(list));
            return true;
        }
        case kTagMap: {
            ValueMap map;
            if (!decodeMapAt(in, map, depth + 1)) return false;
            value = Value(std::move(map));
            return true;
        }
        default: return false;
    }
}

}  // namespace

void appendVarint(std::string& out, std::uint64_t value) {
    while (value >= 0x80) {
        out += static_cast<char>((value & 0x7F) | 0x80);
        value >>= 7;
    }
    out += static_cast<char>(value);
}

bool readVarint(std::string_view& in, std::uint64_t& value) {
    value = 0;
    for (std::size_t i = 0; i < in.size() && i < 10; ++i) {
        auto byte = static_cast<std::uint8_t>(in[i]);
        value |= static_cast<std::uint64_t>(byte & 0x7F) << (7 * i);
        if (!(byte & 0x80)) {
            in.remove_prefix(i + 1);
            return true;
        }
    }
    return false;
}

void appendZigzag(std::string& out, std::int64_t value) {
    auto bits = static_cast<std::uint64_t>(value);
    appendVarint(out, (bits << 1) ^ (value < 0 ? ~std::uint64_t{0} : 0));
}

bool readZigzag(std::string_view& in, std::int64_t& value) {
    std::uint64_t bits;
    if (!readVarint(in, bits)) return false;
    value = static_cast<std::int64_t>((bits >> 1) ^ (~(bits & 1) + 1));
    return true;
}

void appendBytes(std::string& out, std::string_view bytes) {
    appendVarint(out, bytes.size());
    out.append(bytes);
}

bool readBytes(std::string_view& in, std::string_view& bytes) {
    std::uint64_t length;
    if (!readVarint(in, length) || length > in.size()) return false;
    bytes = in.substr(0, static_cast<std::size_t>(length));
    in.remove_prefix(static_cast<std::size_t>(length));
    return true;
}

void encodeMap(std::string& out, const ValueMap& map) {
    appendVarint(out, map.size());
    for (const auto& [key, element] : map) {
        appendBytes(out, key);
        encodeValue(out, element);
    }
}

bool decodeMap(std::string_view& in, ValueMap& map) { return decodeMapAt(in, map, 0); }

void encodeValue(std::string& out, const Value& value) {
    switch (value.type()) {
        case Value::Type::None: out += static_cast<char>(kTagNone); return;
        case Value::Type::Bool:
            out += static_cast<char>(value.asBool() ? kTagTrue : kTagFalse);
            return;
        case Value::Type::Int:
            out += static_cast<char>(kTagInt);
            appendZigzag(out, value.asInt());
            return;
        case Value::Type::Float: {
            out += static_cast<char>(kTagFloat);
            double d = value.asFloat();
            std::uint64_t bits;
            std::memcpy(&bits, &d, sizeof bits);
            for (int b = 0; b < 8; ++b) out += static_cast<char>((bits >> (8 * b)) & 0xFF);
            return;
        }
        case Value::Type::String:
            out += static_cast<char>(kTagString);
            appendBytes(out, value.asString());
            return;
        case Value::Type::List:
            out += static_cast<char>(kTagList);
            appendVarint(out, value.asList().size());
            for (const Value& element : value.asList()) encodeValue(out, element);
            return;
        case Value::Type::Map:
            out += static_cast<char>(kTagMap);
            encodeMap(out, value.asMap());
            return;
    }
}

bool decodeValue(std::string_view& in, Value& value) { return decodeValueAt(in, value, 0); }

}  // namespace spider
