#include "frontend/scanner.h"

#include "diagnostics/source.h"

#include "SpiderLexer.h"

#include <antlr4-runtime.h>

namespace spiderc::frontend {
namespace {

using L = grammar::SpiderLexer;

constexpr std::size_t kEof = static_cast<std::size_t>(antlr4::Token::EOF);

struct Keyword {
    std::string_view text;
    std::size_t type;
};

constexpr Keyword kKeywords[] = {
    {"async", L::ASYNC},   {"await", L::AWAIT},     {"def", L::DEF},
    {"let", L::LET},       {"if", L::IF},           {"elif", L::ELIF},
    {"else", L::ELSE},     {"for", L::FOR},         {"in", L::IN},
    {"while", L::WHILE},   {"break", L::BREAK},     {"continue", L::CONTINUE},
    {"return", L::RETURN}, {"yield", L::YIELD},     {"try", L::TRY},
    {"catch", L::CATCH},   {"finally", L::FINALLY}, {"and", L::AND},
    {"or", L::OR},         {"not", L::NOT},         {"true", L::TRUE},
    {"false", L::FALSE},   {"none", L::NONE},       {"spider", L::SPIDER},
    {"item", L::ITEM},     {"arg", L::ARG},         {"settings", L::SETTINGS},
};

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }

class Scanner {
public:
    explicit Scanner(std::string_view text) : text_(text) {}

    std::vector<RawToken> run() {
        std::vector<RawToken> out;
        out.reserve(text_.size() / 4 + 16);
        while (pos_ < text_.size()) {
            const std::size_t start = pos_;
            const std::size_t type = next();
            if (type != kSkip) {
                out.push_back({type, static_cast<std::uint32_t>(start),
                               static_cast<std::uint32_t>(pos_)});
            }
        }
        const auto end = static_cast<std::uint32_t>(text_.size());
        out.push_back({kEof, end, end});
        return out;
    }

private:
    static constexpr std::size_t kSkip = ~std::size_t{0} - 1;

    char at(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }
    bool has(std::size_t i) const { return i < text_.size(); }

    // One code point's length at `i` (the text is valid UTF-8).
    std::size_t codePointLength(std::size_t i) const {
        char32_t cp = 0;
        const std::size_t len = decodeUtf8(text_, i, cp);
        return len == 0 ? 1 : len;
    }

    // A quoted body after the opening quote at `i`: returns the end (after the closing
    // quote) and whether the closing quote was found. Mirrors DQ_CHAR/SQ_CHAR.
    std::pair<std::size_t, bool> quoted(std::size_t i) const {
        const char quote = text_[i];
        std::size_t p = i + 1;
        while (has(p)) {
            const char c = text_[p];
            if (c == quote) {
                return {p + 1, true};
            }
            if (c == '\n' || c == '\r') {
                return {p, false};
            }
            if (c == '\\') {
                if (!has(p + 1) || text_[p + 1] == '\n' || text_[p + 1] == '\r') {
                    return {p, false};
                }
                p += 1 + codePointLength(p + 1);
                continue;
            }
            p += codePointLength(p);
        }
        return {p, false};
    }

