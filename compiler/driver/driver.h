#pragma once
// The spiderc command line. `main` only collects the process's arguments and environment
// facts and calls run(); everything else is here so tests can drive it.
//
// Subcommands: `check` lives in the driver's table (driver.cpp); `emit`, `build` and `run`
// (compiler/commands) are passed in by main().
// Exit status: 0 success, 1 errors in the input, 2 usage errors.
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace spiderc::driver {

inline constexpr int kExitOk = 0;
inline constexpr int kExitErrors = 1;
inline constexpr int kExitUsage = 2;

struct Environment {
    bool stderrIsTerminal = false;
    bool noColour = false; // NO_COLOR is set
};

// One subcommand: `spiderc NAME ARGS...` calls run(ARGS, env, out, err).
struct Command {
    std::string_view name;
    std::function<int(const std::vector<std::string>&, const Environment&, std::ostream&,
                      std::ostream&)>
        run;
};

// Runs the command line. `extra` adds commands to the built-in table (check): main() passes
// emit/build/run, which need LLVM, so that the driver library and its tests do not link it.
int run(const std::vector<std::string>& args, const Environment& env, std::ostream& out,
        std::ostream& err, const std::vector<Command>& extra = {});

} // namespace spiderc::driver
