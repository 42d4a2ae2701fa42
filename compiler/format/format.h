#pragma once
// Formatting generated C++ with clang's libFormat and a style built into spiderc (the
// project's .clang-format: LLVM based, 100 columns, 4-space indentation), so the output is
// the same on every machine whatever .clang-format files lie around. Deterministic: the
// same input always gives the same bytes.
//
// This library and verify/ are the only ones that link LLVM/Clang.
#include <string>
#include <string_view>

namespace spiderc::format {

// The formatted code; on a libFormat failure (which would be a generator bug) the input is
// returned unchanged and `error` (when given) says why.
std::string formatCpp(std::string_view code, std::string* error = nullptr);

} // namespace spiderc::format
