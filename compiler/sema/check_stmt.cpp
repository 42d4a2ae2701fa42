// Statements: scopes, declarations, assignments, control flow, yield/return rules,
// reachability and unused variables.
#include "sema/checker.h"
#include "ast/walk.h"
#include "sema/wording.h"
#include "sema/suggest.h"

#include <fmt/format.h>

namespace spiderc::sema {

using ast::SymbolKind;
using ast::TypeKind;

void Checker::pushScope(ScopeKind kind) { scopes_.push(kind); }

void Checker::popScope() {
    for (ast::Symbol* s : scopes_.pop()) {
        if (s->used || !warnUnused_.count(s) || s->name.empty() || s->name[0] == '_' ||
            s->type == nullptr || s->type->isError()) {
            continue;
        }
        if (loopVariables_.count(s)) {
            diags_.warning(s->location, fmt::format("unused loop variable '{}'", s->name))
                .note("name it '_' to show it is not needed")
                .fixIt(s->location, "_");
        } else {
            diags_.warning(s->location, fmt::format("unused variable '{}'", s->name));
        }
    }
}

bool Checker::checkBlock(ast::Block& block, bool newScope) {
    if (newScope) {
        pushScope(ScopeKind::Block);
    }
    bool terminated = false;
    bool reported = false;
    for (ast::StmtPtr& stmt : block.statements) {
        if (terminated && !reported) {
            diags_.warning(stmt->location, "unreachable code")
                .note("the statement before it always leaves the block");
            reported = true;
        }
        if (checkStmt(*stmt)) {
            terminated = true;
        }
    }
    if (newScope) {
        popScope();
    }
    return terminated;
}

bool Checker::checkStmt(ast::Stmt& stmt) {
    switch (stmt.kind) {
    case ast::StmtKind::Let:
        checkLet(static_cast<ast::LetStmt&>(stmt));
        return false;
    case ast::StmtKind::Assign:
        checkAssign(static_cast<ast::AssignStmt&>(stmt));
        return false;
    case ast::StmtKind::Expr:
        checkExprStmt(static_cast<ast::ExprStmt&>(stmt));
        return false;
    case ast::StmtKind::If:
        return checkIf(static_cast<ast::IfStmt&>(stmt));
    case ast::StmtKind::For:
        checkFor(static_cast<ast::ForStmt&>(stmt));
        return false;
    case ast::StmtKind::While:
        return checkWhile(static_cast<ast::WhileStmt&>(stmt));
    case ast::StmtKind::Break:
    case ast::StmtKind::Continue:
        if (loopDepth_ == 0) {
            diags_.error(stmt.location,
                         fmt::format("'{}' outside a loop",
                                     stmt.kind == ast::StmtKind::Break ? "break" : "continue"));
            return false;
        }
        return true;
    case ast::StmtKind::Return:
        checkReturn(static_cast<ast::ReturnStmt&>(stmt));
        return true;
    case ast::StmtKind::Yield:
        checkYield(static_cast<ast::YieldStmt&>(stmt));
        return false;
    case ast::StmtKind::Try:
        return checkTry(static_cast<ast::TryStmt&>(stmt));
    }
    return false;
}

void Checker::checkLet(ast::LetStmt& stmt) {
    const ast::Type* declared = stmt.declaredType ? resolveType(*stmt.declaredType) : nullptr;
    const ast::Type* type = declared;
    if (!stmt.init) {
        diags_.error(stmt.nameLocation,
                     fmt::format("'let {}' needs an initial value", stmt.name))
            .note(fmt::format("e.g. 'let {}{} = ...'", stmt.name,
                              declared ? ": " + ast::typeName(declared) : ""));
        if (!type) {
            type = types_.error();
        }
    } else if (declared) {
        expectType(*stmt.init, declared, fmt::format("'{}'", stmt.name));
    } else {
        type = checkExpr(*stmt.init);
        if (type->is(TypeKind::None)) {
            diags_.error(stmt.init->location,
                         fmt::format("cannot infer the type of '{}' from 'none'", stmt.name))
                .note(fmt::format("declare it: 'let {}: str? = none'", stmt.name));
            type = types_.error();
        } else if ((type->is(TypeKind::List) || type->is(TypeKind::Map)) &&
                   type->element->is(TypeKind::Unknown)) {
            diags_.error(stmt.init->location,
                         fmt::format("cannot infer the element type of an empty {}",
                                     type->is(TypeKind::List) ? "list" : "map"))
                .note(fmt::format("declare it: 'let {}: {}'", stmt.name,
                                  type->is(TypeKind::List) ? "list[str] = []"
                                                           : "map[str, str] = {}"));
            type = types_.error();
        }
    }
    ast::Symbol* s = newSymbol(SymbolKind::Local, stmt.name, stmt.nameLocation, type);
    s->spider = spider_;
    stmt.symbol = s;
    warnUnused_.insert(s);
    if (ast::Symbol* previous = scopes_.declare(s)) {
        diags_.error(stmt.nameLocation,
                     fmt::format("'{}' is already declared in this scope", stmt.name))
            .note(previous->location, "previous declaration is here")
            .note("to change its value, assign without 'let'");
        warnUnused_.erase(s);
    }
}

void Checker::checkAssign(ast::AssignStmt& stmt) {
    ast::Expr& target = *stmt.target;
    const ast::Type* targetType = nullptr;
    if (target.kind == ast::ExprKind::Name) {
        auto& name = static_cast<ast::NameExpr&>(target);
        ast::Symbol* symbol = scopes_.lookup(name.name);
        if (symbol == nullptr) {
            if (stmt.op == ast::AssignOp::Assign) {
                // Declare it, so later uses do not report again.
                checkExpr(*stmt.value);
                diags_.error(name.location, fmt::format("'{}' is not declared", name.name))
                    .note(fmt::format("declare it with 'let {} = ...'", name.name))
                    .fixIt({name.location.file, name.location.begin, name.location.begin},
                           "let ");
                ast::Symbol* s = newSymbol(SymbolKind::Local, name.name, name.location,
                                           types_.error());
                scopes_.declare(s);
                name.symbol = s;
                name.type = types_.error();
                reportedUnknown_.insert(name.name);
                return;
            }
            targetType = checkExpr(target);
        } else {
            name.symbol = symbol;
            name.type = symbol->type;
            targetType = symbol->type ? symbol->type : types_.error();
            if (stmt.op != ast::AssignOp::Assign) {
                symbol->used = true;
            }
            if (symbol->kind == SymbolKind::Def || symbol->kind == SymbolKind::Item ||
                symbol->kind == SymbolKind::Builtin) {
                diags_.error(name.location,
                             fmt::format("cannot assign to {} '{}'",
                                         symbol->kind == SymbolKind::Def    ? "def"
                                         : symbol->kind == SymbolKind::Item ? "item type"
                                                                            : "built-in",
                                         name.name));
                checkExpr(*stmt.value);
                return;
            }
            if (!symbol->mutableBinding) {
                diags_.error(name.location,
                             fmt::format("cannot assign to {} '{}'; it is read-only",
                                         symbol->kind == SymbolKind::Arg ? "spider argument"
                                                                         : "spider attribute",
                                         name.name))
                    .note(symbol->location, "declared here");
                checkExpr(*stmt.value);
                return;
            }
        }
    } else if (target.kind == ast::ExprKind::Member) {
        auto& member = static_cast<ast::MemberExpr&>(target);
        const ast::Type* objectType = checkExpr(*member.object);
        if (objectType->isError()) {
            checkExpr(*stmt.value);
            return;
        }
        if (objectType->is(TypeKind::Item)) {
            targetType = checkExpr(target);
            if (member.itemField) {
                // Reading a field gives T?; a field accepts T or none.
                targetType = member.itemField->type ? types_.optional(member.itemField->type)
                                                    : types_.error();
            }
        } else {
            targetType = checkExpr(target);
            if (!targetType->isError()) {
                diags_.error(member.nameLocation,
                             fmt::format("cannot assign to '{}': {} values are read-only",
                                         member.name, ast::typeName(objectType)));
                checkExpr(*stmt.value);
                return;
            }
        }
    } else if (target.kind == ast::ExprKind::Index) {
        auto& index = static_cast<ast::IndexExpr&>(target);
        targetType = checkExpr(target);
        const ast::Type* objectType = index.object->type;
        if (objectType && !objectType->isError() && !objectType->is(TypeKind::List) &&
            !objectType->is(TypeKind::Map)) {
            diags_.error(index.location,
                         fmt::format("cannot assign to an element of {}; only list and map "
                                     "elements can be assigned",
                                     aTypeName(objectType)));
            checkExpr(*stmt.value);
            return;
        }
    } else {
        checkExpr(target);
        checkExpr(*stmt.value);
        return;
    }
    if (targetType == nullptr || targetType->isError()) {
        checkExpr(*stmt.value, targetType);
        return;
    }
    if (stmt.op == ast::AssignOp::Assign) {
        expectType(*stmt.value, targetType, "the assignment");
        return;
    }
    // x op= v is x = x op v.
    const ast::Type* valueType = checkExpr(*stmt.value, targetType);
    if (valueType->isError()) {
        return;
    }
    const ast::Type* result = nullptr;
    const ast::Type* base = targetType;
    switch (stmt.op) {
    case ast::AssignOp::AddAssign:
        if (base->isNumeric() && valueType->isNumeric()) {
            result = base->is(TypeKind::Int) && valueType->is(TypeKind::Int) ? base
                                                                             : types_.floating();
        } else if (base->is(TypeKind::Str) && valueType->is(TypeKind::Str)) {
            result = base;
        } else if (base->is(TypeKind::List) && assignable(valueType, base)) {
            result = base;
        }
        break;
    case ast::AssignOp::SubAssign:
    case ast::AssignOp::MulAssign:
        if (base->isNumeric() && valueType->isNumeric()) {
            result = base->is(TypeKind::Int) && valueType->is(TypeKind::Int) ? base
                                                                             : types_.floating();
        }
        break;
    case ast::AssignOp::DivAssign:
        if (base->isNumeric() && valueType->isNumeric()) {
            result = types_.floating();
        }
        break;
    case ast::AssignOp::Assign:
        break;
    }
    if (result == nullptr) {
        diags_.error(stmt.opLocation,
                     fmt::format("cannot apply '{}' to {} and {}", ast::assignOpText(stmt.op),
                                 ast::typeName(base), ast::typeName(valueType)));
        return;
    }
    if (!assignable(result, targetType)) {
        diags_.error(stmt.opLocation,
                     fmt::format("'{}' gives {}, which cannot be stored in {}",
                                 ast::assignOpText(stmt.op), aTypeName(result),
                                 aTypeName(targetType)))
            .note("'/' always gives a float; convert with int(...) if you need an int");
    }
}

void Checker::checkExprStmt(ast::ExprStmt& stmt) {
    ast::Expr& e = *stmt.expr;
    const ast::Type* type = checkExpr(e);
    if (type->isError()) {
        return;
    }
    if (type->is(TypeKind::Deferred) && e.kind != ast::ExprKind::Await) {
        auto& d = diags_.warning(e.location, "this Deferred is never awaited, so its result and "
                                             "errors are lost");
        if (def_ && def_->isAsync) {
            d.fixIt({e.location.file, e.location.begin, e.location.begin}, "await ");
        }
        d.note("write 'await ...' to wait for it");
        return;
    }
    // A call or an await anywhere inside may act (`count("s") or count("t")` does); only an
    // expression without either has no effect.
    bool acts = false;
    ast::forEachExpr(e, [&](const ast::Expr& sub) {
        acts = acts || sub.kind == ast::ExprKind::Call || sub.kind == ast::ExprKind::Await;
    });
    if (acts) {
        return;
    }
    auto& d = diags_.warning(e.location, "this expression has no effect");
    if (e.kind == ast::ExprKind::Binary &&
        static_cast<ast::BinaryExpr&>(e).op == ast::BinaryOp::Eq) {
        d.note("to assign, use '='");
    }
}

bool Checker::checkIf(ast::IfStmt& stmt) {
    bool allTerminate = true;
    bool hasElse = false;
    for (ast::IfStmt::Branch& branch : stmt.branches) {
        if (branch.condition) {
            checkCondition(*branch.condition, "an 'if' condition");
        } else {
            hasElse = true;
        }
        if (!checkBlock(branch.body)) {
            allTerminate = false;
        }
    }
    return hasElse && allTerminate;
}

void Checker::checkFor(ast::ForStmt& stmt) {
    const ast::Type* iterable = checkExpr(*stmt.iterable);
    const ast::Type* first = types_.error();
    const ast::Type* second = nullptr;
    const bool two = stmt.second.has_value();
    if (!iterable->isError()) {
        switch (iterable->kind) {
        case TypeKind::List:
            first = two ? types_.integer() : iterable->element;
            second = iterable->element;
            break;
        case TypeKind::Map:
            first = types_.str();
            second = iterable->element;
            break;
        case TypeKind::SelectorList:
            first = two ? types_.integer() : types_.selector();
            second = types_.selector();
            break;
        case TypeKind::Str:
            first = two ? types_.integer() : types_.str();
            second = types_.str();
            break;
        default: {
            auto& d = diags_.error(stmt.iterable->location,
                                   fmt::format("cannot iterate over a value of type '{}'",
                                               ast::typeName(iterable)));
            explainType(d, iterable);
            break;
        }
        }
        if (first->is(TypeKind::Unknown)) {
            first = types_.error();
        }
        if (second && second->is(TypeKind::Unknown)) {
            second = types_.error();
        }
    }
    pushScope(ScopeKind::Block);
    ast::Symbol* a = newSymbol(SymbolKind::Local, stmt.first, stmt.firstLocation, first);
    a->spider = spider_;
    stmt.firstSymbol = a;
    scopes_.declare(a);
    warnUnused_.insert(a);
    loopVariables_.insert(a);
    if (two) {
        ast::Symbol* b = newSymbol(SymbolKind::Local, *stmt.second, stmt.secondLocation,
                                   second ? second : types_.error());
        b->spider = spider_;
        stmt.secondSymbol = b;
        if (scopes_.declare(b)) {
            diags_.error(stmt.secondLocation,
                         fmt::format("both loop variables are named '{}'", *stmt.second));
        } else {
            warnUnused_.insert(b);
            loopVariables_.insert(b);
        }
    }
    ++loopDepth_;
    checkBlock(stmt.body);
    --loopDepth_;
    popScope();
}

bool Checker::checkWhile(ast::WhileStmt& stmt) {
    checkCondition(*stmt.condition, "a 'while' condition");
    ++loopDepth_;
    checkBlock(stmt.body);
    --loopDepth_;
    // `while true` without a break never completes normally.
    const bool forever = stmt.condition->kind == ast::ExprKind::Bool &&
                         static_cast<ast::BoolExpr&>(*stmt.condition).value;
    return forever && !containsBreak(stmt.body);
}

void Checker::checkReturn(ast::ReturnStmt& stmt) {
    if (def_ == nullptr) {
        return;
    }
    if (!stmt.value) {
        if (def_->role == ast::DefRole::Helper && def_->returnType &&
            !def_->returnType->isError() && !def_->returnType->is(TypeKind::None)) {
            diags_.error(stmt.location, fmt::format("'{}' must return {}", def_->name,
                                                    aTypeName(def_->returnType)));
        }
        return;
    }
    valueReturns_.push_back(&stmt);
    if (def_->isGenerator) {
        checkExpr(*stmt.value); // reported with the generator rule after the body
        return;
    }
    if (def_->role != ast::DefRole::Helper) {
        checkExpr(*stmt.value);
        diags_.error(stmt.value->location,
                     fmt::format("{} '{}' cannot return a value",
                                 def_->role == ast::DefRole::Start ? "'start'"
                                 : def_->role == ast::DefRole::Errback ? "errback"
                                                                       : "callback",
                                 def_->name))
            .note("yield items and requests instead");
        return;
    }
    if (def_->returnType == nullptr || def_->returnType->is(TypeKind::None)) {
        const ast::Type* t = checkExpr(*stmt.value);
        if (t->isError() || t->is(TypeKind::None)) {
            return;
        }
        diags_.error(stmt.value->location,
                     fmt::format("'{}' declares no return type, but returns {}", def_->name,
                                 aTypeName(t)))
            .note(fmt::format("declare it: 'def {}(...) -> {}'", def_->name, ast::typeName(t)));
        return;
    }
    expectType(*stmt.value, def_->returnType, fmt::format("the return value of '{}'", def_->name));
}

void Checker::checkYield(ast::YieldStmt& stmt) {
    if (def_ == nullptr) {
        return;
    }
    yields_.push_back(&stmt);
    yieldOperand_ = stmt.value.get();
    const ast::Type* type = checkExpr(*stmt.value);
    yieldOperand_ = nullptr;
    if (def_->spider == nullptr) {
        diags_.error(stmt.location, "'yield' is only allowed in a spider's defs")
            .note("items and requests go to the crawl through a spider's callbacks");
        return;
    }
    if (!def_->isAsync && def_->role != ast::DefRole::Start) {
        diags_.error(stmt.location,
                     fmt::format("'yield' in '{}', which is not an 'async def'", def_->name))
            .note("callbacks that yield are async generators: write 'async def'")
            .fixIt({def_->location.file, def_->location.begin, def_->location.begin}, "async ");
        return;
    }
    if (type->isError()) {
        return;
    }
    const bool isRequest = type->is(TypeKind::Request);
    const bool isItem = type->is(TypeKind::Item) ||
                        (type->is(TypeKind::Map) && type->element->isPlainData());
    if (def_->role == ast::DefRole::Start) {
        if (!isRequest) {
            diags_.error(stmt.value->location,
                         fmt::format("'start' can only yield requests, not {}",
                                     aTypeName(type)));
        }
        return;
    }
    if (isRequest || isItem) {
        return;
    }
    auto& d = diags_.error(stmt.value->location,
                           fmt::format("cannot yield {}: a callback yields items (an item "
                                       "type or a map) and requests",
                                       aTypeName(type)));
    if (type->is(TypeKind::List) && type->element->is(TypeKind::Request)) {
        d.note("yield each request: 'for r in ... { yield r }'");
    } else {
        explainType(d, type);
    }
}

bool Checker::checkTry(ast::TryStmt& stmt) {
    bool allTerminate = checkBlock(stmt.body);
    std::vector<const ast::CatchClause*> earlier;
    for (ast::CatchClause& clause : stmt.catches) {
        const ast::Type* caught = types_.exception(ast::ExceptionKind::Error);
        if (clause.type) {
            const ast::Type* t = resolveType(*clause.type);
            if (!t->isError() && !t->is(TypeKind::Exception)) {
                diags_.error(clause.type->location,
                             fmt::format("'{}' is not an error type", ast::typeName(t)))
                    .note("catch one of: Error, HttpError, TimeoutError, ConnectionError, "
                          "CancelledError, ValueError, KeyError, IndexError");
                t = types_.error();
            }
            caught = t;
        }
        clause.caught = caught;
        for (const ast::CatchClause* e : earlier) {
            if (e->caught && !caught->isError() && !e->caught->isError() &&
                (e->caught == caught || e->caught->exception == ast::ExceptionKind::Error)) {
                diags_.warning(clause.location,
                               fmt::format("this catch is unreachable: '{}' is already caught "
                                           "above",
                                           ast::typeName(caught)))
                    .note(e->location, "caught here");
                break;
            }
        }
        earlier.push_back(&clause);
        pushScope(ScopeKind::Block);
        if (!clause.name.empty()) {
            ast::Symbol* s = newSymbol(SymbolKind::Local, clause.name, clause.nameLocation, caught);
            s->spider = spider_;
            clause.symbol = s;
            scopes_.declare(s);
        }
        if (!checkBlock(clause.body)) {
            allTerminate = false;
        }
        popScope();
    }
    if (stmt.finallyBlock) {
        if (checkBlock(*stmt.finallyBlock)) {
            return true;
        }
    }
    return allTerminate && !stmt.catches.empty();
}

bool Checker::stmtAlwaysReturns(const ast::Stmt& stmt) const {
    switch (stmt.kind) {
    case ast::StmtKind::Return:
        return true;
    case ast::StmtKind::If: {
        const auto& s = static_cast<const ast::IfStmt&>(stmt);
        bool hasElse = false;
        for (const auto& b : s.branches) {
            hasElse = hasElse || !b.condition;
            if (!alwaysReturns(b.body)) {
                return false;
            }
        }
        return hasElse;
    }
    case ast::StmtKind::While: {
        const auto& s = static_cast<const ast::WhileStmt&>(stmt);
        return s.condition->kind == ast::ExprKind::Bool &&
               static_cast<const ast::BoolExpr&>(*s.condition).value && !containsBreak(s.body);
    }
    case ast::StmtKind::Try: {
        const auto& s = static_cast<const ast::TryStmt&>(stmt);
        if (s.finallyBlock && alwaysReturns(*s.finallyBlock)) {
            return true;
        }
        if (!alwaysReturns(s.body)) {
            return false;
        }
        for (const auto& c : s.catches) {
            if (!alwaysReturns(c.body)) {
                return false;
            }
        }
        return true;
    }
    default:
        return false;
    }
}

bool Checker::alwaysReturns(const ast::Block& block) const {
    for (const ast::StmtPtr& s : block.statements) {
        if (stmtAlwaysReturns(*s)) {
            return true;
        }
    }
    return false;
}

bool Checker::containsBreak(const ast::Block& block) const {
    for (const ast::StmtPtr& s : block.statements) {
        switch (s->kind) {
        case ast::StmtKind::Break:
            return true;
        case ast::StmtKind::If:
            for (const auto& b : static_cast<const ast::IfStmt&>(*s).branches) {
                if (containsBreak(b.body)) {
                    return true;
                }
            }
            break;
        case ast::StmtKind::Try: {
            const auto& t = static_cast<const ast::TryStmt&>(*s);
            if (containsBreak(t.body)) {
                return true;
            }
            for (const auto& c : t.catches) {
                if (containsBreak(c.body)) {
                    return true;
                }
            }
            if (t.finallyBlock && containsBreak(*t.finallyBlock)) {
                return true;
            }
            break;
        }
        default:
            // Breaks inside nested loops belong to those loops.
            break;
        }
    }
    return false;
}

bool Checker::containsYield(const ast::Block& block) {
    for (const ast::StmtPtr& s : block.statements) {
        switch (s->kind) {
        case ast::StmtKind::Yield:
            return true;
        case ast::StmtKind::If:
            for (const auto& b : static_cast<const ast::IfStmt&>(*s).branches) {
                if (containsYield(b.body)) {
                    return true;
                }
            }
            break;
        case ast::StmtKind::For:
            if (containsYield(static_cast<const ast::ForStmt&>(*s).body)) {
                return true;
            }
            break;
        case ast::StmtKind::While:
            if (containsYield(static_cast<const ast::WhileStmt&>(*s).body)) {
                return true;
            }
            break;
        case ast::StmtKind::Try: {
            const auto& t = static_cast<const ast::TryStmt&>(*s);
            if (containsYield(t.body)) {
                return true;
            }
            for (const auto& c : t.catches) {
                if (containsYield(c.body)) {
                    return true;
                }
            }
            if (t.finallyBlock && containsYield(*t.finallyBlock)) {
                return true;
            }
            break;
        }
        default:
            break;
        }
    }
    return false;
}

} // namespace spiderc::sema
