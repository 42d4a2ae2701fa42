#include "engine/settings.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "data/json.h"
#include "engine/log.h"

namespace spider {

namespace {

constexpr SettingType settingTypeOf(std::string_view token) {
    if (token == "int") return SettingType::Int;
    if (token == "float") return SettingType::Float;
    if (token == "bool") return SettingType::Bool;
    if (token == "str") return SettingType::Str;
    if (token == "list_int") return SettingType::ListInt;
    return SettingType::ListStr;
}

constexpr SettingInfo kSettings[] = {
#define SPIDER_SETTING(name, type, def, doc) {#name, settingTypeOf(#type), doc},
#include "settings/settings.def"
};

constexpr std::size_t kSettingCount = std::size(kSettings);

// Setting indices in table order, for the switches that reach the typed members.
enum SettingIndex : std::size_t {
#define SPIDER_SETTING(name, type, def, doc) kIndex_##name,
#include "settings/settings.def"
};

std::string toLower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string toUpper(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

std::optional<std::size_t> indexOf(std::string_view name) {
    std::string lower = toLower(name);
    for (std::size_t i = 0; i < kSettingCount; ++i) {
        if (kSettings[i].name == lower) return i;
    }
    return std::nullopt;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::optional<std::int64_t> parseInt(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    std::int64_t value = 0;
    auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> parseFloat(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0;
    auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() ||
        !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<bool> parseBool(std::string_view text) {
    std::string lower = toLower(trim(text));
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
    return std::nullopt;
}

// The typed value's text as a user would type it back, for error messages.
std::string shortText(const Value& value) {
    std::string text = value.isString() ? value.asString() : toJson(value);
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

// Converts a typed Value to the canonical form of `type`, or std::nullopt.
std::optional<Value> coerce(SettingType type, const Value& value) {
    if (value.isString()) return parseSettingText(type, value.asString());
    switch (type) {
        case SettingType::Int:
            if (value.isInt()) return value;
            return std::nullopt;
        case SettingType::Float:
            if (value.isNumber()) return Value(value.asFloat());
            return std::nullopt;
        case SettingType::Bool:
            if (value.isBool()) return value;
            return std::nullopt;
        case SettingType::Str: return std::nullopt;
        case SettingType::ListInt:
        case SettingType::ListStr: {
            if (!value.isList()) return std::nullopt;
            for (const Value& element : value.asList()) {
                if (type == SettingType::ListInt ? !element.isInt() : !element.isString()) {
                    return std::nullopt;
                }
            }
            return value;
        }
    }
    return std::nullopt;
}

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

namespace detail {

void assignSetting(std::int64_t& member, const Value& value) { member = value.asInt(); }
void assignSetting(double& member, const Value& value) { member = value.asFloat(); }
void assignSetting(bool& member, const Value& value) { member = value.asBool(); }
void assignSetting(std::string& member, const Value& value) { member = value.asString(); }
void assignSetting(std::vector<std::int64_t>& member, const Value& value) {
    member.clear();
    for (const Value& element : value.asList()) member.push_back(element.asInt());
}
void assignSetting(std::vector<std::string>& member, const Value& value) {
    member.clear();
    for (const Value& element : value.asList()) member.push_back(element.asString());
}

Value settingAsValue(std::int64_t member) { return Value(member); }
Value settingAsValue(double member) { return Value(member); }
Value settingAsValue(bool member) { return Value(member); }
Value settingAsValue(const std::string& member) { return Value(member); }
Value settingAsValue(const std::vector<std::int64_t>& member) {
    ValueList list(member.begin(), member.end());
    return Value(std::move(list));
}
Value settingAsValue(const std::vector<std::string>& member) {
    ValueList list(member.begin(), member.end());
    return Value(std::move(list));
}

setting_list_int settingDefault_list_int(std::string_view text) {
    setting_list_int out;
    if (auto parsed = parseSettingText(SettingType::ListInt, text)) {
        for (const Value& element : parsed->asList()) out.push_back(element.asInt());
    }
    return out;
}

setting_list_str settingDefault_list_str(std::string_view text) {
    setting_list_str out;
    if (auto parsed = parseSettingText(SettingType::ListStr, text)) {
        for (const Value& element : parsed->asList()) out.push_back(element.asString());
    }
    return out;
}

}  // namespace detail

namespace {

// Typed member access by index: the one place that knows which member is which.
void assignMember(Settings& settings, std::size_t index, const Value& value) {
    switch (index) {
#define SPIDER_SETTING(name, type, def, doc)                             \
    case kIndex_##name:                                                  \
        detail::assignSetting(settings.name, value);                     \
        return;
#include "settings/settings.def"
        default: return;
    }
}

}  // namespace

std::span<const SettingInfo> settingsTable() { return kSettings; }

const SettingInfo* findSetting(std::string_view name) {
    auto index = indexOf(name);
    return index ? &kSettings[*index] : nullptr;
}

std::optional<std::string_view> suggestSetting(std::string_view name) {
    std::string lower = toLower(name);
    std::optional<std::string_view> best;
    std::size_t bestDistance = std::max<std::size_t>(2, lower.size() / 3) + 1;
    for (const SettingInfo& info : kSettings) {
        std::size_t distance = editDistance(lower, info.name);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = info.name;
        }
    }
    return best;
}

std::string_view describeSettingType(SettingType type) {
    switch (type) {
        case SettingType::Int: return "an integer";
        case SettingType::Float: return "a number";
        case SettingType::Bool: return "true or false";
        case SettingType::Str: return "a string";
        case SettingType::ListInt: return "a comma-separated list of integers";
        case SettingType::ListStr: return "a comma-separated list of strings";
    }
    return "?";
}

std::optional<Value> parseSettingText(SettingType type, std::string_view text) {
    switch (type) {
        case SettingType::Int:
            if (auto value = parseInt(text)) return Value(*value);
            return std::nullopt;
        case SettingType::Float:
            if (auto value = parseFloat(text)) return Value(*value);
            return std::nullopt;
        case SettingType::Bool:
            if (auto value = parseBool(text)) return Value(*value);
            return std::nullopt;
        case SettingType::Str: return Value(text);
        case SettingType::ListInt:
        case SettingType::ListStr: {
            std::string_view trimmed = trim(text);
            if (!trimmed.empty() && trimmed.front() == '[') {
                auto parsed = parseJson(trimmed);
                if (!parsed || !parsed.value->isList()) return std::nullopt;
                return coerce(type, *parsed.value);
            }
            ValueList list;
            if (trimmed.empty()) return Value(std::move(list));
            std::size_t start = 0;
            while (true) {
                std::size_t comma = trimmed.find(',', start);
                std::string_view item = trim(trimmed.substr(start, comma - start));
                if (type == SettingType::ListInt) {
                    auto value = parseInt(item);
                    if (!value) return std::nullopt;
                    list.emplace_back(*value);
                } else {
                    list.emplace_back(item);
                }
                if (comma == std::string_view::npos) break;
                start = comma + 1;
            }
            return Value(std::move(list));
        }
    }
    return std::nullopt;
}

Settings::Settings() : priorities_(kSettingCount, SettingPriority::Default) {}

std::optional<std::string> Settings::set(std::string_view key, std::string_view text,
                                         SettingPriority priority) {
    return setValue(key, Value(text), priority);
}

std::optional<std::string> Settings::setValue(std::string_view key, const Value& value,
                                              SettingPriority priority) {
    auto index = indexOf(key);
    if (!index) {
        std::string message = "unknown setting '" + std::string(key) + "'";
        if (auto suggestion = suggestSetting(key)) {
            message += " (did you mean " + std::string(*suggestion) + "?)";
        }
        return message;
    }
    const SettingInfo& info = kSettings[*index];
    auto typed = coerce(info.type, value);
    if (!typed) {
        std::string got = value.isString() || value.isNumber() || value.isBool() || value.isNone()
                              ? std::string("'").append(shortText(value)).append("'")
                              : std::string(typeName(value.type())) + " " + shortText(value);
        return "setting " + std::string(info.name) + " expects " +
               std::string(describeSettingType(info.type)) + ", got " + got;
    }
    if (priority < priorities_[*index]) return std::nullopt;
    assignMember(*this, *index, *typed);
    priorities_[*index] = priority;
    return std::nullopt;
}

std::optional<Value> Settings::get(std::string_view key) const {
    auto index = indexOf(key);
    if (!index) return std::nullopt;
    switch (*index) {
#define SPIDER_SETTING(name, type, def, doc) \
    case kIndex_##name: return detail::settingAsValue(name);
#include "settings/settings.def"
        default: return std::nullopt;
    }
}

SettingPriority Settings::priorityOf(std::string_view key) const {
    auto index = indexOf(key);
    return index ? priorities_[*index] : SettingPriority::Default;
}

ValueMap Settings::overridden() const {
    ValueMap out;
    for (std::size_t i = 0; i < kSettingCount; ++i) {
        if (priorities_[i] != SettingPriority::Default) {
            out.set(toUpper(kSettings[i].name), *get(kSettings[i].name));
        }
    }
    return out;
}

std::vector<std::string> Settings::validate() const {
    std::vector<std::string> problems;
    for (std::size_t i = 0; i < kSettingCount; ++i) {
        const SettingInfo& info = kSettings[i];
        Value value = *get(info.name);
        // DEPTH_PRIORITY may be negative: that is how Scrapy crawls depth-first.
        if (info.name.find("priority") != std::string_view::npos) continue;
        bool negative = (value.isInt() && value.asInt() < 0) ||
                        (value.isFloat() && value.asFloat() < 0);
        if (negative) {
            problems.push_back("setting " + std::string(info.name) +
                               " must not be negative, got " + shortText(value));
        }
    }
    if (concurrent_requests < 1) {
        problems.push_back("setting concurrent_requests must be at least 1");
    }
    if (concurrent_requests_per_domain < 1) {
        problems.push_back("setting concurrent_requests_per_domain must be at least 1");
    }
    if (parse_threads > kMaxParseThreads) {
        problems.push_back("setting parse_threads must be at most " +
                           std::to_string(kMaxParseThreads) + ", got " +
                           std::to_string(parse_threads));
    }
    if (!parseLogLevel(log_level)) {
        problems.push_back("setting log_level expects DEBUG, INFO, WARNING, ERROR or CRITICAL, got '" +
                           log_level + "'");
    }
    std::string order = toLower(scheduler_order);
    if (order != "lifo" && order != "fifo") {
        problems.push_back("setting scheduler_order expects lifo or fifo, got '" +
                           scheduler_order + "'");
    }
    return problems;
}

}  // namespace spider
