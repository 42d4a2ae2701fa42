#pragma once
// Rendering of collected diagnostics.
//
// Text (the default), one block per diagnostic, clang-style:
//   quotes.spider:12:9: error: unknown name 'respone'; did you mean 'response'?
//       for q in respone.css("div.quote") {
//                ^~~~~~~
//                response
// followed by its notes in the same shape. Tabs in the quoted line are expanded to 4
// columns, control characters and invalid bytes are shown as '?', and lines longer than
// kMaxQuotedColumns are cut to a window around the caret. Colour (ANSI) only when asked
// for; the driver asks only when stderr is a terminal.
//
// JSON (--error-format=json): one object per diagnostic per line (JSON Lines):
//   {"severity":"error","message":...,"file":...,"line":L,"column":C,"end_line":L,
//    "end_column":C,"notes":[{"message":...,"file":...,"line":..,"column":..}],
//    "fixits":[{"file":...,"line":..,"column":..,"end_line":..,"end_column":..,
//               "replacement":...}]}
// Columns are 1-based characters; end positions are exclusive.
#include "diagnostics/diagnostic_engine.h"

#include <string>

namespace spiderc {

struct TextStyle {
    bool colour = false;
};

inline constexpr std::size_t kMaxQuotedColumns = 160;

std::string renderText(const Diagnostic& diagnostic, const SourceManager& sources,
                       TextStyle style = {});
std::string renderJson(const Diagnostic& diagnostic, const SourceManager& sources);

// All diagnostics of the engine in source order, each rendered and newline-terminated.
std::string renderAllText(const DiagnosticEngine& diags, TextStyle style = {});
std::string renderAllJson(const DiagnosticEngine& diags);

// "2 errors and 1 warning generated." (empty when there were none).
std::string renderSummary(const DiagnosticEngine& diags);

// A JSON string literal (with quotes) for arbitrary bytes; invalid UTF-8 becomes U+FFFD.
std::string jsonQuote(std::string_view text);

} // namespace spiderc
