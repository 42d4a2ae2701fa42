#include "selectors/css_to_xpath.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "data/utf8.h"
#include "selectors/selector_errors.h"

// This is an independent implementation of the translation rules of cssselect 1.2 (the
// version parsel 1.7 uses on Debian 12), plus parsel's ::text / ::attr() pseudo-elements.
// The goal is parity of *selected nodes* with parsel, so where cssselect's behaviour is
// surprising (its escape handling, :is() joining with "or", :has(> a.b) putting the
// class test on the outer element, ':not(.a )' being an error) we do the same thing:
// a spider that works under Scrapy must select the same nodes here.

namespace spider {
namespace {

enum class TokenType { Ident, Hash, String, Space, Delim, Number, Eof };

struct Token {
    TokenType type = TokenType::Eof;
    std::string value;
    std::size_t pos = 0;

    bool isDelim(char c) const { return type == TokenType::Delim && value.size() == 1 && value[0] == c; }
};

const char* typeName(TokenType type) {
    switch (type) {
    case TokenType::Ident: return "IDENT";
    case TokenType::Hash: return "HASH";
    case TokenType::String: return "STRING";
    case TokenType::Space: return "S";
    case TokenType::Delim: return "DELIM";
    case TokenType::Number: return "NUMBER";
    case TokenType::Eof: return "EOF";
    }
    return "?";
}

// Same rendering as cssselect's Token.__repr__, so messages read the same.
std::string describe(const Token& token) {
    if (token.type == TokenType::Eof) return "<EOF at " + std::to_string(token.pos) + ">";
    return std::string("<") + typeName(token.type) + " '" + token.value + "' at " +
           std::to_string(token.pos) + ">";
}

[[noreturn]] void fail(const std::string& message, std::size_t pos) {
    throw SelectorSyntaxError(message, pos);
}

bool isHex(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool isAsciiAlpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool isCssSpace(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

// Length of the UTF-8 sequence starting with byte c (1 for stray bytes).
std::size_t utf8Length(unsigned char c) {
    if (c < 0xC0) return 1;
    if (c < 0xE0) return 2;
    if (c < 0xF0) return 3;
    return 4;
}

std::size_t charLength(std::string_view s, std::size_t i) {
    std::size_t len = utf8Length(static_cast<unsigned char>(s[i]));
    return i + len <= s.size() ? len : s.size() - i;
}

void appendUtf8(std::string& out, std::uint32_t cp) {
    // NUL and surrogates cannot reach an XPath string (libxml2 takes C strings, and
    // surrogates are not valid UTF-8): they become U+FFFD.
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    detail::appendUtf8(out, static_cast<char32_t>(cp));
}

std::size_t codepointCount(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string asciiLower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// ---------------------------------------------------------------------------------------
// Tokenizer (cssselect's regular expressions, by hand)

// Length of a CSS escape at s[i] ('\' + 1-6 hex digits + optional whitespace, or '\' +
// any character but a newline or a hex digit), 0 if there is none.
std::size_t escapeLength(std::string_view s, std::size_t i) {
    if (i >= s.size() || s[i] != '\\' || i + 1 >= s.size()) return 0;
    unsigned char next = static_cast<unsigned char>(s[i + 1]);
    if (isHex(next)) {
        std::size_t j = i + 1;
        while (j < s.size() && j - (i + 1) < 6 && isHex(static_cast<unsigned char>(s[j]))) ++j;
        if (j + 1 < s.size() && s[j] == '\r' && s[j + 1] == '\n') {
            j += 2;
        } else if (j < s.size() && (isCssSpace(static_cast<unsigned char>(s[j])))) {
            ++j;
        }
        return j - i;
    }
    if (next == '\n' || next == '\r' || next == '\f') return 0;
    return 1 + charLength(s, i + 1);
}

std::size_t nmstartLength(std::string_view s, std::size_t i) {
    if (i >= s.size()) return 0;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '_' || isAsciiAlpha(c)) return 1;
    if (c == '\\') return escapeLength(s, i);
    if (c >= 0x80) return charLength(s, i);
    return 0;
}

std::size_t nmcharLength(std::string_view s, std::size_t i) {
    if (i >= s.size()) return 0;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '-' || isDigit(c)) return 1;
    return nmstartLength(s, i);
}

// cssselect unescapes by running regex substitutions over the raw token text, in this
// order; replaying the passes (rather than decoding escapes once) keeps its corner cases.
std::string removeNewlineEscapes(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            char n = s[i + 1];
            if (n == '\n' || n == '\f') {
                i += 2;
                continue;
            }
            if (n == '\r') {
                i += (i + 2 < s.size() && s[i + 2] == '\n') ? 3 : 2;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

std::string replaceUnicodeEscapes(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] == '\\' && i + 1 < s.size() && isHex(static_cast<unsigned char>(s[i + 1]))) {
            std::size_t j = i + 1;
            std::uint32_t cp = 0;
            while (j < s.size() && j - (i + 1) < 6 && isHex(static_cast<unsigned char>(s[j]))) {
                unsigned char c = static_cast<unsigned char>(s[j]);
                cp = cp * 16 + static_cast<std::uint32_t>(isDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
                ++j;
            }
            if (j + 1 < s.size() && s[j] == '\r' && s[j + 1] == '\n') {
                j += 2;
            } else if (j < s.size() && isCssSpace(static_cast<unsigned char>(s[j]))) {
                ++j;
            }
            appendUtf8(out, cp);
            i = j;
            continue;
        }
        out += s[i++];
    }
    return out;
}

std::string replaceSimpleEscapes(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] != '\n') {
            std::size_t len = charLength(s, i + 1);
            out.append(s.substr(i + 1, len));
            i += 1 + len;
            continue;
        }
        out += s[i++];
    }
    return out;
}

