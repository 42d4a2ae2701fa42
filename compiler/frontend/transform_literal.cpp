// Literals: numbers, strings (escapes, raw strings) and f-strings (split into text and
// fields; each field is parsed as an expression by the FieldParser).
#include "frontend/transform.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace spiderc::frontend {
namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace

ast::ExprPtr Transformer::intLiteral(antlr4::Token* token) {
    const Location where = loc(token);
    std::string_view digits = text_.substr(where.begin, where.end - where.begin);
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) {
        diags_.error(where, "integer literal is too large")
            .note("integers are 64-bit: the largest is 9223372036854775807");
        return std::make_unique<ast::ErrorExpr>(where);
    }
    return std::make_unique<ast::IntExpr>(where, value);
}

ast::ExprPtr Transformer::floatLiteral(antlr4::Token* token) {
    const Location where = loc(token);
    std::string_view digits = text_.substr(where.begin, where.end - where.begin);
    double value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || !std::isfinite(value)) {
        diags_.error(where, "float literal is out of range");
        return std::make_unique<ast::ErrorExpr>(where);
    }
    return std::make_unique<ast::FloatExpr>(where, value);
}

bool Transformer::decodeEscapes(std::uint32_t begin, std::uint32_t end, std::string& out) {
    bool ok = true;
    std::uint32_t pos = begin;
    while (pos < end) {
        const char c = text_[pos];
        if (c != '\\') {
            out += c;
            ++pos;
            continue;
        }
        const std::uint32_t start = pos;
        // The lexer guarantees a character after every backslash inside a literal.
        const char e = text_[pos + 1];
        pos += 2;
        switch (e) {
        case 'n': out += '\n'; continue;
        case 't': out += '\t'; continue;
        case 'r': out += '\r'; continue;
        case '0': out += '\0'; continue;
        case '\\': out += '\\'; continue;
        case '\'': out += '\''; continue;
        case '"': out += '"'; continue;
        case 'x':
        case 'u':
        case 'U': {
            const std::uint32_t width = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            char32_t cp = 0;
            std::uint32_t got = 0;
            while (got < width && pos < end && hexValue(text_[pos]) >= 0) {
                cp = cp * 16 + static_cast<char32_t>(hexValue(text_[pos]));
                ++pos;
                ++got;
            }
            const Location where{file_, start, pos};
            if (got != width) {
                diags_.error(where, fmt::format("'\\{}' needs exactly {} hex digits", e, width));
                ok = false;
            } else if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                diags_.error(where, fmt::format("'\\{}' escape is not a Unicode scalar value", e))
                    .note("code points are U+0000..U+10FFFF, excluding surrogates "
                          "U+D800..U+DFFF");
                ok = false;
            } else {
                appendUtf8(out, cp);
            }
            continue;
        }
        default: {
            // Include the whole (possibly multi-byte) character in the message.
            char32_t cp = 0;
            std::size_t len = decodeUtf8(text_, start + 1, cp);
            pos = start + 1 + static_cast<std::uint32_t>(len == 0 ? 1 : len);
            const Location where{file_, start, pos};
            diags_.error(where, fmt::format("unknown escape sequence '{}'",
                                            text_.substr(start, pos - start)))
                .note("valid escapes: \\n \\t \\r \\0 \\\\ \\' \\\" \\xHH \\uHHHH \\UHHHHHHHH; "
                      "for regular expressions use a raw string, r\"...\"");
            ok = false;
        }
        }
    }
    return ok;
}

ast::ExprPtr Transformer::stringLiteral(antlr4::Token* token, bool raw) {
    const Location where = loc(token);
    const std::uint32_t contentBegin = where.begin + (raw ? 2 : 1);
    const std::uint32_t contentEnd = where.end - 1;
    std::string value;
    if (raw) {
        value.assign(text_.substr(contentBegin, contentEnd - contentBegin));
    } else if (!decodeEscapes(contentBegin, contentEnd, value)) {
        return std::make_unique<ast::ErrorExpr>(where);
    }
    auto lit = std::make_unique<ast::StringExpr>(where, std::move(value));
    lit->raw = raw;
    return lit;
}

