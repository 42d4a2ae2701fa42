// The hand-written scanner must agree token for token with the lexer ANTLR generates from
// grammar/SpiderLexer.g4, which stays the specification of the lexical grammar.
#include "frontend/scanner.h"

#include "diagnostics/source.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using spiderc::frontend::RawToken;
using spiderc::frontend::scanTokens;
using spiderc::frontend::scanTokensWithAntlr;

namespace {

std::string describe(const std::vector<RawToken>& tokens, std::string_view text) {
    std::ostringstream out;
    for (const RawToken& t : tokens) {
        out << static_cast<long long>(t.type) << "[" << t.begin << "," << t.end << ")'"
            << text.substr(t.begin, t.end - t.begin) << "' ";
    }
    return out.str();
}

void agree(std::string_view text) {
    const auto fast = scanTokens(text);
    const auto reference = scanTokensWithAntlr(text);
    INFO("scanner: " << describe(fast, text));
    INFO("antlr:   " << describe(reference, text));
    CHECK(fast == reference);
}

// The scanner's contract: its input passed the source check (valid UTF-8, no NUL).
bool scannable(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        char32_t cp = 0;
        const std::size_t len = spiderc::decodeUtf8(s, i, cp);
        if (len == 0 || cp == 0) {
            return false;
        }
        i += len;
    }
    return true;
}

} // namespace

TEST_CASE("the scanner agrees with the ANTLR lexer on every test program and sample") {
    int files = 0;
    for (const char* dir : {SPIDERC_TESTS_DIR, SPIDERC_SAMPLES_DIR}) {
        for (const auto& entry : fs::recursive_directory_iterator(dir)) {
            if (entry.path().extension() != ".spider") {
                continue;
            }
            std::ifstream in(entry.path(), std::ios::binary);
            std::ostringstream s;
            s << in.rdbuf();
            const std::string text = s.str();
            if (!scannable(text)) {
                continue; // rejected before scanning
            }
            INFO(entry.path().string());
            agree(text);
            ++files;
        }
    }
    CHECK(files > 100);
}

TEST_CASE("the scanner agrees with the ANTLR lexer on tricky lexemes") {
    for (const char* text :
         {"1.5e+ 1e 1.e5 1e5.5 007 1.5.3 12abc", "f\"x\" r'y' F'z' R\"\\\"\" rf\"a\" fr",
          "\"unterminated\n'also\r\n\"esc\\\n\"ok\\\\\"", "//= /= // / -> -= - += *= == = != !",
          "<= < >= > ( ) [ ] { } , : ; . ? %", "# comment\r\nx # c2\ry", "\xEF\xBB\xBFspider",
          "caf\xC3\xA9 \xE2\x80\x9C \"\xF0\x9F\x95\xB7\" \\", "\t\f  ", "", "a\\", "\"\\\xC3\xA9\"",
          "spider item arg settings async await def let if elif else for in while break "
          "continue return yield try catch finally and or not true false none spiders"}) {
        agree(text);
    }
}

TEST_CASE("the scanner agrees with the ANTLR lexer on random text") {
    const char alphabet[] = "fFrR\"'\\\n\r\t #{}()[]=<>!/-+*.:;,?%0123456789eE_abz";
    std::uint32_t seed = 99;
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        const int length = static_cast<int>(seed % 40);
        for (int i = 0; i < length; ++i) {
            seed = seed * 1664525u + 1013904223u;
            text += alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        seed = seed * 1664525u + 1013904223u;
        REQUIRE(scannable(text));
        agree(text);
    }
}
