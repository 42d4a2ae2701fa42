// Golden tests: every tests/golden/NAME.spider emits exactly tests/golden/NAME.cpp, and
// every sample has its golden. SPIDERC_UPDATE_GOLDENS=1 rewrites the expected files.
#include "build/process.h"
#include "commands/commands.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool updating() {
    const char* v = std::getenv("SPIDERC_UPDATE_GOLDENS");
    return v != nullptr && std::string(v) == "1";
}

std::vector<fs::path> goldenInputs() {
    std::vector<fs::path> inputs;
    for (const auto& entry : fs::directory_iterator(SPIDERC_GOLDEN_DIR)) {
        if (entry.path().extension() == ".spider") inputs.push_back(entry.path());
    }
    std::sort(inputs.begin(), inputs.end());
    return inputs;
}

// The C++ for a golden input, named as the goldens name their source: by file name, so
// the expected output does not depend on the checkout's location.
spiderc::commands::CompiledCpp emitGolden(const fs::path& input) {
    return spiderc::commands::compileToCpp(input.filename().string(), readAll(input), true);
}

} // namespace

TEST_CASE("every golden input emits exactly its expected C++") {
    const auto inputs = goldenInputs();
    REQUIRE(inputs.size() >= 10);
    for (const fs::path& input : inputs) {
        fs::path expectedPath = input;
        expectedPath.replace_extension(".cpp");
        INFO("golden " << input.filename().string());
        const auto compiled = emitGolden(input);
        INFO(compiled.diagnostics);
        REQUIRE(compiled.ok);
        if (updating()) {
            std::ofstream(expectedPath, std::ios::binary | std::ios::trunc) << compiled.cpp;
            continue;
        }
        REQUIRE(fs::exists(expectedPath));
        const std::string expected = readAll(expectedPath);
        if (compiled.cpp != expected) {
            FAIL_CHECK("emitted C++ differs from " << expectedPath.filename().string()
                                                   << " (SPIDERC_UPDATE_GOLDENS=1 rewrites it; "
                                                      "review the diff)");
        }
    }
}

namespace {

std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

} // namespace

TEST_CASE("through #line, every co_yield maps back to its DSL yield statement") {
    // A debugger or a C++ diagnostic on the co_yield must land on the `yield` line, even
    // when the yielded value before it was formatted over several lines.
    std::size_t checked = 0;
    for (const fs::path& input : goldenInputs()) {
        INFO("golden " << input.filename().string());
        const auto compiled = emitGolden(input);
        REQUIRE(compiled.ok);
        const std::vector<std::string> dsl = linesOf(readAll(input));
        const std::string marker = "#line ";
        const std::string dslName = "\"" + input.filename().string() + "\"";
        long mapped = -1; // the DSL line of the current C++ line; -1 outside DSL lines
        for (const std::string& line : linesOf(compiled.cpp)) {
            if (line.rfind(marker, 0) == 0) {
                const bool toDsl = line.find(dslName) != std::string::npos;
                mapped = toDsl ? std::stol(line.substr(marker.size())) - 1 : -1;
                continue;
            }
            if (mapped >= 0) ++mapped;
            if (line.find("co_yield") == std::string::npos || mapped < 0) continue;
            INFO("C++: " << line << " -> DSL line " << mapped);
            REQUIRE(mapped >= 1);
            REQUIRE(static_cast<std::size_t>(mapped) <= dsl.size());
            CHECK(dsl[static_cast<std::size_t>(mapped) - 1].find("yield") != std::string::npos);
            ++checked;
        }
    }
    CHECK(checked >= 20);
}

TEST_CASE("every sample has a golden copy in tests/golden") {
    for (const auto& entry : fs::directory_iterator(SPIDERC_SAMPLES_DIR)) {
        if (entry.path().extension() != ".spider") continue;
        const fs::path golden = fs::path(SPIDERC_GOLDEN_DIR) / entry.path().filename();
        INFO(entry.path().filename().string());
        REQUIRE(fs::exists(golden));
        CHECK(readAll(golden) == readAll(entry.path()));
    }
}

TEST_CASE("emitting the same program twice gives identical bytes") {
    const fs::path input = fs::path(SPIDERC_SAMPLES_DIR) / "catalog.spider";
    const auto a = spiderc::commands::compileToCpp("catalog.spider", readAll(input), true);
    const auto b = spiderc::commands::compileToCpp("catalog.spider", readAll(input), true);
    REQUIRE(a.ok);
    CHECK(a.cpp == b.cpp);
}

