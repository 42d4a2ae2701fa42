#pragma once
// Small helpers for diagnostic wording.
#include "ast/type.h"

#include <string>

namespace spiderc::sema {

// "a str", "an int", "an any".
inline std::string withArticle(const std::string& noun) {
    const char c = noun.empty() ? 'x' : static_cast<char>(noun[0] | 0x20);
    const bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    return (vowel ? "an " : "a ") + noun;
}

inline std::string aTypeName(const ast::Type* type) { return withArticle(ast::typeName(type)); }

} // namespace spiderc::sema
