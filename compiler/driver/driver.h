#pragma once
// The spiderc command line. `main` only collects the process's arguments and environment
// facts and calls run(); everything else is here so tests can drive it.
//
// Subcommands live in one table (driver.cpp); `emit`, `build` and `run` are added there.
// Exit status: 0 success, 1 errors in the input, 2 usage errors.
#include <iosfwd>
#include <string>
#include <vector>

namespace spiderc::driver {

inline constexpr int kExitOk = 0;
inline constexpr int kExitErrors = 1;
inline constexpr int kExitUsage = 2;

struct Environment {
    bool stderrIsTerminal = false;
    bool noColour = false; // NO_COLOR is set
};

int run(const std::vector<std::string>& args, const Environment& env, std::ostream& out,
        std::ostream& err);

} // namespace spiderc::driver