TEST_CASE("the generated C++ names the source as given and has no absolute path or date") {
    const fs::path input = fs::path(SPIDERC_SAMPLES_DIR) / "quotes.spider";
    const auto compiled = spiderc::commands::compileToCpp("samples/quotes.spider", readAll(input), true);
    REQUIRE(compiled.ok);
    CHECK(compiled.cpp.rfind("// Generated by spiderc from quotes.spider. Do not edit.\n", 0) == 0);
    CHECK(compiled.cpp.find("#line 19 \"samples/quotes.spider\"") != std::string::npos);
    CHECK(compiled.cpp.find(fs::current_path().string()) == std::string::npos);
    CHECK(compiled.cpp.find(SPIDERC_SAMPLES_DIR) == std::string::npos);
}

TEST_CASE("emitting without line directives leaves out every #line") {
    const fs::path input = fs::path(SPIDERC_SAMPLES_DIR) / "inline.spider";
    const auto compiled = spiderc::commands::compileToCpp("inline.spider", readAll(input), false);
    REQUIRE(compiled.ok);
    CHECK(compiled.cpp.find("#line") == std::string::npos);
    CHECK(compiled.cpp.find("@spiderc") == std::string::npos);
}

TEST_CASE("a program with errors produces diagnostics and no C++") {
    const auto compiled = spiderc::commands::compileToCpp(
        "broken.spider", "spider broken {\n    start_urls = [\"http://x/\"]\n    async def parse(response) {\n        yield respone.url\n    }\n}\n", true);
    CHECK_FALSE(compiled.ok);
    CHECK(compiled.cpp.empty());
    CHECK(compiled.diagnostics.find("broken.spider:4:") != std::string::npos);
}

namespace {

// A 127.0.0.1 port that refuses connections while this object lives: bound, never listened
// on, so a crawler's request to it fails at once with a connection error.
class RefusingPort {
public:
    RefusingPort() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
            port_ = ntohs(address.sin_port);
        }
    }
    ~RefusingPort() {
        if (fd_ >= 0) ::close(fd_);
    }
    RefusingPort(const RefusingPort&) = delete;
    RefusingPort& operator=(const RefusingPort&) = delete;
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

} // namespace

// tests/golden/python_semantics.spider does its work in an errback and yields one item of
// results; each value is what Python gives for the same code (`calls` counts the right
// sides of `or`/`and` that ran: 1 per count(), 100 per slow(), 1000 per flag(); `order` is
// the order in which mark() and stamp() ran: g++ evaluates operands right to left unless
// the generated code orders them).
TEST_CASE("a generated crawler evaluates `and`/`or` and string methods like Python") {
    RefusingPort closed;
    REQUIRE(closed.port() != 0);
    const fs::path work = fs::temp_directory_path() / "spiderc_python_semantics";
    fs::create_directories(work);
    const std::string exe = (work / "python_semantics").string();
    const std::string items = (work / "items.jsonl").string();
    std::ostringstream out;
    std::ostringstream err;
    REQUIRE(spiderc::commands::buildCommand(
                {"-O0", std::string(SPIDERC_GOLDEN_DIR) + "/python_semantics.spider", "-o", exe},
                false, out, err) == 0);
    const auto run = spiderc::build::runCaptured(
        {exe, "-a", "base=http://127.0.0.1:" + std::to_string(closed.port()), "-O", items});
    INFO(run.output);
    CHECK(run.exitCode == 0);
    CHECK(readAll(items) ==
          "{\"a\":\"kept\",\"b\":\"b\",\"c\":\"c\",\"d\":\"x\",\"e\":\"kept\",\"f\":\"f\","
          "\"n\":2.5,\"m\":3,\"both\":\"pkept\",\"xs\":[\"default\"],\"loops\":1013,"
          "\"r\":\"rp\",\"greeting\":\"hello\",\"calls\":3107,\"tries\":2,\"ok\":false,"
          "\"order\":\"123456789A\",\"joined\":\"1234\","
          "\"stamps\":{\"x\":\"5\",\"y\":\"6\",\"z\":\"7\"},\"marks\":[\"89\",\"A\"],"
          "\"failure\":\"ConnectionError\","
          "\"split\":[\"\u00dcn\u00efcode\",\"\u039f\u0394\u039f\u03a3 stra\u00dfe  \"],"
          "\"split_all\":[\"\u00dcn\u00efcode\",\"\u039f\u0394\u039f\u03a3\",\"stra\u00dfe\"],"
          "\"lower\":\"  \u00fcn\u00efcode\u00a0\u03bf\u03b4\u03bf\u03c2 stra\u00dfe  \","
          "\"upper\":\"  \u00dcN\u00cfCODE\u00a0\u039f\u0394\u039f\u03a3 STRASSE  \"}\n");
    fs::remove_all(work);
}
