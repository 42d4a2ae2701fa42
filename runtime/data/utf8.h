#pragma once

// Strict UTF-8 decoding shared by the JSON writer and parser (spider::detail, private).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace spider::detail {

inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// Decodes the code point at text[pos] and advances `pos` past it. On an invalid sequence
// (bad lead byte, truncated, overlong, a surrogate, above U+10FFFF) returns
// kInvalidCodePoint and advances `pos` by one byte.
inline char32_t decodeUtf8(std::string_view text, std::size_t& pos) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(pos);
    if (lead < 0x80) {
        ++pos;
        return lead;
    }
    std::size_t length;
    char32_t cp;
    char32_t minimum;
    if ((lead & 0xE0) == 0xC0) {
        length = 2, cp = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, cp = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, cp = lead & 0x07, minimum = 0x10000;
    } else {
        ++pos;
        return kInvalidCodePoint;
    }
    if (pos + length > text.size()) {
        ++pos;
        return kInvalidCodePoint;
    }
    for (std::size_t i = 1; i < length; ++i) {
        unsigned char next = byte(pos + i);
        if ((next & 0xC0) != 0x80) {
            ++pos;
            return kInvalidCodePoint;
        }
        cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++pos;
        return kInvalidCodePoint;
    }
    pos += length;
    return cp;
}

// Whether `text` is entirely valid UTF-8 (the strict form decodeUtf8 accepts). Pages are
// mostly ASCII, so 8 bytes are tested at once until a word holds a non-ASCII byte: a few
// instructions per 8 bytes instead of a decode per byte (checking a whole page is cheap
// enough to do before trusting it as UTF-8).
inline bool isValidUtf8(std::string_view text) {
    std::size_t pos = 0;
    const std::size_t size = text.size();
    while (pos < size) {
        while (pos + 8 <= size) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + pos, sizeof word);
            if ((word & 0x8080808080808080ULL) != 0) break;
            pos += 8;
        }
        if (pos == size) break;
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;  // an ASCII byte before the non-ASCII one in this word
        } else if (decodeUtf8(text, pos) == kInvalidCodePoint) {
            return false;
        }
    }
    return true;
}

inline void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// `text` with every invalid UTF-8 byte replaced by U+FFFD (unchanged when already valid).
inline std::string sanitizeUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t start = pos;
        if (decodeUtf8(text, pos) == kInvalidCodePoint) {
            appendUtf8(out, 0xFFFD);
        } else {
            out.append(text, start, pos - start);
        }
    }
    return out;
}

}  // namespace spider::detail
