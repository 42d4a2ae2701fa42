#include "frontend/lexer.h"

#include "frontend/scanner.h"

#include "SpiderLexer.h"

#include <fmt/format.h>

#include <cctype>

namespace spiderc::frontend {
namespace {

using L = grammar::SpiderLexer;

enum class Bracket : std::uint8_t { Paren, Square, Block, Map };

struct Open {
    Bracket kind;
    std::size_t token; // index into the raw token vector
    int savedPrefixRun;
};

bool isNameToken(std::size_t t) {
    return t == L::IDENT || t == L::SPIDER || t == L::ITEM || t == L::ARG || t == L::SETTINGS;
}

// Tokens after which an operand is complete: a following '-' is binary, a '{' opens a block.
bool endsOperand(std::size_t t) {
    return isNameToken(t) || t == L::INT || t == L::FLOAT || t == L::STRING ||
           t == L::RSTRING || t == L::FSTRING || t == L::TRUE || t == L::FALSE ||
           t == L::NONE || t == L::RPAREN || t == L::RBRACK || t == L::RBRACE ||
           t == L::QUESTION;
}

// Tokens that need something after them: a newline right after one continues the line.
bool continuesLine(std::size_t t) {
    switch (t) {
    case L::COMMA: case L::DOT: case L::COLON: case L::ARROW: case L::ASSIGN:
    case L::PLUS_ASSIGN: case L::MINUS_ASSIGN: case L::STAR_ASSIGN: case L::SLASH_ASSIGN:
    case L::EQ: case L::NE: case L::LT: case L::LE: case L::GT: case L::GE:
    case L::PLUS: case L::MINUS: case L::STAR: case L::SLASH: case L::DSLASH:
    case L::PERCENT: case L::AND: case L::OR: case L::NOT: case L::IN: case L::AWAIT:
    case L::YIELD:
        return true;
    default:
        return false;
    }
}

// Tokens that can only continue the previous line's statement.
bool joinsPreviousLine(std::size_t t) {
    return t == L::DOT || t == L::ELIF || t == L::ELSE || t == L::CATCH || t == L::FINALLY ||
           t == L::RBRACE;
}

// After these, a '{' starts a map literal rather than a block.
bool expectsOperand(std::size_t t) {
    switch (t) {
    case L::ASSIGN: case L::PLUS_ASSIGN: case L::MINUS_ASSIGN: case L::STAR_ASSIGN:
    case L::SLASH_ASSIGN: case L::LPAREN: case L::LBRACK: case L::MAP_LBRACE: case L::COMMA:
    case L::COLON: case L::YIELD: case L::RETURN: case L::AWAIT: case L::EQ: case L::NE:
    case L::LT: case L::LE: case L::GT: case L::GE: case L::PLUS: case L::MINUS: case L::STAR:
    case L::SLASH: case L::DSLASH: case L::PERCENT: case L::AND: case L::OR: case L::NOT:
    case L::IN:
        return true;
    default:
        return false;
    }
}

std::string_view openerText(Bracket b) {
    switch (b) {
    case Bracket::Paren: return "(";
    case Bracket::Square: return "[";
    case Bracket::Block: return "{";
    case Bracket::Map: return "{";
    }
    return "(";
}

std::string_view closerText(Bracket b) {
    switch (b) {
    case Bracket::Paren: return ")";
    case Bracket::Square: return "]";
    case Bracket::Block: return "}";
    case Bracket::Map: return "}";
    }
    return ")";
}

std::string_view openerWhat(Bracket b) {
    switch (b) {
    case Bracket::Paren: return "parenthesis";
    case Bracket::Square: return "bracket";
    case Bracket::Block: return "block";
    case Bracket::Map: return "map literal";
    }
    return "bracket";
}

std::string quoteChars(std::string_view text) {
    char32_t cp = 0;
    if (text.size() <= 4 && decodeUtf8(text, 0, cp) == text.size() && (cp < 0x20 || cp > 0x7E)) {
        return fmt::format("U+{:04X}", static_cast<unsigned>(cp));
    }
    return fmt::format("'{}'", text);
}

class TokenPass {
public:
    TokenPass(FileId file, std::string_view text, LexOptions options, DiagnosticEngine& diags)
        : file_(file), text_(text), options_(options), diags_(diags) {}

