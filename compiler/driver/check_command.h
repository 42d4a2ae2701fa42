#pragma once
// `spiderc check`: the whole front end (parse + sema) on files, with diagnostics.
#include "ast/ast.h"
#include "diagnostics/diagnostic_engine.h"

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace spiderc::driver {

enum class ErrorFormat { Text, Json };
enum class Dump { None, Ast, Tokens };

struct CheckOptions {
    ErrorFormat errorFormat = ErrorFormat::Text;
    Dump dump = Dump::None;
    bool colour = false;
    std::vector<std::string> files;
};

// Parses and analyses one file already in `sources`. Returns the annotated module, or
// null if it could not be parsed. Sema runs whenever there is a tree, so independent
// semantic errors are reported together with transform-level ones.
std::unique_ptr<ast::Module> checkModule(const SourceManager& sources, FileId file,
                                         DiagnosticEngine& diags);

// Reads a source file for the compiler. On failure returns false and sets `error` to a
// message such as "'x.spider' is a directory". Refuses files above the front end's limit
// without reading them whole (so /dev/zero or a huge file cannot exhaust memory).
bool readSourceFile(const std::string& path, std::string& text, std::string& error);

// Runs `spiderc check` with parsed options. Exit status: 0 no errors, 1 errors.
int runCheck(const CheckOptions& options, std::ostream& out, std::ostream& err);

} // namespace spiderc::driver
