#pragma once

// Small pieces of Python behaviour that parsel's results depend on.

#include <string>
#include <string_view>

namespace spider::detail {

// What parsel feeds libxml2 for Selector(text=...): invalid UTF-8 replaced by U+FFFD
// (maximal subparts, as Python's decoder with errors="replace" does), then str.strip()
// (Python's Unicode whitespace), then every NUL removed. Returns a view into `text` when
// nothing needed rewriting, else into `storage`.
std::string_view prepareDocumentText(std::string_view text, std::string& storage);

// repr(float) in Python 3: shortest round-trip digits, "3.0", "1e+16", "1e-05", "nan",
// "inf", "-0.0". lxml returns XPath numbers as floats and parsel renders them this way.
std::string pythonFloatRepr(double value);

}  // namespace spider::detail
