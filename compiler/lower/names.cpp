#include "lower/names.h"

#include <algorithm>
#include <array>

namespace spiderc::lower {
namespace {

// C++20 keywords and alternative tokens, then names generated code must keep for itself:
// namespaces it qualifies with, main, common macros of the C library headers it includes,
// the members of spider::Spider and of generated classes and item structs.
constexpr std::array kReserved = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
    "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
    "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
    "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
    "if", "import", "inline", "int", "long", "module", "mutable", "namespace", "new",
    "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected",
    "public", "register", "reinterpret_cast", "requires", "return", "short", "signed",
    "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template", "this",
    "thread_local", "throw", "true", "try", "typedef", "typeid", "typename", "union",
    "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    "final", "override",
    // namespaces, main, macros
    "std", "spider", "main", "NULL", "EOF", "assert", "errno", "stdin", "stdout", "stderr",
    "offsetof", "linux", "unix", "BUFSIZ", "INT64_MIN", "INT64_MAX", "SIZE_MAX",
    // spider::Spider and generated classes
    "name", "configure", "allowedDomains", "startUrls", "callback", "errback", "attach",
    "context", "fetch", "logger", "dslEnv", "Spider",
    // generated item structs
    "toItem", "itemType", "toValue",
};

} // namespace

bool isReservedName(std::string_view name) {
    return std::find(kReserved.begin(), kReserved.end(), name) != kReserved.end();
}

namespace {
// Spellings C++ reserves for the implementation (its macros live there): "__" anywhere, or
// a leading underscore and a capital.
bool isImplementationName(std::string_view name) {
    return name.find("__") != std::string_view::npos ||
           (name.size() >= 2 && name[0] == '_' && name[1] >= 'A' && name[1] <= 'Z');
}
} // namespace

// Three disjoint cases keep the mapping injective: implementation spellings become
// "dsl" + name + "_", keywords and names ending in '_' get a '_' appended, and the rest
// (which never end in '_') stay as they are.
std::string mangle(std::string_view name) {
    if (isImplementationName(name)) {
        return "dsl" + std::string(name) + "_";
    }
    if (isReservedName(name) || (!name.empty() && name.back() == '_')) {
        return std::string(name) + "_";
    }
    return std::string(name);
}

std::string NameTable::fresh(const std::string& base) {
    std::string name = base;
    for (int n = 2; taken_.count(name) != 0; ++n) {
        name = base + std::to_string(n);
    }
    taken_.insert(name);
    return name;
}

std::string titleCase(std::string_view name) {
    std::string out;
    bool upper = true;
    for (char c : name) {
        if (c == '_') {
            upper = true;
            continue;
        }
        out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        upper = false;
    }
    return out.empty() ? std::string("Unnamed") : out;
}

} // namespace spiderc::lower
