#include "frontend/syntax_errors.h"

#include "frontend/lexer.h"

#include "SpiderLexer.h"
#include "SpiderParser.h"

#include <fmt/format.h>

namespace spiderc::frontend {
namespace {

using L = grammar::SpiderLexer;
using P = grammar::SpiderParser;

bool isExpressionStart(std::size_t t) {
    switch (t) {
    case L::IDENT: case L::SPIDER: case L::ITEM: case L::ARG: case L::SETTINGS: case L::INT:
    case L::FLOAT: case L::STRING: case L::RSTRING: case L::FSTRING: case L::TRUE:
    case L::FALSE: case L::NONE: case L::LPAREN: case L::LBRACK: case L::MAP_LBRACE:
    case L::MINUS: case L::PLUS: case L::NOT: case L::AWAIT:
        return true;
    default:
        return false;
    }
}

// Tokens that could continue an expression that is already complete; when the expected
// set also holds a terminator they are noise in a message.
bool continuesExpression(std::size_t t) {
    switch (t) {
    case L::DOT: case L::LPAREN: case L::LBRACK: case L::STAR: case L::SLASH: case L::DSLASH:
    case L::PERCENT: case L::PLUS: case L::MINUS: case L::EQ: case L::NE: case L::LT:
    case L::LE: case L::GT: case L::GE: case L::IN: case L::NOT: case L::AND: case L::OR:
    case L::ASSIGN: case L::PLUS_ASSIGN: case L::MINUS_ASSIGN: case L::STAR_ASSIGN:
    case L::SLASH_ASSIGN: case L::QUESTION:
        return true;
    default:
        return false;
    }
}

bool isNameToken(std::size_t t) {
    return t == L::IDENT || t == L::SPIDER || t == L::ITEM || t == L::ARG || t == L::SETTINGS;
}

bool isHardKeyword(std::size_t t) { return t >= L::ASYNC && t <= L::NONE; }

std::string joinAlternatives(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out += i + 1 == items.size() ? " or " : ", ";
        }
        out += items[i];
    }
    return out;
}

std::string describeExpected(const antlr4::misc::IntervalSet& expected,
                             const antlr4::dfa::Vocabulary& vocabulary) {
    std::vector<std::size_t> types;
    for (ssize_t t : expected.toList()) {
        if (t >= 0 || t == static_cast<ssize_t>(antlr4::Token::EOF)) {
            types.push_back(static_cast<std::size_t>(t));
        }
    }
    std::size_t expressionStarts = 0;
    bool statementEnd = false;
    bool terminator = false;
    for (std::size_t t : types) {
        expressionStarts += isExpressionStart(t) ? 1 : 0;
        statementEnd = statementEnd || t == L::NL || t == L::SEMI;
        terminator = terminator || t == L::RPAREN || t == L::RBRACK || t == L::RBRACE ||
                     t == L::COMMA || t == L::NL || t == L::SEMI || t == L::COLON;
    }
    std::vector<std::string> parts;
    bool sawName = false;
    if (expressionStarts >= 4) {
        parts.push_back("an expression");
    }
    if (statementEnd) {
        parts.push_back("end of statement");
    }
    for (std::size_t t : types) {
        if ((expressionStarts >= 4 && isExpressionStart(t)) || t == L::NL || t == L::SEMI) {
            continue;
        }
        if (terminator && continuesExpression(t)) {
            continue;
        }
        if (statementEnd && t == L::RBRACE) {
            continue; // "end of statement" covers closing the block
        }
        if (isNameToken(t)) {
            if (!sawName) {
                parts.push_back("a name");
                sawName = true;
            }
            continue;
        }
        parts.push_back(tokenTypeDescription(t, vocabulary));
    }
    if (parts.size() > 6) {
        parts.resize(6);
    }
    return joinAlternatives(parts);
}

// The innermost rule the parser is in, skipping the helper rules that say nothing.
std::size_t contextRule(antlr4::Parser* parser) {
    antlr4::ParserRuleContext* ctx = parser->getContext();
    while (ctx != nullptr && ctx->getRuleIndex() == P::RuleName) {
        ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent);
    }
    return ctx == nullptr ? static_cast<std::size_t>(P::RuleProgram) : ctx->getRuleIndex();
}

bool isBracket(std::size_t t) {
    return t == L::LPAREN || t == L::RPAREN || t == L::LBRACK || t == L::RBRACK ||
           t == L::LBRACE || t == L::MAP_LBRACE || t == L::RBRACE;
}

} // namespace

SyntaxErrorStrategy::SyntaxErrorStrategy(const std::vector<Location>& locations,
                                         std::vector<std::size_t> types, DiagnosticEngine& diags,
                                         bool field)
    : locations_(locations), types_(std::move(types)), diags_(diags), field_(field) {
    depths_.reserve(types_.size());
    int depth = 0;
    for (std::size_t t : types_) {
        if (t == L::RPAREN || t == L::RBRACK || t == L::RBRACE) {
            --depth;
        }
        depths_.push_back(depth);
        if (t == L::LPAREN || t == L::LBRACK || t == L::LBRACE || t == L::MAP_LBRACE) {
            ++depth;
        }
    }
}

