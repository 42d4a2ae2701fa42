#pragma once

// JSON for spider::Value: a compact writer (feeds, --stats-json, persistence) and a strict
// RFC 8259 parser (settings and list values, tests, persistence).
//
// Writer: output is always valid JSON and valid UTF-8, whatever bytes the strings hold.
// Escaping follows Python's json.dumps: `"`, `\` and control characters escaped (\n, \t,
// ... or \u00XX); with `ensureAscii` (the default, as Scrapy's feeds when
// FEED_EXPORT_ENCODING is unset) every non-ASCII character becomes \uXXXX (a surrogate
// pair above U+FFFF); without it UTF-8 passes through unchanged. Bytes that are not valid
// UTF-8 are written as U+FFFD, one per invalid byte. Doubles are written as Python's repr
// writes them (0.1 -> 0.1, 1.0 -> 1.0, 1e16 -> 1e+16), the shortest text that reads back
// as the same double; NaN and infinities, which JSON cannot express, are written as null.
// The writer recurses once per nesting level of the Value.
//
// Parser: never throws and never crashes; any bad input (truncated, trailing garbage,
// invalid UTF-8, control characters in strings, nesting deeper than `maxDepth`) gives an
// error with its byte offset, line and column. Integers that fit in 64 bits become Int,
// other numbers Float. Escaped lone surrogates become U+FFFD. Duplicate object keys: the
// last value wins and the key keeps its first position, as in Python.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "data/value.h"

namespace spider {

struct JsonWriteOptions {
    // Escape every non-ASCII character as \uXXXX (Python's ensure_ascii=True).
    bool ensureAscii = true;
    // Separate with ", " and ": " like json.dumps' defaults instead of "," and ":".
    bool spaced = false;
};

// Appends the JSON text of `value` to `out`.
void appendJson(std::string& out, const Value& value, const JsonWriteOptions& options = {});
std::string toJson(const Value& value, const JsonWriteOptions& options = {});
// Appends `text` as a quoted, escaped JSON string.
void appendJsonString(std::string& out, std::string_view text, bool ensureAscii = true);
// Python's repr(float): shortest round-trip digits, "1.0" for integral values, exponent
// form ("1e-05", "1.5e+16") below 1e-4 and from 1e16 on; "nan", "inf", "-inf".
std::string formatDouble(double value);

struct JsonParseOptions {
    // Arrays and objects nested deeper than this are an error, not a stack overflow.
    std::size_t maxDepth = 512;
};

struct JsonParseError {
    std::size_t offset = 0;  // byte offset of the offending character
    std::size_t line = 1;    // 1-based
    std::size_t column = 1;  // 1-based, in bytes
    std::string message;     // "expected ',' or '}' after an object member"

    // "line 1, column 7 (offset 6): expected ..."
    std::string describe() const;
};

struct JsonParseResult {
    std::optional<Value> value;  // set on success
    JsonParseError error;        // meaningful when !value

    explicit operator bool() const { return value.has_value(); }
};

JsonParseResult parseJson(std::string_view text, const JsonParseOptions& options = {});

}  // namespace spider
