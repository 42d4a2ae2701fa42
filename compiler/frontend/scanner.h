#pragma once
// Two implementations of the lexical grammar in grammar/SpiderLexer.g4:
//   - scanTokens: a hand-written scanner, the one the front end uses. ANTLR's generated
//     C++ lexer spent about a third of `spiderc check`'s time (DFA locks, a heap token per
//     token, UTF-32 input), which the 200 ms budget for a 10,000-line file cannot afford.
//   - scanTokensWithAntlr: the generated SpiderLexer, kept as the reference.
// tests/compiler/scanner_test.cpp runs both over every test program and over random input
// and requires identical results, so the grammar file stays the specification.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace spiderc::frontend {

// One token: its SpiderLexer type and byte range in the scanned text. Skipped tokens
// (whitespace, comments) are not produced; the last token is EOF (type -1 as size_t).
struct RawToken {
    std::size_t type;
    std::uint32_t begin;
    std::uint32_t end;

    bool operator==(const RawToken&) const = default;
};

// `text` must be valid UTF-8 (checked by source_check first).
std::vector<RawToken> scanTokens(std::string_view text);
std::vector<RawToken> scanTokensWithAntlr(std::string_view text);

} // namespace spiderc::frontend
