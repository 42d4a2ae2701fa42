// The spiderc binary end to end: exit codes, streams, bad paths, output formats.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

struct Result {
    int status = -1;
    std::string out;
    std::string err;
};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "spiderc-driver-XXXXXX").string();
        REQUIRE(mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path write(const std::string& name, const std::string& text) const {
        std::ofstream(path_ / name, std::ios::binary) << text;
        return path_ / name;
    }

private:
    fs::path path_;
};

// Runs spiderc with `args` (already shell-quoted) and captures both streams.
Result spiderc(const TempDir& dir, const std::string& args) {
    const fs::path out = dir.path() / "stdout";
    const fs::path err = dir.path() / "stderr";
    const std::string command = std::string("'") + SPIDERC_BINARY + "' " + args + " >'" +
                                out.string() + "' 2>'" + err.string() + "'";
    const int raw = std::system(command.c_str());
    Result r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

const char* kClean = "spider s {\n    start_urls = [\"http://127.0.0.1:8089/\"]\n"
                     "    async def parse(response) {\n        yield {\"u\": response.url}\n"
                     "    }\n}\n";

} // namespace

TEST_CASE("spiderc --version prints the version and exits 0") {
    TempDir dir;
    auto r = spiderc(dir, "--version");
    CHECK(r.status == 0);
    CHECK(r.out.rfind("spiderc ", 0) == 0);
}

TEST_CASE("spiderc --help and spiderc check --help print usage and exit 0") {
    TempDir dir;
    auto top = spiderc(dir, "--help");
    CHECK(top.status == 0);
    CHECK(top.out.find("usage: spiderc <command>") != std::string::npos);
    auto check = spiderc(dir, "check --help");
    CHECK(check.status == 0);
    CHECK(check.out.find("usage: spiderc check") != std::string::npos);
}

TEST_CASE("usage mistakes exit 2 with a hint") {
    TempDir dir;
    CHECK(spiderc(dir, "").status == 2);
    auto unknown = spiderc(dir, "frobnicate");
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("unknown command 'frobnicate'") != std::string::npos);
    CHECK(spiderc(dir, "check").status == 2);
    auto option = spiderc(dir, "check --bogus x.spider");
    CHECK(option.status == 2);
    CHECK(option.err.find("Try 'spiderc check --help'") != std::string::npos);
}

TEST_CASE("a clean file exits 0 and prints nothing") {
    TempDir dir;
    const auto file = dir.write("ok.spider", kClean);
    auto r = spiderc(dir, "check '" + file.string() + "'");
    CHECK(r.status == 0);
    CHECK(r.err == "");
    CHECK(r.out == "");
}

TEST_CASE("a file with errors exits 1 and reports file:line:col on stderr") {
    TempDir dir;
    const auto file = dir.write("bad.spider", "spider s {\n    start_urls = [nope]\n}\n");
    auto r = spiderc(dir, "check '" + file.string() + "'");
    CHECK(r.status == 1);
    CHECK(r.err.find("bad.spider:2:19: error: unknown name 'nope'") != std::string::npos);
    CHECK(r.err.find("generated.") != std::string::npos);
    CHECK(r.err.find('\x1b') == std::string::npos); // not a terminal: no colour
}

TEST_CASE("a missing file and a directory are clear errors with exit 1") {
    TempDir dir;
    auto missing = spiderc(dir, "check '" + (dir.path() / "nope.spider").string() + "'");
    CHECK(missing.status == 1);
    CHECK(missing.err.find("no such file") != std::string::npos);
    auto directory = spiderc(dir, "check '" + dir.path().string() + "'");
    CHECK(directory.status == 1);
    CHECK(directory.err.find("it is a directory") != std::string::npos);
}

TEST_CASE("every file given is checked, and one bad file makes the run fail") {
    TempDir dir;
    const auto good = dir.write("good.spider", kClean);
    const auto bad = dir.write("bad.spider", "spider {");
    auto r = spiderc(dir, "check '" + good.string() + "' '" + bad.string() + "'");
    CHECK(r.status == 1);
    CHECK(r.err.find("bad.spider:1:9: error: expected '}'") != std::string::npos);
}

TEST_CASE("the JSON error format prints one JSON object per diagnostic on stdout") {
    TempDir dir;
    const auto file = dir.write("bad.spider", "spider s {\n    start_urls = [nope, nada]\n"
                                              "    async def parse(response) {\n"
                                              "        yield {\"u\": response.url}\n    }\n}\n");
    auto r = spiderc(dir, "check --error-format=json '" + file.string() + "'");
    CHECK(r.status == 1);
    CHECK(r.err == "");
    std::istringstream lines(r.out);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        ++count;
        CHECK(line.rfind("{\"severity\":\"error\",\"message\":\"unknown name", 0) == 0);
        CHECK(line.find("\"line\":2") != std::string::npos);
    }
    CHECK(count == 2);
}

TEST_CASE("the AST and token dumps print to stdout") {
    TempDir dir;
    const auto file = dir.write("ok.spider", kClean);
    auto ast = spiderc(dir, "check --dump=ast '" + file.string() + "'");
    CHECK(ast.status == 0);
    CHECK(ast.out.find("Def async parse(response: Response) -> none role=callback generator") !=
          std::string::npos);
    auto tokens = spiderc(dir, "check --dump=tokens '" + file.string() + "'");
    CHECK(tokens.status == 0);
    CHECK(tokens.out.rfind("1:1 SPIDER spider\n", 0) == 0);
}

TEST_CASE("colour can be forced when stderr is not a terminal") {
    TempDir dir;
    const auto file = dir.write("bad.spider", "spider s {\n    start_urls = [nope]\n}\n");
    auto r = spiderc(dir, "check --color=always '" + file.string() + "'");
    CHECK(r.err.find("\x1b[1;31merror:") != std::string::npos);
}

TEST_CASE("the samples check clean through the binary") {
    TempDir dir;
    for (const auto& entry : fs::directory_iterator(SPIDERC_SAMPLES_DIR)) {
        if (entry.path().extension() != ".spider") {
            continue;
        }
        INFO(entry.path().string());
        auto r = spiderc(dir, "check '" + entry.path().string() + "'");
        CHECK(r.status == 0);
        CHECK(r.err == "");
    }
}
