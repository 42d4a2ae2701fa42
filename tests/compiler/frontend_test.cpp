// The front end's limits and its treatment of bad input, through the checker library.
#include "frontend/frontend.h"
#include "frontend/lexer.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <chrono>

using spiderc::test::check;

namespace {

const std::string kSpiderHead = "spider s {\n    start_urls = [\"http://127.0.0.1:8089/\"]\n"
                                "    async def parse(response) {\n";
const std::string kSpiderTail = "    }\n}\n";

std::string wrap(const std::string& body) { return kSpiderHead + body + kSpiderTail; }

} // namespace

TEST_CASE("invalid UTF-8 is an error at the offending byte") {
    auto r = check("spider s {\n  x = \"\xc3\x28\"\n}\n");
    CHECK(r->module == nullptr);
    CHECK(r->text().rfind("test.spider:2:8: error: invalid UTF-8 (byte 0xC3)", 0) == 0);
}

TEST_CASE("overlong encodings and surrogates are invalid UTF-8") {
    CHECK(check("spider s { \xc0\xaf }")->text().find("invalid UTF-8") != std::string::npos);
    CHECK(check("spider s { \xed\xa0\x80 }")->text().find("invalid UTF-8") != std::string::npos);
}

TEST_CASE("a NUL byte is reported and nothing is parsed") {
    auto r = check(std::string("spider s {\0}", 12));
    CHECK(r->module == nullptr);
    CHECK(r->text().find("error: file contains a NUL byte") != std::string::npos);
}

TEST_CASE("an empty file is an error about the missing spider, not a crash") {
    auto r = check("");
    REQUIRE(r->module != nullptr);
    CHECK(r->text().rfind("test.spider:1:1: error: this file declares no spider", 0) == 0);
}

TEST_CASE("100,000 nested parentheses are a nesting error, not a stack overflow") {
    const std::string deep = std::string(100000, '(') + "1" + std::string(100000, ')');
    auto r = check(wrap("let x = " + deep + "\n"));
    CHECK(r->module == nullptr);
    CHECK(r->text().find("error: nesting too deep (limit 200)") != std::string::npos);
    CHECK(r->diags->errorCount() == 1);
}

TEST_CASE("100,000 nested blocks are a nesting error, not a stack overflow") {
    std::string body;
    for (int i = 0; i < 100000; ++i) {
        body += "if true {\n";
    }
    for (int i = 0; i < 100000; ++i) {
        body += "}\n";
    }
    auto r = check(wrap(body));
    CHECK(r->text().find("error: nesting too deep (limit 200)") != std::string::npos);
}

TEST_CASE("100,000 prefix operators are a nesting error") {
    std::string body = "let x = ";
    for (int i = 0; i < 100000; ++i) {
        body += "not ";
    }
    auto r = check(wrap(body + "true\n"));
    CHECK(r->text().find("error: nesting too deep (limit 200)") != std::string::npos);
}

TEST_CASE("100,000 chained operators and calls are bounded in the tree") {
    std::string sum = "let x = 1";
    std::string calls = "let y = response";
    for (int i = 0; i < 100000; ++i) {
        sum += " + 1";
        calls += ".url";
    }
    auto r = check(wrap(sum + "\n" + calls + "\n"));
    CHECK(r->text().find("error: expression nesting too deep (limit 400)") != std::string::npos);
}

TEST_CASE("nesting just under the limit still checks") {
    const std::string deep = std::string(150, '(') + "1" + std::string(150, ')');
    auto r = check(wrap("let x = " + deep + "\nyield {\"x\": x}\n"));
    CHECK(r->text() == "");
}

TEST_CASE("a 10 MB file is checked completely, without crashing") {
    std::string body;
    int i = 0;
    while (body.size() < 10u * 1024u * 1024u) {
        body += "        yield {\"n\": " + std::to_string(i++) + ", \"u\": response.url}\n";
    }
    const auto start = std::chrono::steady_clock::now();
    auto r = check(wrap(body));
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    CHECK(r->module != nullptr);
    CHECK(r->text() == "");
    // Generous: this is a "does not hang" check; speed is measured in bench/check.
    CHECK(seconds.count() < 60.0);
}

TEST_CASE("a file above the size limit is refused with a clear error") {
    std::string text(spiderc::frontend::kMaxSourceBytes + 1, ' ');
    auto r = check(std::move(text));
    CHECK(r->module == nullptr);
    CHECK(r->text().find("error: file is too large") != std::string::npos);
}

TEST_CASE("random bytes never crash the front end") {
    std::uint32_t seed = 12345;
    for (int round = 0; round < 200; ++round) {
        std::string text;
        for (int i = 0; i < 300; ++i) {
            seed = seed * 1664525u + 1013904223u;
            const char alphabet[] = "spider {}()[]:=.,\"'f#\n\t -+*/<>!x1 yield await def async";
            text += (seed >> 24) % 4 == 0 ? static_cast<char>(seed >> 16)
                                          : alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        auto r = check(text);
        CHECK(r->diags->hadErrors());
    }
}

TEST_CASE("statements continue across lines inside brackets, after operators and before '.'") {
    auto r = check(wrap("let x = (1 +\n    2)\nlet y = x *\n    3\n"
                        "let t = response.css(\"a\")\n    .getall()\n"
                        "yield {\n    \"x\": x,\n    \"y\": y,\n    \"t\": t,\n}\n"));
    CHECK(r->text() == "");
}

TEST_CASE("'else', 'elif', 'catch' and 'finally' may start the next line") {
    auto r = check(wrap("if response.status == 200 {\n    yield {\"a\": 1}\n}\n"
                        "elif response.status == 404 {\n    yield {\"a\": 2}\n}\nelse {\n"
                        "    yield {\"a\": 3}\n}\ntry {\n    await sleep(1)\n}\n"
                        "catch (e: Error) {\n    log.info(\"{}\", e)\n}\nfinally {\n"
                        "    log.info(\"done\")\n}\n"));
    CHECK(r->text() == "");
}

TEST_CASE("a '{' after '=' opens a map literal; after a condition, a block") {
    spiderc::SourceManager sources;
    const auto file = sources.add("t.spider", "let m = {\"a\": 1}\nif m {\n}\n");
    spiderc::DiagnosticEngine diags(sources);
    std::string tokens;
    REQUIRE(spiderc::frontend::dumpTokenStream(sources, file, diags, tokens));
    CHECK(tokens.find("1:9 MAP_LBRACE {") != std::string::npos);
    CHECK(tokens.find("2:6 LBRACE {") != std::string::npos);
    // The newline inside the block after '{' is dropped; the one ending `let` is kept.
    CHECK(tokens.find("1:17 NL") != std::string::npos);
}

TEST_CASE("one syntax mistake gives one error, not a cascade") {
    auto r = check(wrap("if response.status == 200: {\n    yield {\"ok\": true}\n}\n"
                        "let x = 1 +\n"));
    CHECK(r->diags->errorCount() == 2);
}

TEST_CASE("independent syntax errors in different defs are all reported") {
    auto r = check("spider s {\n  start_urls = [\"http://x/\"]\n"
                   "  async def parse(response) {\n    let a = 1 2\n  }\n"
                   "  async def other(response) {\n    let b = (3 4)\n  }\n"
                   "  item Broken {\n    x: str = 1\n  }\n}\n");
    CHECK(r->diags->errorCount() == 3);
}
