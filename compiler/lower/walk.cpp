#include "lower/walk.h"

namespace spiderc::lower {


void forEachStmt(const ast::Block& block, const std::function<void(const ast::Stmt&)>& fn) {
    for (const auto& stmt : block.statements) {
        fn(*stmt);
        switch (stmt->kind) {
        case ast::StmtKind::If:
            for (const auto& branch : static_cast<const ast::IfStmt&>(*stmt).branches) {
                forEachStmt(branch.body, fn);
            }
            break;
        case ast::StmtKind::For:
            forEachStmt(static_cast<const ast::ForStmt&>(*stmt).body, fn);
            break;
        case ast::StmtKind::While:
            forEachStmt(static_cast<const ast::WhileStmt&>(*stmt).body, fn);
            break;
        case ast::StmtKind::Try: {
            const auto& t = static_cast<const ast::TryStmt&>(*stmt);
            forEachStmt(t.body, fn);
            for (const auto& c : t.catches) forEachStmt(c.body, fn);
            if (t.finallyBlock) forEachStmt(*t.finallyBlock, fn);
            break;
        }
        default:
            break;
        }
    }
}

void forEachOwnExpr(const ast::Stmt& stmt, const std::function<void(const ast::Expr&)>& fn) {
    auto visit = [&](const ast::ExprPtr& e) {
        if (e) forEachExpr(*e, fn);
    };
    switch (stmt.kind) {
    case ast::StmtKind::Let:
        visit(static_cast<const ast::LetStmt&>(stmt).init);
        break;
    case ast::StmtKind::Assign:
        visit(static_cast<const ast::AssignStmt&>(stmt).target);
        visit(static_cast<const ast::AssignStmt&>(stmt).value);
        break;
    case ast::StmtKind::Expr:
        visit(static_cast<const ast::ExprStmt&>(stmt).expr);
        break;
    case ast::StmtKind::If:
        for (const auto& branch : static_cast<const ast::IfStmt&>(stmt).branches) {
            visit(branch.condition);
        }
        break;
    case ast::StmtKind::For:
        visit(static_cast<const ast::ForStmt&>(stmt).iterable);
        break;
    case ast::StmtKind::While:
        visit(static_cast<const ast::WhileStmt&>(stmt).condition);
        break;
    case ast::StmtKind::Return:
        visit(static_cast<const ast::ReturnStmt&>(stmt).value);
        break;
    case ast::StmtKind::Yield:
        visit(static_cast<const ast::YieldStmt&>(stmt).value);
        break;
    default:
        break;
    }
}

bool isOrderedEffect(const ast::Expr& expr) {
    if (expr.kind == ast::ExprKind::Await) return true;
    if (expr.kind != ast::ExprKind::Call) return false;
    const auto& call = static_cast<const ast::CallExpr&>(expr);
    // An async def called without await only makes a Deferred; its await is the effect.
    return call.calleeKind == ast::CalleeKind::Def &&
           !(call.type != nullptr && call.type->is(ast::TypeKind::Deferred));
}

int countOwnEffects(const ast::Stmt& stmt) {
    int count = 0;
    forEachOwnExpr(stmt, [&](const ast::Expr& e) { count += isOrderedEffect(e); });
    return count;
}

int countEffects(const ast::Expr& expr) {
    int count = 0;
    forEachExpr(expr, [&](const ast::Expr& e) { count += isOrderedEffect(e); });
    return count;
}

void forEachExpr(const ast::Block& block, const std::function<void(const ast::Expr&)>& fn) {
    forEachStmt(block, [&](const ast::Stmt& stmt) { forEachOwnExpr(stmt, fn); });
}

bool containsAwait(const ast::Block& block) {
    bool found = false;
    forEachExpr(block, [&](const ast::Expr& e) { found = found || e.kind == ast::ExprKind::Await; });
    return found;
}

bool containsAwait(const ast::Expr& expr) {
    bool found = false;
    forEachExpr(expr, [&](const ast::Expr& e) { found = found || e.kind == ast::ExprKind::Await; });
    return found;
}

bool containsYield(const ast::Block& block) {
    bool found = false;
    forEachStmt(block, [&](const ast::Stmt& s) { found = found || s.kind == ast::StmtKind::Yield; });
    return found;
}

bool containsReturn(const ast::Block& block) {
    bool found = false;
    forEachStmt(block, [&](const ast::Stmt& s) { found = found || s.kind == ast::StmtKind::Return; });
    return found;
}

} // namespace spiderc::lower
