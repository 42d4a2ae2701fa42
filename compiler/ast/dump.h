#pragma once
// A readable, deterministic text form of a module for `spiderc check --dump=ast` and tests:
// one node per line, indented by two spaces per level, with line:column, and after sema
// each expression's type (`: list[str]`) and each name's symbol kind (`-> param`).
#include "ast/ast.h"

#include <string>

namespace spiderc::ast {

std::string dumpModule(const Module& module, const SourceFile& source);

} // namespace spiderc::ast
