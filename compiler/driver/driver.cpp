#include "driver/driver.h"

#include "driver/check_command.h"

#include <functional>
#include <ostream>
#include <string_view>

#include <fmt/format.h>

namespace spiderc::driver {
namespace {

constexpr std::string_view kUsage = R"(usage: spiderc <command> [options] FILE...

Compiles spider files (.spider) to C++ crawlers.

commands:
  check     check files for errors and print diagnostics
  emit      print the C++ a spider file compiles to
  build     build a crawler executable from a spider file
  run       build (cached) and run a crawler: spiderc run FILE -- CRAWLER-ARGS

options:
  --help     show this help (also: spiderc <command> --help)
  --version  show the version

Exit status: 0 success, 1 errors in the input, 2 usage error, 3 internal compiler error;
`run` exits with the crawler's own status.

Documentation: docs/language.md (the language), docs/crawler-cli.md (a crawler's command
line), docs/settings.md (crawler settings), docs/generated-code.md (the C++ output).
)";

constexpr std::string_view kCheckUsage = R"(usage: spiderc check [options] FILE...

Parses and checks each FILE and prints every error and warning found.

options:
  --error-format=text|json  diagnostics as text on stderr (default) or as JSON Lines on
                            stdout, one object per diagnostic
  --color=auto|always|never colour text diagnostics (auto: only when stderr is a terminal
                            and NO_COLOR is not set)
  --dump=ast                print the checked syntax tree to stdout
  --dump=tokens             print the token stream to stdout
  --help                    show this help

Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage error.
)";


int usageError(std::ostream& err, std::string_view message, std::string_view helpCommand) {
    err << "spiderc: " << message << '\n'
        << "Try '" << helpCommand << " --help' for more information.\n";
    return kExitUsage;
}

int runCheckCommand(const std::vector<std::string>& args, const Environment& env,
                    std::ostream& out, std::ostream& err) {
    CheckOptions options;
    std::string colour = "auto";
    bool optionsDone = false;
    for (const std::string& arg : args) {
        if (optionsDone || arg.empty() || arg[0] != '-' || arg == "-") {
            options.files.push_back(arg);
        } else if (arg == "--") {
            optionsDone = true;
        } else if (arg == "--help" || arg == "-h") {
            out << kCheckUsage;
            return kExitOk;
        } else if (arg == "--dump=ast") {
            options.dump = Dump::Ast;
        } else if (arg == "--dump=tokens") {
            options.dump = Dump::Tokens;
        } else if (arg == "--error-format=json") {
            options.errorFormat = ErrorFormat::Json;
        } else if (arg == "--error-format=text") {
            options.errorFormat = ErrorFormat::Text;
        } else if (arg.rfind("--color=", 0) == 0 || arg.rfind("--colour=", 0) == 0) {
            colour = arg.substr(arg.find('=') + 1);
            if (colour != "auto" && colour != "always" && colour != "never") {
                return usageError(err, fmt::format("invalid value '{}' for --color", colour),
                                  "spiderc check");
            }
        } else {
            return usageError(err, fmt::format("unknown option '{}' for 'check'", arg),
                              "spiderc check");
        }
    }
    if (options.files.empty()) {
        return usageError(err, "check: no input files", "spiderc check");
    }
    options.colour =
        colour == "always" || (colour == "auto" && env.stderrIsTerminal && !env.noColour);
    return runCheck(options, out, err);
}

const std::vector<Command>& commands() {
    static const std::vector<Command> kCommands = {
        {"check", runCheckCommand},
    };
    return kCommands;
}

} // namespace

int run(const std::vector<std::string>& args, const Environment& env, std::ostream& out,
        std::ostream& err, const std::vector<Command>& extra) {
    if (args.empty()) {
        err << kUsage;
        return kExitUsage;
    }
    const std::string& first = args[0];
    if (first == "--help" || first == "-h" || first == "help") {
        out << kUsage;
        return kExitOk;
    }
    if (first == "--version") {
        out << "spiderc " << SPIDERC_VERSION << '\n';
        return kExitOk;
    }
    for (const auto* table : {&commands(), &extra}) {
        for (const Command& command : *table) {
            if (command.name == first) {
                return command.run({args.begin() + 1, args.end()}, env, out, err);
            }
        }
    }
    if (!first.empty() && first[0] == '-') {
        return usageError(err, fmt::format("unknown option '{}'", first), "spiderc");
    }
    return usageError(err, fmt::format("unknown command '{}'", first), "spiderc");
}

} // namespace spiderc::driver
