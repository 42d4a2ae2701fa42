#include <catch2/catch.hpp>

#include "engine/log.h"
#include "engine/stats.h"
#include "feeds/pipeline.h"

using spider::Item;
using spider::ItemPipeline;
using spider::StatsCollector;
using spider::Value;
using spider::ValueMap;

TEST_CASE("pipeline stages run in order and may change the item") {
    ItemPipeline pipeline;
    pipeline.addStage("first", [](Item item) -> std::optional<Item> {
        item.set("trail", "a");
        return item;
    });
    pipeline.addStage("second", [](Item item) -> std::optional<Item> {
        item.set("trail", item.get("trail")->asString() + "b");
        return item;
    });
    StatsCollector stats;
    auto result = pipeline.process(Item(ValueMap{{"x", 1}}), stats);
    REQUIRE(result.item);
    CHECK(result.item->get("trail")->asString() == "ab");
    CHECK(stats.size() == 0);
}

TEST_CASE("a stage returning nothing drops the item and later stages never see it") {
    ItemPipeline pipeline;
    bool laterRan = false;
    pipeline.addStage("no_price", [](Item item) -> std::optional<Item> {
        if (!item.get("price")) return std::nullopt;
        return item;
    });
    pipeline.addStage("later", [&](Item item) -> std::optional<Item> {
        laterRan = true;
        return item;
    });
    StatsCollector stats;
    std::vector<std::string> lines;
    spider::Logger logger([&](std::string_view line) { lines.emplace_back(line); });
    auto result = pipeline.process(Item(ValueMap{{"name", "x"}}), stats, &logger);
    CHECK_FALSE(result.item);
    CHECK(result.dropReason == "dropped by pipeline stage 'no_price'");
    CHECK_FALSE(laterRan);
    CHECK(stats.getInt("item_dropped_count") == 1);
    CHECK(stats.getInt("item_dropped_reasons_count/DropItem") == 1);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("WARNING: Dropped: dropped by pipeline stage 'no_price'\n{\"name\": \"x\"}") !=
          std::string::npos);
}

TEST_CASE("a stage may drop an item with a reason by throwing DropItem") {
    ItemPipeline pipeline;
    pipeline.addStage("dedupe", [](Item) -> std::optional<Item> {
        throw spider::DropItem("Duplicate item found");
    });
    StatsCollector stats;
    auto result = pipeline.process(Item(), stats);
    CHECK_FALSE(result.item);
    CHECK(result.dropReason == "Duplicate item found");
    CHECK(stats.getInt("item_dropped_count") == 1);
}

TEST_CASE("a stage that throws is an error, counted and logged, and not a drop") {
    ItemPipeline pipeline;
    pipeline.addStage("broken", [](Item) -> std::optional<Item> {
        throw std::runtime_error("database is down");
    });
    StatsCollector stats;
    std::vector<std::string> lines;
    spider::Logger logger([&](std::string_view line) { lines.emplace_back(line); });
    logger.countInto(&stats);
    auto result = pipeline.process(Item(ValueMap{{"a", 1}}), stats, &logger);
    CHECK_FALSE(result.item);
    CHECK(result.error == "pipeline stage 'broken' failed: database is down");
    CHECK(stats.getInt("pipeline/error_count") == 1);
    CHECK(stats.getInt("log_count/ERROR") == 1);
    CHECK_FALSE(stats.contains("item_dropped_count"));
}
