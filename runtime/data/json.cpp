#include "data/json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

#include "data/utf8.h"

namespace spider {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void appendUnicodeEscape(std::string& out, char32_t unit) {
    out += "\\u";
    out += kHexDigits[(unit >> 12) & 0xF];
    out += kHexDigits[(unit >> 8) & 0xF];
    out += kHexDigits[(unit >> 4) & 0xF];
    out += kHexDigits[unit & 0xF];
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text, bool ensureAscii) {
    out += '"';
    std::size_t pos = 0;
    while (pos < text.size()) {
        // Runs of plain ASCII are the common case: copy them in one go.
        std::size_t start = pos;
        while (pos < text.size()) {
            auto c = static_cast<unsigned char>(text[pos]);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F) break;
            ++pos;
        }
        out.append(text, start, pos - start);
        if (pos == text.size()) break;
        auto c = static_cast<unsigned char>(text[pos]);
        if (c < 0x80) {
            ++pos;
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                case 0x7F:
                    if (ensureAscii) {
                        appendUnicodeEscape(out, c);
                    } else {
                        out += static_cast<char>(c);
                    }
                    break;
                default: appendUnicodeEscape(out, c); break;
            }
            continue;
        }
        std::size_t sequenceStart = pos;
        char32_t cp = detail::decodeUtf8(text, pos);
        if (cp == detail::kInvalidCodePoint) cp = 0xFFFD;
        if (!ensureAscii) {
            if (cp == 0xFFFD && pos - sequenceStart == 1) {
                detail::appendUtf8(out, cp);
            } else {
                out.append(text, sequenceStart, pos - sequenceStart);
            }
        } else if (cp >= 0x10000) {
            char32_t v = cp - 0x10000;
            appendUnicodeEscape(out, 0xD800 + (v >> 10));
            appendUnicodeEscape(out, 0xDC00 + (v & 0x3FF));
        } else {
            appendUnicodeEscape(out, cp);
        }
    }
    out += '"';
}

std::string formatDouble(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    // to_chars' shortest scientific form gives the digits and exponent Python's repr
    // starts from ("d.ddde+XX"); Python then picks fixed or exponent notation itself.
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value,
                                std::chars_format::scientific);
    std::string_view sci(buffer, static_cast<std::size_t>(result.ptr - buffer));
    bool negative = !sci.empty() && sci[0] == '-';
    if (negative) sci.remove_prefix(1);
    std::size_t e = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e)) {
        if (c != '.') digits += c;
    }
    int exponent = 0;
    std::string_view expText = sci.substr(e + 1);
    if (!expText.empty() && expText[0] == '+') expText.remove_prefix(1);
    std::from_chars(expText.data(), expText.data() + expText.size(), exponent);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();

    // Python's decpt: the value is 0.DIGITS x 10^decpt.
    int decpt = exponent + 1;
    std::string out = negative ? "-" : "";
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            out += "0.";
            out.append(static_cast<std::size_t>(-decpt), '0');
            out += digits;
        } else if (static_cast<std::size_t>(decpt) >= digits.size()) {
            out += digits;
            out.append(static_cast<std::size_t>(decpt) - digits.size(), '0');
            out += ".0";
        } else {
            out += digits.substr(0, static_cast<std::size_t>(decpt));
            out += '.';
            out += digits.substr(static_cast<std::size_t>(decpt));
        }
        return out;
    }
    out += digits[0];
    if (digits.size() > 1) {
        out += '.';
        out += digits.substr(1);
    }
    out += exponent < 0 ? "e-" : "e+";
    int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) out += '0';
    out += std::to_string(magnitude);
    return out;
}

void appendJson(std::string& out, const Value& value, const JsonWriteOptions& options) {
    switch (value.type()) {
        case Value::Type::None: out += "null"; return;
        case Value::Type::Bool: out += value.asBool() ? "true" : "false"; return;
        case Value::Type::Int: {
            char buffer[24];
            auto result = std::to_chars(buffer, buffer + sizeof buffer, value.asInt());
            out.append(buffer, result.ptr);
            return;
        }
        case Value::Type::Float: {
            double d = value.asFloat();
            if (!std::isfinite(d)) {
                out += "null";
            } else {
                out += formatDouble(d);
            }
            return;
        }
        case Value::Type::String: appendJsonString(out, value.asString(), options.ensureAscii); return;
        case Value::Type::List: {
            out += '[';
            bool first = true;
            for (const Value& element : value.asList()) {
                if (!first) out += options.spaced ? ", " : ",";
                first = false;
                appendJson(out, element, options);
            }
            out += ']';
            return;
        }
        case Value::Type::Map: {
            out += '{';
            bool first = true;
            for (const auto& [key, element] : value.asMap()) {
                if (!first) out += options.spaced ? ", " : ",";
                first = false;
                appendJsonString(out, key, options.ensureAscii);
                out += options.spaced ? ": " : ":";
                appendJson(out, element, options);
            }
            out += '}';
            return;
        }
    }
}

