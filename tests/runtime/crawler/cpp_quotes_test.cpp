// The cpp_quotes sample binary end to end against the fixture server: the exact item set
// (expected items computed independently with parsel from the generated pages), feeds,
// command line, exit codes and signals.
#include "data/json.h"
#include "data/value.h"
#include "fixtures/fixture_server.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using spider::testing::FixtureServer;

fs::path scratchDir(const std::string& name) {
    auto dir = fs::temp_directory_path() /
               ("spider-cpp-quotes-" + name + "-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir;
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::size_t countLines(const fs::path& path) {
    std::string text = readFile(path);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A running cpp_quotes with its stdout and stderr in files.
class Process {
  public:
    Process(std::vector<std::string> args, const fs::path& dir)
        : out_(dir / "stdout")
        , err_(dir / "stderr") {
        args.insert(args.begin(), SPIDER_CPP_QUOTES);
        std::vector<char*> argv;
        for (auto& arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            int out = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int err = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(out, 1);
            ::dup2(err, 2);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ~Process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    // The exit status (or 128 + signal), or nullopt if still running after `timeout`.
    std::optional<int> wait(std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            int status = 0;
            pid_t done = ::waitpid(pid_, &status, WNOHANG);
            if (done == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            if (std::chrono::steady_clock::now() > deadline)
                return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }
    void signal(int signo) { ::kill(pid_, signo); }
    std::string out() const { return readFile(out_); }
    std::string err() const { return readFile(err_); }

  private:
    pid_t pid_ = -1;
    fs::path out_;
    fs::path err_;
};

int run(std::vector<std::string> args, const fs::path& dir, std::string* err = nullptr,
        std::string* out = nullptr) {
    Process process(std::move(args), dir);
    std::optional<int> status = process.wait(std::chrono::seconds(60));
    if (err)
        *err = process.err();
    if (out)
        *out = process.out();
    REQUIRE(status.has_value());
    return *status;
}

const std::string& site(int pages) {
    static std::map<int, std::string> sites;
    auto it = sites.find(pages);
    if (it == sites.end()) {
        it = sites
                 .emplace(pages, spider::testing::generateSite(
                                     scratchDir("site" + std::to_string(pages)), pages))
                 .first;
    }
    return it->second;
}

spider::testing::FixtureServerOptions siteOptions(int pages) {
    spider::testing::FixtureServerOptions options;
    options.siteDir = site(pages);
    return options;
}

// "/p/7.html" for any spelling of that page's URL ("http://127.0.0.1:N/p/%37.html?").
std::string pagePath(std::string url) {
    std::size_t path = url.find('/', url.find("//") + 2);
    url = url.substr(path);
    url = url.substr(0, url.find_first_of("?#"));
    std::string decoded;
    for (std::size_t i = 0; i < url.size(); ++i) {
        if (url[i] == '%' && i + 2 < url.size()) {
            decoded += static_cast<char>(std::stoi(url.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            decoded += url[i];
        }
    }
    for (std::size_t at; (at = decoded.find("/./")) != std::string::npos;)
        decoded.erase(at, 2);
    return decoded;
}

// One comparable key per item: [text, author, tags, page path].
std::string itemKey(const spider::Value& item) {
    const spider::ValueMap& fields = item.asMap();
    spider::ValueList key{*fields.find("text"), *fields.find("author"), *fields.find("tags"),
                          spider::Value(pagePath(fields.find("page")->asString()))};
    return spider::toJson(spider::Value(std::move(key)));
}

spider::Value parseJsonOrFail(std::string_view text) {
    spider::JsonParseResult parsed = spider::parseJson(text);
    INFO(parsed.error.describe() << " in: " << std::string(text.substr(0, 200)));
    REQUIRE(parsed.value.has_value());
    return std::move(*parsed.value);
}

std::vector<std::string> jsonLinesKeys(const std::string& text) {
    std::vector<std::string> keys;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        keys.push_back(itemKey(parseJsonOrFail(line)));
    }
    return keys;
}

std::vector<std::string> jsonArrayKeys(const std::string& text) {
    std::vector<std::string> keys;
    spider::Value array = parseJsonOrFail(text);
    for (const spider::Value& item : array.asList())
        keys.push_back(itemKey(item));
    return keys;
}

// The expected items, from the site's files with parsel (Scrapy's selector library), as
// JSON Lines: what the quotes spider must scrape, one item per quote of every page.
std::multiset<std::string> expectedKeys(const std::string& siteDir, const fs::path& dir) {
    fs::path script = dir / "expected.py";
    std::ofstream(script) << R"py(
import json, os, sys
from parsel import Selector
site = sys.argv[1]
for name in sorted(os.listdir(os.path.join(site, "p"))):
    with open(os.path.join(site, "p", name), encoding="utf-8") as f:
        page = Selector(text=f.read())
    for q in page.css("div.quote"):
        print(json.dumps({"text": q.css("span.text::text").get(),
                          "author": q.xpath(".//small[@class='author']/text()").get(),
                          "tags": q.css("a.tag::text").getall(),
                          "page": "http://x/p/" + name}))
)py";
    fs::path out = dir / "expected.jl";
    std::string command = std::string(SPIDER_PYTHON) + " '" + script.string() + "' '" + siteDir +
                          "' > '" + out.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    std::vector<std::string> keys = jsonLinesKeys(readFile(out));
    return {keys.begin(), keys.end()};
}

} // namespace

TEST_CASE("cpp_quotes scrapes exactly the quotes of every page of the site") {
    fs::path dir = scratchDir("full");
    FixtureServer server(siteOptions(300));
    std::string err;
    int status = run({"-a", "base=" + server.url(""), "-O", (dir / "items.jl").string(),
                      "--stats-json", (dir / "stats.json").string(), "-L", "INFO"},
                     dir, &err);
    INFO(err.substr(err.size() > 3000 ? err.size() - 3000 : 0));
    CHECK(status == 0);
    std::vector<std::string> crawled = jsonLinesKeys(readFile(dir / "items.jl"));
    std::multiset<std::string> got(crawled.begin(), crawled.end());
    std::multiset<std::string> expected = expectedKeys(site(300), dir);
    CHECK(expected.size() == 3000);
    CHECK(got.size() == 3000);
    CHECK(got == expected);

    spider::Value stats = parseJsonOrFail(readFile(dir / "stats.json"));
    CHECK(stats.asMap().find("finish_reason")->asString() == "finished");
    CHECK(stats.asMap().find("item_scraped_count")->asInt() == 3000);
    CHECK(stats.asMap().find("response_received_count")->asInt() == 300);
    CHECK(server.hits("/p/299.html") == 1);
    CHECK(err.find("Crawled 0 pages (at 0 pages/min), scraped 0 items (at 0 items/min)") !=
          std::string::npos);
    CHECK(err.find("Dumping crawl stats:") != std::string::npos);
    CHECK(err.find("Spider closed (finished)") != std::string::npos);
}

TEST_CASE("cpp_quotes -o appends to a feed and -O overwrites it, in JSON and CSV") {
    fs::path dir = scratchDir("feeds");
    FixtureServer server(siteOptions(300));
    std::vector<std::string> common = {
        "-a", "base=" + server.url(""), "-s", "CLOSESPIDER_PAGECOUNT=2",
        "-s", "concurrent_requests=1",  "-L", "WARNING"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = common;
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    fs::path json = dir / "items.json";
    fs::path csv = dir / "items.csv";
    CHECK(run(with({"-O", json.string(), "-O", csv.string()}), dir) == 0);
    std::size_t first = jsonArrayKeys(readFile(json)).size();
    CHECK(first >= 20);
    CHECK(run(with({"-o", json.string(), "-o", csv.string()}), dir) == 0);
    std::size_t both = jsonArrayKeys(readFile(json)).size();
    CHECK(both > first);
    std::string csvText = readFile(csv);
    CHECK(csvText.rfind("text,author,tags,page\r\n", 0) == 0);
    CHECK(csvText.find("text,author,tags,page", 1) == std::string::npos);
    CHECK(run(with({"-O", json.string()}), dir) == 0);
    CHECK(jsonArrayKeys(readFile(json)).size() < both);
}

TEST_CASE("cpp_quotes rejects a bad command line with status 2 and explains --help") {
    fs::path dir = scratchDir("cli");
    std::string err;
    std::string out;
    CHECK(run({"--help"}, dir, &err, &out) == 0);
    CHECK(out.find("-a NAME=VALUE") != std::string::npos);
    CHECK(out.find("base") != std::string::npos);
    CHECK(out.find("Exit status:") != std::string::npos);
    CHECK(run({"-s", "CONCURRENT_REQUESTS=many"}, dir, &err) == 2);
    CHECK(err.find("concurrent_requests") != std::string::npos);
    CHECK(run({"-a", "bsae=x"}, dir, &err) == 2);
    CHECK(err.find("did you mean base?") != std::string::npos);
    CHECK(run({"--frobnicate"}, dir, &err) == 2);
    CHECK(run({"-s", "NO_SUCH_SETTING=1"}, dir, &err) == 2);
    CHECK(run({"quotes", "--version"}, dir, &err, &out) == 0);
    CHECK(run({"other-spider"}, dir, &err) == 2);
}

TEST_CASE("cpp_quotes exits 1 when its feed cannot be written") {
    fs::path dir = scratchDir("badfeed");
    std::string err;
    CHECK(run({"-O", (dir / "no" / "such" / "dir" / "items.jl").string()}, dir, &err) == 1);
    CHECK(err.find("items.jl") != std::string::npos);
}

TEST_CASE("SIGINT mid-crawl leaves complete, valid feeds of everything scraped") {
    fs::path dir = scratchDir("sigint");
    FixtureServer server(siteOptions(1000));
    fs::path jl = dir / "items.jl";
    fs::path json = dir / "items.json";
    Process crawl({"-a", "base=" + server.url(""), "-O", jl.string(), "-O", json.string(),
                   "--stats-json", (dir / "stats.json").string(), "-s", "CONCURRENT_REQUESTS=2"},
                  dir);
    // Interrupt once the crawl is under way.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (countLines(jl) < 50 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    crawl.signal(SIGINT);
    std::optional<int> status = crawl.wait(std::chrono::seconds(20));
    REQUIRE(status.has_value());
    CHECK(*status == 130);
    std::string err = crawl.err();
    CHECK(err.find("Received SIGINT, shutting down gracefully") != std::string::npos);
    CHECK(err.find("Spider closed (shutdown)") != std::string::npos);

    std::vector<std::string> lines = jsonLinesKeys(readFile(jl));
    std::vector<std::string> array = jsonArrayKeys(readFile(json));
    spider::Value stats = parseJsonOrFail(readFile(dir / "stats.json"));
    std::int64_t scraped = stats.asMap().find("item_scraped_count")->asInt();
    CHECK(stats.asMap().find("finish_reason")->asString() == "shutdown");
    CHECK(static_cast<std::int64_t>(lines.size()) == scraped);
    CHECK(static_cast<std::int64_t>(array.size()) == scraped);
    CHECK(scraped >= 50);
    CHECK(scraped < 10000);
    std::multiset<std::string> fromLines(lines.begin(), lines.end());
    std::multiset<std::string> fromArray(array.begin(), array.end());
    CHECK(fromLines == fromArray);
    CHECK(std::set<std::string>(lines.begin(), lines.end()).size() == lines.size());
}

TEST_CASE("a second SIGINT stops a crawl waiting on a slow download at once") {
    fs::path dir = scratchDir("sigint2");
    FixtureServer server(siteOptions(300));
    fs::path json = dir / "items.json";
    // The start URL is base + "/p/0.html": here a page whose first byte comes after 30 s.
    Process crawl({"-a", "base=" + server.url("/slow-first-byte?delay=30&x="), "-O", json.string()},
                  dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    crawl.signal(SIGINT);
    // Graceful: the download in flight is waited for.
    CHECK_FALSE(crawl.wait(std::chrono::milliseconds(700)).has_value());
    auto before = std::chrono::steady_clock::now();
    crawl.signal(SIGINT);
    std::optional<int> status = crawl.wait(std::chrono::seconds(5));
    REQUIRE(status.has_value());
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(1));
    CHECK(*status == 130);
    CHECK(crawl.err().find("forcing unclean shutdown") != std::string::npos);
    CHECK(jsonArrayKeys(readFile(json)).empty());
}

TEST_CASE("SIGTERM shuts down gracefully with status 143") {
    fs::path dir = scratchDir("sigterm");
    FixtureServer server(siteOptions(300));
    Process crawl({"-a", "base=" + server.url("/slow-first-byte?delay=1&x=")}, dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    crawl.signal(SIGTERM);
    std::optional<int> status = crawl.wait(std::chrono::seconds(10));
    REQUIRE(status.has_value());
    CHECK(*status == 143);
    CHECK(crawl.err().find("Received SIGTERM") != std::string::npos);
}
