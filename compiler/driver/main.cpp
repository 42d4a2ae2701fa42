// spiderc's entry point: gathers the process's facts and hands them to the driver.
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
    const int status = spiderc::driver::run(args, env, std::cout, std::cerr);
    std::cout.flush();
    return status;
}
