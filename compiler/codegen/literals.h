#pragma once
// DSL values as C++ source text. Every DSL string reaches C++ only through
// cppStringLiteral(), so no byte of user text can end a literal, start a comment or a
// directive, form a trigraph or change the meaning of a following escape.
#include <cstdint>
#include <string>
#include <string_view>

namespace spiderc::codegen {

// `bytes` as a quoted C++ narrow string literal (without a suffix): printable ASCII as is
// (with \" \\ and \? escaped), \n \t \r, valid non-ASCII UTF-8 as \u/\U escapes, every
// other byte (NUL, controls, invalid UTF-8) as a three-digit octal escape, so the literal
// holds exactly `bytes` when used with the "s"/"sv" suffixes (embedded NULs included).
std::string cppStringLiteral(std::string_view bytes);

// An int64 as a C++ expression of that value (INT64_MIN cannot be a literal).
std::string cppIntLiteral(std::int64_t value);
// A double as a C++ literal that reads back to the same value (always with '.' or 'e').
std::string cppFloatLiteral(double value);

// Text for a `//` comment or a #line file name: control characters (a newline would end
// the comment) replaced by '?'; for #line, quotes and backslashes escaped too.
std::string commentText(std::string_view text);
std::string lineDirectiveFile(std::string_view path);

} // namespace spiderc::codegen
