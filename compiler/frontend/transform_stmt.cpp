// Statements and blocks.
#include "frontend/transform.h"

#include <fmt/format.h>

#include <typeinfo>

namespace spiderc::frontend {
namespace {

// See transform_expr.cpp: exact type checks instead of dynamic_cast chains.
template <typename T>
T* exactlyStmt(grammar::SpiderParser::StatementContext* node) {
    return &typeid(*node) == &typeid(T) ? static_cast<T*>(node) : nullptr;
}

bool isTerminal(antlr4::tree::ParseTree* node) {
    return &typeid(*node) == &typeid(antlr4::tree::TerminalNodeImpl) ||
           &typeid(*node) == &typeid(antlr4::tree::ErrorNodeImpl);
}

} // namespace

ast::Block Transformer::block(P::BlockContext* ctx) {
    ast::Block block;
    block.location = loc(ctx);
    DepthGuard guard(*this);
    if (tooDeep(block.location)) {
        return block;
    }
    // block: '{' sep* (statement (sep+ statement)*)? sep* '}'; every rule child that is not
    // a separator is a statement (read directly: the accessor dynamic_casts every child).
    for (antlr4::tree::ParseTree* child : ctx->children) {
        if (isTerminal(child)) {
            continue;
        }
        auto* rule = static_cast<antlr4::ParserRuleContext*>(child);
        if (rule->getRuleIndex() != P::RuleStatement) {
            continue;
        }
        if (ast::StmtPtr stmt = statement(static_cast<P::StatementContext*>(rule))) {
            block.statements.push_back(std::move(stmt));
        }
    }
    return block;
}

ast::StmtPtr Transformer::statement(P::StatementContext* ctx) {
    const Location where = loc(ctx);
    if (auto* s = exactlyStmt<P::LetStmtContext>(ctx)) {
        auto let = std::make_unique<ast::LetStmt>(where);
        let->name = nameOf(s->name());
        let->nameLocation = loc(s->name());
        if (s->typeRef()) {
            let->declaredType = typeRef(s->typeRef());
        }
        if (s->expr()) {
            let->init = expr(s->expr());
        }
        return let;
    }
    if (auto* s = exactlyStmt<P::IfStmtContext>(ctx)) {
        auto stmt = std::make_unique<ast::IfStmt>(where);
        const auto conditions = s->expr();
        const auto blocks = s->block();
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            ast::IfStmt::Branch branch;
            if (i < conditions.size()) {
                branch.condition = expr(conditions[i]);
            }
            branch.body = block(blocks[i]);
            stmt->branches.push_back(std::move(branch));
        }
        return stmt;
    }
    if (auto* s = exactlyStmt<P::ForStmtContext>(ctx)) {
        auto stmt = std::make_unique<ast::ForStmt>(where);
        const auto names = s->name();
        stmt->first = nameOf(names[0]);
        stmt->firstLocation = loc(names[0]);
        if (names.size() > 1) {
            stmt->second = nameOf(names[1]);
            stmt->secondLocation = loc(names[1]);
        }
        stmt->iterable = expr(s->expr());
        stmt->body = block(s->block());
        return stmt;
    }
    if (auto* s = exactlyStmt<P::WhileStmtContext>(ctx)) {
        auto stmt = std::make_unique<ast::WhileStmt>(where);
        stmt->condition = expr(s->expr());
        stmt->body = block(s->block());
        return stmt;
    }
    if (exactlyStmt<P::BreakStmtContext>(ctx)) {
        return std::make_unique<ast::BreakStmt>(where);
    }
    if (exactlyStmt<P::ContinueStmtContext>(ctx)) {
        return std::make_unique<ast::ContinueStmt>(where);
    }
    if (auto* s = exactlyStmt<P::ReturnStmtContext>(ctx)) {
        auto stmt = std::make_unique<ast::ReturnStmt>(where);
        if (s->expr()) {
            stmt->value = expr(s->expr());
        }
        return stmt;
    }
    if (auto* s = exactlyStmt<P::YieldStmtContext>(ctx)) {
        auto stmt = std::make_unique<ast::YieldStmt>(where);
        stmt->value = expr(s->expr());
        return stmt;
    }
    if (auto* s = exactlyStmt<P::TryStmtContext>(ctx)) {
        auto stmt = std::make_unique<ast::TryStmt>(where);
        stmt->body = block(s->block(0));
        for (P::CatchClauseContext* c : s->catchClause()) {
            ast::CatchClause clause;
            clause.location = loc(c);
            if (c->name()) {
                clause.name = nameOf(c->name());
                clause.nameLocation = loc(c->name());
            }
            if (c->typeRef()) {
                clause.type = typeRef(c->typeRef());
            }
            clause.body = block(c->block());
            stmt->catches.push_back(std::move(clause));
        }
        if (s->FINALLY()) {
            stmt->finallyBlock = block(s->block(1));
        }
        if (stmt->catches.empty() && !stmt->finallyBlock) {
            diags_.error(loc(s->TRY()), "'try' needs at least one 'catch' or a 'finally'");
        }
        return stmt;
    }
    if (auto* s = exactlyStmt<P::ExprStmtContext>(ctx)) {
        return exprStatement(s);
    }
    diags_.error(where, "internal error: unknown statement node in the parse tree");
    return nullptr;
}

ast::StmtPtr Transformer::exprStatement(P::ExprStmtContext* ctx) {
    const Location where = loc(ctx);
    if (ctx->assignOp() == nullptr) {
        return std::make_unique<ast::ExprStmt>(where, expr(ctx->expr(0)));
    }
    auto stmt = std::make_unique<ast::AssignStmt>(where);
    P::AssignOpContext* op = ctx->assignOp();
    stmt->opLocation = loc(op);
    stmt->op = op->PLUS_ASSIGN()    ? ast::AssignOp::AddAssign
               : op->MINUS_ASSIGN() ? ast::AssignOp::SubAssign
               : op->STAR_ASSIGN()  ? ast::AssignOp::MulAssign
               : op->SLASH_ASSIGN() ? ast::AssignOp::DivAssign
                                    : ast::AssignOp::Assign;
    stmt->target = expr(ctx->expr(0));
    stmt->value = expr(ctx->expr(1));
    checkAssignTarget(*stmt->target);
    return stmt;
}

bool Transformer::checkAssignTarget(const ast::Expr& target) {
    switch (target.kind) {
    case ast::ExprKind::Name:
    case ast::ExprKind::Member:
    case ast::ExprKind::Index:
    case ast::ExprKind::Error:
        if (!target.parenthesized || target.kind == ast::ExprKind::Error) {
            return true;
        }
        break;
    default:
        break;
    }
    auto& d = diags_.error(target.location, "cannot assign to this expression");
    if (target.kind == ast::ExprKind::Binary &&
        static_cast<const ast::BinaryExpr&>(target).op == ast::BinaryOp::Eq) {
        d.note("to compare two values, use '=='");
    } else {
        d.note("assign to a variable, an item field (x.name) or an element (x[i])");
    }
    return false;
}

} // namespace spiderc::frontend
