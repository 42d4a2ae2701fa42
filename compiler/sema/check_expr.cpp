// Expressions: names, members, operators, literals, await; assignability and truthiness.
#include "sema/builtins.h"
#include "sema/checker.h"
#include "sema/wording.h"
#include "sema/suggest.h"

#include <fmt/format.h>

namespace spiderc::sema {

using ast::SymbolKind;
using ast::TypeKind;

bool Checker::assignable(const ast::Type* from, const ast::Type* to) const {
    if (from == to || from->isError() || to->isError() || from->is(TypeKind::Unknown) ||
        to->is(TypeKind::Unknown)) {
        return true;
    }
    switch (to->kind) {
    case TypeKind::Optional:
        return from->is(TypeKind::None) ||
               (from->is(TypeKind::Optional) && assignable(from->element, to->element)) ||
               (!from->is(TypeKind::Optional) && assignable(from, to->element));
    case TypeKind::Float:
        return from->is(TypeKind::Int);
    case TypeKind::Any:
        return from->isPlainData();
    case TypeKind::List:
    case TypeKind::Map:
        if (from->kind != to->kind) {
            return false;
        }
        if (from->element->is(TypeKind::Unknown)) {
            return true;
        }
        // A list/map of plain data converts to one of `any` by copying.
        if (to->element->is(TypeKind::Any)) {
            return from->element->isPlainData();
        }
        return from->element == to->element;
    case TypeKind::Exception:
        return from->is(TypeKind::Exception) && to->exception == ast::ExceptionKind::Error;
    default:
        return false;
    }
}

const ast::Type* Checker::join(const ast::Type* a, const ast::Type* b) const {
    if (a == b || b->isError() || b->is(TypeKind::Unknown)) {
        return a;
    }
    if (a->isError() || a->is(TypeKind::Unknown)) {
        return b;
    }
    if (a->isNumeric() && b->isNumeric()) {
        return types_.floating();
    }
    if (a->is(TypeKind::None)) {
        return types_.optional(b);
    }
    if (b->is(TypeKind::None)) {
        return types_.optional(a);
    }
    if (a->is(TypeKind::Optional) && assignable(b, a)) {
        return a;
    }
    if (b->is(TypeKind::Optional) && assignable(a, b)) {
        return b;
    }
    if ((a->is(TypeKind::List) || a->is(TypeKind::Map)) && a->kind == b->kind) {
        if (a->element->is(TypeKind::Unknown)) {
            return b;
        }
        if (b->element->is(TypeKind::Unknown)) {
            return a;
        }
    }
    if (a->isPlainData() && b->isPlainData()) {
        return types_.any();
    }
    return nullptr;
}

bool Checker::isTestable(const ast::Type* type) const {
    switch (type->kind) {
    case TypeKind::Error:
    case TypeKind::Bool:
    case TypeKind::Int:
    case TypeKind::Float:
    case TypeKind::Str:
    case TypeKind::Any:
    case TypeKind::List:
    case TypeKind::Map:
    case TypeKind::Optional:
    case TypeKind::SelectorList:
        return true;
    default:
        return false;
    }
}

bool Checker::isPrintable(const ast::Type* type) const {
    return !type->is(TypeKind::Deferred) && !type->is(TypeKind::Log) &&
           !type->is(TypeKind::Unknown);
}

void Checker::explainType(Diagnostic& d, const ast::Type* found) {
    if (found->is(TypeKind::Optional)) {
        d.note(fmt::format("the value may be none; give a default first, e.g. '(x or {})', or "
                           "use get(default=...)",
                           found->element->is(TypeKind::Str) ? "\"\"" : "..."));
    } else if (found->is(TypeKind::Deferred)) {
        d.note("this is a Deferred: 'await' it to get its result");
    } else if (found->is(TypeKind::Any)) {
        d.note("convert the dynamic value first with str(...), int(...) or float(...)");
    }
}

void Checker::reportMismatch(const ast::Expr& expr, const ast::Type* found,
                             const ast::Type* expected, std::string_view what) {
    auto& d = diags_.error(expr.location,
                           fmt::format("expected {} for {}, found {}", ast::typeName(expected),
                                       what, ast::typeName(found)));
    if (found->is(TypeKind::Optional) && assignable(found->element, expected)) {
        explainType(d, found);
    } else if (found->is(TypeKind::Deferred) || found->is(TypeKind::Any)) {
        explainType(d, found);
    } else if (expected->is(TypeKind::Str) && (found->isNumeric() || found->is(TypeKind::Bool))) {
        d.note("convert it with str(...)");
    } else if (expected->isNumeric() && found->is(TypeKind::Str)) {
        d.note(fmt::format("convert it with {}(...)", ast::typeName(expected)));
    }
}

const ast::Type* Checker::expectType(ast::Expr& expr, const ast::Type* expected,
                                     std::string_view what) {
    const ast::Type* found = checkExpr(expr, expected);
    if (!assignable(found, expected)) {
        reportMismatch(expr, found, expected, what);
    }
    return found;
}

void Checker::checkCondition(ast::Expr& expr, std::string_view what) {
    const ast::Type* t = checkExpr(expr);
    if (!isTestable(t)) {
        auto& d = diags_.error(expr.location, fmt::format("{} cannot be used as {}",
                                                          aTypeName(t), what));
        if (t->is(TypeKind::Deferred)) {
            explainType(d, t);
        } else {
            d.note("conditions take bool, numbers, strings, lists, maps, selector lists and "
                   "optional values");
        }
    }
}

const ast::Type* Checker::checkExpr(ast::Expr& expr, const ast::Type* expected) {
    const ast::Type* t = checkExprInner(expr, expected);
    expr.type = t;
    return t;
}

const ast::Type* Checker::checkExprInner(ast::Expr& expr, const ast::Type* expected) {
    switch (expr.kind) {
    case ast::ExprKind::Name:
        return checkName(static_cast<ast::NameExpr&>(expr), false);
    case ast::ExprKind::Int:
        return types_.integer();
    case ast::ExprKind::Float:
        return types_.floating();
    case ast::ExprKind::String:
        return types_.str();
    case ast::ExprKind::FString:
        return checkFString(static_cast<ast::FStringExpr&>(expr));
    case ast::ExprKind::Bool:
        return types_.boolean();
    case ast::ExprKind::None:
        return types_.none();
    case ast::ExprKind::List:
        return checkList(static_cast<ast::ListExpr&>(expr), expected);
    case ast::ExprKind::Map:
        return checkMap(static_cast<ast::MapExpr&>(expr), expected);
    case ast::ExprKind::Member:
        return checkMember(static_cast<ast::MemberExpr&>(expr));
    case ast::ExprKind::Call:
        return checkCall(static_cast<ast::CallExpr&>(expr));
    case ast::ExprKind::Index:
        return checkIndex(static_cast<ast::IndexExpr&>(expr));
    case ast::ExprKind::Slice:
        return checkSlice(static_cast<ast::SliceExpr&>(expr));
    case ast::ExprKind::Unary:
        return checkUnary(static_cast<ast::UnaryExpr&>(expr));
    case ast::ExprKind::Binary:
        return checkBinary(static_cast<ast::BinaryExpr&>(expr));
    case ast::ExprKind::Await:
        return checkAwait(static_cast<ast::AwaitExpr&>(expr));
    case ast::ExprKind::Error:
        return types_.error();
    }
    return types_.error();
}

const ast::Type* Checker::checkName(ast::NameExpr& expr, bool asCallee) {
    ast::Symbol* symbol = scopes_.lookup(expr.name);
    if (symbol == nullptr) {
        if (!reportedUnknown_.count(expr.name)) {
            reportedUnknown_.insert(expr.name);
            std::vector<std::string_view> names = scopes_.visibleNames();
            auto& d = diags_.error(expr.location,
                                   fmt::format("unknown name '{}'{}", expr.name,
                                               didYouMean(expr.name, names)));
            if (expr.name == "self") {
                d.note("spider members are used by their names alone, without 'self.'");
            } else if (expr.name == "True" || expr.name == "False" || expr.name == "None") {
                std::string lower = expr.name;
                lower[0] = static_cast<char>(lower[0] - 'A' + 'a');
                d.note(fmt::format("the language spells it '{}'", lower)).fixIt(expr.location, lower);
            } else if (auto match = closestMatch(expr.name, names)) {
                d.fixIt(expr.location, *match);
            }
        }
        return types_.error();
    }
    expr.symbol = symbol;
    symbol->used = true;
    switch (symbol->kind) {
    case SymbolKind::Local:
    case SymbolKind::Param:
    case SymbolKind::Arg:
    case SymbolKind::SpiderField:
        return symbol->type ? symbol->type : types_.error();
    case SymbolKind::Def:
        if (initializer_ && symbol->spider != nullptr) {
            diags_.error(expr.location,
                         fmt::format("spider def '{}' cannot be used in a spider member's "
                                     "initial value",
                                     expr.name));
            return types_.error();
        }
        if (!asCallee) {
            diags_.error(expr.location,
                         fmt::format("'{}' is a def; call it, or pass it as callback={}",
                                     expr.name, expr.name));
            return types_.error();
        }
        return types_.none();
    case SymbolKind::Item:
        if (!asCallee) {
            diags_.error(expr.location,
                         fmt::format("'{}' is an item type; create one with {}(field=...)",
                                     expr.name, expr.name));
            return types_.error();
        }
        return symbol->type;
    case SymbolKind::Builtin:
        if (symbol->builtin == ast::Builtin::Log) {
            if (!asCallee) {
                return types_.log();
            }
            return types_.log();
        }
        if (!asCallee) {
            diags_.error(expr.location,
                         fmt::format("'{}' is a built-in function; call it", expr.name));
            return types_.error();
        }
        return types_.none();
    }
    return types_.error();
}

const ast::Type* Checker::checkMember(ast::MemberExpr& expr) {
    const ast::Type* object = checkExpr(*expr.object);
    if (object->isError()) {
        return types_.error();
    }
    if (object->is(TypeKind::Item)) {
        const ast::ItemDecl* item = object->item;
        if (const ast::ItemField* field = item->field(expr.name)) {
            expr.itemField = field;
            return field->type ? types_.optional(field->type) : types_.error();
        }
        std::vector<std::string_view> names;
        for (const ast::ItemField& f : item->fields) {
            names.push_back(f.name);
        }
        diags_.error(expr.nameLocation,
                     fmt::format("item '{}' has no field '{}'{}", item->name, expr.name,
                                 didYouMean(expr.name, names)))
            .note(item->nameLocation, fmt::format("'{}' is declared here", item->name));
        return types_.error();
    }
    auto member = lookupMember(object, expr.name);
    if (!member) {
        auto& d = diags_.error(expr.nameLocation,
                               fmt::format("{} has no member '{}'{}",
                                           object->is(TypeKind::Log)
                                               ? std::string("'log'")
                                               : "type '" + ast::typeName(object) + "'",
                                           expr.name,
                                           didYouMean(expr.name, memberNames(object))));
        if (object->is(TypeKind::Optional) && lookupMember(object->element, expr.name)) {
            explainType(d, object);
        } else if (object->is(TypeKind::Deferred)) {
            d.note("this is a Deferred: write '(await ...)." + expr.name + "'");
        } else if (object->is(TypeKind::Any)) {
            explainType(d, object);
        }
        return types_.error();
    }
    expr.member = member->id;
    if (member->method) {
        // Reached only when not called: checkCall handles method callees itself.
        diags_.error(expr.nameLocation,
                     fmt::format("method '{}' must be called: '{}(...)'", expr.name, expr.name));
        return types_.error();
    }
    switch (member->id) {
    case ast::Builtin::ResponseUrl:
    case ast::Builtin::ResponseText:
    case ast::Builtin::RequestUrl:
    case ast::Builtin::RequestMethod:
    case ast::Builtin::FailureMessage:
    case ast::Builtin::FailureType:
    case ast::Builtin::ErrorMessage:
    case ast::Builtin::ErrorType:
    case ast::Builtin::ErrorUrl:
        return types_.str();
    case ast::Builtin::ResponseStatus:
    case ast::Builtin::ErrorStatus:
        return types_.integer();
    case ast::Builtin::ResponseHeaders:
        return types_.headers();
    case ast::Builtin::ResponseMeta:
    case ast::Builtin::RequestMeta:
        return types_.map(types_.any());
    case ast::Builtin::ResponseRequest:
    case ast::Builtin::FailureRequest:
        return types_.request();
    case ast::Builtin::ErrorResponse:
        return types_.response();
    case ast::Builtin::SelectorAttrib:
        return types_.map(types_.str());
    default:
        return types_.error();
    }
}

const ast::Type* Checker::checkIndex(ast::IndexExpr& expr) {
    const ast::Type* object = checkExpr(*expr.object);
    if (object->isError()) {
        checkExpr(*expr.index);
        return types_.error();
    }
    switch (object->kind) {
    case TypeKind::List:
        expectType(*expr.index, types_.integer(), "a list index");
        return object->element->is(TypeKind::Unknown) ? types_.error() : object->element;
    case TypeKind::Str:
        expectType(*expr.index, types_.integer(), "a string index");
        return types_.str();
    case TypeKind::SelectorList:
        expectType(*expr.index, types_.integer(), "a selector list index");
        return types_.selector();
    case TypeKind::Map:
        expectType(*expr.index, types_.str(), "a map key");
        return object->element->is(TypeKind::Unknown) ? types_.error() : object->element;
    default: {
        checkExpr(*expr.index);
        auto& d = diags_.error(expr.object->location,
                               fmt::format("{} cannot be indexed", aTypeName(object)));
        explainType(d, object);
        return types_.error();
    }
    }
}

const ast::Type* Checker::checkSlice(ast::SliceExpr& expr) {
    const ast::Type* object = checkExpr(*expr.object);
    for (ast::ExprPtr* part : {&expr.lower, &expr.upper, &expr.step}) {
        if (*part) {
            expectType(**part, types_.integer(), "a slice bound");
        }
    }
    if (expr.step && expr.step->kind == ast::ExprKind::Int &&
        static_cast<ast::IntExpr&>(*expr.step).value == 0) {
        diags_.error(expr.step->location, "slice step cannot be zero");
    }
    if (object->isError()) {
        return types_.error();
    }
    if (object->is(TypeKind::List) || object->is(TypeKind::Str) ||
        object->is(TypeKind::SelectorList)) {
        return object;
    }
    auto& d = diags_.error(expr.object->location,
                           fmt::format("{} cannot be sliced", aTypeName(object)));
    explainType(d, object);
    return types_.error();
}

const ast::Type* Checker::checkUnary(ast::UnaryExpr& expr) {
    const ast::Type* t = checkExpr(*expr.operand);
    if (t->isError()) {
        return t;
    }
    if (expr.op == ast::UnaryOp::Not) {
        if (!isTestable(t)) {
            diags_.error(expr.operand->location,
                         fmt::format("'not' cannot be applied to {}", aTypeName(t)));
        }
        return types_.boolean();
    }
    if (!t->isNumeric()) {
        auto& d = diags_.error(expr.location,
                               fmt::format("unary '{}' needs a number, found {}",
                                           ast::unaryOpText(expr.op), ast::typeName(t)));
        explainType(d, t);
        return types_.error();
    }
    return t;
}

const ast::Type* Checker::checkBinary(ast::BinaryExpr& expr) {
    using ast::BinaryOp;
    if (ast::isComparison(expr.op)) {
        for (const ast::Expr* side : {expr.lhs.get(), expr.rhs.get()}) {
            if (side->kind == ast::ExprKind::Binary && !side->parenthesized &&
                ast::isComparison(static_cast<const ast::BinaryExpr*>(side)->op)) {
                diags_.error(expr.opLocation, "comparisons cannot be chained")
                    .note("write 'a < b and b < c', or add parentheses");
                checkExpr(*expr.lhs);
                checkExpr(*expr.rhs);
                return types_.boolean();
            }
        }
    }
    const ast::Type* l = checkExpr(*expr.lhs);
    const ast::Type* r = checkExpr(*expr.rhs, expr.op == BinaryOp::Or ? l : nullptr);
    if (l->isError() || r->isError()) {
        return ast::isComparison(expr.op) || expr.op == BinaryOp::And ? types_.boolean()
                                                                       : types_.error();
    }
    auto fail = [&](std::string_view extra = {}) -> const ast::Type* {
        auto& d = diags_.error(expr.opLocation,
                               fmt::format("cannot apply '{}' to {} and {}",
                                           ast::binaryOpText(expr.op), ast::typeName(l),
                                           ast::typeName(r)));
        if (!extra.empty()) {
            d.note(std::string(extra));
        } else if (l->is(TypeKind::Optional) || r->is(TypeKind::Optional)) {
            explainType(d, l->is(TypeKind::Optional) ? l : r);
        } else if (l->is(TypeKind::Deferred) || r->is(TypeKind::Deferred) ||
                   l->is(TypeKind::Any) || r->is(TypeKind::Any)) {
            explainType(d, l->is(TypeKind::Deferred) || l->is(TypeKind::Any) ? l : r);
        }
        return types_.error();
    };
    switch (expr.op) {
    case BinaryOp::Add:
        if (l->isNumeric() && r->isNumeric()) {
            return l->is(TypeKind::Int) && r->is(TypeKind::Int) ? l : types_.floating();
        }
        if (l->is(TypeKind::Str) && r->is(TypeKind::Str)) {
            return l;
        }
        if (l->is(TypeKind::List) && r->is(TypeKind::List)) {
            if (const ast::Type* j = join(l, r); j && (assignable(r, l) || assignable(l, r))) {
                return j;
            }
        }
        if ((l->is(TypeKind::Str) && r->isNumeric()) || (l->isNumeric() && r->is(TypeKind::Str))) {
            return fail("convert the number with str(...), or use an f-string: f\"{x}\"");
        }
        return fail();
    case BinaryOp::Sub:
    case BinaryOp::Mul:
    case BinaryOp::Mod:
        if (l->isNumeric() && r->isNumeric()) {
            return l->is(TypeKind::Int) && r->is(TypeKind::Int) ? l : types_.floating();
        }
        return fail();
    case BinaryOp::Div:
        if (l->isNumeric() && r->isNumeric()) {
            return types_.floating();
        }
        return fail();
    case BinaryOp::FloorDiv:
        if (l->isNumeric() && r->isNumeric()) {
            return l->is(TypeKind::Int) && r->is(TypeKind::Int) ? l : types_.floating();
        }
        return fail();
    case BinaryOp::Eq:
    case BinaryOp::Ne: {
        const bool lNone = l->is(TypeKind::None);
        const bool rNone = r->is(TypeKind::None);
        if (lNone || rNone) {
            const ast::Type* other = lNone ? r : l;
            if (!other->is(TypeKind::Optional) && !other->is(TypeKind::Any) &&
                !other->is(TypeKind::None)) {
                diags_.warning(expr.location,
                               fmt::format("{} is never none, so this is always {}",
                                           aTypeName(other),
                                           expr.op == BinaryOp::Eq ? "false" : "true"));
            }
            return types_.boolean();
        }
        if ((l->isNumeric() && r->isNumeric()) || assignable(l, r) || assignable(r, l)) {
            return types_.boolean();
        }
        return fail(fmt::format("{} and {} are never equal", aTypeName(l),
                                aTypeName(r)));
    }
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge:
        if ((l->isNumeric() && r->isNumeric()) || (l->is(TypeKind::Str) && r->is(TypeKind::Str))) {
            return types_.boolean();
        }
        return fail("ordering compares two numbers or two strings");
    case BinaryOp::In:
    case BinaryOp::NotIn:
        switch (r->kind) {
        case TypeKind::Str:
        case TypeKind::Map:
        case TypeKind::Headers:
            if (l->is(TypeKind::Str)) {
                return types_.boolean();
            }
            break;
        case TypeKind::List:
            if (assignable(l, r->element) || (l->isNumeric() && r->element->isNumeric())) {
                return types_.boolean();
            }
            break;
        default:
            break;
        }
        return fail("'in' looks for a str in a str, a key in a map or headers, or an element in "
                    "a list");
    case BinaryOp::And:
        if (!isTestable(l) || !isTestable(r)) {
            return fail("'and' takes values that can be tested: bool, numbers, strings, lists, "
                        "maps, optional values");
        }
        return types_.boolean();
    case BinaryOp::Or:
        if (!isTestable(l) || !isTestable(r)) {
            return fail("'or' takes values that can be tested: bool, numbers, strings, lists, "
                        "maps, optional values");
        }
        // `x or default`: the first truthy operand, so an optional left side with a
        // non-optional default gives a non-optional value.
        if (l->is(TypeKind::Optional) && assignable(r, l->element)) {
            return r->is(TypeKind::Optional) ? l : l->element;
        }
        if (l == r) {
            return l;
        }
        if (l->isNumeric() && r->isNumeric()) {
            return types_.floating();
        }
        return types_.boolean();
    }
    return types_.error();
}

const ast::Type* Checker::checkAwait(ast::AwaitExpr& expr) {
    const ast::Type* t = checkExpr(*expr.operand);
    if (initializer_ || def_ == nullptr) {
        diags_.error(expr.location, "'await' is only allowed inside an 'async def'");
        return types_.error();
    }
    if (!def_->isAsync) {
        diags_.error(expr.location,
                     fmt::format("'await' in '{}', which is not an 'async def'", def_->name))
            .note(def_->nameLocation, fmt::format("make '{}' async", def_->name))
            .fixIt({def_->location.file, def_->location.begin, def_->location.begin}, "async ");
        return t->is(TypeKind::Deferred) ? t->element : types_.error();
    }
    if (t->isError()) {
        return t;
    }
    if (!t->is(TypeKind::Deferred)) {
        auto& d = diags_.error(expr.operand->location,
                               fmt::format("cannot await {}; only Deferreds (fetch, sleep, "
                                           "gather, async defs) can be awaited",
                                           aTypeName(t)));
        if (expr.operand->kind == ast::ExprKind::Call ||
            expr.operand->kind == ast::ExprKind::Member) {
            d.note("'await' applies to the whole expression after it; to await a part, add "
                   "parentheses: (await fetch(url)).css(...)");
        }
        return types_.error();
    }
    return t->element;
}

const ast::Type* Checker::checkList(ast::ListExpr& expr, const ast::Type* expected) {
    const ast::Type* wanted =
        expected && expected->is(TypeKind::List) ? expected->element : nullptr;
    if (wanted && wanted->is(TypeKind::Unknown)) {
        wanted = nullptr;
    }
    if (expr.elements.empty()) {
        return wanted ? expected : types_.list(types_.unknown());
    }
    if (wanted) {
        for (auto& e : expr.elements) {
            expectType(*e, wanted, "a list element");
        }
        return expected;
    }
    const ast::Type* element = nullptr;
    for (auto& e : expr.elements) {
        const ast::Type* t = checkExpr(*e);
        if (element == nullptr) {
            element = t;
            continue;
        }
        const ast::Type* j = join(element, t);
        if (j == nullptr) {
            diags_.error(e->location,
                         fmt::format("list elements have different types: {} and {}",
                                     ast::typeName(element), ast::typeName(t)));
            return types_.error();
        }
        element = j;
    }
    return types_.list(element);
}

const ast::Type* Checker::checkMap(ast::MapExpr& expr, const ast::Type* expected) {
    const ast::Type* wanted = expected && expected->is(TypeKind::Map) ? expected->element : nullptr;
    if (wanted && wanted->is(TypeKind::Unknown)) {
        wanted = nullptr;
    }
    std::map<std::string, const ast::Expr*> keys;
    const ast::Type* value = nullptr;
    bool failed = false;
    for (auto& entry : expr.entries) {
        expectType(*entry.key, types_.str(), "a map key");
        if (entry.key->kind == ast::ExprKind::String) {
            const std::string& k = static_cast<ast::StringExpr&>(*entry.key).value;
            auto [it, inserted] = keys.emplace(k, entry.key.get());
            if (!inserted) {
                diags_.error(entry.key->location, fmt::format("duplicate map key \"{}\"", k))
                    .note(it->second->location, "first used here");
            }
        }
        if (wanted) {
            expectType(*entry.value, wanted, "a map value");
            continue;
        }
        const ast::Type* t = checkExpr(*entry.value);
        if (value == nullptr) {
            value = t;
            continue;
        }
        const ast::Type* j = join(value, t);
        if (j == nullptr) {
            if (!failed) {
                diags_.error(entry.value->location,
                             fmt::format("map values have different types: {} and {}",
                                         ast::typeName(value), ast::typeName(t)))
                    .note("only plain data (str, int, float, bool, none, lists and maps) can be "
                          "mixed in one map");
            }
            failed = true;
            continue;
        }
        value = j;
    }
    if (wanted) {
        return expected;
    }
    if (failed) {
        return types_.error();
    }
    return types_.map(value ? value : types_.unknown());
}

const ast::Type* Checker::checkFString(ast::FStringExpr& expr) {
    for (auto& part : expr.parts) {
        if (!part.field) {
            continue;
        }
        const ast::Type* t = checkExpr(*part.field);
        if (!t->isError() && !isPrintable(t)) {
            auto& d = diags_.error(part.field->location,
                                   fmt::format("{} cannot be formatted", aTypeName(t)));
            explainType(d, t);
        }
    }
    return types_.str();
}

} // namespace spiderc::sema
