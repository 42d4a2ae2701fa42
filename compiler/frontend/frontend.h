#pragma once
// The front end's entry point: bytes of one file -> ast::Module, or diagnostics.
//
// Stages, each stopping the file at its first failing stage (later stages would only
// report consequences):
//   source check (UTF-8, NUL) -> lexing and token pass (lexer.h) -> parsing -> AST.
// Parsing is the standard two-stage ANTLR parse: SLL prediction with a bail-out strategy
// first (fast, and exact for every valid program of this grammar), and only if that fails
// a second, full-LL parse with the SyntaxErrorStrategy that reports the errors.
//
// The parser is generated at build time from grammar/*.g4 by Debian's antlr4 tool
// (compiler/CMakeLists.txt, add_custom_command); nothing generated is checked in, so the
// grammar files are the single source of truth and the build regenerates on any change.
#include "ast/ast.h"
#include "diagnostics/diagnostic_engine.h"

#include <memory>

namespace spiderc::frontend {

// Files larger than this are rejected before lexing.
inline constexpr std::size_t kMaxSourceBytes = 16u * 1024u * 1024u;

// Returns the module, or null when the file could not be parsed (errors were reported).
// A returned module may still come with errors from the AST transform (bad escapes,
// invalid assignment targets...); its tree is complete, so sema can run on it.
std::unique_ptr<ast::Module> parseFile(const SourceManager& sources, FileId file,
                                       DiagnosticEngine& diags);

// The token stream the parser would see, one token per line (for --dump=tokens).
// Returns false (after reporting) if the file cannot be lexed.
bool dumpTokenStream(const SourceManager& sources, FileId file, DiagnosticEngine& diags,
                     std::string& out);

} // namespace spiderc::frontend
