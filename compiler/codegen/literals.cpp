#include "codegen/literals.h"

#include "diagnostics/source.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace spiderc::codegen {

std::string cppStringLiteral(std::string_view bytes) {
    std::string out = "\"";
    char buffer[16];
    for (std::size_t i = 0; i < bytes.size();) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c >= 0x80) {
            char32_t cp = 0;
            const std::size_t n = decodeUtf8(bytes, i, cp);
            if (n > 0) {
                if (cp <= 0xFFFF) {
                    std::snprintf(buffer, sizeof buffer, "\\u%04X", static_cast<unsigned>(cp));
                } else {
                    std::snprintf(buffer, sizeof buffer, "\\U%08X", static_cast<unsigned>(cp));
                }
                out += buffer;
                i += n;
                continue;
            }
        }
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '?':
            out += "\\?"; // never "??x": trigraphs (pre-C++17 compilers, -trigraphs)
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (c >= 0x20 && c < 0x7F) {
                out += static_cast<char>(c);
            } else {
                // Three octal digits always: a following digit can never extend it.
                std::snprintf(buffer, sizeof buffer, "\\%03o", static_cast<unsigned>(c));
                out += buffer;
            }
            break;
        }
        ++i;
    }
    out += '"';
    return out;
}

std::string cppIntLiteral(std::int64_t value) {
    if (value == std::numeric_limits<std::int64_t>::min()) {
        return "(-9223372036854775807 - 1)";
    }
    return std::to_string(value);
}

std::string cppFloatLiteral(double value) {
    if (std::isinf(value)) {
        return value > 0 ? "std::numeric_limits<double>::infinity()"
                         : "(-std::numeric_limits<double>::infinity())";
    }
    if (std::isnan(value)) return "std::numeric_limits<double>::quiet_NaN()";
    char buffer[64];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
        if (std::strtod(buffer, nullptr) == value) break;
    }
    std::string out = buffer;
    if (out.find_first_of(".en") == std::string::npos) out += ".0";
    return out;
}

std::string commentText(std::string_view text) {
    std::string out;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        out += c < 0x20 || c == 0x7F ? '?' : ch;
    }
    return out;
}

std::string lineDirectiveFile(std::string_view path) {
    std::string out;
    for (char ch : commentText(path)) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out;
}

} // namespace spiderc::codegen
