#include <catch2/catch.hpp>

#include "engine/command_line.h"

using spider::CommandLineResult;
using spider::CommandLineSpec;
using spider::FeedFormat;
using spider::Settings;

namespace {

CommandLineSpec quotesSpec() {
    CommandLineSpec spec;
    spec.program = "quotes";
    spec.spiderName = "quotes";
    spec.version = "0.1.0";
    spec.arguments = {{"category", "the category to crawl", std::string("books")},
                      {"max_pages", "stop after this many pages", std::nullopt}};
    return spec;
}

CommandLineResult parse(std::vector<std::string_view> args, Settings& settings,
                        const CommandLineSpec& spec = quotesSpec()) {
    return spider::parseCommandLine(args, spec, settings);
}

}  // namespace

TEST_CASE("a full command line is parsed into arguments, feeds, settings and stats output") {
    Settings settings;
    auto result = parse({"-a", "max_pages=5", "-o", "items.jl", "-O", "out.csv", "-o", "x.txt:json",
                         "-s", "CONCURRENT_REQUESTS=4", "-s", "download_delay=0.5",
                         "--log-level", "info", "--stats-json", "stats.json"},
                        settings);
    REQUIRE(result.action == CommandLineResult::Action::Run);
    CHECK(result.output.empty());
    REQUIRE(result.feeds.size() == 3);
    CHECK(result.feeds[0].target == "items.jl");
    CHECK_FALSE(result.feeds[0].overwrite);
    CHECK(result.feeds[1].format == FeedFormat::Csv);
    CHECK(result.feeds[1].overwrite);
    CHECK(result.feeds[2].target == "x.txt");
    CHECK(result.feeds[2].format == FeedFormat::Json);
    CHECK(settings.concurrent_requests == 4);
    CHECK(settings.download_delay == 0.5);
    CHECK(settings.log_level == "INFO");
    CHECK(result.statsJsonPath == "stats.json");
    // Declared arguments come first, in declaration order, with their defaults.
    auto it = result.spiderArguments.begin();
    CHECK(it->first == "category");
    CHECK(it->second.asString() == "books");
    ++it;
    CHECK(it->first == "max_pages");
    CHECK(it->second.asString() == "5");
}

TEST_CASE("long options take their value after '=' and short ones glued on") {
    Settings settings;
    auto result = parse({"--log-level=WARNING", "-acategory=music", "--output=-", "--set=RETRY_TIMES=5",
                         "-Ldebug", "--stats-json=s.json"},
                        settings);
    REQUIRE(result.action == CommandLineResult::Action::Run);
    CHECK(result.spiderArguments.find("category")->asString() == "music");
    CHECK(result.feeds.at(0).target == "-");
    CHECK(settings.retry_times == 5);
    CHECK(settings.log_level == "DEBUG");
    CHECK(result.statsJsonPath == "s.json");
}

TEST_CASE("a repeated -a keeps the last value") {
    Settings settings;
    auto result = parse({"-a", "category=a", "-a", "category=b=c"}, settings);
    CHECK(result.spiderArguments.find("category")->asString() == "b=c");
}

TEST_CASE("usage errors give a message and exit code 2") {
    struct Case {
        std::vector<std::string_view> args;
        std::string message;
    };
    std::vector<Case> cases = {
        {{"-s", "CONCURENT_REQUESTS=4"}, "unknown setting 'CONCURENT_REQUESTS' (did you mean concurrent_requests?)"},
        {{"-s", "download_delay=fast"}, "setting download_delay expects a number, got 'fast'"},
        {{"-s", "download_delay"}, "-s expects NAME=VALUE, got 'download_delay'"},
        {{"-a", "categroy=x"}, "the spider 'quotes' has no argument 'categroy' (did you mean category?)"},
        {{"-a", "zzz=1"}, "the spider 'quotes' has no argument 'zzz' (it takes: category, max_pages)"},
        {{"-a", "novalue"}, "-a expects NAME=VALUE, got 'novalue'"},
        {{"-o"}, "option -o needs a value"},
        {{"-o", "items.txt:xml"}, "unknown feed format 'xml' in 'items.txt:xml' (known: jsonlines, jl, json, csv)"},
        {{"--log-level", "LOUD"}, "--log-level expects DEBUG, INFO, WARNING, ERROR or CRITICAL, got 'LOUD'"},
        {{"--frobnicate"}, "unknown option '--frobnicate'"},
        {{"-x"}, "unknown option '-x'"},
        {{"extra"}, "unexpected argument 'extra' (spider arguments are given as -a NAME=VALUE)"},
        {{"--stats-json="}, "--stats-json needs a file name"},
    };
    for (const auto& c : cases) {
        INFO(c.message);
        Settings settings;
        auto result = parse(c.args, settings);
        CHECK(result.action == CommandLineResult::Action::Error);
        CHECK(result.exitCode == 2);
        CHECK(result.output == "quotes: error: " + c.message + "\nTry 'quotes --help' for more information.\n");
    }
}

TEST_CASE("a spider may accept undeclared arguments, and one without arguments says so") {
    Settings settings;
    CommandLineSpec open = quotesSpec();
    open.acceptUndeclaredArguments = true;
    CHECK(parse({"-a", "anything=1"}, settings, open).action == CommandLineResult::Action::Run);
    CommandLineSpec none = quotesSpec();
    none.arguments.clear();
    CHECK(parse({"-a", "x=1"}, settings, none).output.find("has no argument 'x' (it takes none)") !=
          std::string::npos);
}

TEST_CASE("the help text lists the spider's arguments, the options and every setting") {
    Settings settings;
    auto result = parse({"-s", "retry_times=9", "--help"}, settings);
    CHECK(result.action == CommandLineResult::Action::Help);
    CHECK(result.exitCode == 0);
    const std::string& help = result.output;
    CHECK(help.rfind("Usage: quotes [options]\n", 0) == 0);
    CHECK(help.find("  category              the category to crawl (default: books)\n") != std::string::npos);
    CHECK(help.find("  -O FILE[:FORMAT]      like -o, but overwrite FILE\n") != std::string::npos);
    CHECK(help.find("  CONCURRENT_REQUESTS=16") != std::string::npos);
    CHECK(help.find("RETRY_HTTP_CODES=500,502,503,504,522,524,408,429") != std::string::npos);
    CHECK(help.find("COOKIES_ENABLED=true") != std::string::npos);
    for (const auto& info : spider::settingsTable()) CHECK(help.find(std::string(info.doc)) != std::string::npos);
}

TEST_CASE("the version option prints the version") {
    Settings settings;
    auto result = parse({"--version"}, settings);
    CHECK(result.action == CommandLineResult::Action::Version);
    CHECK(result.exitCode == 0);
    CHECK(result.output == "quotes 0.1.0\n");
}

TEST_CASE("argc and argv are parsed without the program name") {
    Settings settings;
    const char* argv[] = {"./quotes", "-s", "DEPTH_LIMIT=3"};
    auto result = spider::parseCommandLine(3, argv, quotesSpec(), settings);
    CHECK(result.action == CommandLineResult::Action::Run);
    CHECK(settings.depth_limit == 3);
}