    LexedTokens run();

private:
    bool reportLexicalErrors();
    bool checkBrackets();
    void filter(LexedTokens& out);

    FileId file_;
    std::string_view text_;
    LexOptions options_;
    DiagnosticEngine& diags_;
    std::vector<std::unique_ptr<antlr4::Token>> raw_;
    std::vector<Location> rawLocations_;
    std::vector<Bracket> braceKind_; // per raw token: what a '{' opens
};

LexedTokens TokenPass::run() {
    LexedTokens out;
    // The generated lexer object only serves as the tokens' source (ANTLR's recovery asks
    // a token for it); the scanning itself is scanner.cpp's.
    out.input = std::make_unique<antlr4::ANTLRInputStream>(std::string());
    out.lexer = std::make_unique<L>(out.input.get());
    out.lexer->removeErrorListeners();
    out.vocabulary = &out.lexer->getVocabulary();
    const std::pair<antlr4::TokenSource*, antlr4::CharStream*> source{out.lexer.get(),
                                                                      out.input.get()};
    const std::vector<RawToken> scanned = scanTokens(text_);
    raw_.reserve(scanned.size());
    rawLocations_.reserve(scanned.size());
    for (const RawToken& t : scanned) {
        auto token = std::make_unique<antlr4::CommonToken>(source, t.type,
                                                           antlr4::Token::DEFAULT_CHANNEL,
                                                           t.begin, t.end);
        if (t.type != static_cast<std::size_t>(antlr4::Token::EOF)) {
            token->setText(std::string(text_.substr(t.begin, t.end - t.begin)));
        }
        raw_.push_back(std::move(token));
        rawLocations_.push_back(
            {file_, t.begin + options_.baseOffset, t.end + options_.baseOffset});
    }
    if (!reportLexicalErrors() || !checkBrackets()) {
        return out;
    }
    filter(out);
    out.ok = true;
    return out;
}

bool TokenPass::reportLexicalErrors() {
    bool ok = true;
    for (std::size_t i = 0; i < raw_.size(); ++i) {
        const std::size_t type = raw_[i]->getType();
        if (type == L::UNTERMINATED_STRING) {
            ok = false;
            diags_.error(rawLocations_[i], "unterminated string literal")
                .note("a string must end with its opening quote on the same line");
        } else if (type == L::ERROR_CHAR) {
            ok = false;
            std::size_t j = i;
            while (j + 1 < raw_.size() && raw_[j + 1]->getType() == L::ERROR_CHAR &&
                   rawLocations_[j + 1].begin == rawLocations_[j].end) {
                ++j;
            }
            Location where = rawLocations_[i].to(rawLocations_[j]);
            std::string_view chars = text_.substr(where.begin - options_.baseOffset,
                                                  where.end - where.begin);
            auto& d = diags_.error(where, fmt::format("unexpected character{} {}",
                                                      i == j ? "" : "s", quoteChars(chars)));
            if (chars == "!") {
                d.note("use 'not' for negation").fixIt(where, "not ");
            } else if (chars == "&&" || chars == "&") {
                d.note("use 'and' for logical and").fixIt(where, "and");
            } else if (chars == "||" || chars == "|") {
                d.note("use 'or' for logical or").fixIt(where, "or");
            } else if (chars == "\\") {
                d.note("lines continue by themselves inside (), [] and after an operator");
            }
            i = j;
        }
    }
    return ok;
}

bool TokenPass::checkBrackets() {
    braceKind_.assign(raw_.size(), Bracket::Block);
    std::vector<Open> stack;
    int prefixRun = 0;
    int savedRuns = 0;
    std::size_t previous = options_.expression ? static_cast<std::size_t>(L::LPAREN)
                                               : static_cast<std::size_t>(L::NL);
    for (std::size_t i = 0; i < raw_.size(); ++i) {
        const std::size_t type = raw_[i]->getType();
        if (type == L::NL) {
            continue;
        }
        const bool prefix = type == L::NOT || type == L::AWAIT ||
                            ((type == L::MINUS || type == L::PLUS) && !endsOperand(previous));
        const bool binaryNot = type == L::NOT && endsOperand(previous);
        prefixRun = prefix && !binaryNot ? prefixRun + 1 : 0;

        auto depth = [&] {
            return options_.baseDepth + static_cast<int>(stack.size()) + savedRuns + prefixRun;
        };
        if (type == L::LPAREN || type == L::LBRACK || type == L::LBRACE) {
            // At block level ':' only precedes a type (`let x: T`), so `x: {` is a
            // mistyped block (`if x: {`), not a map.
            const bool blockLevel = stack.empty() || stack.back().kind == Bracket::Block;
            const bool map = expectsOperand(previous) && !(previous == L::COLON && blockLevel);
            Bracket kind = type == L::LPAREN   ? Bracket::Paren
                           : type == L::LBRACK ? Bracket::Square
                           : map               ? Bracket::Map
                                               : Bracket::Block;
            braceKind_[i] = kind;
            stack.push_back({kind, i, prefixRun});
            savedRuns += prefixRun;
            prefixRun = 0;
        } else if (type == L::RPAREN || type == L::RBRACK || type == L::RBRACE) {
            const Bracket want = type == L::RPAREN ? Bracket::Paren
                                 : type == L::RBRACK ? Bracket::Square
                                                     : Bracket::Block;
            if (stack.empty()) {
                diags_.error(rawLocations_[i],
                             fmt::format("unexpected '{}' with no matching '{}'",
                                         closerText(want), openerText(want)));
                return false;
            }
            const Open open = stack.back();
            const bool matches = open.kind == want ||
                                 (want == Bracket::Block && open.kind == Bracket::Map);
            if (!matches) {
                diags_.error(rawLocations_[i],
                             fmt::format("expected '{}' to close the {} opened here, found '{}'",
                                         closerText(open.kind), openerWhat(open.kind),
                                         closerText(want)))
                    .note(rawLocations_[open.token],
                          fmt::format("'{}' opened here", openerText(open.kind)));
                return false;
            }
            stack.pop_back();
            savedRuns -= open.savedPrefixRun;
            prefixRun = 0;
        }
        if (depth() > kMaxNesting) {
            diags_.error(rawLocations_[i], fmt::format("nesting too deep (limit {})", kMaxNesting))
                .note("split the expression or block into smaller pieces, e.g. with 'let' "
                      "or a helper def");
            return false;
        }
        previous = type == L::LBRACE && braceKind_[i] == Bracket::Map
                       ? static_cast<std::size_t>(L::MAP_LBRACE)
                       : type;
    }
    if (!stack.empty()) {
        const Open open = stack.back();
        // Point just after the last real token, not at an empty last line.
        Location where = rawLocations_.back();
        for (std::size_t i = raw_.size(); i-- > 0;) {
            if (raw_[i]->getType() != L::NL && raw_[i]->getType() != antlr4::Token::EOF) {
                where = {rawLocations_[i].file, rawLocations_[i].end, rawLocations_[i].end};
                break;
            }
        }
        diags_.error(where,
                     fmt::format("expected '{}' to close the {} opened here",
                                 closerText(open.kind), openerWhat(open.kind)))
            .note(rawLocations_[open.token],
                  fmt::format("'{}' opened here and never closed", openerText(open.kind)));
        return false;
    }
    return true;
}

void TokenPass::filter(LexedTokens& out) {
    // What the innermost open bracket is; newlines count only at block level.
    std::vector<Bracket> stack;
    std::size_t previous = static_cast<std::size_t>(options_.expression ? L::LPAREN : L::NL);
    std::unique_ptr<antlr4::Token> pendingNewline;
    Location pendingLocation;
    out.tokens.reserve(raw_.size());
    out.locations.reserve(raw_.size());
    for (std::size_t i = 0; i < raw_.size(); ++i) {
        auto& token = raw_[i];
        const std::size_t type = token->getType();
        const bool blockLevel =
            !options_.expression && (stack.empty() || stack.back() == Bracket::Block);
        if (type == L::NL) {
            if (blockLevel && !pendingNewline && previous != L::NL && previous != L::SEMI &&
                previous != L::LBRACE && !continuesLine(previous)) {
                pendingNewline = std::move(token);
                pendingLocation = rawLocations_[i];
            }
            continue;
        }
        if (pendingNewline) {
            if (!joinsPreviousLine(type) && type != antlr4::Token::EOF) {
                out.tokens.push_back(std::move(pendingNewline));
                out.locations.push_back(pendingLocation);
            }
            pendingNewline.reset();
        }
        switch (type) {
        case L::LPAREN:
            stack.push_back(Bracket::Paren);
            break;
        case L::LBRACK:
            stack.push_back(Bracket::Square);
            break;
        case L::LBRACE:
            stack.push_back(braceKind_[i]);
            if (braceKind_[i] == Bracket::Map) {
                static_cast<antlr4::CommonToken*>(token.get())->setType(L::MAP_LBRACE);
            }
            break;
        case L::RPAREN:
        case L::RBRACK:
        case L::RBRACE:
            if (!stack.empty()) {
                stack.pop_back();
            }
            break;
        default:
            break;
        }
        previous = token->getType();
        out.tokens.push_back(std::move(token));
        out.locations.push_back(rawLocations_[i]);
    }
}

} // namespace

LexedTokens lexSource(FileId file, std::string_view text, LexOptions options,
                      DiagnosticEngine& diags) {
    return TokenPass(file, text, options, diags).run();
}

std::string tokenTypeDescription(std::size_t type, const antlr4::dfa::Vocabulary& vocabulary) {
    switch (type) {
    case antlr4::Token::EOF:
        return "end of file";
    case L::NL:
        return "end of line";
    case L::IDENT:
        return "a name";
    case L::INT:
    case L::FLOAT:
        return "a number";
    case L::STRING:
    case L::RSTRING:
    case L::FSTRING:
        return "a string";
    case L::MAP_LBRACE:
        return "'{'";
    default:
        break;
    }
    std::string literal = vocabulary.getLiteralName(type);
    if (literal.size() >= 2 && literal.front() == '\'' && std::isalpha(static_cast<unsigned char>(literal[1]))) {
        return "keyword " + literal;
    }
    if (!literal.empty()) {
        return literal;
    }
    return vocabulary.getDisplayName(type);
}

std::string describeToken(const antlr4::Token* token, const antlr4::dfa::Vocabulary& vocabulary) {
    if (token == nullptr) {
        return "end of file";
    }
    const std::size_t type = token->getType();
    switch (type) {
    case antlr4::Token::EOF:
        return "end of file";
    case L::NL:
        return "end of line";
    case L::IDENT:
        return fmt::format("name '{}'", token->getText());
    case L::INT:
    case L::FLOAT:
        return fmt::format("number {}", token->getText());
    case L::STRING:
    case L::RSTRING:
    case L::FSTRING:
        return "string literal";
    default:
        return tokenTypeDescription(type, vocabulary);
    }
}

std::string dumpTokens(const LexedTokens& lexed, const SourceFile& source) {
    std::string out;
    for (std::size_t i = 0; i < lexed.tokens.size(); ++i) {
        const auto& token = lexed.tokens[i];
        const LineColumn at = source.lineColumn(lexed.locations[i].begin);
        std::string name = lexed.vocabulary->getSymbolicName(token->getType());
        if (token->getType() == antlr4::Token::EOF) {
            name = "EOF";
        }
        std::string text = token->getType() == L::NL || token->getType() == antlr4::Token::EOF
                               ? std::string()
                               : token->getText();
        out += fmt::format("{}:{} {}{}{}\n", at.line, at.column, name, text.empty() ? "" : " ",
                           text);
    }
    return out;
}

} // namespace spiderc::frontend
