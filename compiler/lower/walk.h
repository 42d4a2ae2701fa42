#pragma once
// Visiting every expression of a def body (pre-order), for the lowering's questions
// ("does this def fetch?", "does this block await?").
#include "ast/ast.h"

#include <functional>

namespace spiderc::lower {

void forEachExpr(const ast::Expr& expr, const std::function<void(const ast::Expr&)>& fn);
void forEachExpr(const ast::Block& block, const std::function<void(const ast::Expr&)>& fn);
// Statements too, pre-order (nested blocks included).
void forEachStmt(const ast::Block& block, const std::function<void(const ast::Stmt&)>& fn);

// Whether the block (nested blocks included) contains an `await` / a `yield` / a `return`.
bool containsAwait(const ast::Block& block);
bool containsAwait(const ast::Expr& expr);
bool containsYield(const ast::Block& block);
bool containsReturn(const ast::Block& block);

} // namespace spiderc::lower
