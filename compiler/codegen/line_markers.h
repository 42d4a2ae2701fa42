#pragma once
// After formatting: code the generator wrote for itself (dispatchers, main, the end of a
// def) follows code mapped to .spider lines, and would inherit those #line numbers. The
// generator leaves a marker comment there; finishLineMarkers() replaces each with
// `#line N "NAME.cpp"` for the line that follows it, so diagnostics in generated-only
// code point at the C++ file itself. Run it after formatting (which moves lines).
#include <string>
#include <string_view>

namespace spiderc::codegen {

std::string finishLineMarkers(std::string_view formatted, std::string_view cppName);

} // namespace spiderc::codegen
