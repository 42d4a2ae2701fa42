#pragma once
// Visiting every expression of a def body (pre-order), for the lowering's questions
// ("does this def fetch?", "does this block await?").
#include "ast/ast.h"
#include "ast/walk.h"

#include <functional>

namespace spiderc::lower {

using ast::forEachExpr; // one expression (ast/walk.h)
void forEachExpr(const ast::Block& block, const std::function<void(const ast::Expr&)>& fn);
// Statements too, pre-order (nested blocks included).
void forEachStmt(const ast::Block& block, const std::function<void(const ast::Stmt&)>& fn);
// The expressions of one statement itself (not those of its nested blocks), pre-order.
void forEachOwnExpr(const ast::Stmt& stmt, const std::function<void(const ast::Expr&)>& fn);

// Whether evaluating `expr` itself may have effects that Python orders left to right: an
// `await`, or a call of a def of the spider (which may change the spider's state). The
// ordering of statements with several of them is codegen's (Generator::emitStmt).
bool isOrderedEffect(const ast::Expr& expr);
// How many of those a statement's own expressions hold (nested blocks not counted), or an
// expression holds.
int countOwnEffects(const ast::Stmt& stmt);
int countEffects(const ast::Expr& expr);

// Whether the block (nested blocks included) contains an `await` / a `yield` / a `return`.
bool containsAwait(const ast::Block& block);
bool containsAwait(const ast::Expr& expr);
bool containsYield(const ast::Block& block);
bool containsReturn(const ast::Block& block);

} // namespace spiderc::lower
