#pragma once
// Running a child process (the C++ compiler, a built crawler) without a shell, so no
// argument is ever re-split or interpreted.
#include <string>
#include <vector>

namespace spiderc::build {

struct ProcessResult {
    bool started = false; // false: the program could not be run (output says why)
    int exitCode = -1;    // the exit status, or 128 + signal number
    std::string output;   // stdout and stderr, interleaved (when captured)
};

// Runs argv[0] (looked up in PATH when it has no '/') with `argv`, capturing its output.
ProcessResult runCaptured(const std::vector<std::string>& argv);
// Runs it with the caller's stdin/stdout/stderr; waits for it.
ProcessResult runInherited(const std::vector<std::string>& argv);

} // namespace spiderc::build
