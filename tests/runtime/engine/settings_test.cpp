#include <catch2/catch.hpp>

#include "engine/settings.h"

using spider::SettingPriority;
using spider::Settings;
using spider::Value;
using spider::ValueList;

TEST_CASE("settings start with Scrapy's defaults from settings.def") {
    Settings settings;
    CHECK(settings.concurrent_requests == 16);
    CHECK(settings.concurrent_requests_per_domain == 8);
    CHECK(settings.download_timeout == 180.0);
    CHECK(settings.retry_times == 2);
    CHECK(settings.retry_http_codes == std::vector<std::int64_t>{500, 502, 503, 504, 522, 524, 408, 429});
    CHECK(settings.scheduler_order == "lifo");
    CHECK(settings.validate().empty());
    CHECK(settings.overridden().empty());
}

TEST_CASE("values given with -s are parsed by the setting's type and keys are case-insensitive") {
    Settings settings;
    CHECK_FALSE(settings.set("CONCURRENT_REQUESTS", "32"));
    CHECK(settings.concurrent_requests == 32);
    CHECK_FALSE(settings.set("download_delay", " 0.25 "));
    CHECK(settings.download_delay == 0.25);
    CHECK_FALSE(settings.set("Download_Delay", "2"));
    CHECK(settings.download_delay == 2.0);
    CHECK_FALSE(settings.set("COOKIES_ENABLED", "False"));
    CHECK_FALSE(settings.cookies_enabled);
    CHECK_FALSE(settings.set("cookies_enabled", "1"));
    CHECK(settings.cookies_enabled);
    CHECK_FALSE(settings.set("USER_AGENT", "my bot (+http://x)"));
    CHECK(settings.user_agent == "my bot (+http://x)");
    CHECK_FALSE(settings.set("RETRY_HTTP_CODES", "500, 503"));
    CHECK(settings.retry_http_codes == std::vector<std::int64_t>{500, 503});
    CHECK_FALSE(settings.set("retry_http_codes", "[429]"));
    CHECK(settings.retry_http_codes == std::vector<std::int64_t>{429});
    CHECK_FALSE(settings.set("retry_http_codes", ""));
    CHECK(settings.retry_http_codes.empty());
}

TEST_CASE("list values parse as comma-separated items or as a JSON array") {
    using spider::SettingType;
    CHECK(spider::parseSettingText(SettingType::ListStr, " http , https ") ==
          Value(ValueList{"http", "https"}));
    CHECK(spider::parseSettingText(SettingType::ListStr, R"(["http", "a,b"])") ==
          Value(ValueList{"http", "a,b"}));
    CHECK(spider::parseSettingText(SettingType::ListStr, "") == Value(ValueList{}));
    CHECK_FALSE(spider::parseSettingText(SettingType::ListStr, "[1, 2]"));
    CHECK_FALSE(spider::parseSettingText(SettingType::ListInt, "[1, 2"));
    CHECK(spider::parseSettingText(SettingType::ListInt, "[1, 2]") == Value(ValueList{1, 2}));
}

TEST_CASE("an unknown setting is an error that suggests the closest name") {
    Settings settings;
    CHECK(settings.set("CONCURENT_REQUESTS", "4") ==
          "unknown setting 'CONCURENT_REQUESTS' (did you mean concurrent_requests?)");
    CHECK(settings.set("download_dealy", "1") ==
          "unknown setting 'download_dealy' (did you mean download_delay?)");
    CHECK(settings.set("totally_unrelated_thing", "1") ==
          "unknown setting 'totally_unrelated_thing'");
}

TEST_CASE("an ill-typed value is an error naming the setting, the type and the value") {
    Settings settings;
    CHECK(settings.set("DOWNLOAD_DELAY", "fast") ==
          "setting download_delay expects a number, got 'fast'");
    CHECK(settings.set("concurrent_requests", "1.5") ==
          "setting concurrent_requests expects an integer, got '1.5'");
    CHECK(settings.set("concurrent_requests", "99999999999999999999") ==
          "setting concurrent_requests expects an integer, got '99999999999999999999'");
    CHECK(settings.set("cookies_enabled", "maybe") ==
          "setting cookies_enabled expects true or false, got 'maybe'");
    CHECK(settings.set("retry_http_codes", "500,abc") ==
          "setting retry_http_codes expects a comma-separated list of integers, got '500,abc'");
    CHECK(settings.set("download_delay", "nan") ==
          "setting download_delay expects a number, got 'nan'");
    CHECK(settings.concurrent_requests == 16);
    CHECK(settings.download_delay == 0.0);
}

