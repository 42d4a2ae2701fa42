#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

#include "data/json.h"
#include "engine/log.h"
#include "engine/stats.h"
#include "feeds/feed.h"

using spider::Feed;
using spider::FeedFormat;
using spider::FeedSpec;
using spider::Item;
using spider::Value;
using spider::ValueList;
using spider::ValueMap;

namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() /
               ("spider-feed-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    static int& counter() {
        static int n = 0;
        return n;
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Item quote(int n) {
    return Item(ValueMap{{"n", n}, {"text", "quote " + std::to_string(n)}, {"tags", ValueList{"a", "b"}}});
}

void writeFeed(const FeedSpec& spec, int from, int to) {
    Feed feed(spec);
    REQUIRE_FALSE(feed.open());
    for (int n = from; n < to; ++n) REQUIRE_FALSE(feed.exportItem(quote(n)));
    REQUIRE_FALSE(feed.close());
    CHECK(feed.itemCount() == static_cast<std::size_t>(to - from));
}

std::vector<int> jsonArrayNumbers(const std::string& text) {
    auto parsed = spider::parseJson(text);
    INFO(text);
    REQUIRE(parsed);
    std::vector<int> numbers;
    for (const Value& item : parsed.value->asList()) {
        numbers.push_back(static_cast<int>(item.asMap().find("n")->asInt()));
    }
    return numbers;
}

}  // namespace

TEST_CASE("the feed format comes from the extension or a :format suffix") {
    auto parse = [](std::string_view arg) {
        auto result = spider::parseFeedArgument(arg, false);
        INFO(result.error);
        REQUIRE(result.spec);
        return *result.spec;
    };
    CHECK(parse("items.jl").format == FeedFormat::JsonLines);
    CHECK(parse("items.jsonl").format == FeedFormat::JsonLines);
    CHECK(parse("out/items.JSON").format == FeedFormat::Json);
    CHECK(parse("items.csv").format == FeedFormat::Csv);
    CHECK(parse("items").format == FeedFormat::JsonLines);
    CHECK(parse("v1.2/items").format == FeedFormat::JsonLines);
    FeedSpec suffixed = parse("items.txt:csv");
    CHECK(suffixed.target == "items.txt");
    CHECK(suffixed.format == FeedFormat::Csv);
    FeedSpec stdoutJson = parse("-:json");
    CHECK(stdoutJson.target == "-");
    CHECK(stdoutJson.format == FeedFormat::Json);
    CHECK(parse("-").format == FeedFormat::JsonLines);
    CHECK(spider::parseFeedArgument("items.txt:xml", true).error ==
          "unknown feed format 'xml' in 'items.txt:xml' (known: jsonlines, jl, json, csv)");
    CHECK_FALSE(spider::parseFeedArgument("", true).spec);
    CHECK(spider::parseFeedArgument("x.csv", true).spec->overwrite);
}

TEST_CASE("overwriting with -O and appending with -o work for JSON Lines") {
    TempDir dir;
    std::string path = dir.file("items.jl");
    writeFeed({path, FeedFormat::JsonLines, true}, 0, 2);
    writeFeed({path, FeedFormat::JsonLines, false}, 2, 3);
    CHECK(readFile(path) ==
          "{\"n\":0,\"text\":\"quote 0\",\"tags\":[\"a\",\"b\"]}\n"
          "{\"n\":1,\"text\":\"quote 1\",\"tags\":[\"a\",\"b\"]}\n"
          "{\"n\":2,\"text\":\"quote 2\",\"tags\":[\"a\",\"b\"]}\n");
    writeFeed({path, FeedFormat::JsonLines, true}, 7, 8);
    CHECK(readFile(path) == "{\"n\":7,\"text\":\"quote 7\",\"tags\":[\"a\",\"b\"]}\n");
}

TEST_CASE("appending to a JSON feed continues its array so the file stays valid JSON") {
    TempDir dir;
    std::string path = dir.file("items.json");
    writeFeed({path, FeedFormat::Json, true}, 0, 2);
    CHECK(jsonArrayNumbers(readFile(path)) == std::vector<int>{0, 1});
    writeFeed({path, FeedFormat::Json, false}, 2, 4);
    CHECK(jsonArrayNumbers(readFile(path)) == std::vector<int>{0, 1, 2, 3});
    writeFeed({path, FeedFormat::Json, false}, 4, 4);
    CHECK(jsonArrayNumbers(readFile(path)) == std::vector<int>{0, 1, 2, 3});
    writeFeed({path, FeedFormat::Json, true}, 0, 0);
    CHECK(readFile(path) == "[\n]\n");
    writeFeed({path, FeedFormat::Json, false}, 9, 10);
    CHECK(jsonArrayNumbers(readFile(path)) == std::vector<int>{9});
}

TEST_CASE("a JSON feed cut off by a crash holds every item written and can be continued") {
    TempDir dir;
    std::string path = dir.file("items.json");
    // The child process writes two items and dies without closing the feed.
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        Feed feed({path, FeedFormat::Json, true});
        bool ok = !feed.open() && !feed.exportItem(quote(0)) && !feed.exportItem(quote(1));
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    std::string cut = readFile(path);
    CHECK_FALSE(spider::parseJson(cut));
    CHECK(jsonArrayNumbers(cut + "\n]") == std::vector<int>{0, 1});
    writeFeed({path, FeedFormat::Json, false}, 2, 3);
    CHECK(jsonArrayNumbers(readFile(path)) == std::vector<int>{0, 1, 2});
}

