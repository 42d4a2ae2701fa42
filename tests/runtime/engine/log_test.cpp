#include <catch2/catch.hpp>

#include <vector>

#include "engine/log.h"
#include "engine/stats.h"

namespace {

struct Capture {
    std::vector<std::string> lines;
    spider::LogSink sink() {
        return [this](std::string_view line) { lines.emplace_back(line); };
    }
};

spider::WallClock fixedClock() {
    return [] { return spider::WallTime(std::chrono::seconds(1795341600)); };
}

}  // namespace

TEST_CASE("log lines use Scrapy's format") {
    Capture capture;
    spider::Logger logger(capture.sink(), {spider::LogLevel::Debug, true}, fixedClock());
    logger.info("quotes", "Spider opened");
    logger.error("spider.engine", "Error downloading <GET http://x/>");
    REQUIRE(capture.lines.size() == 2);
    CHECK(capture.lines[0] == "2026-11-22 10:00:00 [quotes] INFO: Spider opened");
    CHECK(capture.lines[1] == "2026-11-22 10:00:00 [spider.engine] ERROR: Error downloading <GET http://x/>");
}

TEST_CASE("messages below the level are dropped and counted only when emitted") {
    Capture capture;
    spider::StatsCollector stats;
    spider::Logger logger(capture.sink(), {spider::LogLevel::Warning, true}, fixedClock());
    logger.countInto(&stats);
    logger.debug("s", "hidden");
    logger.info("s", "hidden");
    logger.warning("s", "shown");
    logger.error("s", "shown");
    logger.error("s", "shown");
    CHECK(capture.lines.size() == 3);
    CHECK(stats.getInt("log_count/ERROR") == 2);
    CHECK(stats.getInt("log_count/WARNING") == 1);
    CHECK_FALSE(stats.contains("log_count/DEBUG"));
    logger.setLevel(spider::LogLevel::Debug);
    logger.debug("s", "now shown");
    CHECK(capture.lines.size() == 4);
}

TEST_CASE("log level names parse case-insensitively") {
    CHECK(spider::parseLogLevel("debug") == spider::LogLevel::Debug);
    CHECK(spider::parseLogLevel("INFO") == spider::LogLevel::Info);
    CHECK(spider::parseLogLevel("Warning") == spider::LogLevel::Warning);
    CHECK(spider::parseLogLevel("warn") == spider::LogLevel::Warning);
    CHECK(spider::parseLogLevel("ERROR") == spider::LogLevel::Error);
    CHECK_FALSE(spider::parseLogLevel("loud"));
    CHECK(spider::logLevelName(spider::LogLevel::Critical) == "CRITICAL");
}
