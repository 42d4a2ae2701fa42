#include "lower/walk.h"

namespace spiderc::lower {

void forEachExpr(const ast::Expr& expr, const std::function<void(const ast::Expr&)>& fn) {
    fn(expr);
    auto visit = [&](const ast::ExprPtr& e) {
        if (e) forEachExpr(*e, fn);
    };
    switch (expr.kind) {
    case ast::ExprKind::FString:
        for (const auto& part : static_cast<const ast::FStringExpr&>(expr).parts) visit(part.field);
        break;
    case ast::ExprKind::List:
        for (const auto& e : static_cast<const ast::ListExpr&>(expr).elements) visit(e);
        break;
    case ast::ExprKind::Map:
        for (const auto& entry : static_cast<const ast::MapExpr&>(expr).entries) {
            visit(entry.key);
            visit(entry.value);
        }
        break;
    case ast::ExprKind::Member:
        visit(static_cast<const ast::MemberExpr&>(expr).object);
        break;
    case ast::ExprKind::Call: {
        const auto& call = static_cast<const ast::CallExpr&>(expr);
        visit(call.callee);
        for (const auto& arg : call.args) visit(arg.value);
        break;
    }
    case ast::ExprKind::Index: {
        const auto& index = static_cast<const ast::IndexExpr&>(expr);
        visit(index.object);
        visit(index.index);
        break;
    }
    case ast::ExprKind::Slice: {
        const auto& slice = static_cast<const ast::SliceExpr&>(expr);
        visit(slice.object);
        visit(slice.lower);
        visit(slice.upper);
        visit(slice.step);
        break;
    }
    case ast::ExprKind::Unary:
        visit(static_cast<const ast::UnaryExpr&>(expr).operand);
        break;
    case ast::ExprKind::Binary: {
        const auto& binary = static_cast<const ast::BinaryExpr&>(expr);
        visit(binary.lhs);
        visit(binary.rhs);
        break;
    }
    case ast::ExprKind::Await:
        visit(static_cast<const ast::AwaitExpr&>(expr).operand);
        break;
    default:
        break;
    }
}

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