    std::size_t next() {
        const char c = text_[pos_];
        // Whitespace (including U+FEFF) and comments are skipped.
        if (c == ' ' || c == '\t' || c == '\f') {
            ++pos_;
            return kSkip;
        }
        if (c == '\xEF' && at(pos_ + 1) == '\xBB' && at(pos_ + 2) == '\xBF') {
            pos_ += 3;
            return kSkip;
        }
        if (c == '#') {
            while (has(pos_) && text_[pos_] != '\n' && text_[pos_] != '\r') {
                ++pos_;
            }
            return kSkip;
        }
        if (c == '\n') {
            ++pos_;
            return L::NL;
        }
        if (c == '\r') {
            pos_ += at(pos_ + 1) == '\n' ? 2 : 1;
            return L::NL;
        }
        // Prefixed strings, or names starting with f/r.
        if ((c == 'f' || c == 'F' || c == 'r' || c == 'R') &&
            (at(pos_ + 1) == '"' || at(pos_ + 1) == '\'')) {
            auto [end, closed] = quoted(pos_ + 1);
            pos_ = end;
            if (!closed) {
                return L::UNTERMINATED_STRING;
            }
            return c == 'f' || c == 'F' ? L::FSTRING : L::RSTRING;
        }
        if (isIdentStart(c)) {
            std::size_t end = pos_ + 1;
            while (has(end) && isIdentChar(text_[end])) {
                ++end;
            }
            const std::string_view word = text_.substr(pos_, end - pos_);
            pos_ = end;
            for (const Keyword& k : kKeywords) {
                if (k.text == word) {
                    return k.type;
                }
            }
            return L::IDENT;
        }
        if (isDigit(c)) {
            std::size_t end = pos_;
            while (has(end) && isDigit(text_[end])) {
                ++end;
            }
            bool isFloat = false;
            if (at(end) == '.' && isDigit(at(end + 1))) {
                end += 1;
                while (has(end) && isDigit(text_[end])) {
                    ++end;
                }
                isFloat = true;
            }
            // EXPONENT: [eE] [+-]? DIGIT+, only when complete.
            if (at(end) == 'e' || at(end) == 'E') {
                std::size_t e = end + 1;
                if (at(e) == '+' || at(e) == '-') {
                    ++e;
                }
                if (isDigit(at(e))) {
                    while (has(e) && isDigit(text_[e])) {
                        ++e;
                    }
                    end = e;
                    isFloat = true;
                }
            }
            pos_ = end;
            return isFloat ? L::FLOAT : L::INT;
        }
        if (c == '"' || c == '\'') {
            auto [end, closed] = quoted(pos_);
            pos_ = end;
            return closed ? L::STRING : L::UNTERMINATED_STRING;
        }
        const char n = at(pos_ + 1);
        auto two = [&](std::size_t type) {
            pos_ += 2;
            return type;
        };
        auto one = [&](std::size_t type) {
            pos_ += 1;
            return type;
        };
        switch (c) {
        case '(': return one(L::LPAREN);
        case ')': return one(L::RPAREN);
        case '[': return one(L::LBRACK);
        case ']': return one(L::RBRACK);
        case '{': return one(L::LBRACE);
        case '}': return one(L::RBRACE);
        case ',': return one(L::COMMA);
        case ':': return one(L::COLON);
        case ';': return one(L::SEMI);
        case '.': return one(L::DOT);
        case '?': return one(L::QUESTION);
        case '%': return one(L::PERCENT);
        case '-':
            return n == '>' ? two(L::ARROW) : n == '=' ? two(L::MINUS_ASSIGN) : one(L::MINUS);
        case '+': return n == '=' ? two(L::PLUS_ASSIGN) : one(L::PLUS);
        case '*': return n == '=' ? two(L::STAR_ASSIGN) : one(L::STAR);
        case '/':
            return n == '=' ? two(L::SLASH_ASSIGN) : n == '/' ? two(L::DSLASH) : one(L::SLASH);
        case '=': return n == '=' ? two(L::EQ) : one(L::ASSIGN);
        case '!':
            if (n == '=') {
                return two(L::NE);
            }
            break;
        case '<': return n == '=' ? two(L::LE) : one(L::LT);
        case '>': return n == '=' ? two(L::GE) : one(L::GT);
        default:
            break;
        }
        pos_ += codePointLength(pos_);
        return L::ERROR_CHAR;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

} // namespace

std::vector<RawToken> scanTokens(std::string_view text) { return Scanner(text).run(); }

std::vector<RawToken> scanTokensWithAntlr(std::string_view text) {
    // Character index -> byte offset.
    std::vector<std::uint32_t> byteOf;
    byteOf.reserve(text.size() + 1);
    for (std::size_t pos = 0; pos < text.size();) {
        byteOf.push_back(static_cast<std::uint32_t>(pos));
        char32_t cp = 0;
        const std::size_t len = decodeUtf8(text, pos, cp);
        pos += len == 0 ? 1 : len;
    }
    byteOf.push_back(static_cast<std::uint32_t>(text.size()));
    // ANTLRInputStream drops a leading UTF-8 byte-order mark: its indices start after it.
    const std::size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 1 : 0;
    antlr4::ANTLRInputStream input{std::string(text)};
    L lexer(&input);
    lexer.removeErrorListeners();
    std::vector<RawToken> out;
    while (true) {
        std::unique_ptr<antlr4::Token> token = lexer.nextToken();
        const std::size_t type = token->getType();
        if (type == kEof) {
            const auto end = static_cast<std::uint32_t>(text.size());
            out.push_back({kEof, end, end});
            return out;
        }
        out.push_back({type, byteOf[token->getStartIndex() + bom],
                       byteOf[token->getStopIndex() + 1 + bom]});
    }
}

} // namespace spiderc::frontend