void SyntaxErrorStrategy::recover(antlr4::Parser* parser, std::exception_ptr) {
    antlr4::TokenStream* stream = parser->getTokenStream();
    const auto start = static_cast<std::ptrdiff_t>(stream->index());
    if (start == lastRecoverIndex_ && types_[static_cast<std::size_t>(start)] !=
                                          static_cast<std::size_t>(antlr4::Token::EOF)) {
        // No rule made progress since the last recovery: move on by one token.
        parser->consume();
    }
    const std::size_t first = stream->index();
    // The rule that caught the error gives up; if it opened a bracket that is still open,
    // skip through its closer, so the enclosing rule continues in step with the brackets.
    if (antlr4::ParserRuleContext* ctx = parser->getContext(); ctx && ctx->getStart()) {
        const std::size_t start = ctx->getStart()->getTokenIndex();
        if (start < first && first < depths_.size()) {
            const int base = depths_[start];
            std::size_t opener = types_.size();
            for (std::size_t i = start; i < first; ++i) {
                const std::size_t t = types_[i];
                if (depths_[i] == base && (t == L::LPAREN || t == L::LBRACK || t == L::LBRACE ||
                                           t == L::MAP_LBRACE)) {
                    opener = i;
                    break;
                }
            }
            std::size_t closer = opener;
            for (std::size_t i = opener + 1; i < types_.size(); ++i) {
                const std::size_t t = types_[i];
                if (depths_[i] == base && (t == L::RPAREN || t == L::RBRACK || t == L::RBRACE)) {
                    closer = i;
                    break;
                }
            }
            if (opener < types_.size() && closer > opener && closer >= first) {
                while (stream->index() <= closer) {
                    parser->consume();
                }
                lastRecoverIndex_ = static_cast<std::ptrdiff_t>(stream->index());
                return;
            }
        }
    }
    const int depth = first < depths_.size() ? depths_[first] : 0;
    while (true) {
        const std::size_t i = stream->index();
        const std::size_t t = types_[i];
        if (t == static_cast<std::size_t>(antlr4::Token::EOF)) {
            break;
        }
        if ((t == L::NL || t == L::SEMI) && depths_[i] <= depth) {
            break;
        }
        if ((t == L::RPAREN || t == L::RBRACK || t == L::RBRACE) && depths_[i] < depth) {
            break;
        }
        // A closer at the error's own depth ends a bracket opened after the error (and
        // skipped with it), unless the error is at that closer itself.
        if ((t == L::RPAREN || t == L::RBRACK || t == L::RBRACE) && depths_[i] == depth &&
            i == first) {
            break;
        }
        parser->consume();
    }
    lastRecoverIndex_ = static_cast<std::ptrdiff_t>(stream->index());
}

void SyntaxErrorStrategy::sync(antlr4::Parser*) {}

bool SyntaxErrorStrategy::singleTokenInsertion(antlr4::Parser* parser) {
    const antlr4::misc::IntervalSet expected = getExpectedTokens(parser);
    for (ssize_t t : expected.toList()) {
        if (t >= 0 && isBracket(static_cast<std::size_t>(t))) {
            return false;
        }
    }
    return DefaultErrorStrategy::singleTokenInsertion(parser);
}

antlr4::Token* SyntaxErrorStrategy::singleTokenDeletion(antlr4::Parser* parser) {
    if (isBracket(parser->getCurrentToken()->getType())) {
        return nullptr;
    }
    return DefaultErrorStrategy::singleTokenDeletion(parser);
}


Location SyntaxErrorStrategy::locationOf(const antlr4::Token* token) const {
    const auto index = token->getTokenIndex();
    if (index >= locations_.size()) {
        return locations_.empty() ? Location{} : locations_.back();
    }
    // At end of file, point just after the last real token rather than past the last line.
    if (token->getType() == antlr4::Token::EOF && index > 0) {
        const Location previous = locations_[index - 1];
        return {previous.file, previous.end, previous.end};
    }
    return locations_[index];
}

void SyntaxErrorStrategy::reportNoViableAlternative(antlr4::Parser* parser,
                                                    const antlr4::NoViableAltException& e) {
    report(parser, e.getOffendingToken(), e.getExpectedTokens(), false);
}

void SyntaxErrorStrategy::reportInputMismatch(antlr4::Parser* parser,
                                              const antlr4::InputMismatchException& e) {
    report(parser, e.getOffendingToken(), e.getExpectedTokens(), false);
}

void SyntaxErrorStrategy::reportFailedPredicate(antlr4::Parser* parser,
                                                const antlr4::FailedPredicateException& e) {
    report(parser, e.getOffendingToken(), parser->getExpectedTokens(), false);
}

