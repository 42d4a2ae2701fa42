#include "selectors/python_compat.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "data/utf8.h"

namespace spider::detail {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 and in `bad` the number of bytes
// that form its maximal invalid subpart (each such run becomes one U+FFFD).
std::size_t validSequence(std::string_view s, std::size_t i, std::size_t& bad) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) return 1;
    std::size_t need = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    } else {
        bad = 1;
        return 0;
    }
    std::size_t k = i + 1;
    for (std::size_t n = 0; n < need; ++n, ++k) {
        const unsigned char first = n == 0 ? lo : 0x80;
        const unsigned char last = n == 0 ? hi : 0xBF;
        if (k >= s.size() || byte(k) < first || byte(k) > last) {
            bad = k - i;
            return 0;
        }
    }
    return need + 1;
}

bool isPythonSpace(std::uint32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

std::uint32_t decodeAt(std::string_view s, std::size_t i, std::size_t len) {
    const auto b = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i + k])); };
    switch (len) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3: return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    }
}

// Python's str.strip() on valid UTF-8.
std::string_view stripPython(std::string_view s) {
    std::size_t begin = 0;
    while (begin < s.size()) {
        std::size_t bad = 0;
        std::size_t len = validSequence(s, begin, bad);
        if (len == 0 || !isPythonSpace(decodeAt(s, begin, len))) break;
        begin += len;
    }
    std::size_t end = s.size();
    while (end > begin) {
        std::size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 && end - start < 4) --start;
        std::size_t bad = 0;
        std::size_t len = validSequence(s, start, bad);
        if (len != end - start || !isPythonSpace(decodeAt(s, start, len))) break;
        end = start;
    }
    return s.substr(begin, end - begin);
}

}  // namespace

std::string_view prepareDocumentText(std::string_view text, std::string& storage) {
    // The common case, a valid page without NULs, is checked word-wise and needs no copy.
    if (isValidUtf8(text) && text.find('\0') == std::string_view::npos) return stripPython(text);

    std::string repaired;
    repaired.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size();) {
        std::size_t bad = 0;
        std::size_t len = validSequence(text, i, bad);
        if (len == 0) {
            repaired += "\xEF\xBF\xBD";
            i += bad;
            continue;
        }
        repaired.append(text.substr(i, len));
        i += len;
    }
    // Strip first, then drop NULs: parsel does text.strip().replace("\x00", "").
    std::string_view stripped = stripPython(repaired);
    storage.clear();
    storage.reserve(stripped.size());
    for (char c : stripped)
        if (c != '\0') storage += c;
    return storage;
}

std::string pythonFloatRepr(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";

    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    std::string_view sci(buffer, static_cast<std::size_t>(result.ptr - buffer));
    std::string out;
    if (sci.front() == '-') {
        out += '-';
        sci.remove_prefix(1);
    }
    const std::size_t e = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e))
        if (c != '.') digits += c;
    const int exponent = std::atoi(std::string(sci.substr(e + 1)).c_str());
    const int decimalPoint = exponent + 1;  // digits are 0.d1d2... x 10^decimalPoint
    const int count = static_cast<int>(digits.size());

    if (decimalPoint <= -4 || decimalPoint > 16) {
        out += digits[0];
        if (count > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        out += exponent < 0 ? "e-" : "e+";
        const int magnitude = exponent < 0 ? -exponent : exponent;
        if (magnitude < 10) out += '0';
        out += std::to_string(magnitude);
    } else if (decimalPoint <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-decimalPoint), '0');
        out += digits;
    } else if (decimalPoint >= count) {
        out += digits;
        out.append(static_cast<std::size_t>(decimalPoint - count), '0');
        out += ".0";
    } else {
        out.append(digits, 0, static_cast<std::size_t>(decimalPoint));
        out += '.';
        out.append(digits, static_cast<std::size_t>(decimalPoint), std::string::npos);
    }
    return out;
}

}  // namespace spider::detail
