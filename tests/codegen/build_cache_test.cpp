// spiderc build's content-hash cache (compiler/build/build.h): hits compile nothing, outputs
// are hard links into the cache, an entry rewritten through such a link is rebuilt, failed
// compiles never become entries. The programs are tiny C++ mains (no runtime code pulled in),
// built with the configured compiler against the build tree's runtime.
#include "build/build.h"
#include "build/process.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using spiderc::build::BuildOutcome;
using spiderc::build::BuildRequest;

// A fresh directory for one test's cache and outputs, removed afterwards.
class ScratchDir {
public:
    explicit ScratchDir(const std::string& name)
        : path_(fs::temp_directory_path() /
                ("spiderc-cache-test-" + name + "-" + std::to_string(getpid()))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

BuildRequest request(const ScratchDir& dir, int exitCode) {
    BuildRequest r;
    r.cppCode = "int main() { return " + std::to_string(exitCode) + "; }\n";
    r.stem = "tiny";
    r.output = dir / "tiny";
    r.cacheDir = dir / "cache";
    return r;
}

int runExitCode(const std::string& path) {
    return spiderc::build::runCaptured({path}).exitCode;
}

} // namespace

TEST_CASE("a second build of the same C++ is a cache hit and the output runs") {
    ScratchDir dir("hit");
    const BuildOutcome first = spiderc::build::buildCrawler(request(dir, 7));
    INFO(first.error << first.compilerOutput);
    REQUIRE(first.ok);
    CHECK_FALSE(first.cacheHit);
    CHECK(runExitCode(dir / "tiny") == 7);

    fs::remove(dir / "tiny");
    const BuildOutcome second = spiderc::build::buildCrawler(request(dir, 7));
    REQUIRE(second.ok);
    CHECK(second.cacheHit);
    CHECK(second.executable == first.executable);
    CHECK(runExitCode(dir / "tiny") == 7);

    const BuildOutcome other = spiderc::build::buildCrawler(request(dir, 8));
    REQUIRE(other.ok);
    CHECK_FALSE(other.cacheHit);
    CHECK(runExitCode(dir / "tiny") == 8);
}

TEST_CASE("the output is a hard link to the cached executable, replaced on the next build") {
    ScratchDir dir("link");
    const BuildOutcome first = spiderc::build::buildCrawler(request(dir, 3));
    REQUIRE(first.ok);
    CHECK(fs::equivalent(dir / "tiny", first.executable));
    CHECK(fs::hard_link_count(first.executable) == 2);

    const BuildOutcome other = spiderc::build::buildCrawler(request(dir, 4));
    REQUIRE(other.ok);
    CHECK(fs::equivalent(dir / "tiny", other.executable));
    // The first entry lost its link to the output, and is intact.
    CHECK(fs::hard_link_count(first.executable) == 1);
    CHECK(runExitCode(first.executable) == 3);
}

TEST_CASE("an executable rewritten in place through its output is rebuilt, not handed out") {
    ScratchDir dir("rewrite");
    const BuildOutcome first = spiderc::build::buildCrawler(request(dir, 5));
    REQUIRE(first.ok);
    {
        // What `cp other tiny` does: truncate the existing inode and write other bytes.
        std::ofstream out(dir / "tiny", std::ios::binary | std::ios::trunc);
        out << "#!/bin/sh\nexit 9\n";
    }
    REQUIRE(runExitCode(first.executable) == 9); // the cache entry changed with it

    const BuildOutcome second = spiderc::build::buildCrawler(request(dir, 5));
    INFO(second.error);
    REQUIRE(second.ok);
    CHECK_FALSE(second.cacheHit);
    CHECK(runExitCode(dir / "tiny") == 5);
    CHECK(spiderc::build::buildCrawler(request(dir, 5)).cacheHit);
}

TEST_CASE("C++ that does not compile reports the compiler's first error and leaves no entry") {
    ScratchDir dir("failed");
    BuildRequest broken = request(dir, 0);
    broken.cppCode = "int main() { return undeclared_name; }\n";
    const BuildOutcome outcome = spiderc::build::buildCrawler(broken);
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.compileFailed);
    CHECK_FALSE(fs::exists(outcome.executable));
    CHECK(fs::exists(outcome.cppPath)); // kept for the user to read
    const auto error = spiderc::build::firstCompilerError(outcome.compilerOutput);
    REQUIRE(error);
    CHECK(error->line == 1);
    CHECK(error->message.find("undeclared_name") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "tiny"));
}

TEST_CASE("the first compiler error is parsed from g++ and clang output, paths with colons too") {
    const auto gcc = spiderc::build::firstCompilerError(
        "In file included from a.cpp:1:\n"
        "/tmp/x:y/quotes.spider:12:5: error: 'foo' was not declared in this scope\n"
        "b.cpp:3:1: error: later\n");
    REQUIRE(gcc);
    CHECK(gcc->file == "/tmp/x:y/quotes.spider");
    CHECK(gcc->line == 12);
    CHECK(gcc->column == 5);
    CHECK(gcc->message == "'foo' was not declared in this scope");
    const auto fatal = spiderc::build::firstCompilerError(
        "q.cpp:2:10: fatal error: 'dsl/dsl.h' file not found\n");
    REQUIRE(fatal);
    CHECK(fatal->line == 2);
    CHECK(fatal->message == "'dsl/dsl.h' file not found");
    CHECK_FALSE(spiderc::build::firstCompilerError("q.cpp:1:1: warning: unused\n"));
}
