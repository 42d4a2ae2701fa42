#include <catch2/catch.hpp>

#include "data/json.h"
#include "engine/stats.h"

using spider::StatsCollector;
using spider::Value;

namespace {

spider::WallTime at(std::int64_t seconds, std::int64_t micros = 0) {
    return spider::WallTime(std::chrono::seconds(seconds) + std::chrono::microseconds(micros));
}

}  // namespace

TEST_CASE("inc counts from zero and keeps a float stat float") {
    StatsCollector stats;
    stats.inc("downloader/request_count");
    stats.inc("downloader/request_count", 2);
    CHECK(stats.getInt("downloader/request_count") == 3);
    stats.set("elapsed", 1.5);
    stats.inc("elapsed");
    CHECK(stats.get("elapsed")->asFloat() == 2.5);
    stats.incFloat("ratio", 0.25);
    CHECK(stats.get("ratio")->asFloat() == 0.25);
    CHECK(stats.getInt("missing", -1) == -1);
    CHECK(stats.get("missing") == nullptr);
}

TEST_CASE("a counter handle counts like inc and survives remove, setTime and clear") {
    StatsCollector stats;
    spider::StatsCounter counter(stats, "downloader/request_count");
    CHECK_FALSE(stats.contains("downloader/request_count"));  // created by the first inc
    counter.inc();
    stats.inc("downloader/request_count", 2);
    counter.inc(4);
    CHECK(stats.getInt("downloader/request_count") == 7);
    stats.set("downloader/request_count", 0.5);
    counter.inc();
    CHECK(stats.get("downloader/request_count")->asFloat() == 1.5);
    stats.remove("downloader/request_count");
    counter.inc();
    CHECK(stats.getInt("downloader/request_count") == 1);
    stats.setTime("downloader/request_count", at(0));
    counter.inc(3);
    CHECK(stats.getInt("downloader/request_count") == 3);
    stats.clear();
    stats.inc("other");
    counter.inc();
    CHECK(stats.getInt("downloader/request_count") == 1);
    CHECK(stats.size() == 2);
}

TEST_CASE("max and min keep the extreme value and set a missing stat") {
    StatsCollector stats;
    stats.max("request_depth_max", 3);
    stats.max("request_depth_max", 1);
    stats.max("request_depth_max", 7);
    CHECK(stats.getInt("request_depth_max") == 7);
    stats.min("fastest", 2.5);
    stats.min("fastest", 4);
    stats.min("fastest", 0.5);
    CHECK(stats.get("fastest")->asFloat() == 0.5);
    stats.max("request_depth_max", 7.5);
    CHECK(stats.get("request_depth_max")->asFloat() == 7.5);
}

TEST_CASE("the stats dump is sorted and formatted like Scrapy's pprint") {
    StatsCollector stats;
    stats.inc("downloader/response_status_count/200", 10);
    stats.inc("downloader/request_count", 10);
    stats.set("finish_reason", "finished");
    stats.set("elapsed_time_seconds", 12.5);
    stats.setTime("start_time", at(1795341600, 123456));  // 2026-11-22 10:00:00.123456
    stats.setTime("finish_time", at(1795341660));
    CHECK(stats.formatDump() ==
          "{'downloader/request_count': 10,\n"
          " 'downloader/response_status_count/200': 10,\n"
          " 'elapsed_time_seconds': 12.5,\n"
          " 'finish_reason': 'finished',\n"
          " 'finish_time': datetime.datetime(2026, 11, 22, 10, 1),\n"
          " 'start_time': datetime.datetime(2026, 11, 22, 10, 0, 0, 123456)}");
    StatsCollector small;
    small.inc("a");
    small.set("b", "it's");
    CHECK(small.formatDump() == "{'a': 1, 'b': \"it's\"}");
}

TEST_CASE("the stats JSON is an object with sorted keys and ISO times") {
    StatsCollector stats;
    stats.inc("item_scraped_count", 5);
    stats.set("finish_reason", "finished");
    stats.setTime("start_time", at(1795341600, 5));
    CHECK(stats.toJsonText() ==
          R"({"finish_reason":"finished","item_scraped_count":5,"start_time":"2026-11-22T10:00:00.000005Z"})");
    auto parsed = spider::parseJson(stats.toJsonText());
    REQUIRE(parsed);
    CHECK(parsed.value->asMap().find("item_scraped_count")->asInt() == 5);
}

TEST_CASE("setting a key replaces a time of the same name and remove drops either") {
    StatsCollector stats;
    stats.setTime("t", at(0));
    stats.set("t", 1);
    CHECK_FALSE(stats.getTime("t"));
    CHECK(stats.getInt("t") == 1);
    stats.setTime("t", at(0));
    CHECK(stats.get("t") == nullptr);
    stats.remove("t");
    CHECK_FALSE(stats.contains("t"));
    CHECK(stats.size() == 0);
}

TEST_CASE("the log-stats line computes per-minute rates from two snapshots") {
    spider::CrawlProgress before{100, 900};
    spider::CrawlProgress now{160, 1000};
    CHECK(spider::formatLogStatsLine(before, now, 60.0) ==
          "Crawled 160 pages (at 60 pages/min), scraped 1000 items (at 100 items/min)");
    CHECK(spider::formatLogStatsLine(before, now, 30.0) ==
          "Crawled 160 pages (at 120 pages/min), scraped 1000 items (at 200 items/min)");
    // 7 pages in 9 s is 46.67 pages/min, which Scrapy's %d prints as 46.
    CHECK(spider::formatLogStatsLine({0, 0}, {7, 1}, 9.0) ==
          "Crawled 7 pages (at 46 pages/min), scraped 1 items (at 6 items/min)");
    CHECK(spider::formatLogStatsLine({}, {}, 60.0) ==
          "Crawled 0 pages (at 0 pages/min), scraped 0 items (at 0 items/min)");
    CHECK(spider::formatLogStatsLine({5, 5}, {9, 9}, 0.0) ==
          "Crawled 9 pages (at 0 pages/min), scraped 9 items (at 0 items/min)");
}

TEST_CASE("progress is read from Scrapy's counters") {
    StatsCollector stats;
    stats.inc("response_received_count", 4);
    stats.inc("item_scraped_count", 9);
    auto progress = spider::progressOf(stats);
    CHECK(progress.pages == 4);
    CHECK(progress.items == 9);
}

TEST_CASE("the process's resident memory is readable") {
    CHECK(spider::currentRssBytes() > 0);
    CHECK(spider::peakRssBytes() >= spider::currentRssBytes() / 2);
}
