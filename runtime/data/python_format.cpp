#include "data/python_format.h"

#include "data/json.h"
#include "data/utf8.h"

namespace spider {

std::string pythonStringRepr(std::string_view text) {
    bool hasSingle = text.find('\'') != std::string_view::npos;
    bool hasDouble = text.find('"') != std::string_view::npos;
    char quote = hasSingle && !hasDouble ? '"' : '\'';
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(1, quote);
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto c = static_cast<unsigned char>(text[pos]);
        if (c >= 0x80) {
            std::size_t start = pos;
            char32_t cp = detail::decodeUtf8(text, pos);
            // Python would print a lone undecodable byte from surrogateescape as \udcXX;
            // \xNN is the closer, readable cousin.
            if (cp == detail::kInvalidCodePoint || (cp >= 0x80 && cp < 0xA0)) {
                for (std::size_t i = start; i < pos; ++i) {
                    auto b = static_cast<unsigned char>(text[i]);
                    out += "\\x";
                    out += kHex[b >> 4];
                    out += kHex[b & 0xF];
                }
            } else {
                out.append(text, start, pos - start);
            }
            continue;
        }
        ++pos;
        if (c == static_cast<unsigned char>(quote) || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7F) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        } else {
            out += static_cast<char>(c);
        }
    }
    out += quote;
    return out;
}

std::string pythonRepr(const Value& value) {
    switch (value.type()) {
        case Value::Type::None: return "None";
        case Value::Type::Bool: return value.asBool() ? "True" : "False";
        case Value::Type::Int: return std::to_string(value.asInt());
        case Value::Type::Float: return formatDouble(value.asFloat());
        case Value::Type::String: return pythonStringRepr(value.asString());
        case Value::Type::List: {
            std::string out = "[";
            bool first = true;
            for (const Value& element : value.asList()) {
                if (!first) out += ", ";
                first = false;
                out += pythonRepr(element);
            }
            return out + "]";
        }
        case Value::Type::Map: {
            std::string out = "{";
            bool first = true;
            for (const auto& [key, element] : value.asMap()) {
                if (!first) out += ", ";
                first = false;
                out += pythonStringRepr(key);
                out += ": ";
                out += pythonRepr(element);
            }
            return out + "}";
        }
    }
    return {};
}

std::string pythonStr(const Value& value) {
    if (const std::string* s = value.getString()) return *s;
    return pythonRepr(value);
}

}  // namespace spider