ast::ExprPtr Transformer::fstringLiteral(antlr4::Token* token) {
    const Location where = loc(token);
    auto fstring = std::make_unique<ast::FStringExpr>(where);
    const std::uint32_t end = where.end - 1;
    bool ok = true;
    std::uint32_t textStart = where.begin + 2;
    std::uint32_t pos = textStart;
    std::string literal;

    auto flushText = [&](std::uint32_t upTo) {
        if (!decodeEscapes(textStart, upTo, literal)) {
            ok = false;
        }
    };
    auto pushLiteral = [&] {
        if (!literal.empty()) {
            fstring->parts.push_back({std::move(literal), nullptr});
            literal.clear();
        }
    };

    while (pos < end) {
        const char c = text_[pos];
        if (c == '\\') {
            pos += 2;
            continue;
        }
        if (c == '}') {
            if (pos + 1 < end && text_[pos + 1] == '}') {
                flushText(pos + 1);
                pos += 2;
                textStart = pos;
                continue;
            }
            diags_.error({file_, pos, pos + 1}, "single '}' in f-string")
                .note("write '}}' for a literal '}'")
                .fixIt({file_, pos, pos + 1}, "}}");
            ok = false;
            ++pos;
            textStart = pos;
            continue;
        }
        if (c != '{') {
            ++pos;
            continue;
        }
        if (pos + 1 < end && text_[pos + 1] == '{') {
            flushText(pos + 1);
            pos += 2;
            textStart = pos;
            continue;
        }
        // A field: find its closing '}' at bracket depth 0, skipping nested strings.
        flushText(pos);
        pushLiteral();
        const std::uint32_t open = pos;
        const std::uint32_t fieldBegin = pos + 1;
        int depth = 0;
        std::uint32_t close = 0;
        std::uint32_t formatColon = 0;
        char inString = 0;
        for (std::uint32_t i = fieldBegin; i < end; ++i) {
            const char f = text_[i];
            if (inString != 0) {
                if (f == '\\') {
                    ++i;
                } else if (f == inString) {
                    inString = 0;
                }
                continue;
            }
            if (f == '\'' || f == '"') {
                inString = f;
            } else if (f == '(' || f == '[' || f == '{') {
                ++depth;
            } else if (f == ')' || f == ']') {
                --depth;
            } else if (f == '}') {
                if (depth == 0) {
                    close = i;
                    break;
                }
                --depth;
            } else if (f == ':' && depth == 0 && formatColon == 0) {
                formatColon = i;
            }
        }
        if (close == 0) {
            diags_.error({file_, open, open + 1}, "unclosed '{' in f-string")
                .note("write '{{' for a literal '{'");
            ok = false;
            break;
        }
        if (formatColon != 0) {
            diags_.error({file_, formatColon, close},
                         "format specifications in f-string fields are not supported")
                .note("convert the value first, e.g. str(x) or a helper def");
            ok = false;
        } else {
            std::string_view field = text_.substr(fieldBegin, close - fieldBegin);
            if (field.find_first_not_of(" \t") == std::string_view::npos) {
                diags_.error({file_, open, close + 1}, "empty expression in f-string")
                    .note("write '{{' for a literal '{'");
                ok = false;
            } else {
                ast::ExprPtr value = fieldParser_(fieldBegin, field, depth_ + 1);
                if (value->kind == ast::ExprKind::Error) {
                    ok = false;
                }
                fstring->parts.push_back({std::string(), std::move(value)});
            }
        }
        pos = close + 1;
        textStart = pos;
    }
    if (ok) {
        flushText(end);
        pushLiteral();
    }
    if (!ok) {
        return std::make_unique<ast::ErrorExpr>(where);
    }
    return fstring;
}

} // namespace spiderc::frontend