std::string unescapeIdent(std::string_view raw) {
    return replaceSimpleEscapes(replaceUnicodeEscapes(raw));
}

std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> tokens;
    std::size_t pos = 0;
    const std::size_t n = s.size();
    while (pos < n) {
        unsigned char c = static_cast<unsigned char>(s[pos]);
        if (isCssSpace(c)) {
            std::size_t end = pos;
            while (end < n && isCssSpace(static_cast<unsigned char>(s[end]))) ++end;
            tokens.push_back({TokenType::Space, " ", pos});
            pos = end;
            continue;
        }

        // ident: -?{nmstart}{nmchar}*
        {
            std::size_t start = (c == '-') ? pos + 1 : pos;
            std::size_t len = nmstartLength(s, start);
            if (len > 0) {
                std::size_t end = start + len;
                while (std::size_t l = nmcharLength(s, end)) end += l;
                tokens.push_back({TokenType::Ident, unescapeIdent(s.substr(pos, end - pos)), pos});
                pos = end;
                continue;
            }
        }

        if (c == '#') {
            std::size_t end = pos + 1;
            while (std::size_t l = nmcharLength(s, end)) end += l;
            if (end > pos + 1) {
                tokens.push_back(
                    {TokenType::Hash, unescapeIdent(s.substr(pos + 1, end - pos - 1)), pos});
                pos = end;
                continue;
            }
        }

        if (c == '"' || c == '\'') {
            std::size_t end = pos + 1;
            while (end < n) {
                char d = s[end];
                if (d == '\n' || d == '\r' || d == '\f' || d == static_cast<char>(c)) break;
                if (d != '\\') {
                    end += charLength(s, end);
                    continue;
                }
                if (end + 1 < n && (s[end + 1] == '\n' || s[end + 1] == '\f')) {
                    end += 2;
                } else if (end + 1 < n && s[end + 1] == '\r') {
                    end += (end + 2 < n && s[end + 2] == '\n') ? 3 : 2;
                } else if (std::size_t l = escapeLength(s, end)) {
                    end += l;
                } else {
                    break;
                }
            }
            if (end == n) fail("Unclosed string at " + std::to_string(pos), pos);
            if (s[end] != static_cast<char>(c)) fail("Invalid string at " + std::to_string(pos), pos);
            std::string value = replaceSimpleEscapes(
                replaceUnicodeEscapes(removeNewlineEscapes(s.substr(pos + 1, end - pos - 1))));
            tokens.push_back({TokenType::String, std::move(value), pos});
            pos = end + 1;
            continue;
        }

        // number: [+-]?([0-9]*\.[0-9]+|[0-9]+)
        {
            std::size_t start = (c == '+' || c == '-') ? pos + 1 : pos;
            std::size_t digitsEnd = start;
            while (digitsEnd < n && isDigit(static_cast<unsigned char>(s[digitsEnd]))) ++digitsEnd;
            std::size_t end = 0;
            if (digitsEnd + 1 < n && s[digitsEnd] == '.' &&
                isDigit(static_cast<unsigned char>(s[digitsEnd + 1]))) {
                end = digitsEnd + 1;
                while (end < n && isDigit(static_cast<unsigned char>(s[end]))) ++end;
            } else if (digitsEnd > start) {
                end = digitsEnd;
            }
            if (end > 0) {
                tokens.push_back({TokenType::Number, std::string(s.substr(pos, end - pos)), pos});
                pos = end;
                continue;
            }
        }

        if (s.substr(pos, 2) == "/*") {
            std::size_t close = s.find("*/", pos + 2);
            pos = close == std::string_view::npos ? n : close + 2;
            continue;
        }

        std::size_t len = charLength(s, pos);
        tokens.push_back({TokenType::Delim, std::string(s.substr(pos, len)), pos});
        pos += len;
    }
    tokens.push_back({TokenType::Eof, "", n});
    return tokens;
}

// ---------------------------------------------------------------------------------------
// Parsed selectors

enum class Kind { Element, Hash, Class, Attrib, Pseudo, Function, Negation, Relation, Matching, Combined };

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
    Kind kind = Kind::Element;
    std::size_t pos = 0;
    NodePtr selector;                 // what this node qualifies (all kinds but Element)
    NodePtr subselector;              // Negation, Combined, Relation
    std::vector<NodePtr> list;        // Matching (:is, :matches, :where)
    std::optional<std::string> ns;    // Element, Attrib
    std::optional<std::string> name;  // element / class / id / attribute / pseudo / function
    std::string op;                   // Attrib operator, Combined/Relation combinator
    std::optional<Token> value;       // Attrib value
    std::vector<Token> args;          // Function arguments
};

NodePtr makeNode(Kind kind, NodePtr selector, std::size_t pos) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->selector = std::move(selector);
    node->pos = pos;
    return node;
}

NodePtr makeElement(std::optional<std::string> ns, std::optional<std::string> element, std::size_t pos) {
    auto node = std::make_unique<Node>();
    node->kind = Kind::Element;
    node->ns = std::move(ns);
    node->name = std::move(element);
    node->pos = pos;
    return node;
}

