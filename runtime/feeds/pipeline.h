#pragma once

// Item pipelines (Scrapy's ITEM_PIPELINES): an ordered list of stages each item passes
// through before the feeds. A stage returns the item (changed or not) to pass it on, or
// std::nullopt to drop it; it may also throw spider::DropItem("reason") as Scrapy's
// pipelines raise DropItem. Any other exception is an error: logged, counted, the item is
// not exported, and the crawl goes on.
//
// Stats (Scrapy's keys): item_dropped_count, item_dropped_reasons_count/DropItem; errors
// count as pipeline/error_count (this runtime's; Scrapy only logs them).

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/item.h"

namespace spider {

class Logger;
class StatsCollector;

class DropItem : public std::runtime_error {
public:
    explicit DropItem(const std::string& reason) : std::runtime_error(reason) {}
};

using PipelineStageFunction = std::function<std::optional<Item>(Item)>;

struct PipelineResult {
    std::optional<Item> item;  // the item to export, when it made it through
    std::string dropReason;    // why it was dropped, when dropped
    std::string error;         // the exception's message, when a stage failed
};

class ItemPipeline {
public:
    // `name` identifies the stage in messages ("dropped by pipeline stage 'dedupe'").
    void addStage(std::string name, PipelineStageFunction stage);
    std::size_t size() const { return stages_.size(); }

    // Runs `item` through every stage in order; counts drops and errors in `stats` and logs
    // them ("Dropped: <reason>" at WARNING, "Error processing <item>" at ERROR) when a
    // logger is given.
    PipelineResult process(Item item, StatsCollector& stats, Logger* logger = nullptr) const;

private:
    struct Stage {
        std::string name;
        PipelineStageFunction function;
    };
    std::vector<Stage> stages_;
};

}  // namespace spider