TEST_CASE("a lower priority never overrides a higher one") {
    Settings settings;
    CHECK_FALSE(settings.set("concurrent_requests", "4", SettingPriority::CommandLine));
    CHECK_FALSE(settings.setValue("concurrent_requests", Value(64), SettingPriority::Spider));
    CHECK(settings.concurrent_requests == 4);
    CHECK(settings.priorityOf("CONCURRENT_REQUESTS") == SettingPriority::CommandLine);
    CHECK_FALSE(settings.setValue("download_delay", Value(1), SettingPriority::Spider));
    CHECK_FALSE(settings.set("download_delay", "3", SettingPriority::CommandLine));
    CHECK(settings.download_delay == 3.0);
    // An ill-typed value is reported even when its priority would have it ignored.
    CHECK(settings.setValue("concurrent_requests", Value("many"), SettingPriority::Default));
}

TEST_CASE("typed values from a spider's settings block are checked") {
    Settings settings;
    CHECK_FALSE(settings.setValue("download_delay", Value(2), SettingPriority::Spider));
    CHECK(settings.download_delay == 2.0);
    CHECK_FALSE(settings.setValue("retry_http_codes", Value(ValueList{503}), SettingPriority::Spider));
    CHECK(settings.retry_http_codes == std::vector<std::int64_t>{503});
    CHECK(settings.setValue("retry_http_codes", Value(ValueList{"503"}), SettingPriority::Spider) ==
          "setting retry_http_codes expects a comma-separated list of integers, got list [\"503\"]");
    CHECK(settings.setValue("user_agent", Value(3), SettingPriority::Spider) ==
          "setting user_agent expects a string, got '3'");
}

TEST_CASE("get returns any setting as a value and overridden lists the changed ones") {
    Settings settings;
    CHECK(*settings.get("CONCURRENT_REQUESTS") == Value(16));
    CHECK(*settings.get("retry_http_codes") ==
          Value(ValueList{500, 502, 503, 504, 522, 524, 408, 429}));
    CHECK_FALSE(settings.get("nope"));
    CHECK_FALSE(settings.set("depth_limit", "3"));
    CHECK_FALSE(settings.set("user_agent", "x"));
    auto overridden = settings.overridden();
    REQUIRE(overridden.size() == 2);
    CHECK(overridden.begin()->first == "USER_AGENT");
    CHECK(overridden.find("DEPTH_LIMIT")->asInt() == 3);
}

TEST_CASE("validate reports values the types cannot rule out") {
    Settings settings;
    CHECK_FALSE(settings.set("concurrent_requests", "0"));
    CHECK_FALSE(settings.set("log_level", "LOUD"));
    CHECK_FALSE(settings.set("scheduler_order", "random"));
    CHECK_FALSE(settings.set("download_delay", "-1"));
    CHECK_FALSE(settings.set("depth_priority", "-1"));
    CHECK_FALSE(settings.set("parse_threads", "65"));
    auto problems = settings.validate();
    CHECK(problems == std::vector<std::string>{
                          "setting download_delay must not be negative, got -1.0",
                          "setting concurrent_requests must be at least 1",
                          "setting parse_threads must be at most 64, got 65",
                          "setting log_level expects DEBUG, INFO, WARNING, ERROR or CRITICAL, got 'LOUD'",
                          "setting scheduler_order expects lifo or fifo, got 'random'",
                      });
}

TEST_CASE("the settings table has a known type and a doc line for every setting") {
    auto table = spider::settingsTable();
    CHECK(table.size() >= 30);
    for (const auto& info : table) {
        INFO(info.name);
        CHECK_FALSE(info.doc.empty());
        CHECK(spider::findSetting(info.name) == &info);
        CHECK(Settings().get(info.name).has_value());
    }
    CHECK(spider::suggestSetting("RETRY_TIME") == std::string_view("retry_times"));
}