void SyntaxErrorStrategy::reportUnwantedToken(antlr4::Parser* parser) {
    if (inErrorRecoveryMode(parser)) {
        return;
    }
    beginErrorCondition(parser);
    report(parser, parser->getCurrentToken(), getExpectedTokens(parser), true);
}

void SyntaxErrorStrategy::reportMissingToken(antlr4::Parser* parser) {
    if (inErrorRecoveryMode(parser)) {
        return;
    }
    beginErrorCondition(parser);
    report(parser, parser->getCurrentToken(), getExpectedTokens(parser), false);
}

void SyntaxErrorStrategy::report(antlr4::Parser* parser, antlr4::Token* offending,
                                 const antlr4::misc::IntervalSet& expected, bool extraneous) {
    const auto index = static_cast<std::ptrdiff_t>(offending->getTokenIndex());
    if (index <= suppressThrough_) {
        return;
    }
    ++errors_;
    // Everything up to the end of this statement is likely a consequence of this error.
    suppressThrough_ = index;
    for (std::size_t i = static_cast<std::size_t>(index); i < types_.size(); ++i) {
        suppressThrough_ = static_cast<std::ptrdiff_t>(i);
        if (types_[i] == L::NL || types_[i] == L::SEMI || types_[i] == L::RBRACE ||
            types_[i] == antlr4::Token::EOF) {
            break;
        }
    }

    const Location where = locationOf(offending);
    const std::size_t type = offending->getType();
    auto isEof = [](const antlr4::Token* t) {
        return t->getType() == static_cast<std::size_t>(antlr4::Token::EOF);
    };
    const std::string found = field_ && isEof(offending)
                                  ? std::string("the end of the f-string field")
                                  : describeToken(offending, parser->getVocabulary());
    const std::size_t rule = contextRule(parser);
    const std::size_t previous =
        index > 0 ? types_[static_cast<std::size_t>(index) - 1] : static_cast<std::size_t>(L::NL);

    if (type == L::COLON && expected.contains(static_cast<std::size_t>(L::LBRACE))) {
        diags_.error(where, "expected '{' to start the block, found ':'")
            .note("blocks are written in braces: 'if x { ... }', not 'if x:'")
            .fixIt(where, " {");
        return;
    }
    if (type == L::ASSIGN && expected.contains(static_cast<std::size_t>(L::LBRACE))) {
        diags_.error(where, "expected '{' after the condition, found '='")
            .note("to compare two values, use '=='")
            .fixIt(where, "==");
        return;
    }
    if (type == L::IF && previous == L::ELSE) {
        const Location elseLoc = locations_[static_cast<std::size_t>(index) - 1];
        diags_.error(elseLoc.to(where), "'else if' is written 'elif'").fixIt(elseLoc.to(where),
                                                                               "elif");
        return;
    }
    if (isHardKeyword(type) && expected.contains(static_cast<std::size_t>(L::IDENT)) && !isExpressionStart(type)) {
        diags_.error(where, fmt::format("expected a name, found {}", found))
            .note(fmt::format("'{}' is a reserved word and cannot be used as a name",
                              offending->getText()));
        return;
    }
    if (rule == P::RuleProgram || rule == P::RuleTopDecl) {
        auto& d = diags_.error(where,
                               fmt::format("expected a declaration ('spider', 'item', 'def' or "
                                           "'async def'), found {}",
                                           found));
        if (type == L::LET || type == L::IF || type == L::FOR || type == L::WHILE ||
            type == L::RETURN || type == L::YIELD || isNameToken(type)) {
            d.note("statements and variables belong inside a def or a spider");
        }
        return;
    }
    if (rule == P::RuleSpiderDecl || rule == P::RuleSpiderMember) {
        auto& d = diags_.error(
            where, fmt::format("expected a spider member ('arg', 'let', 'settings', 'item', "
                               "'def' or 'name = value'), found {}",
                               found));
        if (type == L::IF || type == L::FOR || type == L::WHILE || type == L::RETURN ||
            type == L::YIELD || type == L::TRY || type == L::AWAIT) {
            d.note("statements belong inside a def");
        }
        return;
    }
    if (extraneous) {
        diags_.error(where, fmt::format("unexpected {}", found));
        return;
    }
    const std::string wanted = describeExpected(expected, parser->getVocabulary());
    if (wanted.empty()) {
        diags_.error(where, fmt::format("unexpected {}", found));
        return;
    }
    auto& d = diags_.error(where, fmt::format("expected {}, found {}", wanted, found));
    if (expected.contains(static_cast<std::size_t>(L::NL)) && isExpressionStart(type)) {
        d.note("separate statements with a new line or ';'");
    } else if (expected.contains(static_cast<std::size_t>(L::COMMA)) && expected.contains(static_cast<std::size_t>(L::RPAREN)) &&
               isExpressionStart(type)) {
        d.note("arguments are separated by ','");
    }
}

} // namespace spiderc::frontend
