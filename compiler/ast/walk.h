#pragma once
// Visiting an expression and every expression inside it (pre-order), for the checker's and
// the lowering's questions about a whole expression ("does it call anything?").
#include "ast/ast.h"

#include <functional>

namespace spiderc::ast {

void forEachExpr(const Expr& expr, const std::function<void(const Expr&)>& fn);

} // namespace spiderc::ast
