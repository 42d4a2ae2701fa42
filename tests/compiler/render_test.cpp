#include "diagnostics/render.h"

#include <catch2/catch.hpp>

using namespace spiderc;

namespace {

struct Fixture {
    SourceManager sources;
    FileId file;
    DiagnosticEngine diags{sources};
    explicit Fixture(std::string text) : file(sources.add("t.spider", std::move(text))) {}
    Location at(std::uint32_t begin, std::uint32_t end) const { return {file, begin, end}; }
};

} // namespace

TEST_CASE("a diagnostic renders as file:line:col, the source line and a caret range") {
    Fixture f("let a = 1\nlet bad = respone\n");
    f.diags.error(f.at(20, 27), "unknown name 'respone'");
    CHECK(renderAllText(f.diags) == "t.spider:2:11: error: unknown name 'respone'\n"
                                    "let bad = respone\n"
                                    "          ^~~~~~~\n");
}

TEST_CASE("a fix-it on the diagnostic's line is printed under the caret") {
    Fixture f("if x: {\n");
    f.diags.error(f.at(4, 5), "expected '{'").fixIt(f.at(4, 5), " {");
    CHECK(renderAllText(f.diags) == "t.spider:1:5: error: expected '{'\n"
                                    "if x: {\n"
                                    "    ^\n"
                                    "     {\n");
}

TEST_CASE("notes follow their diagnostic, with or without a location") {
    Fixture f("{\n}\n");
    f.diags.error(f.at(2, 3), "problem").note(f.at(0, 1), "opened here").note("a hint");
    CHECK(renderAllText(f.diags) == "t.spider:2:1: error: problem\n}\n^\n"
                                    "t.spider:1:1: note: opened here\n{\n^\n"
                                    "note: a hint\n");
}

TEST_CASE("colour escape codes appear only when colour is asked for") {
    Fixture f("x\n");
    f.diags.error(f.at(0, 1), "bad");
    CHECK(renderAllText(f.diags).find('\x1b') == std::string::npos);
    CHECK(renderAllText(f.diags, TextStyle{true}).find("\x1b[1;31merror:") != std::string::npos);
}

TEST_CASE("tabs and multi-byte characters keep the caret under the right character") {
    Fixture f("\tlet \xc3\xa9t\xc3\xa9 = x\n");
    // 'x' is at byte 13: column 12 counting characters (the tab counts as one).
    f.diags.error(f.at(13, 14), "here");
    CHECK(renderAllText(f.diags) == "t.spider:1:12: error: here\n"
                                    "    let \xc3\xa9t\xc3\xa9 = x\n"
                                    "              ^\n");
}

TEST_CASE("a very long line is cut to a window around the caret") {
    std::string line(5000, 'a');
    Fixture f(line + "\n");
    f.diags.error(f.at(4000, 4001), "far");
    const std::string text = renderAllText(f.diags);
    CHECK(text.rfind("t.spider:1:4001: error: far\n...", 0) == 0);
    CHECK(text.size() < 500);
}

TEST_CASE("a range spanning lines is underlined to the end of its first line") {
    Fixture f("abc\ndef\n");
    f.diags.error(f.at(1, 6), "multi");
    CHECK(renderAllText(f.diags) == "t.spider:1:2: error: multi\nabc\n ^~\n");
}

TEST_CASE("JSON output has positions, notes and fix-its and escapes strings") {
    Fixture f("say \"hi\"\n");
    f.diags.warning(f.at(4, 8), "quote \"x\"\tand\\").note("n").fixIt(f.at(4, 8), "'hi'");
    CHECK(renderAllJson(f.diags) ==
          "{\"severity\":\"warning\",\"message\":\"quote \\\"x\\\"\\tand\\\\\",\"file\":"
          "\"t.spider\",\"line\":1,\"column\":5,\"end_line\":1,\"end_column\":9,\"notes\":"
          "[{\"message\":\"n\",\"file\":null,\"line\":null,\"column\":null}],\"fixits\":"
          "[{\"file\":\"t.spider\",\"line\":1,\"column\":5,\"end_line\":1,\"end_column\":9,"
          "\"replacement\":\"'hi'\"}]}\n");
}

TEST_CASE("invalid UTF-8 in JSON strings becomes U+FFFD") {
    CHECK(jsonQuote("a\xff") == "\"a\\ufffd\"");
}

TEST_CASE("warnings alone do not count as errors") {
    Fixture f("x\n");
    f.diags.warning(f.at(0, 1), "w");
    CHECK_FALSE(f.diags.hadErrors());
    CHECK(renderSummary(f.diags) == "1 warning generated.");
    f.diags.error(f.at(0, 1), "e");
    CHECK(f.diags.hadErrors());
    CHECK(renderSummary(f.diags) == "1 error and 1 warning generated.");
}

TEST_CASE("diagnostics are rendered in source order") {
    Fixture f("a\nb\n");
    f.diags.error(f.at(2, 3), "second");
    f.diags.error(f.at(0, 1), "first");
    const std::string text = renderAllText(f.diags);
    CHECK(text.find("first") < text.find("second"));
}

TEST_CASE("the error limit drops further errors and says so once") {
    SourceManager sources;
    const FileId file = sources.add("t.spider", "x\n");
    DiagnosticEngine diags(sources, 3);
    for (int i = 0; i < 10; ++i) {
        diags.error({file, 0, 1}, "e").note("dropped notes are harmless");
    }
    CHECK(diags.errorCount() == 3);
    REQUIRE(diags.diagnostics().size() == 4);
    CHECK(diags.diagnostics().back().message == "too many errors; stopping after 3");
}

TEST_CASE("line and column lookups handle CRLF, lone CR and offsets past the end") {
    SourceFile file("t", "a\r\nb\rc");
    CHECK(file.lineColumn(3).line == 2);
    CHECK(file.lineColumn(5).line == 3);
    CHECK(file.lineText(1) == "a");
    CHECK(file.lineColumn(100).line == 3);
    CHECK(file.lineColumn(100).column == 2);
}