struct PseudoElement {
    std::string name;  // as written; lower-cased when the selector is complete
    bool functional = false;
    std::vector<Token> args;
    std::size_t pos = 0;
};

struct ParsedSelector {
    NodePtr tree;
    std::optional<PseudoElement> pseudoElement;
};

std::vector<ParsedSelector> parseGroup(std::string_view css);

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

    std::vector<ParsedSelector> parseSelectorGroup() {
        std::vector<ParsedSelector> result;
        skipWhitespace();
        while (true) {
            result.push_back(parseSelector());
            if (peek().isDelim(',')) {
                next();
                skipWhitespace();
            } else {
                break;
            }
        }
        return result;
    }

private:
    const Token& peek() const { return tokens_[std::min(index_, tokens_.size() - 1)]; }

    const Token& next() {
        if (index_ >= tokens_.size()) fail("Unexpected end of selector", tokens_.back().pos);
        return tokens_[index_++];
    }

    void skipWhitespace() {
        if (peek().type == TokenType::Space) next();
    }

    std::string nextIdent() {
        const Token& token = next();
        if (token.type != TokenType::Ident) fail("Expected ident, got " + describe(token), token.pos);
        return token.value;
    }

    // nullopt for '*'.
    std::optional<std::string> nextIdentOrStar() {
        const Token& token = next();
        if (token.type == TokenType::Ident) return token.value;
        if (token.isDelim('*')) return std::nullopt;
        fail("Expected ident or '*', got " + describe(token), token.pos);
    }

    ParsedSelector parseSelector() {
        auto [result, pseudo] = parseSimpleSelector(false);
        while (true) {
            skipWhitespace();
            const Token& peeked = peek();
            if (peeked.type == TokenType::Eof || peeked.isDelim(',')) break;
            if (pseudo) {
                fail("Got pseudo-element ::" + pseudo->name + " not at the end of a selector", peeked.pos);
            }
            std::string combinator = " ";
            std::size_t pos = peeked.pos;
            if (peeked.isDelim('+') || peeked.isDelim('>') || peeked.isDelim('~')) {
                combinator = next().value;
                skipWhitespace();
            }
            auto [sub, subPseudo] = parseSimpleSelector(false);
            auto combined = makeNode(Kind::Combined, std::move(result), pos);
            combined->op = combinator;
            combined->subselector = std::move(sub);
            result = std::move(combined);
            pseudo = std::move(subPseudo);
        }
        if (pseudo) pseudo->name = asciiLower(pseudo->name);
        return {std::move(result), std::move(pseudo)};
    }

    bool scopeAllowedHere() const {
        // cssselect only accepts a bare ":scope" at the start of a selector: it looks at
        // the tokens consumed so far.
        std::size_t used = index_;
        auto at = [&](std::size_t back) -> const Token& { return tokens_[used - back]; };
        return used == 2 || (used == 3 && tokens_[0].type == TokenType::Space) ||
               (used >= 3 && at(3).isDelim(',')) ||
               (used >= 4 && at(3).type == TokenType::Space && at(4).isDelim(','));
    }

    std::pair<NodePtr, std::optional<PseudoElement>> parseSimpleSelector(bool insideNegation) {
        skipWhitespace();
        const std::size_t selectorStart = index_;
        const Token& first = peek();
        std::optional<std::string> ns;
        std::optional<std::string> element;
        std::size_t startPos = first.pos;
        if (first.type == TokenType::Ident || first.isDelim('*')) {
            if (first.type == TokenType::Ident) {
                ns = next().value;
            } else {
                next();
            }
            if (peek().isDelim('|')) {
                next();
                element = nextIdentOrStar();
            } else {
                element = std::move(ns);
                ns.reset();
            }
        }
        NodePtr result = makeElement(std::move(ns), std::move(element), startPos);
        std::optional<PseudoElement> pseudo;
        while (true) {
            const Token& peeked = peek();
            if (peeked.type == TokenType::Space || peeked.type == TokenType::Eof ||
                peeked.isDelim(',') || peeked.isDelim('+') || peeked.isDelim('>') ||
                peeked.isDelim('~') || (insideNegation && peeked.isDelim(')'))) {
                break;
            }
            if (pseudo) {
                fail("Got pseudo-element ::" + pseudo->name + " not at the end of a selector", peeked.pos);
            }
            const std::size_t pos = peeked.pos;
            if (peeked.type == TokenType::Hash) {
                result = makeNode(Kind::Hash, std::move(result), pos);
                result->name = next().value;
            } else if (peeked.isDelim('.')) {
                next();
                result = makeNode(Kind::Class, std::move(result), pos);
                result->name = nextIdent();
            } else if (peeked.isDelim('|')) {
                next();
                result = makeElement(std::nullopt, nextIdent(), pos);
            } else if (peeked.isDelim('[')) {
                next();
                result = parseAttrib(std::move(result), pos);
            } else if (peeked.isDelim(':')) {
                next();
                if (peek().isDelim(':')) {
                    next();
                    PseudoElement pe;
                    pe.pos = pos;
                    pe.name = nextIdent();
                    if (peek().isDelim('(')) {
                        next();
                        pe.functional = true;
                        pe.args = parseArguments();
                    }
                    pseudo = std::move(pe);
                    continue;
                }
                std::string ident = nextIdent();
                std::string lower = asciiLower(ident);
                if (lower == "first-line" || lower == "first-letter" || lower == "before" ||
                    lower == "after") {
                    // CSS 2.1 pseudo-elements may be written with a single ':'.
                    pseudo = PseudoElement{ident, false, {}, pos};
                    continue;
                }
                if (!peek().isDelim('(')) {
                    bool bareUniversal = result->kind == Kind::Element &&
                                         (!result->ns || result->ns->empty()) && !result->name;
                    result = makeNode(Kind::Pseudo, std::move(result), pos);
                    result->name = lower;
                    if (bareUniversal && lower == "scope" && !scopeAllowedHere()) {
                        fail("Got immediate child pseudo-element \":scope\" not at the start of a "
                             "selector",
                             pos);
                    }
                    continue;
                }
                next();
                skipWhitespace();
                if (lower == "not") {
                    if (insideNegation) fail("Got nested :not()", pos);
                    auto [argument, argumentPseudo] = parseSimpleSelector(true);
                    const Token& close = next();
                    if (argumentPseudo) {
                        fail("Got pseudo-element ::" + argumentPseudo->name + " inside :not() at " +
                                 std::to_string(close.pos),
                             close.pos);
                    }
                    if (!close.isDelim(')')) fail("Expected ')', got " + describe(close), close.pos);
                    result = makeNode(Kind::Negation, std::move(result), pos);
                    result->subselector = std::move(argument);
                } else if (lower == "has") {
                    result = parseRelative(std::move(result), pos);
                } else if (lower == "matches" || lower == "is" || lower == "where") {
                    result = makeNode(Kind::Matching, std::move(result), pos);
                    result->list = parseSimpleSelectorArguments();
                } else {
                    result = makeNode(Kind::Function, std::move(result), pos);
                    result->name = lower;
                    result->args = parseArguments();
                }
            } else {
                fail("Expected selector, got " + describe(peeked), peeked.pos);
            }
        }
        if (index_ == selectorStart) fail("Expected selector, got " + describe(peek()), peek().pos);
        return {std::move(result), std::move(pseudo)};
    }

    std::vector<Token> parseArguments() {
        std::vector<Token> arguments;
        while (true) {
            skipWhitespace();
            const Token& token = next();
            if (token.type == TokenType::Ident || token.type == TokenType::String ||
                token.type == TokenType::Number || token.isDelim('+') || token.isDelim('-')) {
                arguments.push_back(token);
            } else if (token.isDelim(')')) {
                return arguments;
            } else {
                fail("Expected an argument, got " + describe(token), token.pos);
            }
        }
    }

    NodePtr parseRelative(NodePtr selector, std::size_t pos) {
        // cssselect re-parses the concatenated argument tokens as a new selector.
        skipWhitespace();
        Token combinator{TokenType::Delim, " ", 0};
        const Token* token = &next();
        if (token->isDelim('+') || token->isDelim('-') || token->isDelim('>') || token->isDelim('~')) {
            combinator = *token;
            skipWhitespace();
            token = &next();
        }
        std::string text;
        while (true) {
            if (token->type == TokenType::Ident || token->type == TokenType::String ||
                token->type == TokenType::Number || token->isDelim('.') || token->isDelim('*')) {
                text += token->value;
            } else if (token->isDelim(')')) {
                break;
            } else {
                fail("Expected an argument, got " + describe(*token), token->pos);
            }
            token = &next();
        }
        if (combinator.value == "-") fail("Unsupported combinator '-' in :has()", combinator.pos);
        std::vector<ParsedSelector> inner = parseGroup(text);
        auto node = makeNode(Kind::Relation, std::move(selector), pos);
        node->op = combinator.value;
        node->subselector = std::move(inner.front().tree);
        return node;
    }

    std::vector<NodePtr> parseSimpleSelectorArguments() {
        std::vector<NodePtr> arguments;
        while (true) {
            auto [result, pseudo] = parseSimpleSelector(true);
            if (pseudo) fail("Got pseudo-element ::" + pseudo->name + " inside function", pseudo->pos);
            skipWhitespace();
            const Token& token = next();
            if (token.type == TokenType::Eof || token.isDelim(',')) {
                // cssselect consumes one more token here (so ':is(a,b)' is an error).
                next();
                skipWhitespace();
                arguments.push_back(std::move(result));
            } else if (token.isDelim(')')) {
                arguments.push_back(std::move(result));
                break;
            } else {
                fail("Expected an argument, got " + describe(token), token.pos);
            }
        }
        return arguments;
    }

    NodePtr parseAttrib(NodePtr selector, std::size_t pos) {
        skipWhitespace();
        std::optional<std::string> attrib = nextIdentOrStar();
        if (!attrib && !peek().isDelim('|')) fail("Expected '|', got " + describe(peek()), peek().pos);
        std::optional<std::string> ns;
        std::string op;
        if (peek().isDelim('|')) {
            next();
            if (peek().isDelim('=')) {
                next();
                op = "|=";
            } else {
                ns = std::move(attrib);
                attrib = nextIdent();
            }
        }
        auto node = makeNode(Kind::Attrib, std::move(selector), pos);
        if (!attrib) fail("Expected an attribute name before '|='", pos);
        node->name = std::move(attrib);
        node->ns = std::move(ns);
        if (op.empty()) {
            skipWhitespace();
            const Token& token = next();
            if (token.isDelim(']')) {
                node->op = "exists";
                return node;
            }
            if (token.isDelim('=')) {
                op = "=";
            } else if ((token.isDelim('^') || token.isDelim('$') || token.isDelim('*') ||
                        token.isDelim('~') || token.isDelim('|') || token.isDelim('!')) &&
                       peek().isDelim('=')) {
                op = token.value + "=";
                next();
            } else {
                fail("Operator expected, got " + describe(token), token.pos);
            }
        }
        node->op = op;
        skipWhitespace();
        const Token& value = next();
        if (value.type != TokenType::Ident && value.type != TokenType::String) {
            fail("Expected string or ident, got " + describe(value), value.pos);
        }
        node->value = value;
        skipWhitespace();
        const Token& close = next();
        if (!close.isDelim(']')) fail("Expected ']', got " + describe(close), close.pos);
        return node;
    }

    std::vector<Token> tokens_;
    std::size_t index_ = 0;
};

