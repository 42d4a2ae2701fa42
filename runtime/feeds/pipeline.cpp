#include "feeds/pipeline.h"

#include "data/json.h"
#include "engine/log.h"
#include "engine/stats.h"

namespace spider {

namespace {

std::string describeItem(const Item& item) {
    JsonWriteOptions options;
    options.ensureAscii = false;
    options.spaced = true;
    return toJson(Value(item.fields()), options);
}

}  // namespace

void ItemPipeline::addStage(std::string name, PipelineStageFunction stage) {
    stages_.push_back({std::move(name), std::move(stage)});
}

PipelineResult ItemPipeline::process(Item item, StatsCollector& stats, Logger* logger) const {
    PipelineResult result;
    for (const Stage& stage : stages_) {
        // Kept for the messages: the stage consumes its argument.
        // TODO(perf): a copy per stage while logging; stages could take the item by reference.
        Item before = logger ? item : Item();
        try {
            std::optional<Item> next = stage.function(std::move(item));
            if (!next) {
                result.dropReason = "dropped by pipeline stage '" + stage.name + "'";
            } else {
                item = std::move(*next);
                continue;
            }
        } catch (const DropItem& drop) {
            result.dropReason = drop.what();
        } catch (const std::exception& error) {
            result.error = "pipeline stage '" + stage.name + "' failed: " + error.what();
        } catch (...) {
            result.error = "pipeline stage '" + stage.name + "' failed with an unknown exception";
        }
        if (!result.error.empty()) {
            stats.inc("pipeline/error_count");
            if (logger) logger->error("spider.pipelines", "Error processing " + describeItem(before) + ": " + result.error);
        } else {
            stats.inc("item_dropped_count");
            stats.inc("item_dropped_reasons_count/DropItem");
            if (logger) logger->warning("spider.pipelines", "Dropped: " + result.dropReason + "\n" + describeItem(before));
        }
        return result;
    }
    result.item = std::move(item);
    return result;
}

}  // namespace spider
