#pragma once
// Names the language provides: built-in functions, and the properties and methods of
// built-in types (docs/language.md, "Built-ins"). Signatures are checked in check_call.cpp.
#include "ast/ast.h"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace spiderc::sema {

struct MemberInfo {
    ast::Builtin id;
    bool method; // false: a property
};

// The member `name` of a value of type `type` (Response, Selector, str, list, ...).
std::optional<MemberInfo> lookupMember(const ast::Type* type, std::string_view name);
// All member names of `type`, for did-you-mean.
std::vector<std::string_view> memberNames(const ast::Type* type);

struct BuiltinFunction {
    std::string_view name;
    ast::Builtin id;
};
std::span<const BuiltinFunction> builtinFunctions();

// Type names usable in annotations (items come on top).
std::vector<std::string_view> builtinTypeNames();

} // namespace spiderc::sema