TEST_CASE("appending to a file that is not a JSON array is refused") {
    TempDir dir;
    std::string path = dir.file("items.json");
    std::ofstream(path) << "{\"not\": \"an array\"}\n";
    Feed feed({path, FeedFormat::Json, false});
    auto error = feed.open();
    REQUIRE(error);
    CHECK(*error == "feed " + path + ": cannot append: the file does not hold a JSON array");
    CHECK(readFile(path) == "{\"not\": \"an array\"}\n");
}

TEST_CASE("appending to a CSV feed reuses its header instead of writing another") {
    TempDir dir;
    std::string path = dir.file("items.csv");
    writeFeed({path, FeedFormat::Csv, true}, 0, 1);
    writeFeed({path, FeedFormat::Csv, false}, 1, 2);
    CHECK(readFile(path) == "n,text,tags\r\n0,quote 0,\"a,b\"\r\n1,quote 1,\"a,b\"\r\n");
    // Columns follow the existing header, whatever the new items' field order.
    {
        Feed feed({path, FeedFormat::Csv, false});
        REQUIRE_FALSE(feed.open());
        REQUIRE_FALSE(feed.exportItem(Item(ValueMap{{"tags", ValueList{"z"}}, {"n", 5}})));
        REQUIRE_FALSE(feed.close());
    }
    CHECK(readFile(path).substr(readFile(path).rfind("1,quote 1")) == "1,quote 1,\"a,b\"\r\n5,,z\r\n");
}

TEST_CASE("a full disk is reported as a clear error, not a crash or a silent loss") {
    REQUIRE(fs::exists("/dev/full"));
    SECTION("JSON Lines fails on the first item") {
        Feed feed({"/dev/full", FeedFormat::JsonLines, false});
        REQUIRE_FALSE(feed.open());
        auto error = feed.exportItem(quote(0));
        REQUIRE(error);
        CHECK(*error == "feed /dev/full: write failed: No space left on device");
        CHECK(feed.failed());
        CHECK(feed.exportItem(quote(1)) == error);
        CHECK(feed.close() == error);
    }
    SECTION("JSON fails when writing its opening bracket") {
        Feed feed({"/dev/full", FeedFormat::Json, true});
        auto error = feed.open();
        REQUIRE(error);
        CHECK(error->find("No space left on device") != std::string::npos);
    }
}

TEST_CASE("a feed that cannot be opened says why") {
    Feed feed({"/nonexistent-dir/items.jl", FeedFormat::JsonLines, true});
    auto error = feed.open();
    REQUIRE(error);
    CHECK(*error == "feed /nonexistent-dir/items.jl: cannot open: No such file or directory");
}

TEST_CASE("buffered feeds write nothing until flushed, then everything") {
    TempDir dir;
    std::string path = dir.file("items.jl");
    spider::FeedOptions options;
    options.flushEveryItem = false;
    Feed feed({path, FeedFormat::JsonLines, true}, options);
    REQUIRE_FALSE(feed.open());
    REQUIRE_FALSE(feed.exportItem(quote(0)));
    CHECK(readFile(path).empty());
    REQUIRE_FALSE(feed.flush());
    CHECK(readFile(path) == "{\"n\":0,\"text\":\"quote 0\",\"tags\":[\"a\",\"b\"]}\n");
    REQUIRE_FALSE(feed.close());
}

TEST_CASE("feed exports count successes, failures and write errors in Scrapy's stats") {
    TempDir dir;
    spider::StatsCollector stats;
    std::vector<std::string> lines;
    spider::Logger logger([&](std::string_view line) { lines.emplace_back(line); });
    spider::FeedExports feeds({{dir.file("good.csv"), FeedFormat::Csv, true},
                               {"/dev/full", FeedFormat::JsonLines, true}},
                              {}, stats, &logger);
    CHECK(feeds.open().empty());
    auto errors = feeds.exportItem(quote(1));
    REQUIRE(errors.size() == 1);
    CHECK(feeds.anyFailed());
    // The failed feed is skipped afterwards; the healthy one keeps receiving items.
    CHECK(feeds.exportItem(quote(2)).empty());
    CHECK(feeds.close().size() == 1);
    CHECK(stats.getInt("feedexport/write_error_count") == 1);
    CHECK(stats.getInt("feedexport/success_count/FileFeedStorage") == 1);
    CHECK(stats.getInt("feedexport/failed_count/FileFeedStorage") == 1);
    CHECK(readFile(dir.file("good.csv")) == "n,text,tags\r\n1,quote 1,\"a,b\"\r\n2,quote 2,\"a,b\"\r\n");
    bool storedLine = false;
    for (const auto& line : lines) {
        storedLine = storedLine ||
                     line.find("INFO: Stored csv feed (2 items) in: " + dir.file("good.csv")) !=
                         std::string::npos;
    }
    CHECK(storedLine);
}

TEST_CASE("the feed encoding setting maps to JSON escaping") {
    CHECK(spider::feedEnsureAsciiFor("utf-8") == false);
    CHECK(spider::feedEnsureAsciiFor("UTF8") == false);
    CHECK(spider::feedEnsureAsciiFor("") == true);
    CHECK_FALSE(spider::feedEnsureAsciiFor("latin-1"));
}
