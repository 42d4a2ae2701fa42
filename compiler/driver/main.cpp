// spiderc's entry point: gathers the process's facts and hands them to the driver.
#include "commands/commands.h"
#include "driver/driver.h"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    spiderc::driver::Environment env;
    env.stderrIsTerminal = isatty(STDERR_FILENO) != 0;
    const char* noColour = std::getenv("NO_COLOR");
    env.noColour = noColour != nullptr && noColour[0] != '\0';
    std::ios::sync_with_stdio(false);
    using spiderc::driver::Environment;
    auto colour = [](const Environment& e) { return e.stderrIsTerminal && !e.noColour; };
    const std::vector<spiderc::driver::Command> compile = {
        {"emit",
         [&](const std::vector<std::string>& a, const Environment& e, std::ostream& o,
             std::ostream& r) { return spiderc::commands::emitCommand(a, colour(e), o, r); }},
        {"build",
         [&](const std::vector<std::string>& a, const Environment& e, std::ostream& o,
             std::ostream& r) { return spiderc::commands::buildCommand(a, colour(e), o, r); }},
        {"run",
         [&](const std::vector<std::string>& a, const Environment& e, std::ostream& o,
             std::ostream& r) { return spiderc::commands::runCommand(a, colour(e), o, r); }},
    };
    const int status = spiderc::driver::run(args, env, std::cout, std::cerr, compile);
    std::cout.flush();
    return status;
}
