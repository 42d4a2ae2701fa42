#pragma once
// Lexing and the token pass: everything between the bytes of a file and the ANTLR parser.
//
//  1. The scanner (scanner.h, the lexical grammar of grammar/SpiderLexer.g4) produces
//     raw tokens.
//  2. Lexical errors (stray characters, unterminated strings) are reported here.
//  3. Brackets are matched and nesting is bounded: ANTLR's recursive descent would overflow
//     the stack on 100,000 nested parentheses, so a nesting deeper than kMaxNesting (open
//     brackets plus runs of prefix operators such as `not`, `-`, `await`) is an error at
//     the offending token and nothing is parsed.
//  4. Newlines: an NL token survives only where it ends a statement (at block level, not
//     after an operator or ',', not before '.', 'elif', 'else', 'catch' or 'finally').
//  5. A '{' that follows a token expecting an operand (`=`, `(`, `,`, `:`, `return`,
//     `yield`, an operator, ...) opens a map literal and is retyped MAP_LBRACE; any other
//     '{' opens a block.
// `locations[i]` is the byte range of `tokens[i]` in the file, and the parser's token index
// is exactly i. Token start/stop indices are byte offsets in the lexed text.
#include "diagnostics/diagnostic_engine.h"

#include <antlr4-runtime.h>

#include <memory>
#include <vector>

namespace spiderc::frontend {

// Deeper than this many open brackets/prefix operators is "nesting too deep". The same
// bound caps the depth of every recursive pass over the AST (transform, sema, dump).
inline constexpr int kMaxNesting = 200;

struct LexedTokens {
    // Keeps the characters the tokens' text is read from.
    std::unique_ptr<antlr4::ANTLRInputStream> input;
    // Tokens point back at their source; ANTLR's error recovery asks it to make tokens.
    std::unique_ptr<antlr4::Lexer> lexer;
    std::vector<std::unique_ptr<antlr4::Token>> tokens; // filtered; the last one is EOF
    std::vector<Location> locations;
    const antlr4::dfa::Vocabulary* vocabulary = nullptr; // the lexer's (static) token names
    bool ok = false; // false: errors were reported and the tokens must not be parsed
};

struct LexOptions {
    std::uint32_t baseOffset = 0;   // byte offset of `text` in its file (f-string fields)
    bool expression = false;        // lexing one expression (an f-string field)
    int baseDepth = 0;              // nesting already used by the enclosing code
};

LexedTokens lexSource(FileId file, std::string_view text, LexOptions options,
                      DiagnosticEngine& diags);

// "1:5 IDENT 'quotes'" per token, for `spiderc check --dump=tokens`.
std::string dumpTokens(const LexedTokens& lexed, const SourceFile& source);

// Human name of a token type for diagnostics: "'}'", "keyword 'def'", "a name", ...
std::string tokenTypeDescription(std::size_t type, const antlr4::dfa::Vocabulary& vocabulary);
// The offending token as people call it: "name 'foo'", "'}'", "end of line", ...
std::string describeToken(const antlr4::Token* token, const antlr4::dfa::Vocabulary& vocabulary);

} // namespace spiderc::frontend
