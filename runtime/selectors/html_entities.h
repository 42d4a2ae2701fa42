#pragma once

#include <optional>
#include <string_view>

namespace spider::detail {

// The code point of an HTML 4 named character reference ("amp" -> U+0026), by exact
// (case-sensitive) name; nullopt for an unknown name.
std::optional<char32_t> htmlEntityCodepoint(std::string_view name);

}  // namespace spider::detail
