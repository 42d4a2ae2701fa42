#pragma once

// The command line every crawler executable shares, like `scrapy crawl`:
//
//   quotes [-a NAME=VALUE]... [-o FILE[:FORMAT]]... [-O FILE[:FORMAT]]... [-s NAME=VALUE]...
//          [-L|--log-level LEVEL] [--stats-json FILE] [-h|--help] [--version]
//
// Options take their value as the next argument or after '=' for long options
// (--log-level=INFO). -s settings are applied to the given Settings at command-line
// priority as they are parsed, so an unknown or ill-typed one is reported at start-up, with
// the did-you-mean of Settings::set. --log-level sets the log_level setting the same way.
// Nothing here exits or prints: the result says what to print and with which exit code
// (0 for --help and --version, 2 for a usage error).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "data/value.h"
#include "engine/settings.h"
#include "feeds/feed.h"

namespace spider {

struct SpiderArgument {
    std::string name;
    std::string doc;
    std::optional<std::string> defaultValue;  // filled into the result when not given
};

struct CommandLineSpec {
    std::string program;     // the executable's name, for usage lines
    std::string spiderName;  // the spider's name, for the help text
    std::string version;     // printed by --version
    std::vector<SpiderArgument> arguments;
    // Accept -a names the spider did not declare (Scrapy accepts any); by default they are
    // an error with a did-you-mean.
    bool acceptUndeclaredArguments = false;
};

struct CommandLineResult {
    enum class Action { Run, Help, Version, Error };
    Action action = Action::Run;
    int exitCode = 0;    // what main() should return when action is not Run
    std::string output;  // help or version text (stdout), or the error message (stderr)

    ValueMap spiderArguments;  // -a values (strings) and declared defaults, declared first
    std::vector<FeedSpec> feeds;
    std::optional<std::string> statsJsonPath;
};

// Parses `arguments` (argv without the program name). `settings` receives -s and
// --log-level values at SettingPriority::CommandLine.
CommandLineResult parseCommandLine(std::span<const std::string_view> arguments,
                                   const CommandLineSpec& spec, Settings& settings);
CommandLineResult parseCommandLine(int argc, const char* const* argv, const CommandLineSpec& spec,
                                   Settings& settings);

// The --help text: usage, the spider's arguments, the options, and every setting with its
// default and doc line.
std::string commandLineHelp(const CommandLineSpec& spec);

}  // namespace spider
