#pragma once
// The checks a file passes before any lexing: it must be valid UTF-8 and contain no NUL
// bytes. ANTLR's input stream throws on invalid UTF-8, so nothing reaches it unchecked.
#include "diagnostics/diagnostic_engine.h"

namespace spiderc::frontend {

struct SourceFacts {
    bool valid = false; // false: an error was reported, stop here
};

SourceFacts checkSource(FileId file, std::string_view text, DiagnosticEngine& diags);

} // namespace spiderc::frontend
