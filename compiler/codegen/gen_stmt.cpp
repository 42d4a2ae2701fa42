// Statements: one C++ block or statement per DSL statement, each after its #line.
#include "codegen/generator.h"
#include "lower/walk.h"

#include "codegen/literals.h"

#include <algorithm>
#include <stdexcept>

namespace spiderc::codegen {

using ast::TypeKind;

std::string Generator::maybeUnused(const ast::Symbol* symbol) const {
    return symbol != nullptr && !symbol->used ? "[[maybe_unused]] " : "";
}

std::string Generator::freshLocal(const std::string& base) {
    std::string name = localNames_.fresh(base);
    while (usedLocalNames_.count(name) != 0) name = localNames_.fresh(base);
    usedLocalNames_.insert(name);
    return name;
}

// The first symbol of a name keeps its (mangled) name; a later one that would hide or
// be hidden by another (shadowing in an inner block, `let x = x + 1`) gets a fresh one.
std::string Generator::declareLocal(const ast::Symbol* symbol) {
    if (symbol == nullptr) throw std::logic_error("codegen: a declaration without a symbol");
    if (auto it = locals_.find(symbol); it != locals_.end()) return it->second;
    std::string name = lower::mangle(symbol->name);
    const std::string base = name;
    while (usedLocalNames_.count(name) != 0) name = localNames_.fresh(base);
    usedLocalNames_.insert(name);
    locals_[symbol] = name;
    return name;
}

std::string Generator::hoistLocal(const std::string& type, const std::string& base,
                                  const Location& key, const std::string& init) {
    if (hoisted_ == nullptr) throw std::logic_error("codegen: a hoisted local outside a statement");
    // Control characters never occur in generated text (literals escape them). Numbered
    // across the whole generator, not per scope: an inner scope's text (the right side of an
    // `and`/`or` that awaits) ends up inside the outer one's, whose names are filled in last.
    std::string placeholder = "\x01" + std::to_string(nextPlaceholder_++) + "\x01";
    hoisted_->locals.push_back({key, type, base, init, placeholder});
    return placeholder;
}

void Generator::hoistCode(const Location& key, std::vector<std::string> lines) {
    if (hoisted_ == nullptr) throw std::logic_error("codegen: hoisted code outside a statement");
    hoisted_->code.push_back({key, std::move(lines)});
}

namespace {

// Source order; of two spans starting together the enclosing (longer) one first.
bool sourceOrder(const Location& a, const Location& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    return a.end > b.end;
}

} // namespace

std::string Generator::finishHoisted(HoistScope& scope, std::string text, int level,
                                     const Location* again) {
    HoistScope::Contents& c = scope.contents;
    if (c.empty()) return text;
    const std::string indent(static_cast<std::size_t>(level) * 4, ' ');
    std::string head;
    std::vector<HoistedLocal*> locals;
    for (HoistedLocal& local : c.locals) locals.push_back(&local);
    std::stable_sort(locals.begin(), locals.end(), [](const HoistedLocal* a, const HoistedLocal* b) {
        return sourceOrder(a->key, b->key);
    });
    std::vector<std::pair<std::string, std::string>> names;
    for (const HoistedLocal* local : locals) {
        const std::string name = freshLocal(local->base);
        names.emplace_back(local->placeholder, name);
        head += indent + local->type + " " + name + local->init + ";\n";
    }
    std::stable_sort(c.code.begin(), c.code.end(), [](const HoistedCode& a, const HoistedCode& b) {
        return sourceOrder(a.key, b.key);
    });
    for (const HoistedCode& code : c.code) {
        for (const std::string& line : code.lines) head += indent + line + "\n";
    }
    const std::string directive = again != nullptr ? lineDirectiveText(*again) : "";
    text = head + (directive.empty() ? "" : directive + "\n") + text;
    for (const auto& [placeholder, name] : names) {
        for (std::size_t at = text.find(placeholder); at != std::string::npos;
             at = text.find(placeholder, at + name.size())) {
            text.replace(at, placeholder.size(), name);
        }
    }
    return text;
}

void Generator::emitBlock(const ast::Block& block) {
    for (const auto& stmt : block.statements) emitStmt(*stmt);
}

void Generator::emitStmt(const ast::Stmt& stmt) {
    lineDirective(stmt.location);
    // What the statement's expressions hoist goes between the #line and the statement.
    Printer& printer = *out_;
    const Printer::Mark start = printer.mark();
    HoistScope hoist(hoisted_);
    // Python evaluates operands and arguments left to right; C++ leaves the order of a
    // call's arguments and of most operators' operands unspecified, and g++ goes right to
    // left. A statement with two awaits or def calls or more therefore holds each of their
    // values in a local assigned in source order (holdInOrder), so its fetches, sleeps and
    // state changes happen in the order they are written. Nested statements decide for
    // themselves, and so does each condition of an if (only one runs per branch: emitIf).
    const bool enclosingOrder = orderEffects_;
    orderEffects_ = stmt.kind != ast::StmtKind::If && lower::countOwnEffects(stmt) >= 2;
    emitStmtBody(stmt);
    orderEffects_ = enclosingOrder;
    if (hoist.contents.empty()) return;
    printer.replaceFrom(start, finishHoisted(hoist, printer.textFrom(start), start.level,
                                             &stmt.location));
}

void Generator::emitStmtBody(const ast::Stmt& stmt) {
    switch (stmt.kind) {
    case ast::StmtKind::Let:
        emitLet(static_cast<const ast::LetStmt&>(stmt));
        break;
    case ast::StmtKind::Assign:
        emitAssign(static_cast<const ast::AssignStmt&>(stmt));
        break;
    case ast::StmtKind::Expr: {
        const ast::Expr& e = *static_cast<const ast::ExprStmt&>(stmt).expr;
        const bool valueless = e.type == nullptr || e.type->is(TypeKind::None);
        out_->line(valueless ? expr(e) + ";" : "static_cast<void>(" + expr(e) + ");");
        break;
    }
    case ast::StmtKind::If:
        emitIf(static_cast<const ast::IfStmt&>(stmt));
        break;
    case ast::StmtKind::For:
        emitFor(static_cast<const ast::ForStmt&>(stmt));
        break;
    case ast::StmtKind::While:
        emitWhile(static_cast<const ast::WhileStmt&>(stmt));
        break;
    case ast::StmtKind::Break:
        emitExit(Exit::Break, std::nullopt);
        break;
    case ast::StmtKind::Continue:
        emitExit(Exit::Continue, std::nullopt);
        break;
    case ast::StmtKind::Return: {
        const auto& r = static_cast<const ast::ReturnStmt&>(stmt);
        std::optional<std::string> value;
        if (r.value) value = convert(*r.value, def_->def->returnType);
        emitExit(Exit::Return, value);
        break;
    }
    case ast::StmtKind::Yield:
        emitYield(static_cast<const ast::YieldStmt&>(stmt));
        break;
    case ast::StmtKind::Try:
        emitTry(static_cast<const ast::TryStmt&>(stmt));
        break;
    }
}

void Generator::emitLet(const ast::LetStmt& stmt) {
    const ast::Type* type = stmt.symbol->type;
    // The initializer first: it must not see the new name (`let x = x + 1` in a block).
    const std::string init = convert(*stmt.init, type);
    const std::string name = declareLocal(stmt.symbol);
    out_->line(maybeUnused(stmt.symbol) + typeOf(type) + " " + name + " = " + init + ";");
}

void Generator::emitAssign(const ast::AssignStmt& stmt) {
    const ast::Expr& target = *stmt.target;
    static const char* const kOps[] = {"=", "+=", "-=", "*=", "/="};
    const std::string op = kOps[static_cast<int>(stmt.op)];
    const ast::Type* targetType = target.type;

    // xs += [..] on lists.
    if (stmt.op == ast::AssignOp::AddAssign && targetType->is(TypeKind::List)) {
        out_->line("spider::dsl::extend(" + expr(target) + ", " + convert(*stmt.value, targetType) +
                   ");");
        return;
    }
    if (stmt.op == ast::AssignOp::DivAssign) {
        out_->line(expr(target) + " = spider::dsl::divide(" + expr(target) + ", " +
                   asFloat(*stmt.value) + ");");
        return;
    }
    if (target.kind == ast::ExprKind::Index) {
        const auto& ix = static_cast<const ast::IndexExpr&>(target);
        if (ix.object->type->is(TypeKind::Map) && stmt.op == ast::AssignOp::Assign) {
            out_->line(expr(*ix.object) + ".set(" + expr(*ix.index) + ", " +
                       convert(*stmt.value, targetType) + ");");
            return;
        }
    }
    if (target.kind == ast::ExprKind::Member) {
        const auto& m = static_cast<const ast::MemberExpr&>(target);
        if (m.itemField != nullptr) {
            out_->line(expr(target) + " = " +
                       convertOptional(*stmt.value, m.itemField->type->unwrapOptional()) + ";");
            return;
        }
    }
    std::string value = convert(*stmt.value, targetType);
    if (stmt.op != ast::AssignOp::Assign && targetType->is(TypeKind::Float)) {
        value = asFloat(*stmt.value);
    }
    out_->line(expr(target) + " " + op + " " + value + ";");
}

void Generator::emitIf(const ast::IfStmt& stmt) {
    // An elif whose condition hoists code (an `and`/`or` that awaits) becomes
    // `else { code; if (c) { ... } }`: the code must run only when that elif is reached.
    int nested = 0;
    for (std::size_t i = 0; i < stmt.branches.size(); ++i) {
        const auto& branch = stmt.branches[i];
        if (branch.condition) orderEffects_ = lower::countEffects(*branch.condition) >= 2;
        if (i == 0) {
            out_->line("if (" + topCondition(*branch.condition) + ") {");
        } else if (branch.condition) {
            HoistScope hoist(hoisted_);
            const std::string c = topCondition(*branch.condition);
            if (hoist.contents.empty()) {
                out_->line("} else if (" + c + ") {");
            } else {
                out_->line("} else {");
                out_->indent();
                ++nested;
                lineDirective(branch.condition->location);
                out_->emit({{"code", finishHoisted(hoist, "if (" + c + ") {", 0,
                                                   &branch.condition->location)}},
                           "$code$");
            }
        } else {
            out_->line("} else {");
        }
        out_->indent();
        emitBlock(branch.body);
        out_->outdent();
    }
    out_->line("}");
    for (; nested > 0; --nested) {
        out_->outdent();
        out_->line("}");
    }
}

void Generator::emitFor(const ast::ForStmt& stmt) {
    const ast::Expr& iterable = *stmt.iterable;
    const ast::Type* t = iterable.type;
    // Loop over a private copy when the iterable is a variable the body might change.
    const bool lvalue = iterable.kind == ast::ExprKind::Name ||
                        iterable.kind == ast::ExprKind::Member ||
                        iterable.kind == ast::ExprKind::Index;
    std::string range = expr(iterable);
    frames_.push_back(Frame{true, nullptr});
    if (stmt.secondSymbol != nullptr) {
        std::string source;
        if (t->is(TypeKind::Map)) {
            source = lvalue ? "spider::dsl::copy(" + range + ")" : range;
        } else {
            source = "spider::dsl::enumerate(" + range + ")";
        }
        const std::string unused =
            !stmt.firstSymbol->used && !stmt.secondSymbol->used ? "[[maybe_unused]] " : "";
        const std::string a = declareLocal(stmt.firstSymbol);
        const std::string b = declareLocal(stmt.secondSymbol);
        out_->line("for (" + unused + "auto& [" + a + ", " + b + "] : " + source + ") {");
    } else {
        std::string source;
        if (t->is(TypeKind::Map)) {
            source = range + ".keys()";
        } else if (t->is(TypeKind::Str)) {
            source = "spider::dsl::chars(" + range + ")";
        } else if (t->is(TypeKind::List) && lvalue) {
            source = "spider::dsl::copy(" + range + ")";
        } else {
            source = range;
        }
        const std::string name = declareLocal(stmt.firstSymbol);
        out_->line("for (" + maybeUnused(stmt.firstSymbol) + "auto& " + name + " : " + source +
                   ") {");
    }
    out_->indent();
    emitBlock(stmt.body);
    out_->outdent();
    out_->line("}");
    frames_.pop_back();
}

// The condition is evaluated into a local at the top of each iteration (clang 14 crashes on
// some suspending loops that test their condition in the loop header: PITFALLS.md).
void Generator::emitWhile(const ast::WhileStmt& stmt) {
    const ast::Expr& c = *stmt.condition;
    frames_.push_back(Frame{true, nullptr});
    if (c.kind == ast::ExprKind::Bool && static_cast<const ast::BoolExpr&>(c).value) {
        out_->line("while (true) {");
        out_->indent();
    } else {
        out_->line("while (true) {");
        out_->indent();
        // What the condition hoists runs in every iteration, before the test.
        HoistScope hoist(hoisted_);
        const std::string test = topCondition(c);
        const std::string more = freshLocal("more");
        // The condition's code maps to the condition's line, not to the lines after `while`.
        if (!hoist.contents.empty()) lineDirective(c.location);
        out_->emit({{"code", finishHoisted(hoist, "const bool " + more + " = " + test + ";", 0,
                                           &c.location)}},
                   "$code$");
        out_->line("if (!" + more + ") {");
        out_->line("    break;");
        out_->line("}");
    }
    emitBlock(stmt.body);
    out_->outdent();
    out_->line("}");
    frames_.pop_back();
}

// The co_yield of a yield statement, under the statement's own #line again: the value
// before it may be formatted over several lines (a multi-line item constructor), and without
// the directive the co_yield would be numbered as one of the DSL lines after the statement.
void Generator::yieldLine(const ast::YieldStmt& stmt) {
    lineDirective(stmt.location);
    out_->line("    co_yield std::move(" + yieldVar_ + ");");
}

void Generator::emitYield(const ast::YieldStmt& stmt) {
    const ast::Expr& v = *stmt.value;
    const ast::Type* t = v.type;
    // The yielded value goes to a local first: g++ 12 miscompiles (or rejects, "array used
    // as initializer") initializer lists and other temporaries inside co_yield operands.
    // One name per def for these block-scoped locals (it avoids every DSL name).
    if (yieldVar_.empty()) {
        yieldVar_ = freshLocal(def_->shape == lower::DefShape::StartStream ? "request" : "output");
    }
    if (def_->shape == lower::DefShape::StartStream) {
        out_->line("{");
        out_->line("    spider::Request " + yieldVar_ + " = " + expr(v) + ";");
        yieldLine(stmt);
        out_->line("}");
        return;
    }
    std::string output;
    if (t->is(TypeKind::Item)) {
        output = expr(v) + ".toItem()";
    } else if (t->is(TypeKind::Request)) {
        output = expr(v);
    } else if (v.kind == ast::ExprKind::Map) {
        const auto& m = static_cast<const ast::MapExpr&>(v);
        // A map literal becomes the item's fields directly; each value keeps its own type.
        std::string entries;
        for (const auto& entry : m.entries) {
            entries += std::string(entries.empty() ? "" : ", ") + expr(*entry.key) + ", " +
                       expr(*entry.value);
        }
        output = "spider::Item(spider::dsl::valueMap(" + entries + "))";
    } else {
        output = "spider::dsl::toItem(" + expr(v) + ")";
    }
    out_->line("{");
    out_->line("    spider::Output " + yieldVar_ + "(" + output + ");");
    yieldLine(stmt);
    out_->line("}");
}

void Generator::emitReturnNow(std::optional<std::string> value) {
    const bool coroutine = def_->shape != lower::DefShape::Function;
    const std::string keyword = coroutine ? "co_return" : "return";
    out_->line(value ? keyword + " " + *value + ";" : keyword + ";");
}

// A break, continue or return that leaves a `finally` block records where it was going
// and jumps to the finally code, which continues the exit after running (see emitTry).
void Generator::emitExit(Exit exit, std::optional<std::string> value) {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
        if (it->loop && exit != Exit::Return) break;
        if (it->finally != nullptr) {
            FinallyFrame& f = *it->finally;
            f.used = true;
            f.exits.insert(static_cast<int>(exit));
            if (value) {
                out_->line(f.resultVar + ".emplace(" + *value + ");");
            }
            out_->line(f.exitVar + " = " + std::to_string(static_cast<int>(exit)) + ";");
            out_->line("goto " + f.label + ";");
            return;
        }
    }
    switch (exit) {
    case Exit::Break:
        out_->line("break;");
        break;
    case Exit::Continue:
        out_->line("continue;");
        break;
    case Exit::Return:
        emitReturnNow(value);
        break;
    }
}

