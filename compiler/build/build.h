#pragma once
// `spiderc build`: the generated C++ -> a crawler executable, through the C++ compiler
// chosen at configure time (or --cxx, or $CXX), against the runtime of the build tree or
// of the installed tree spiderc runs from.
//
// Builds are cached by content: the key hashes spiderc's version, the generated C++ (which
// is a function of the .spider source and spiderc), the compile flags, the compiler's
// identity (resolved path, size, mtime) and the runtime library's identity. A hit hard-links
// the cached executable to the output (a copy across file systems); nothing is compiled. An
// entry whose executable was rewritten in place through such a link no longer matches the
// size and mtime recorded with it and is rebuilt. The cache lives in --cache-dir
// (BuildRequest::cacheDir), else $XDG_CACHE_HOME/spiderc, else ~/.cache/spiderc; entries are
// written to a temporary directory and renamed into place, so concurrent builds never see
// half an entry.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spiderc::build {

struct BuildRequest {
    std::string cppCode;      // the formatted generated C++
    std::string stem;         // the program's name ("quotes"): names files in the cache
    std::string output;       // the executable to write; empty: leave it in the cache only
    std::string cxx;          // the compiler; empty: $CXX, else the configured one
    std::string optimization = "-O2"; // "-O0" (with -g) or "-O2"
    std::string cacheDir;     // empty: defaultCacheDir()
};

struct BuildOutcome {
    bool ok = false;
    bool cacheHit = false;
    std::string executable;     // the executable in the cache
    std::string cppPath;        // the C++ kept next to it (what the compiler saw)
    std::string error;          // why it failed (one line)
    std::string compilerOutput; // the compiler's full output, on a failed compile
    bool compileFailed = false; // the compiler ran and rejected the C++
};

BuildOutcome buildCrawler(const BuildRequest& request);

// $XDG_CACHE_HOME/spiderc, else $HOME/.cache/spiderc, else /tmp/spiderc-cache.
std::string defaultCacheDir();

// Where the runtime's headers and library are: the installed tree around the spiderc
// executable (../include/spider, ../lib) when it is there, else the build tree spiderc was
// configured in.
struct RuntimeLocation {
    std::string include;
    std::string library;
    std::string problem; // non-empty when neither is usable
};
RuntimeLocation locateRuntime();

// The compile and link command for `cppPath` -> `executable` (for logs and tests).
std::vector<std::string> compileCommand(const std::string& cxx, const std::string& optimization,
                                        const RuntimeLocation& runtime,
                                        const std::string& cppPath,
                                        const std::string& executable);

// The first error in a compiler's output: "file:line:col: error: message".
struct CompilerError {
    std::string file;
    unsigned line = 0;
    unsigned column = 0;
    std::string message;
};
std::optional<CompilerError> firstCompilerError(std::string_view output);

} // namespace spiderc::build