std::vector<ParsedSelector> parseGroup(std::string_view css) {
    return Parser(tokenize(css)).parseSelectorGroup();
}

// ---------------------------------------------------------------------------------------
// Translation

// ^[a-zA-Z_][a-zA-Z0-9_.-]*$ (Python's '$' also accepts one trailing newline).
bool isSafeName(std::string_view name) {
    if (!name.empty() && name.back() == '\n') name.remove_suffix(1);
    if (name.empty()) return false;
    unsigned char first = static_cast<unsigned char>(name[0]);
    if (!(isAsciiAlpha(first) || first == '_')) return false;
    for (unsigned char c : name.substr(1)) {
        if (!(isAsciiAlpha(c) || isDigit(c) || c == '_' || c == '.' || c == '-')) return false;
    }
    return true;
}

// ^[^ \t\r\n\f]+$ (again with Python's '$').
bool isNonWhitespace(std::string_view value) {
    if (!value.empty() && value.back() == '\n') value.remove_suffix(1);
    if (value.empty()) return false;
    for (unsigned char c : value)
        if (isCssSpace(c)) return false;
    return true;
}

struct XPathExpr {
    std::string path;
    std::string element = "*";
    std::string condition;
    bool textNode = false;
    std::optional<std::string> attribute;

    std::string str() const {
        std::string out = path + element;
        if (!condition.empty()) out += "[" + condition + "]";
        return out;
    }