// try { } catch (e: T) { } ...: C++ forbids co_await in a handler, so the handler only
// captures the exception; the DSL's catch clauses run after the C++ try block, chosen by
// the error's kind, and an exception no clause takes is rethrown.
void Generator::emitTryCatch(const ast::TryStmt& stmt) {
    const std::string failure = freshLocal("failure");
    out_->line("std::exception_ptr " + failure + ";");
    out_->line("try {");
    out_->indent();
    emitBlock(stmt.body);
    out_->outdent();
    out_->line("} catch (...) {");
    out_->line("    " + failure + " = std::current_exception();");
    out_->line("}");
    out_->line("if (" + failure + ") {");
    out_->indent();
    const std::string error = freshLocal("error");
    out_->line("const spider::dsl::Error " + error + " = spider::dsl::Error::from(" + failure +
               ");");
    bool catchAll = false;
    for (std::size_t i = 0; i < stmt.catches.size() && !catchAll; ++i) {
        const ast::CatchClause& c = stmt.catches[i];
        const ast::ExceptionKind kind =
            c.caught != nullptr ? c.caught->exception : ast::ExceptionKind::Error;
        catchAll = kind == ast::ExceptionKind::Error;
        const std::string test = catchAll ? "true"
                                          : error + ".is(spider::dsl::ErrorKind::" +
                                                std::string(ast::exceptionName(kind)) + ")";
        if (i == 0) {
            out_->line("if (" + test + ") {");
        } else {
            out_->line("} else if (" + test + ") {");
        }
        out_->indent();
        lineDirective(c.location);
        if (c.symbol != nullptr) {
            out_->line(maybeUnused(c.symbol) + "const spider::dsl::Error& " +
                       declareLocal(c.symbol) + " = " + error + ";");
        }
        emitBlock(c.body);
        out_->outdent();
    }
    if (!catchAll) {
        out_->line("} else {");
        out_->line("    std::rethrow_exception(" + failure + ");");
    }
    out_->line("}");
    out_->outdent();
    out_->line("}");
}

