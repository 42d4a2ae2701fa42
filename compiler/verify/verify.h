#pragma once
// A syntax-only Clang pass over generated C++ (libTooling), in memory: proves the output
// parses and type-checks against the runtime headers without compiling or linking it.
// Locations come out through #line directives, so an error in code generated for a DSL
// statement is reported at that statement's .spider line.
//
// This library and format/ are the only ones that link LLVM/Clang.
#include <string>
#include <string_view>
#include <vector>

namespace spiderc::verify {

struct VerifyDiagnostic {
    std::string severity; // "error", "warning", "fatal error"
    std::string file;     // as mapped by #line (the .spider path), or the C++ file name
    unsigned line = 0;
    unsigned column = 0;
    std::string message;
};

struct VerifyResult {
    bool ok = false; // no errors (warnings allowed)
    std::vector<VerifyDiagnostic> diagnostics;
};

struct VerifyOptions {
    std::string fileName = "generated.cpp"; // the in-memory file's name
    std::vector<std::string> includeDirs;   // the runtime's include directory
    // Extra arguments (e.g. "-Wall", "-Wextra"); -std=c++20 and -fsyntax-only are implied.
    std::vector<std::string> extraArgs;
};

VerifyResult verifyCpp(std::string_view code, const VerifyOptions& options);

// "file:line:col: severity: message" lines.
std::string renderDiagnostics(const VerifyResult& result);

} // namespace spiderc::verify