    // With parsel's pseudo-elements applied.
    std::string finalStr() const {
        std::string out = str();
        auto endsWithStarStep = [&] { return out.size() >= 5 && out.compare(out.size() - 5, 5, "::*/*") == 0; };
        if (textNode) {
            if (out == "*") {
                out = "text()";
            } else if (endsWithStarStep()) {
                out = out.substr(0, out.size() - 3) + "text()";
            } else {
                out += "/text()";
            }
        }
        if (attribute) {
            if (endsWithStarStep()) out.resize(out.size() - 2);
            out += "/@" + *attribute;
        }
        return out;
    }

    XPathExpr& addCondition(const std::string& cond, const char* conjunction = "and") {
        if (!condition.empty()) {
            condition = "(" + condition + ") " + conjunction + " (" + cond + ")";
        } else {
            condition = cond;
        }
        return *this;
    }

    void addNameTest() {
        if (element == "*") return;
        addCondition("name() = " + xpathLiteral(element));
        element = "*";
    }

    XPathExpr& join(const std::string& combiner, const XPathExpr& other,
                    const std::string& closing = "", bool innerCondition = false) {
        std::string newPath = str() + combiner;
        if (other.path != "*/") newPath += other.path;
        path = std::move(newPath);
        if (!innerCondition) {
            element = other.element + closing;
            condition = other.condition;
        } else {
            element = other.element;
            if (!other.condition.empty()) element += "[" + other.condition + "]";
            element += closing;
            condition.clear();
        }
        return *this;
    }
};

// Python's int() for the pieces of an an+b series; nullopt when it would raise.
std::optional<long long> parsePythonInt(std::string_view s) {
    while (!s.empty() && (isCssSpace(static_cast<unsigned char>(s.front())) || s.front() == '\v')) s.remove_prefix(1);
    while (!s.empty() && (isCssSpace(static_cast<unsigned char>(s.back())) || s.back() == '\v')) s.remove_suffix(1);
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    long long value = 0;
    bool lastUnderscore = true;  // no leading underscore
    for (char c : s) {
        if (c == '_') {
            if (lastUnderscore) return std::nullopt;
            lastUnderscore = true;
            continue;
        }
        if (!isDigit(static_cast<unsigned char>(c))) return std::nullopt;
        if (value > (1LL << 53)) return std::nullopt;  // far beyond any sibling count
        value = value * 10 + (c - '0');
        lastUnderscore = false;
    }
    if (lastUnderscore) return std::nullopt;
    return negative ? -value : value;
}