std::string toJson(const Value& value, const JsonWriteOptions& options) {
    std::string out;
    appendJson(out, value, options);
    return out;
}

std::string JsonParseError::describe() const {
    return "line " + std::to_string(line) + ", column " + std::to_string(column) +
           " (offset " + std::to_string(offset) + "): " + message;
}

namespace {

class JsonParser {
public:
    JsonParser(std::string_view text, const JsonParseOptions& options)
        : text_(text), options_(options) {}

    JsonParseResult run() {
        JsonParseResult result;
        skipWhitespace();
        Value value;
        if (!parseValue(value, 0)) {
            result.error = makeError();
            return result;
        }
        skipWhitespace();
        if (pos_ != text_.size()) {
            fail("unexpected text after the JSON value");
            result.error = makeError();
            return result;
        }
        result.value = std::move(value);
        return result;
    }

private:
    bool fail(std::string message) {
        if (error_.empty()) {
            error_ = std::move(message);
            errorOffset_ = pos_;
        }
        return false;
    }

    JsonParseError makeError() const {
        JsonParseError error;
        error.offset = errorOffset_;
        error.message = error_;
        for (std::size_t i = 0; i < errorOffset_ && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++error.line;
                error.column = 1;
            } else {
                ++error.column;
            }
        }
        return error;
    }

