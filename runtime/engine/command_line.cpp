#include "engine/command_line.h"

#include <algorithm>

#include "data/python_format.h"
#include "engine/log.h"

namespace spider {

namespace {

std::string toUpper(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

std::string padTo(std::string text, std::size_t width) {
    if (text.size() < width) text.append(width - text.size(), ' ');
    else text += "  ";
    return text;
}

// A setting's default as a user would type it after -s.
std::string settingText(const Value& value) {
    if (const ValueList* list = value.getList()) {
        std::string out;
        for (std::size_t i = 0; i < list->size(); ++i) {
            if (i) out += ',';
            out += pythonStr((*list)[i]);
        }
        return out;
    }
    if (value.isBool()) return value.asBool() ? "true" : "false";
    return pythonStr(value);
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

class Parser {
public:
    Parser(std::span<const std::string_view> arguments, const CommandLineSpec& spec,
           Settings& settings)
        : arguments_(arguments), spec_(spec), settings_(settings) {}

    CommandLineResult run() {
        while (index_ < arguments_.size() && result_.action == CommandLineResult::Action::Run) {
            step();
        }
        if (result_.action == CommandLineResult::Action::Run) fillDefaults();
        return std::move(result_);
    }

private:
    void error(const std::string& message) {
        if (result_.action == CommandLineResult::Action::Error) return;
        std::string program = spec_.program.empty() ? "crawler" : spec_.program;
        result_.action = CommandLineResult::Action::Error;
        result_.exitCode = 2;
        result_.output = program + ": error: " + message + "\nTry '" + program +
                         " --help' for more information.\n";
    }

    // The value of option `name`: after '=' in `inlineValue`, else the next argument.
    std::optional<std::string_view> value(std::string_view name,
                                          std::optional<std::string_view> inlineValue) {
        if (inlineValue) return inlineValue;
        if (index_ >= arguments_.size()) {
            error("option " + std::string(name) + " needs a value");
            return std::nullopt;
        }
        return arguments_[index_++];
    }

    void step() {
        std::string_view argument = arguments_[index_++];
        std::string_view name = argument;
        std::optional<std::string_view> inlineValue;
        if (argument.rfind("--", 0) == 0) {
            std::size_t equals = argument.find('=');
            if (equals != std::string_view::npos) {
                name = argument.substr(0, equals);
                inlineValue = argument.substr(equals + 1);
            }
        } else if (argument.size() > 2 && argument[0] == '-' && argument[1] != '-') {
            // Short options may be glued to their value: -aNAME=VALUE, -Litems.
            name = argument.substr(0, 2);
            inlineValue = argument.substr(2);
        }

        if (name == "-h" || name == "--help") {
            result_.action = CommandLineResult::Action::Help;
            result_.exitCode = 0;
            result_.output = commandLineHelp(spec_);
        } else if (name == "--version") {
            result_.action = CommandLineResult::Action::Version;
            result_.exitCode = 0;
            result_.output = (spec_.program.empty() ? spec_.spiderName : spec_.program) + " " +
                             spec_.version + "\n";
        } else if (name == "-a" || name == "--argument") {
            if (auto text = value(name, inlineValue)) spiderArgument(*text);
        } else if (name == "-o" || name == "--output" || name == "-O" ||
                   name == "--overwrite-output") {
            bool overwrite = name == "-O" || name == "--overwrite-output";
            if (auto text = value(name, inlineValue)) {
                auto parsed = parseFeedArgument(*text, overwrite);
                if (!parsed.spec) return error(parsed.error);
                result_.feeds.push_back(std::move(*parsed.spec));
            }
        } else if (name == "-s" || name == "--set") {
            if (auto text = value(name, inlineValue)) setting(*text);
        } else if (name == "-L" || name == "--log-level" || name == "--loglevel") {
            if (auto text = value(name, inlineValue)) {
                if (!parseLogLevel(*text)) {
                    return error("--log-level expects DEBUG, INFO, WARNING, ERROR or CRITICAL, got '" +
                                 std::string(*text) + "'");
                }
                if (auto problem = settings_.set("log_level", toUpper(*text))) error(*problem);
            }
        } else if (name == "--stats-json") {
            if (auto text = value(name, inlineValue)) {
                if (text->empty()) return error("--stats-json needs a file name");
                result_.statsJsonPath = std::string(*text);
            }
        } else if (!argument.empty() && argument[0] == '-' && argument != "-") {
            error("unknown option '" + std::string(name) + "'");
        } else {
            error("unexpected argument '" + std::string(argument) +
                  "' (spider arguments are given as -a NAME=VALUE)");
        }
    }

    void spiderArgument(std::string_view text) {
        std::size_t equals = text.find('=');
        if (equals == std::string_view::npos || equals == 0) {
            return error("-a expects NAME=VALUE, got '" + std::string(text) + "'");
        }
        std::string name(text.substr(0, equals));
        bool declared = std::any_of(spec_.arguments.begin(), spec_.arguments.end(),
                                    [&](const SpiderArgument& a) { return a.name == name; });
        if (!declared && !spec_.acceptUndeclaredArguments) {
            std::string message = "the spider " +
                                  (spec_.spiderName.empty() ? std::string() : "'" + spec_.spiderName + "' ") +
                                  "has no argument '" + name + "'";
            std::optional<std::string> best;
            std::size_t bestDistance = std::max<std::size_t>(2, name.size() / 3) + 1;
            for (const auto& argument : spec_.arguments) {
                std::size_t distance = editDistance(name, argument.name);
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = argument.name;
                }
            }
            if (best) {
                message += " (did you mean " + *best + "?)";
            } else if (spec_.arguments.empty()) {
                message += " (it takes none)";
            } else {
                std::string names;
                for (const auto& argument : spec_.arguments) {
                    names += (names.empty() ? "" : ", ") + argument.name;
                }
                message += " (it takes: " + names + ")";
            }
            return error(message);
        }
        result_.spiderArguments.set(std::move(name), Value(text.substr(equals + 1)));
    }

    void setting(std::string_view text) {
        std::size_t equals = text.find('=');
        if (equals == std::string_view::npos || equals == 0) {
            return error("-s expects NAME=VALUE, got '" + std::string(text) + "'");
        }
        if (auto problem = settings_.set(text.substr(0, equals), text.substr(equals + 1),
                                         SettingPriority::CommandLine)) {
            error(*problem);
        }
    }

    // Declared arguments first (given or defaulted), in declaration order, then any others.
    void fillDefaults() {
        ValueMap ordered;
        for (const auto& argument : spec_.arguments) {
            if (const Value* given = result_.spiderArguments.find(argument.name)) {
                ordered.set(argument.name, *given);
            } else if (argument.defaultValue) {
                ordered.set(argument.name, Value(*argument.defaultValue));
            }
        }
        for (auto& [name, value] : result_.spiderArguments) {
            if (!ordered.contains(name)) ordered.set(name, std::move(value));
        }
        result_.spiderArguments = std::move(ordered);
    }

    std::span<const std::string_view> arguments_;
    const CommandLineSpec& spec_;
    Settings& settings_;
    std::size_t index_ = 0;
    CommandLineResult result_;
};

}  // namespace

CommandLineResult parseCommandLine(std::span<const std::string_view> arguments,
                                   const CommandLineSpec& spec, Settings& settings) {
    return Parser(arguments, spec, settings).run();
}

CommandLineResult parseCommandLine(int argc, const char* const* argv, const CommandLineSpec& spec,
                                   Settings& settings) {
    std::vector<std::string_view> arguments;
    for (int i = 1; i < argc; ++i) arguments.emplace_back(argv[i]);
    return parseCommandLine(arguments, spec, settings);
}

std::string commandLineHelp(const CommandLineSpec& spec) {
    std::string program = spec.program.empty() ? "crawler" : spec.program;
    std::string out = "Usage: " + program + " [options]\n\n";
    out += "Runs the " + (spec.spiderName.empty() ? std::string("compiled") : "'" + spec.spiderName + "'") +
           " spider, like `scrapy crawl`.\n";
    if (!spec.arguments.empty()) {
        out += "\nSpider arguments (-a NAME=VALUE):\n";
        for (const auto& argument : spec.arguments) {
            std::string line = padTo("  " + argument.name, 24) + argument.doc;
            if (argument.defaultValue) line += " (default: " + *argument.defaultValue + ")";
            out += line + "\n";
        }
    }
    out += "\nOptions:\n"
           "  -a NAME=VALUE         set a spider argument (repeatable)\n"
           "  -o FILE[:FORMAT]      append scraped items to FILE ('-' for stdout); the format\n"
           "                        comes from the extension (.jl .jsonl .json .csv, else JSON\n"
           "                        Lines) or from :jsonlines, :json or :csv (repeatable)\n"
           "  -O FILE[:FORMAT]      like -o, but overwrite FILE\n"
           "  -s NAME=VALUE         set a setting (repeatable; see Settings below)\n"
           "  -L, --log-level LEVEL DEBUG, INFO, WARNING, ERROR or CRITICAL\n"
           "  --stats-json FILE     write the final stats to FILE as JSON\n"
           "  -h, --help            show this help and exit\n"
           "  --version             show the version and exit\n";
    out += "\nSettings (-s NAME=VALUE, names case-insensitive; lists comma-separated):\n";
    Settings defaults;
    for (const auto& info : settingsTable()) {
        std::string left = "  " + toUpper(info.name) + "=" + settingText(*defaults.get(info.name));
        if (left.size() > 46) {
            out += left + "\n" + std::string(48, ' ') + std::string(info.doc) + "\n";
        } else {
            out += padTo(left, 48) + std::string(info.doc) + "\n";
        }
    }
    out += "\nSee docs/crawler-cli.md (this command line: exit codes, signals, logs, stats) and\n"
           "docs/settings.md (every setting, with Scrapy's name and default) in spiderc's\n"
           "source tree.\n";
    return out;
}

}  // namespace spider