std::optional<std::pair<long long, long long>> parseSeries(const std::vector<Token>& args) {
    std::string joined;
    for (const Token& token : args) {
        if (token.type == TokenType::String) return std::nullopt;
        joined += token.value;
    }
    std::string_view s = joined;
    while (!s.empty() && isCssSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && isCssSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (s == "odd") return std::pair{2LL, 1LL};
    if (s == "even") return std::pair{2LL, 0LL};
    if (s == "n") return std::pair{1LL, 0LL};
    std::size_t n = s.find('n');
    if (n == std::string_view::npos) {
        auto b = parsePythonInt(s);
        if (!b) return std::nullopt;
        return std::pair{0LL, *b};
    }
    std::string_view aText = s.substr(0, n);
    std::string_view bText = s.substr(n + 1);
    long long a = 0;
    if (aText.empty()) {
        a = 1;
    } else if (aText == "-" || aText == "+") {
        a = aText == "-" ? -1 : 1;
    } else {
        auto parsed = parsePythonInt(aText);
        if (!parsed) return std::nullopt;
        a = *parsed;
    }
    long long b = 0;
    if (!bText.empty()) {
        auto parsed = parsePythonInt(bText);
        if (!parsed) return std::nullopt;
        b = *parsed;
    }
    return std::pair{a, b};
}

std::string describeArguments(const std::vector<Token>& args) {
    std::string out = "[";
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (i) out += ", ";
        out += describe(args[i]);
    }
    return out + "]";
}

bool isSingleStringOrIdent(const std::vector<Token>& args) {
    return args.size() == 1 && (args[0].type == TokenType::String || args[0].type == TokenType::Ident);
}

std::string underscored(std::string name) {
    for (char& c : name)
        if (c == '-') c = '_';
    return name;
}

class Translator {
public:
    Translator(CssDialect dialect, CssOutput output)
        : html_(dialect == CssDialect::Html), evaluation_(output == CssOutput::Evaluation) {}

    std::string translateGroup(std::string_view css) {
        std::vector<ParsedSelector> selectors = parseGroup(css);
        std::string out;
        for (const ParsedSelector& selector : selectors) {
            if (!out.empty()) out += " | ";
            XPathExpr expr = translate(*selector.tree);
            if (selector.pseudoElement) applyPseudoElement(expr, *selector.pseudoElement);
            out += "descendant-or-self::" + expr.finalStr();
        }
        return out;
    }

private:
    XPathExpr translate(const Node& node) {
        switch (node.kind) {
        case Kind::Element: return translateElement(node);
        case Kind::Hash: {
            XPathExpr expr = translate(*node.selector);
            return std::move(expr.addCondition("@id = " + xpathLiteral(*node.name)));
        }
        case Kind::Class: {
            XPathExpr expr = translate(*node.selector);
            attribIncludes(expr, "@class", *node.name);
            return expr;
        }
        case Kind::Attrib: return translateAttrib(node);
        case Kind::Pseudo: return translatePseudo(node);
        case Kind::Function: return translateFunction(node);
        case Kind::Negation: {
            XPathExpr expr = translate(*node.selector);
            XPathExpr sub = translate(*node.subselector);
            sub.addNameTest();
            if (!sub.condition.empty()) return std::move(expr.addCondition("not(" + sub.condition + ")"));
            return std::move(expr.addCondition("0"));
        }
        case Kind::Relation: return translateRelation(node);
        case Kind::Matching: {
            XPathExpr expr = translate(*node.selector);
            for (const NodePtr& item : node.list) {
                XPathExpr e = translate(*item);
                e.addNameTest();
                if (!e.condition.empty()) expr.addCondition(e.condition, "or");
            }
            return expr;
        }
        case Kind::Combined: return translateCombined(node);
        }
        fail("Unsupported selector", node.pos);
    }

    XPathExpr translateElement(const Node& node) {
        std::string element;
        bool safe = true;
        if (!node.name || node.name->empty()) {
            element = "*";
        } else {
            element = *node.name;
            safe = isSafeName(element);
            if (html_) element = asciiLower(element);
        }
        if (node.ns && !node.ns->empty()) {
            element = *node.ns + ":" + element;
            safe = safe && isSafeName(*node.ns);
        }
        XPathExpr expr;
        expr.element = element;
        if (!safe) expr.addNameTest();
        return expr;
    }

    XPathExpr translateCombined(const Node& node) {
        XPathExpr left = translate(*node.selector);
        XPathExpr right = translate(*node.subselector);
        if (node.op == " ") return std::move(left.join("/descendant-or-self::*/", right));
        if (node.op == ">") return std::move(left.join("/", right));
        if (node.op == "+") {
            left.join("/following-sibling::", right);
            left.addNameTest();
            return std::move(left.addCondition("position() = 1"));
        }
        return std::move(left.join("/following-sibling::", right));
    }

    XPathExpr translateRelation(const Node& node) {
        XPathExpr left = translate(*node.selector);
        XPathExpr right = translate(*node.subselector);
        if (node.op == " ") return std::move(left.join("[descendant::", right, "]", true));
        if (node.op == ">") return std::move(left.join("[./", right, "]"));
        if (node.op == "+") {
            return std::move(left.addCondition("following-sibling::*[(name() = '" + right.element +
                                               "') and (position() = 1)]"));
        }
        return std::move(left.join("[following-sibling::", right, "]"));
    }

