#pragma once
// The `emit`, `build` and `run` subcommands of spiderc. Each runs the front end (the same
// parse + check as `spiderc check`, with its diagnostics) before anything else, and returns
// the process exit status:
//   0 success, 1 errors in the input (or a failed build/run), 2 usage error,
//   3 internal error: the generated C++ does not compile (a spiderc bug, reported at the
//     .spider line through #line, with the generated C++ kept for the bug report).
// `spiderc run` returns the crawler's own exit status.
#include <iosfwd>
#include <string>
#include <vector>

namespace spiderc::commands {

inline constexpr int kExitOk = 0;
inline constexpr int kExitErrors = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

struct EmitOptions {
    std::string file;
    std::string output;        // empty: stdout
    bool lineDirectives = true;
    bool verify = false;       // a Clang syntax-only pass over the result
    bool colour = false;       // colour diagnostics
};

struct BuildOptions {
    std::string file;
    std::string output;        // empty: the file's stem in the current directory
    std::string optimization = "-O2";
    std::string cxx;           // empty: $CXX, else the compiler spiderc was configured with
    std::string cacheDir;      // empty: $XDG_CACHE_HOME/spiderc or ~/.cache/spiderc
    bool colour = false;
};

struct RunOptions {
    BuildOptions build;        // build.output is ignored: run uses the cached executable
    std::vector<std::string> crawlerArgs;
};

int runEmit(const EmitOptions& options, std::ostream& out, std::ostream& err);
int runBuild(const BuildOptions& options, std::ostream& out, std::ostream& err);
int runRun(const RunOptions& options, std::ostream& out, std::ostream& err);

// Command-line parsing for each (the arguments after the subcommand name); what the
// driver's command table calls.
int emitCommand(const std::vector<std::string>& args, bool colour, std::ostream& out,
                std::ostream& err);
int buildCommand(const std::vector<std::string>& args, bool colour, std::ostream& out,
                 std::ostream& err);
int runCommand(const std::vector<std::string>& args, bool colour, std::ostream& out,
               std::ostream& err);

// The whole pipeline without I/O, for tests and tools: `text` as the file `path` -> the
// formatted C++ (empty when the front end reported errors; `diagnostics` holds them all,
// rendered as text).
struct CompiledCpp {
    bool ok = false;
    std::string cpp;
    std::string diagnostics;
};
CompiledCpp compileToCpp(const std::string& path, std::string text, bool lineDirectives,
                         const std::string& cppName = "", bool colour = false);

} // namespace spiderc::commands
