#pragma once

// Typed crawler settings with Scrapy's names and defaults, generated from the one table of
// record, runtime/settings/settings.def (SPIDER_SETTING(name, type, default, doc)).
//
// `Settings` has one public member per setting, named exactly as in the table (Scrapy's
// name in lower case: `settings.concurrent_requests`, `settings.retry_http_codes`), so
// generated code, the engine and the table read the same. Member types by table type:
//   int -> std::int64_t, float -> double, bool -> bool, str -> std::string,
//   list_int -> std::vector<std::int64_t>, list_str -> std::vector<std::string>.
//
// Values from outside (the spider's `settings { }` block, `-s KEY=VALUE`) go through set(),
// which checks the name (case-insensitively, so users can type CONCURRENT_REQUESTS) and the
// type, and applies Scrapy's priorities: a value set at a lower priority than the current
// one is ignored (default < project < spider < command line).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "data/value.h"

namespace spider {

enum class SettingType : std::uint8_t { Int, Float, Bool, Str, ListInt, ListStr };

// Scrapy's SETTINGS_PRIORITIES.
enum class SettingPriority : std::uint8_t {
    Default = 0,
    Command = 10,
    Project = 20,
    Spider = 30,
    CommandLine = 40,
};

struct SettingInfo {
    std::string_view name;  // lower case, as in settings.def
    SettingType type;
    std::string_view doc;
};

// Every setting, in table order.
std::span<const SettingInfo> settingsTable();
// The entry for `name` (case-insensitive), or nullptr.
const SettingInfo* findSetting(std::string_view name);
// The known setting closest to `name` by edit distance, when close enough to be a likely
// typo ("concurent_requests" -> "concurrent_requests").
std::optional<std::string_view> suggestSetting(std::string_view name);

// How the type reads in messages: "an integer", "a number", "true or false", ...
std::string_view describeSettingType(SettingType type);

// Parses `text` as a `-s` value of `type`: integers and numbers as in Python (surrounding
// spaces allowed); bools as true/false/1/0/yes/no/on/off in any case; lists as
// comma-separated items (spaces around items trimmed, "" is the empty list) or as a JSON
// array. Returns the typed Value (Int, Float, Bool, String, or a List of Int or String),
// or std::nullopt when `text` does not parse.
std::optional<Value> parseSettingText(SettingType type, std::string_view text);

namespace detail {
using setting_int = std::int64_t;
using setting_float = double;
using setting_bool = bool;
using setting_str = std::string;
using setting_list_int = std::vector<std::int64_t>;
using setting_list_str = std::vector<std::string>;

inline setting_int settingDefault_int(std::int64_t value) { return value; }
inline setting_float settingDefault_float(double value) { return value; }
inline setting_bool settingDefault_bool(bool value) { return value; }
inline setting_str settingDefault_str(const char* value) { return value; }
setting_list_int settingDefault_list_int(std::string_view text);
setting_list_str settingDefault_list_str(std::string_view text);
}  // namespace detail

// The most parse threads a crawl may ask for (parse_threads); spiderc checks the same bound.
inline constexpr std::int64_t kMaxParseThreads = 64;

class Settings {
public:
#define SPIDER_SETTING(name, type, def, doc) \
    detail::setting_##type name = detail::settingDefault_##type(def);
#include "settings/settings.def"

    Settings();

    // Sets setting `key` from its `-s` text. Returns an error message for an unknown key
    // ("unknown setting 'CONCURENT_REQUESTS' (did you mean concurrent_requests?)") or an
    // ill-typed value ("setting download_delay expects a number, got 'fast'"), else
    // std::nullopt (also when the value was ignored for its lower priority).
    [[nodiscard]] std::optional<std::string> set(
        std::string_view key, std::string_view text,
        SettingPriority priority = SettingPriority::CommandLine);

    // Sets setting `key` from a typed value (a spider's settings block). An Int is accepted
    // for a float setting, and a String is parsed as set() parses text.
    [[nodiscard]] std::optional<std::string> setValue(std::string_view key, const Value& value,
                                                      SettingPriority priority);

    // The current value as a Value, or std::nullopt for an unknown key.
    std::optional<Value> get(std::string_view key) const;
    // The priority the current value was set at (Default when never set).
    SettingPriority priorityOf(std::string_view key) const;

    // Every setting set above the default priority, upper-cased as Scrapy logs them in
    // "Overridden settings:", in table order.
    ValueMap overridden() const;

    // Cross-field and value checks the types cannot express (a known log_level and
    // scheduler_order, non-negative counts, ...): one message per problem.
    std::vector<std::string> validate() const;

private:
    std::vector<SettingPriority> priorities_;
};

}  // namespace spider