    XPathExpr translateAttrib(const Node& node) {
        XPathExpr expr = translate(*node.selector);
        std::string name = html_ ? asciiLower(*node.name) : *node.name;
        bool safe = isSafeName(name);
        if (node.ns && !node.ns->empty()) {
            name = *node.ns + ":" + name;
            safe = safe && isSafeName(*node.ns);
        }
        std::string attrib = safe ? "@" + name : "attribute::*[name() = " + xpathLiteral(name) + "]";
        const std::string value = node.value ? node.value->value : std::string();
        const std::string& op = node.op;
        if (op == "exists") {
            expr.addCondition(attrib);
        } else if (op == "=") {
            expr.addCondition(attrib + " = " + xpathLiteral(value));
        } else if (op == "!=") {
            if (!value.empty()) {
                expr.addCondition("not(" + attrib + ") or " + attrib + " != " + xpathLiteral(value));
            } else {
                expr.addCondition(attrib + " != " + xpathLiteral(value));
            }
        } else if (op == "~=") {
            attribIncludes(expr, attrib, value);
        } else if (op == "|=") {
            expr.addCondition(attrib + " and (" + attrib + " = " + xpathLiteral(value) +
                              " or starts-with(" + attrib + ", " + xpathLiteral(value + "-") + "))");
        } else if (op == "^=") {
            expr.addCondition(value.empty() ? "0"
                                            : attrib + " and starts-with(" + attrib + ", " +
                                                  xpathLiteral(value) + ")");
        } else if (op == "$=") {
            if (value.empty()) {
                expr.addCondition("0");
            } else {
                expr.addCondition(attrib + " and substring(" + attrib + ", string-length(" + attrib +
                                  ")-" + std::to_string(codepointCount(value) - 1) +
                                  ") = " + xpathLiteral(value));
            }
        } else if (op == "*=") {
            expr.addCondition(value.empty() ? "0"
                                            : attrib + " and contains(" + attrib + ", " +
                                                  xpathLiteral(value) + ")");
        } else {
            fail("Unknown attribute operator " + op, node.pos);
        }
        return expr;
    }

    void attribIncludes(XPathExpr& expr, const std::string& attrib, const std::string& value) const {
        if (!value.empty() && isNonWhitespace(value)) {
            if (evaluation_) {
                expr.addCondition(std::string(kIncludesFunction) + "(" + attrib + ", " +
                                  xpathLiteral(" " + value + " ") + ")");
                return;
            }
            expr.addCondition(attrib + " and contains(concat(' ', normalize-space(" + attrib +
                              "), ' '), " + xpathLiteral(" " + value + " ") + ")");
        } else {
            expr.addCondition("0");
        }
    }

    XPathExpr translatePseudo(const Node& node) {
        XPathExpr expr = translate(*node.selector);
        const std::string key = underscored(*node.name);
        auto requireType = [&](const char* what) {
            if (expr.element == "*") fail(std::string("*:") + what + " is not implemented", node.pos);
        };
        if (key == "root") return std::move(expr.addCondition("not(parent::*)"));
        if (key == "scope") return std::move(expr.addCondition("1"));
        if (key == "first_child") return std::move(expr.addCondition("count(preceding-sibling::*) = 0"));
        if (key == "last_child") return std::move(expr.addCondition("count(following-sibling::*) = 0"));
        if (key == "first_of_type") {
            requireType("first-of-type");
            return std::move(expr.addCondition("count(preceding-sibling::" + expr.element + ") = 0"));
        }
        if (key == "last_of_type") {
            requireType("last-of-type");
            return std::move(expr.addCondition("count(following-sibling::" + expr.element + ") = 0"));
        }
        if (key == "only_child") return std::move(expr.addCondition("count(parent::*/child::*) = 1"));
        if (key == "only_of_type") {
            requireType("only-of-type");
            return std::move(expr.addCondition("count(parent::*/child::" + expr.element + ") = 1"));
        }
        if (key == "empty") return std::move(expr.addCondition("not(*) and not(string-length())"));
        if (html_) {
            if (key == "checked") {
                return std::move(expr.addCondition(
                    "(@selected and name(.) = 'option') or (@checked and (name(.) = 'input' or "
                    "name(.) = 'command')and (@type = 'checkbox' or @type = 'radio'))"));
            }
            if (key == "link") {
                return std::move(expr.addCondition(
                    "@href and (name(.) = 'a' or name(.) = 'link' or name(.) = 'area')"));
            }
            if (key == "disabled") {
                return std::move(expr.addCondition(
                    "(@disabled and ((name(.) = 'input' and @type != 'hidden') or name(.) = "
                    "'button' or name(.) = 'select' or name(.) = 'textarea' or name(.) = 'command' "
                    "or name(.) = 'fieldset' or name(.) = 'optgroup' or name(.) = 'option')) or "
                    "(((name(.) = 'input' and @type != 'hidden') or name(.) = 'button' or name(.) "
                    "= 'select' or name(.) = 'textarea') and ancestor::fieldset[@disabled])"));
            }
            if (key == "enabled") {
                return std::move(expr.addCondition(
                    "(@href and (name(.) = 'a' or name(.) = 'link' or name(.) = 'area')) or "
                    "((name(.) = 'command' or name(.) = 'fieldset' or name(.) = 'optgroup') and "
                    "not(@disabled)) or (((name(.) = 'input' and @type != 'hidden') or name(.) = "
                    "'button' or name(.) = 'select' or name(.) = 'textarea' or name(.) = "
                    "'keygen') and not (@disabled or ancestor::fieldset[@disabled])) or (name(.) "
                    "= 'option' and not(@disabled or ancestor::optgroup[@disabled]))"));
            }
        }
        if (key == "link" || key == "visited" || key == "hover" || key == "active" || key == "focus" ||
            key == "target" || key == "enabled" || key == "disabled" || key == "checked") {
            return std::move(expr.addCondition("0"));
        }
        fail("The pseudo-class :" + *node.name + " is unknown", node.pos);
    }

