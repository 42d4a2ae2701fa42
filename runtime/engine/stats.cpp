#include "engine/stats.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>

#include "data/json.h"
#include "data/python_format.h"

namespace spider {

namespace {

struct UtcParts {
    std::tm tm{};
    long microseconds = 0;
};

UtcParts utcParts(WallTime time) {
    using namespace std::chrono;
    auto sinceEpoch = duration_cast<microseconds>(time.time_since_epoch());
    auto seconds = duration_cast<std::chrono::seconds>(sinceEpoch);
    auto micros = sinceEpoch - seconds;
    if (micros.count() < 0) {
        seconds -= std::chrono::seconds(1);
        micros += std::chrono::seconds(1);
    }
    UtcParts parts;
    std::time_t t = static_cast<std::time_t>(seconds.count());
    gmtime_r(&t, &parts.tm);
    parts.microseconds = static_cast<long>(micros.count());
    return parts;
}

// datetime.datetime(2026, 11, 22, 10, 0, 0, 123456): trailing zero fields are dropped as
// Python's repr drops them.
std::string pythonDatetime(WallTime time) {
    UtcParts p = utcParts(time);
    std::string out = "datetime.datetime(" + std::to_string(p.tm.tm_year + 1900) + ", " +
                      std::to_string(p.tm.tm_mon + 1) + ", " + std::to_string(p.tm.tm_mday) +
                      ", " + std::to_string(p.tm.tm_hour) + ", " + std::to_string(p.tm.tm_min);
    if (p.tm.tm_sec != 0 || p.microseconds != 0) out += ", " + std::to_string(p.tm.tm_sec);
    if (p.microseconds != 0) out += ", " + std::to_string(p.microseconds);
    return out + ")";
}

int compareNumbers(const Value& a, const Value& b) {
    if (a.isInt() && b.isInt()) return a.asInt() < b.asInt() ? -1 : (a.asInt() > b.asInt());
    double x = a.asFloat();
    double y = b.asFloat();
    return x < y ? -1 : (x > y);
}

std::size_t readStatusField(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    std::string prefix = std::string(field) + ":";
    while (std::getline(status, line)) {
        if (line.rfind(prefix, 0) == 0) {
            return static_cast<std::size_t>(std::strtoull(line.c_str() + prefix.size(), nullptr, 10)) *
                   1024;
        }
    }
    return 0;
}

}  // namespace

Value& StatsCollector::counterSlot(std::string_view key) {
    auto it = values_.find(key);
    if (it == values_.end()) it = values_.emplace(std::string(key), Value(std::int64_t{0})).first;
    return it->second;
}

void StatsCounter::inc(std::int64_t by) {
    if (value_ == nullptr || epoch_ != stats_->eraseEpoch_) {
        value_ = &stats_->counterSlot(key_);
        epoch_ = stats_->eraseEpoch_;
    }
    // The same rules as StatsCollector::inc.
    Value& v = *value_;
    if (v.isInt()) {
        v = Value(v.asInt() + by);
    } else if (v.isFloat()) {
        v = Value(v.asFloat() + static_cast<double>(by));
    } else {
        v = Value(by);
    }
}

void StatsCollector::inc(std::string_view key, std::int64_t by) {
    auto it = values_.find(key);
    if (it == values_.end()) {
        values_.emplace(std::string(key), Value(by));
    } else if (it->second.isFloat()) {
        it->second = Value(it->second.asFloat() + static_cast<double>(by));
    } else if (it->second.isInt()) {
        it->second = Value(it->second.asInt() + by);
    } else {
        it->second = Value(by);
    }
}

void StatsCollector::incFloat(std::string_view key, double by) {
    auto it = values_.find(key);
    if (it == values_.end()) {
        values_.emplace(std::string(key), Value(by));
    } else if (it->second.isNumber()) {
        it->second = Value(it->second.asFloat() + by);
    } else {
        it->second = Value(by);
    }
}

void StatsCollector::set(std::string_view key, Value value) {
    times_.erase(std::string(key));
    auto it = values_.find(key);
    if (it == values_.end()) {
        values_.emplace(std::string(key), std::move(value));
    } else {
        it->second = std::move(value);
    }
}

void StatsCollector::max(std::string_view key, Value value) {
    auto it = values_.find(key);
    if (it == values_.end() || !it->second.isNumber() || !value.isNumber()) {
        if (it == values_.end() || !it->second.isNumber()) set(key, std::move(value));
        return;
    }
    if (compareNumbers(value, it->second) > 0) it->second = std::move(value);
}

void StatsCollector::min(std::string_view key, Value value) {
    auto it = values_.find(key);
    if (it == values_.end() || !it->second.isNumber() || !value.isNumber()) {
        if (it == values_.end() || !it->second.isNumber()) set(key, std::move(value));
        return;
    }
    if (compareNumbers(value, it->second) < 0) it->second = std::move(value);
}

void StatsCollector::setTime(std::string_view key, WallTime time) {
    if (auto it = values_.find(key); it != values_.end()) {
        values_.erase(it);
        ++eraseEpoch_;
    }
    times_.insert_or_assign(std::string(key), time);
}

void StatsCollector::remove(std::string_view key) {
    if (auto it = values_.find(key); it != values_.end()) {
        values_.erase(it);
        ++eraseEpoch_;
    }
    if (auto it = times_.find(key); it != times_.end()) times_.erase(it);
}

void StatsCollector::clear() {
    values_.clear();
    ++eraseEpoch_;
    times_.clear();
}

const Value* StatsCollector::get(std::string_view key) const {
    auto it = values_.find(key);
    return it == values_.end() ? nullptr : &it->second;
}

std::int64_t StatsCollector::getInt(std::string_view key, std::int64_t fallback) const {
    const Value* value = get(key);
    return value && value->isInt() ? value->asInt() : fallback;
}

std::optional<WallTime> StatsCollector::getTime(std::string_view key) const {
    auto it = times_.find(key);
    if (it == times_.end()) return std::nullopt;
    return it->second;
}

bool StatsCollector::contains(std::string_view key) const {
    return values_.find(key) != values_.end() || times_.find(key) != times_.end();
}

std::string StatsCollector::formatDump() const {
    // Merge the two sorted maps into one sorted list of (key, repr).
    std::map<std::string_view, std::string> lines;
    for (const auto& [key, value] : values_) lines.emplace(key, pythonRepr(value));
    for (const auto& [key, time] : times_) lines.emplace(key, pythonDatetime(time));
    std::string oneLine = "{";
    std::string multiLine = "{";
    bool first = true;
    for (const auto& [key, repr] : lines) {
        std::string entry = pythonStringRepr(key) + ": " + repr;
        if (!first) {
            oneLine += ", ";
            multiLine += ",\n ";
        }
        first = false;
        oneLine += entry;
        multiLine += entry;
    }
    oneLine += "}";
    multiLine += "}";
    // pprint keeps a dict on one line when it fits its width of 80.
    return oneLine.size() <= 80 ? oneLine : multiLine;
}

std::string StatsCollector::toJsonText() const {
    ValueMap sorted;
    std::map<std::string_view, Value> merged;
    for (const auto& [key, value] : values_) merged.emplace(key, value);
    for (const auto& [key, time] : times_) merged.emplace(key, Value(formatIsoTime(time)));
    for (auto& [key, value] : merged) sorted.set(std::string(key), std::move(value));
    return toJson(Value(std::move(sorted)));
}

CrawlProgress progressOf(const StatsCollector& stats) {
    return {stats.getInt("response_received_count"), stats.getInt("item_scraped_count")};
}

std::string formatLogStatsLine(const CrawlProgress& previous, const CrawlProgress& current,
                               double intervalSeconds) {
    double multiplier = intervalSeconds > 0 ? 60.0 / intervalSeconds : 0.0;
    auto rate = [&](std::int64_t now, std::int64_t before) {
        return static_cast<std::int64_t>(static_cast<double>(now - before) * multiplier);
    };
    return "Crawled " + std::to_string(current.pages) + " pages (at " +
           std::to_string(rate(current.pages, previous.pages)) + " pages/min), scraped " +
           std::to_string(current.items) + " items (at " +
           std::to_string(rate(current.items, previous.items)) + " items/min)";
}

std::string formatIsoTime(WallTime time) {
    UtcParts p = utcParts(time);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
                  p.tm.tm_year + 1900, p.tm.tm_mon + 1, p.tm.tm_mday, p.tm.tm_hour, p.tm.tm_min,
                  p.tm.tm_sec, p.microseconds);
    return buffer;
}

std::size_t currentRssBytes() { return readStatusField("VmRSS"); }

std::size_t peakRssBytes() { return readStatusField("VmHWM"); }

}  // namespace spider
