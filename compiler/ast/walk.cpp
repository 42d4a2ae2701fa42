#include "ast/walk.h"

namespace spiderc::ast {

void forEachExpr(const Expr& expr, const std::function<void(const Expr&)>& fn) {
    fn(expr);
    auto visit = [&](const ExprPtr& e) {
        if (e) forEachExpr(*e, fn);
    };
    switch (expr.kind) {
    case ExprKind::FString:
        for (const auto& part : static_cast<const FStringExpr&>(expr).parts) visit(part.field);
        break;
    case ExprKind::List:
        for (const auto& e : static_cast<const ListExpr&>(expr).elements) visit(e);
        break;
    case ExprKind::Map:
        for (const auto& entry : static_cast<const MapExpr&>(expr).entries) {
            visit(entry.key);
            visit(entry.value);
        }
        break;
    case ExprKind::Member:
        visit(static_cast<const MemberExpr&>(expr).object);
        break;
    case ExprKind::Call: {
        const auto& call = static_cast<const CallExpr&>(expr);
        visit(call.callee);
        for (const auto& arg : call.args) visit(arg.value);
        break;
    }
    case ExprKind::Index: {
        const auto& index = static_cast<const IndexExpr&>(expr);
        visit(index.object);
        visit(index.index);
        break;
    }
    case ExprKind::Slice: {
        const auto& slice = static_cast<const SliceExpr&>(expr);
        visit(slice.object);
        visit(slice.lower);
        visit(slice.upper);
        visit(slice.step);
        break;
    }
    case ExprKind::Unary:
        visit(static_cast<const UnaryExpr&>(expr).operand);
        break;
    case ExprKind::Binary: {
        const auto& binary = static_cast<const BinaryExpr&>(expr);
        visit(binary.lhs);
        visit(binary.rhs);
        break;
    }
    case ExprKind::Await:
        visit(static_cast<const AwaitExpr&>(expr).operand);
        break;
    default:
        break;
    }
}

} // namespace spiderc::ast