    void skipWhitespace() {
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            ++pos_;
        }
    }

    bool atEnd() const { return pos_ >= text_.size(); }

    std::string describeHere() const {
        if (atEnd()) return "end of input";
        auto c = static_cast<unsigned char>(text_[pos_]);
        if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
        std::string hex = "byte 0x";
        hex += kHexDigits[c >> 4];
        hex += kHexDigits[c & 0xF];
        return hex;
    }

    bool expectLiteral(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) {
            return fail("invalid literal, expected '" + std::string(word) + "'");
        }
        pos_ += word.size();
        return true;
    }

    bool parseValue(Value& out, std::size_t depth) {
        if (atEnd()) return fail("expected a value, got end of input");
        switch (text_[pos_]) {
            case '{': return parseObject(out, depth + 1);
            case '[': return parseArray(out, depth + 1);
            case '"': {
                std::string s;
                if (!parseString(s)) return false;
                out = Value(std::move(s));
                return true;
            }
            case 't':
                if (!expectLiteral("true")) return false;
                out = Value(true);
                return true;
            case 'f':
                if (!expectLiteral("false")) return false;
                out = Value(false);
                return true;
            case 'n':
                if (!expectLiteral("null")) return false;
                out = Value();
                return true;
            default:
                if (text_[pos_] == '-' || (text_[pos_] >= '0' && text_[pos_] <= '9')) {
                    return parseNumber(out);
                }
                return fail("expected a value, got " + describeHere());
        }
    }

    bool parseObject(Value& out, std::size_t depth) {
        if (depth > options_.maxDepth) {
            return fail("nesting deeper than " + std::to_string(options_.maxDepth) + " levels");
        }
        ++pos_;
        ValueMap map;
        skipWhitespace();
        if (!atEnd() && text_[pos_] == '}') {
            ++pos_;
            out = Value(std::move(map));
            return true;
        }
        while (true) {
            skipWhitespace();
            if (atEnd() || text_[pos_] != '"') {
                return fail("expected a string key, got " + describeHere());
            }
            std::string key;
            if (!parseString(key)) return false;
            skipWhitespace();
            if (atEnd() || text_[pos_] != ':') {
                return fail("expected ':' after an object key, got " + describeHere());
            }
            ++pos_;
            skipWhitespace();
            Value element;
            if (!parseValue(element, depth)) return false;
            map.set(std::move(key), std::move(element));
            skipWhitespace();
            if (atEnd()) return fail("expected ',' or '}' in an object, got end of input");
            if (text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (text_[pos_] == '}') {
                ++pos_;
                out = Value(std::move(map));
                return true;
            }
            return fail("expected ',' or '}' in an object, got " + describeHere());
        }
    }

    bool parseArray(Value& out, std::size_t depth) {
        if (depth > options_.maxDepth) {
            return fail("nesting deeper than " + std::to_string(options_.maxDepth) + " levels");
        }
        ++pos_;
        ValueList list;
        skipWhitespace();
        if (!atEnd() && text_[pos_] == ']') {
            ++pos_;
            out = Value(std::move(list));
            return true;
        }
        while (true) {
            skipWhitespace();
            Value element;
            if (!parseValue(element, depth)) return false;
            list.push_back(std::move(element));
            skipWhitespace();
            if (atEnd()) return fail("expected ',' or ']' in an array, got end of input");
            if (text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (text_[pos_] == ']') {
                ++pos_;
                out = Value(std::move(list));
                return true;
            }
            return fail("expected ',' or ']' in an array, got " + describeHere());
        }
    }

    bool parseHex4(char32_t& unit) {
        if (pos_ + 4 > text_.size()) {
            pos_ = text_.size();
            return fail("truncated \\u escape");
        }
        unit = 0;
        for (int i = 0; i < 4; ++i) {
            char c = text_[pos_];
            unit <<= 4;
            if (c >= '0' && c <= '9') {
                unit |= static_cast<char32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                unit |= static_cast<char32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                unit |= static_cast<char32_t>(c - 'A' + 10);
            } else {
                return fail("invalid hex digit in a \\u escape");
            }
            ++pos_;
        }
        return true;
    }

    bool parseString(std::string& out) {
        ++pos_;  // the opening quote
        while (true) {
            std::size_t start = pos_;
            while (pos_ < text_.size()) {
                auto c = static_cast<unsigned char>(text_[pos_]);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
                ++pos_;
            }
            out.append(text_, start, pos_ - start);
            if (atEnd()) return fail("unterminated string");
            auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return true;
            }
            if (c < 0x20) return fail("control character in a string (it must be escaped)");
            if (c >= 0x80) {
                std::size_t sequenceStart = pos_;
                if (detail::decodeUtf8(text_, pos_) == detail::kInvalidCodePoint) {
                    pos_ = sequenceStart;
                    return fail("invalid UTF-8 in a string");
                }
                out.append(text_, sequenceStart, pos_ - sequenceStart);
                continue;
            }
            // A backslash escape.
            ++pos_;
            if (atEnd()) return fail("unterminated string");
            char escape = text_[pos_++];
            switch (escape) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    char32_t unit;
                    if (!parseHex4(unit)) return false;
                    if (unit >= 0xD800 && unit <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
                        std::size_t save = pos_;
                        pos_ += 2;
                        char32_t low;
                        if (!parseHex4(low)) return false;
                        if (low >= 0xDC00 && low <= 0xDFFF) {
                            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        } else {
                            pos_ = save;  // the next escape stands on its own
                        }
                    }
                    if (unit >= 0xD800 && unit <= 0xDFFF) unit = 0xFFFD;
                    detail::appendUtf8(out, unit);
                    break;
                }
                default:
                    pos_ -= 2;
                    return fail("invalid escape '\\" + std::string(1, escape) + "' in a string");
            }
        }
    }

    bool parseNumber(Value& out) {
        std::size_t start = pos_;
        bool integral = true;
        if (text_[pos_] == '-') ++pos_;
        auto digit = [&] { return !atEnd() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
        if (!digit()) return fail("expected a digit, got " + describeHere());
        if (text_[pos_] == '0') {
            ++pos_;
            if (digit()) return fail("a number cannot have a leading zero");
        } else {
            while (digit()) ++pos_;
        }
        if (!atEnd() && text_[pos_] == '.') {
            integral = false;
            ++pos_;
            if (!digit()) return fail("expected a digit after '.', got " + describeHere());
            while (digit()) ++pos_;
        }
        if (!atEnd() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            integral = false;
            ++pos_;
            if (!atEnd() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (!digit()) return fail("expected a digit in the exponent, got " + describeHere());
            while (digit()) ++pos_;
        }
        const char* first = text_.data() + start;
        const char* last = text_.data() + pos_;
        if (integral) {
            std::int64_t i = 0;
            auto result = std::from_chars(first, last, i);
            if (result.ec == std::errc() && result.ptr == last) {
                out = Value(i);
                return true;
            }
        }
        double d = 0;
        auto result = std::from_chars(first, last, d);
        if (result.ec == std::errc::result_out_of_range) {
            // Like Python: huge magnitudes become infinities, tiny ones zero.
            bool negative = *first == '-';
            bool tiny = false;
            for (const char* p = first; p != last; ++p) {
                if (*p == 'e' || *p == 'E') {
                    tiny = p + 1 != last && p[1] == '-';
                    break;
                }
            }
            d = tiny ? (negative ? -0.0 : 0.0) : (negative ? -HUGE_VAL : HUGE_VAL);
        } else if (result.ec != std::errc()) {
            pos_ = start;
            return fail("invalid number");
        }
        out = Value(d);
        return true;
    }

    std::string_view text_;
    const JsonParseOptions& options_;
    std::size_t pos_ = 0;
    std::string error_;
    std::size_t errorOffset_ = 0;
};

}  // namespace

JsonParseResult parseJson(std::string_view text, const JsonParseOptions& options) {
    return JsonParser(text, options).run();
}

}  // namespace spider
