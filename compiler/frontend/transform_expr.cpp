// Expressions: operators, calls, member access, indexing and slicing, primaries.
#include "frontend/transform.h"

#include "SpiderLexer.h"

#include <typeinfo>

#include <fmt/format.h>

namespace spiderc::frontend {

ast::ExprPtr Transformer::fstringField(P::FstringFieldContext* ctx) { return expr(ctx->expr()); }

ast::ExprPtr Transformer::expr(P::ExprContext* ctx) {
    DepthGuard guard(*this);
    if (tooDeep(loc(ctx))) {
        return std::make_unique<ast::ErrorExpr>(loc(ctx));
    }
    return exprInner(ctx);
}

namespace {

// The generated contexts are distinguished by their dynamic type. Comparing type_info
// addresses is exact here (the grammar library is linked statically, so each context
// class has one type_info) and much cheaper than a chain of dynamic_casts, which showed
// up as a fifth of `spiderc check`'s time. Children are read by position: the grammar
// fixes each alternative's shape.
template <typename T>
T* exactly(antlr4::tree::ParseTree* node) {
    return &typeid(*node) == &typeid(T) ? static_cast<T*>(node) : nullptr;
}

antlr4::Token* tokenAt(antlr4::ParserRuleContext* ctx, std::size_t i) {
    return static_cast<antlr4::tree::TerminalNode*>(ctx->children[i])->getSymbol();
}

} // namespace

ast::ExprPtr Transformer::exprInner(P::ExprContext* ctx) {
    using grammar::SpiderLexer;
    const Location where = loc(ctx);
    auto child = [&](std::size_t i) { return static_cast<P::ExprContext*>(ctx->children[i]); };
    if (auto* e = exactly<P::PrimaryExprContext>(ctx)) {
        return primary(static_cast<P::PrimaryContext*>(e->children[0]));
    }
    if (exactly<P::MemberExprContext>(ctx)) {
        antlr4::Token* name = tokenAt(ctx, 2);
        return std::make_unique<ast::MemberExpr>(where, expr(child(0)), name->getText(),
                                                 loc(name));
    }
    if (auto* e = exactly<P::CallExprContext>(ctx)) {
        return call(e);
    }
    if (auto* e = exactly<P::IndexExprContext>(ctx)) {
        ast::ExprPtr object = expr(child(0));
        auto* sub = static_cast<P::SubscriptContext*>(e->children[2]);
        if (sub->firstColon == nullptr) {
            if (sub->lo == nullptr) {
                const Location bracket = loc(tokenAt(e, 3));
                diags_.error(bracket, "expected an index or a slice inside '[]'");
                return std::make_unique<ast::IndexExpr>(
                    where, std::move(object), std::make_unique<ast::ErrorExpr>(bracket));
            }
            return std::make_unique<ast::IndexExpr>(where, std::move(object), expr(sub->lo));
        }
        auto slice = std::make_unique<ast::SliceExpr>(where, std::move(object));
        if (sub->lo) {
            slice->lower = expr(sub->lo);
        }
        if (sub->hi) {
            slice->upper = expr(sub->hi);
        }
        if (sub->step) {
            slice->step = expr(sub->step);
        }
        return slice;
    }
    if (exactly<P::AwaitExprContext>(ctx)) {
        return std::make_unique<ast::AwaitExpr>(where, expr(child(1)));
    }
    if (exactly<P::UnaryExprContext>(ctx)) {
        const auto op = tokenAt(ctx, 0)->getType() == SpiderLexer::MINUS ? ast::UnaryOp::Neg
                                                                          : ast::UnaryOp::Plus;
        ast::ExprPtr operand = expr(child(1));
        // Fold `-5` and `-2.5` into literals, so settings and defaults stay literals.
        if (op == ast::UnaryOp::Neg && !operand->parenthesized) {
            if (operand->kind == ast::ExprKind::Int) {
                auto& lit = static_cast<ast::IntExpr&>(*operand);
                lit.value = -lit.value;
                lit.location = where;
                return operand;
            }
            if (operand->kind == ast::ExprKind::Float) {
                auto& lit = static_cast<ast::FloatExpr&>(*operand);
                lit.value = -lit.value;
                lit.location = where;
                return operand;
            }
        }
        return std::make_unique<ast::UnaryExpr>(where, op, std::move(operand));
    }
    if (exactly<P::NotExprContext>(ctx)) {
        return std::make_unique<ast::UnaryExpr>(where, ast::UnaryOp::Not, expr(child(1)));
    }
    // The binary alternatives: expr OP expr, with OP a token or a compareOp rule.
    ast::BinaryOp op;
    Location opLoc;
    if (exactly<P::CompareExprContext>(ctx)) {
        auto* c = static_cast<P::CompareOpContext*>(ctx->children[1]);
        opLoc = loc(c);
        const std::size_t first = tokenAt(c, 0)->getType();
        switch (first) {
        case SpiderLexer::NE: op = ast::BinaryOp::Ne; break;
        case SpiderLexer::LT: op = ast::BinaryOp::Lt; break;
        case SpiderLexer::LE: op = ast::BinaryOp::Le; break;
        case SpiderLexer::GT: op = ast::BinaryOp::Gt; break;
        case SpiderLexer::GE: op = ast::BinaryOp::Ge; break;
        case SpiderLexer::IN: op = ast::BinaryOp::In; break;
        case SpiderLexer::NOT: op = ast::BinaryOp::NotIn; break;
        default: op = ast::BinaryOp::Eq; break;
        }
    } else if (exactly<P::MulExprContext>(ctx) || exactly<P::AddExprContext>(ctx) ||
               exactly<P::AndExprContext>(ctx) || exactly<P::OrExprContext>(ctx)) {
        antlr4::Token* token = tokenAt(ctx, 1);
        opLoc = loc(token);
        switch (token->getType()) {
        case SpiderLexer::STAR: op = ast::BinaryOp::Mul; break;
        case SpiderLexer::SLASH: op = ast::BinaryOp::Div; break;
        case SpiderLexer::DSLASH: op = ast::BinaryOp::FloorDiv; break;
        case SpiderLexer::PERCENT: op = ast::BinaryOp::Mod; break;
        case SpiderLexer::PLUS: op = ast::BinaryOp::Add; break;
        case SpiderLexer::MINUS: op = ast::BinaryOp::Sub; break;
        case SpiderLexer::AND: op = ast::BinaryOp::And; break;
        default: op = ast::BinaryOp::Or; break;
        }
    } else {
        diags_.error(where, "internal error: unknown expression node in the parse tree");
        return std::make_unique<ast::ErrorExpr>(where);
    }
    ast::ExprPtr left = expr(child(0));
    ast::ExprPtr right = expr(child(2));
    return std::make_unique<ast::BinaryExpr>(where, op, opLoc, std::move(left), std::move(right));
}

ast::ExprPtr Transformer::call(P::CallExprContext* ctx) {
    // callExpr: expr '(' (argument (',' argument)* ','?)? ')'
    auto call = std::make_unique<ast::CallExpr>(
        loc(ctx), expr(static_cast<P::ExprContext*>(ctx->children[0])));
    bool sawKeyword = false;
    for (std::size_t i = 2; i + 1 < ctx->children.size(); i += 2) {
        auto* a = static_cast<P::ArgumentContext*>(ctx->children[i]);
        ast::Argument arg;
        // argument: (name '=')? expr
        auto* keyword = a->children.size() == 3 ? static_cast<P::NameContext*>(a->children[0])
                                                : nullptr;
        auto* value = static_cast<P::ExprContext*>(a->children.back());
        if (keyword) {
            arg.keyword = nameOf(keyword);
            arg.keywordLocation = loc(keyword);
            sawKeyword = true;
            for (const ast::Argument& earlier : call->args) {
                if (earlier.keyword == arg.keyword) {
                    diags_.error(arg.keywordLocation,
                                 fmt::format("keyword argument '{}' given twice", arg.keyword))
                        .note(earlier.keywordLocation, "first given here");
                    break;
                }
            }
        } else if (sawKeyword) {
            diags_.error(loc(a), "positional argument after keyword arguments")
                .note("put positional arguments first");
        }
        arg.value = expr(value);
        call->args.push_back(std::move(arg));
    }
    return call;
}

ast::ExprPtr Transformer::primary(P::PrimaryContext* ctx) {
    const Location where = loc(ctx);
    if (auto* p = exactly<P::NamePrimaryContext>(ctx)) {
        return std::make_unique<ast::NameExpr>(where, tokenAt(p, 0)->getText());
    }
    if (auto* p = exactly<P::IntPrimaryContext>(ctx)) {
        return intLiteral(tokenAt(p, 0));
    }
    if (auto* p = exactly<P::FloatPrimaryContext>(ctx)) {
        return floatLiteral(tokenAt(p, 0));
    }
    if (auto* p = exactly<P::StringPrimaryContext>(ctx)) {
        return stringLiteral(tokenAt(p, 0), false);
    }
    if (auto* p = exactly<P::RawStringPrimaryContext>(ctx)) {
        return stringLiteral(tokenAt(p, 0), true);
    }
    if (auto* p = exactly<P::FstringPrimaryContext>(ctx)) {
        return fstringLiteral(tokenAt(p, 0));
    }
    if (exactly<P::TruePrimaryContext>(ctx)) {
        return std::make_unique<ast::BoolExpr>(where, true);
    }
    if (exactly<P::FalsePrimaryContext>(ctx)) {
        return std::make_unique<ast::BoolExpr>(where, false);
    }
    if (exactly<P::NonePrimaryContext>(ctx)) {
        return std::make_unique<ast::NoneExpr>(where);
    }
    if (auto* p = exactly<P::ParenPrimaryContext>(ctx)) {
        ast::ExprPtr inner = expr(static_cast<P::ExprContext*>(p->children[1]));
        inner->parenthesized = true;
        return inner;
    }
    if (auto* p = exactly<P::ListPrimaryContext>(ctx)) {
        auto list = std::make_unique<ast::ListExpr>(where);
        for (P::ExprContext* e : p->expr()) {
            list->elements.push_back(expr(e));
        }
        return list;
    }
    if (auto* p = exactly<P::MapPrimaryContext>(ctx)) {
        auto map = std::make_unique<ast::MapExpr>(where);
        for (P::MapEntryContext* entry : p->mapEntry()) {
            ast::MapExpr::Entry e;
            e.key = expr(entry->expr(0));
            e.value = expr(entry->expr(1));
            map->entries.push_back(std::move(e));
        }
        return map;
    }
    diags_.error(where, "internal error: unknown primary node in the parse tree");
    return std::make_unique<ast::ErrorExpr>(where);
}

} // namespace spiderc::frontend
