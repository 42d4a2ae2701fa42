// emit --verify: the Clang syntax-only pass accepts valid output and maps errors in broken
// C++ back through #line to the .spider line.
#include "commands/commands.h"
#include "verify/verify.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

spiderc::verify::VerifyOptions runtimeOptions(const std::string& name) {
    spiderc::verify::VerifyOptions options;
    options.fileName = name;
    options.includeDirs = {SPIDER_RUNTIME_INCLUDE};
    options.extraArgs = {"-Wall", "-Wextra"};
    return options;
}

} // namespace

TEST_CASE("the syntax-only pass accepts the C++ emitted for a sample, without warnings") {
    const auto compiled = spiderc::commands::compileToCpp(
        "quotes.spider", readAll(std::string(SPIDERC_SAMPLES_DIR) + "/quotes.spider"), true);
    REQUIRE(compiled.ok);
    const auto result = spiderc::verify::verifyCpp(compiled.cpp, runtimeOptions("quotes.cpp"));
    INFO(spiderc::verify::renderDiagnostics(result));
    CHECK(result.ok);
    CHECK(result.diagnostics.empty());
}

TEST_CASE("an error in C++ generated for a DSL statement is reported at that .spider line") {
    const std::string cpp = "#include <string>\n"
                            "int main() {\n"
                            "#line 12 \"shop.spider\"\n"
                            "    std::string s = 42;\n"
                            "    return 0;\n"
                            "}\n";
    const auto result = spiderc::verify::verifyCpp(cpp, runtimeOptions("shop.cpp"));
    CHECK_FALSE(result.ok);
    REQUIRE_FALSE(result.diagnostics.empty());
    CHECK(result.diagnostics.front().severity == "error");
    CHECK(result.diagnostics.front().file == "shop.spider");
    CHECK(result.diagnostics.front().line == 12);
    CHECK(spiderc::verify::renderDiagnostics(result).rfind("shop.spider:12:", 0) == 0);
}

TEST_CASE("emit --verify passes on a valid program and writes the C++ to -o") {
    const std::string out = (std::filesystem::temp_directory_path() / "spiderc_verify_inline.cpp").string();
    spiderc::commands::EmitOptions options;
    options.file = std::string(SPIDERC_SAMPLES_DIR) + "/inline.spider";
    options.output = out;
    options.verify = true;
    std::ostringstream stdoutText;
    std::ostringstream stderrText;
    CHECK(spiderc::commands::runEmit(options, stdoutText, stderrText) == 0);
    CHECK(stderrText.str().empty());
    CHECK(readAll(out).find("class InlineSpider final : public spider::Spider") != std::string::npos);
    std::filesystem::remove(out);
}

TEST_CASE("emit of a program with errors prints its diagnostics and exits 1") {
    const auto dir = std::filesystem::temp_directory_path() / "spiderc_verify_test";
    std::filesystem::create_directories(dir);
    const std::string file = (dir / "bad.spider").string();
    std::ofstream(file) << "spider bad {\n    start_urls = [\"http://x/\"]\n    async def parse(response) {\n        yield {\"n\": 1 + \"a\"}\n    }\n}\n";
    spiderc::commands::EmitOptions options;
    options.file = file;
    std::ostringstream out;
    std::ostringstream err;
    CHECK(spiderc::commands::runEmit(options, out, err) == 1);
    CHECK(out.str().empty());
    CHECK(err.str().find("bad.spider:4:") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("emit usage errors exit 2") {
    std::ostringstream out;
    std::ostringstream err;
    CHECK(spiderc::commands::emitCommand({}, false, out, err) == 2);
    CHECK(spiderc::commands::emitCommand({"--bogus", "x.spider"}, false, out, err) == 2);
    CHECK(spiderc::commands::buildCommand({"-O3", "x.spider"}, false, out, err) == 2);
    CHECK(spiderc::commands::runCommand({"x.spider", "-a"}, false, out, err) == 2);
}