// try ... finally { }: the finally code may await, so it cannot live in a destructor. The
// whole try/catch runs inside a C++ try that captures any exception; break, continue and
// return inside it jump (goto) to the finally code with their destination recorded; after
// the finally code, a captured exception is rethrown and a recorded exit continues.
void Generator::emitTry(const ast::TryStmt& stmt) {
    out_->line("{");
    out_->indent();
    if (!stmt.finallyBlock) {
        emitTryCatch(stmt);
        out_->outdent();
        out_->line("}");
        return;
    }
    FinallyFrame f;
    const std::string pending = freshLocal("pending");
    f.exitVar = freshLocal("exit");
    f.label = freshLocal("finally_block");
    const ast::Type* ret = def_->def->returnType;
    const bool returnsValue = ret != nullptr && !ret->is(TypeKind::None) &&
                              (def_->shape == lower::DefShape::Function ||
                               def_->shape == lower::DefShape::Task);
    if (returnsValue) f.resultVar = freshLocal("result");

    // The protected part goes to its own printer first: only then is it known which exits
    // it routes through the finally code.
    Printer body;
    Printer* saved = out_;
    out_ = &body;
    frames_.push_back(Frame{false, &f});
    if (stmt.catches.empty()) {
        emitBlock(stmt.body);
    } else {
        emitTryCatch(stmt);
    }
    frames_.pop_back();
    out_ = saved;

    out_->line("std::exception_ptr " + pending + ";");
    if (f.used) {
        out_->line("int " + f.exitVar + " = 0;");
        if (returnsValue && f.exits.count(static_cast<int>(Exit::Return)) != 0) {
            out_->line("std::optional<" + typeOf(ret) + "> " + f.resultVar + ";");
        }
    }
    out_->line("try {");
    out_->indent();
    out_->emit({{"body", body.text().empty() ? "" : body.text().substr(0, body.text().size() - 1)}},
               "$body$");
    out_->outdent();
    out_->line("} catch (...) {");
    out_->line("    " + pending + " = std::current_exception();");
    out_->line("}");
    if (f.used) out_->line(f.label + ":;");
    if (stmt.finallyBlock->location.valid()) lineDirective(stmt.finallyBlock->location);
    emitBlock(*stmt.finallyBlock);
    out_->line("if (" + pending + ") {");
    out_->line("    std::rethrow_exception(" + pending + ");");
    out_->line("}");
    for (int exit : f.exits) {
        out_->line("if (" + f.exitVar + " == " + std::to_string(exit) + ") {");
        out_->indent();
        std::optional<std::string> value;
        if (exit == static_cast<int>(Exit::Return) && returnsValue) {
            value = "std::move(*" + f.resultVar + ")";
        }
        emitExit(static_cast<Exit>(exit), value);
        out_->outdent();
        out_->line("}");
    }
    out_->outdent();
    out_->line("}");
}

} // namespace spiderc::codegen