    XPathExpr translateFunction(const Node& node) {
        XPathExpr expr = translate(*node.selector);
        const std::string key = underscored(*node.name);
        if (key == "nth_child") return nth(std::move(expr), node, false, true);
        if (key == "nth_last_child") return nth(std::move(expr), node, true, true);
        if (key == "nth_of_type" || key == "nth_last_of_type") {
            if (expr.element == "*") fail("*:nth-of-type() is not implemented", node.pos);
            return nth(std::move(expr), node, key == "nth_last_of_type", false);
        }
        if (key == "contains") {
            if (!isSingleStringOrIdent(node.args)) {
                fail("Expected a single string or ident for :contains(), got " +
                         describeArguments(node.args),
                     node.pos);
            }
            return std::move(expr.addCondition("contains(., " + xpathLiteral(node.args[0].value) + ")"));
        }
        if (key == "lang") {
            if (!isSingleStringOrIdent(node.args)) {
                fail("Expected a single string or ident for :lang(), got " + describeArguments(node.args),
                     node.pos);
            }
            const std::string& value = node.args[0].value;
            if (!html_) return std::move(expr.addCondition("lang(" + xpathLiteral(value) + ")"));
            return std::move(expr.addCondition(
                "ancestor-or-self::*[@lang][1][starts-with(concat(translate(@lang, "
                "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '-'), " +
                xpathLiteral(asciiLower(value) + "-") + ")]"));
        }
        fail("The pseudo-class :" + *node.name + "() is unknown", node.pos);
    }

    // :nth-child(an+b) holds when an+b-1 siblings (of any type, or of the same type)
    // precede (or follow) the element for some n >= 0.
    XPathExpr nth(XPathExpr expr, const Node& node, bool last, bool anyType) {
        auto series = parseSeries(node.args);
        if (!series) fail("Invalid series: '" + describeArguments(node.args) + "'", node.pos);
        const auto [a, b] = *series;
        const long long bMinus1 = b - 1;
        if (a == 1 && bMinus1 <= 0) return expr;
        if (a < 0 && bMinus1 < 0) return std::move(expr.addCondition("0"));
        const std::string nodeTest = anyType ? "*" : expr.element;
        const std::string count =
            std::string(last ? "count(following-sibling::" : "count(preceding-sibling::") + nodeTest + ")";
        if (a == 0) return std::move(expr.addCondition(count + " = " + std::to_string(bMinus1)));
        std::vector<std::string> parts;
        if (a > 0) {
            if (bMinus1 > 0) parts.push_back(count + " >= " + std::to_string(bMinus1));
        } else {
            parts.push_back(count + " <= " + std::to_string(bMinus1));
        }
        if (a != 1 && a != -1) {
            const long long modulus = a < 0 ? -a : a;
            const long long bNeg = (((-bMinus1) % modulus) + modulus) % modulus;
            std::string left = count;
            if (bNeg != 0) left = "(" + left + " +" + std::to_string(bNeg) + ")";
            parts.push_back(left + " mod " + std::to_string(a) + " = 0");
        }
        std::string condition;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i) condition += " and ";
            condition += parts.size() > 1 ? "(" + parts[i] + ")" : parts[i];
        }
        return std::move(expr.addCondition(condition));
    }

    static void applyPseudoElement(XPathExpr& expr, const PseudoElement& pseudo) {
        const std::string key = underscored(pseudo.name);
        if (pseudo.functional) {
            if (key != "attr") {
                fail("The functional pseudo-element ::" + pseudo.name + "() is unknown", pseudo.pos);
            }
            if (!isSingleStringOrIdent(pseudo.args)) {
                fail("Expected a single string or ident for ::attr(), got " + describeArguments(pseudo.args),
                     pseudo.pos);
            }
            expr.attribute = pseudo.args[0].value;
            return;
        }
        if (key != "text") fail("The pseudo-element ::" + pseudo.name + " is unknown", pseudo.pos);
        expr.textNode = true;
    }

    bool html_;
    bool evaluation_;
};

}  // namespace

std::string xpathLiteral(std::string_view s) {
    if (s.find('\'') == std::string_view::npos) return "'" + std::string(s) + "'";
    if (s.find('"') == std::string_view::npos) return "\"" + std::string(s) + "\"";
    // Both quote kinds: concat() of runs without a single quote ('...') and runs of
    // single quotes ("...").
    std::string out = "concat(";
    bool firstPart = true;
    std::size_t i = 0;
    while (i < s.size()) {
        bool quotes = s[i] == '\'';
        std::size_t j = i;
        while (j < s.size() && (s[j] == '\'') == quotes) ++j;
        if (!firstPart) out += ",";
        firstPart = false;
        const char q = quotes ? '"' : '\'';
        out += q;
        out.append(s.substr(i, j - i));
        out += q;
        i = j;
    }
    return out + ")";
}

std::string cssToXPath(std::string_view css, CssDialect dialect, CssOutput output) {
    try {
        return Translator(dialect, output).translateGroup(css);
    } catch (const SelectorSyntaxError& error) {
        throw SelectorSyntaxError("Invalid CSS selector '" + std::string(css) + "': " + error.what(),
                                  error.position());
    }
}

}  // namespace spider
