// Expressions: each DSL expression becomes one C++ expression, fully parenthesised where
// precedence could differ, typed exactly (conversions are explicit).
#include "codegen/generator.h"

#include "codegen/literals.h"
#include "lower/walk.h"

#include <stdexcept>

namespace spiderc::codegen {

using ast::Builtin;
using ast::TypeKind;

namespace {

bool isType(const ast::Type* t, TypeKind k) { return t != nullptr && t->is(k); }

} // namespace

std::string Generator::envExpr() const {
    if (spider_ != nullptr) return "dslEnv()";
    if (def_ != nullptr && def_->needsEnv) return def_->envParam;
    throw std::logic_error("codegen: fetch/sleep/log outside a spider or an Env-taking def");
}

const ast::Expr* Generator::arg(const ast::CallExpr& e, std::size_t position,
                                std::string_view keyword) {
    std::size_t n = 0;
    for (const ast::Argument& a : e.args) {
        if (!a.keyword.empty()) continue;
        if (n++ == position) return a.value.get();
    }
    return keyword.empty() ? nullptr : e.keywordArg(keyword);
}

std::string Generator::nameRef(const ast::Symbol* symbol) {
    if (symbol == nullptr) throw std::logic_error("codegen: a name without a symbol");
    switch (symbol->kind) {
    case ast::SymbolKind::Local:
    case ast::SymbolKind::Param: {
        auto it = locals_.find(symbol);
        if (it == locals_.end()) {
            throw std::logic_error("codegen: local '" + symbol->name + "' used before declared");
        }
        return it->second;
    }
    case ast::SymbolKind::Arg:
    case ast::SymbolKind::SpiderField: {
        if (spider_ == nullptr) {
            throw std::logic_error("codegen: spider member '" + symbol->name +
                                   "' outside its spider");
        }
        return spider_->members.at(symbol);
    }
    default:
        throw std::logic_error("codegen: '" + symbol->name + "' used as a value");
    }
}

namespace {

// "(a == b)" -> "a == b" when the parentheses enclose the whole text: inside if (...)
// clang warns about a comparison in extra parentheses (-Wparentheses-equality).
std::string stripOuterParens(std::string text) {
    if (text.size() < 2 || text.front() != '(' || text.back() != ')') return text;
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')') {
            --depth;
            if (depth == 0 && i + 1 != text.size()) return text;
        }
    }
    return text.substr(1, text.size() - 2);
}

} // namespace

std::string Generator::condition(const ast::Expr& e) {
    if (isType(e.type, TypeKind::Bool)) return expr(e);
    return "spider::dsl::truthy(" + expr(e) + ")";
}

std::string Generator::topCondition(const ast::Expr& e) { return stripOuterParens(condition(e)); }

std::string Generator::asFloat(const ast::Expr& e) {
    if (isType(e.type, TypeKind::Int)) return "static_cast<double>(" + expr(e) + ")";
    return expr(e);
}

std::string Generator::convert(const ast::Expr& e, const ast::Type* to) {
    if (to == nullptr) return expr(e);
    const ast::Type* from = e.type;
    if (e.kind == ast::ExprKind::None) {
        if (to->is(TypeKind::Any)) return "spider::Value()";
        if (to->is(TypeKind::None)) return "std::monostate{}";
        return "std::nullopt";
    }
    if (e.kind == ast::ExprKind::List && to->is(TypeKind::List)) {
        return listLiteral(static_cast<const ast::ListExpr&>(e), to);
    }
    if (e.kind == ast::ExprKind::Map && to->is(TypeKind::Map)) {
        return mapLiteral(static_cast<const ast::MapExpr&>(e), to);
    }
    if (from == to) return expr(e);
    switch (to->kind) {
    case TypeKind::Any:
        return "spider::dsl::toValue(" + expr(e) + ")";
    case TypeKind::Float:
        return asFloat(e);
    case TypeKind::Optional:
        if (from->is(TypeKind::Optional)) {
            if (from->element == to->element) return expr(e);
            return "spider::dsl::fromValue<" + typeOf(to) + ">(spider::dsl::toValue(" + expr(e) +
                   "), \"\")";
        }
        return convert(e, to->element);
    case TypeKind::List:
    case TypeKind::Map:
        if (from->is(to->kind) && from->element->is(TypeKind::Unknown)) return typeOf(to) + "()";
        if (from->is(to->kind) && from->element->is(TypeKind::Deferred)) return expr(e);
        // list[int] -> list[float], list[str] -> list[any], ...: through Value.
        return "spider::dsl::fromValue<" + typeOf(to) + ">(spider::dsl::toValue(" + expr(e) +
               "), \"\")";
    default:
        return expr(e);
    }
}

std::string Generator::convertOptional(const ast::Expr& e, const ast::Type* element) {
    if (e.kind == ast::ExprKind::None) return "std::nullopt";
    if (isType(e.type, TypeKind::Optional)) {
        if (e.type->element == element) return expr(e);
        return "spider::dsl::fromValue<std::optional<" + typeOf(element) +
               ">>(spider::dsl::toValue(" + expr(e) + "), \"\")";
    }
    return convert(e, element);
}

std::string Generator::listLiteral(const ast::ListExpr& e, const ast::Type* type) {
    const ast::Type* element = type->is(TypeKind::List) ? type->element : nullptr;
    if (element == nullptr || element->is(TypeKind::Unknown)) {
        if (e.elements.empty()) return "std::vector<spider::Value>()";
        element = e.elements.front()->type;
    }
    std::string out = "spider::dsl::list<" + typeOf(element) + ">(";
    for (std::size_t i = 0; i < e.elements.size(); ++i) {
        if (i > 0) out += ", ";
        out += convert(*e.elements[i], element);
    }
    return out + ")";
}

std::string Generator::mapLiteral(const ast::MapExpr& e, const ast::Type* type) {
    const ast::Type* element = type->is(TypeKind::Map) ? type->element : nullptr;
    if (element == nullptr || element->is(TypeKind::Unknown)) {
        if (e.entries.empty()) return "spider::dsl::Dict<spider::Value>()";
        element = e.entries.front().value->type;
    }
    std::string out = "spider::dsl::dict<" + typeOf(element) + ">(";
    for (std::size_t i = 0; i < e.entries.size(); ++i) {
        if (i > 0) out += ", ";
        out += expr(*e.entries[i].key) + ", " + convert(*e.entries[i].value, element);
    }
    return out + ")";
}

std::string Generator::fstring(const ast::FStringExpr& e) {
    std::vector<std::string> pieces;
    for (const auto& part : e.parts) {
        if (part.field) {
            pieces.push_back("spider::dsl::str(" + expr(*part.field) + ")");
        } else if (!part.text.empty()) {
            pieces.push_back(cppStringLiteral(part.text) + "sv");
        }
    }
    if (pieces.empty()) return "std::string()";
    std::string out = "spider::dsl::concat(";
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0) out += ", ";
        out += pieces[i];
    }
    return out + ")";
}

std::string Generator::expr(const ast::Expr& e) {
    switch (e.kind) {
    case ast::ExprKind::Name:
        return nameRef(static_cast<const ast::NameExpr&>(e).symbol);
    case ast::ExprKind::Int: {
        const std::int64_t v = static_cast<const ast::IntExpr&>(e).value;
        const std::string text = cppIntLiteral(v);
        return v < 0 && text.front() != '(' ? "(" + text + ")" : text;
    }
    case ast::ExprKind::Float: {
        const std::string text = cppFloatLiteral(static_cast<const ast::FloatExpr&>(e).value);
        return text.front() == '-' ? "(" + text + ")" : text;
    }
    case ast::ExprKind::String:
        return stringLiteral(static_cast<const ast::StringExpr&>(e).value);
    case ast::ExprKind::FString:
        return fstring(static_cast<const ast::FStringExpr&>(e));
    case ast::ExprKind::Bool:
        return static_cast<const ast::BoolExpr&>(e).value ? "true" : "false";
    case ast::ExprKind::None:
        return "std::nullopt";
    case ast::ExprKind::List:
        return listLiteral(static_cast<const ast::ListExpr&>(e), e.type);
    case ast::ExprKind::Map:
        return mapLiteral(static_cast<const ast::MapExpr&>(e), e.type);
    case ast::ExprKind::Member:
        return member(static_cast<const ast::MemberExpr&>(e));
    case ast::ExprKind::Call:
        return call(static_cast<const ast::CallExpr&>(e));
    case ast::ExprKind::Index:
        return index(static_cast<const ast::IndexExpr&>(e));
    case ast::ExprKind::Slice:
        return slice(static_cast<const ast::SliceExpr&>(e));
    case ast::ExprKind::Unary: {
        const auto& u = static_cast<const ast::UnaryExpr&>(e);
        switch (u.op) {
        case ast::UnaryOp::Neg:
            return "(-" + expr(*u.operand) + ")";
        case ast::UnaryOp::Plus:
            return "(+" + expr(*u.operand) + ")";
        case ast::UnaryOp::Not:
            return "(!" + condition(*u.operand) + ")";
        }
        break;
    }
    case ast::ExprKind::Binary:
        return binary(static_cast<const ast::BinaryExpr&>(e));
    case ast::ExprKind::Await:
        return awaitExpr(static_cast<const ast::AwaitExpr&>(e));
    case ast::ExprKind::Error:
        break;
    }
    throw std::logic_error("codegen: an expression the checker should have rejected");
}

std::string Generator::binary(const ast::BinaryExpr& e) {
    using ast::BinaryOp;
    const ast::Type* l = e.lhs->type;
    const ast::Type* r = e.rhs->type;
    const ast::Type* t = e.type;
    const bool floats = isType(l, TypeKind::Float) || isType(r, TypeKind::Float);
    auto numeric = [&](std::string_view op) {
        if (floats) return "(" + asFloat(*e.lhs) + " " + std::string(op) + " " + asFloat(*e.rhs) + ")";
        return "(" + expr(*e.lhs) + " " + std::string(op) + " " + expr(*e.rhs) + ")";
    };
    switch (e.op) {
    case BinaryOp::Add:
        if (isType(t, TypeKind::List)) {
            return "spider::dsl::plus(" + convert(*e.lhs, t) + ", " + convert(*e.rhs, t) + ")";
        }
        if (isType(t, TypeKind::Str)) {
            // "a"s + "b"s and std::string + std::string both work.
            return "(" + expr(*e.lhs) + " + " + expr(*e.rhs) + ")";
        }
        return numeric("+");
    case BinaryOp::Sub:
        return numeric("-");
    case BinaryOp::Mul:
        return numeric("*");
    case BinaryOp::Div:
        return "spider::dsl::divide(" + asFloat(*e.lhs) + ", " + asFloat(*e.rhs) + ")";
    case BinaryOp::FloorDiv:
        if (floats) {
            return "spider::dsl::floorDivFloat(" + asFloat(*e.lhs) + ", " + asFloat(*e.rhs) + ")";
        }
        return "spider::dsl::floorDivInt(" + expr(*e.lhs) + ", " + expr(*e.rhs) + ")";
    case BinaryOp::Mod:
        if (floats) {
            return "spider::dsl::modFloat(" + asFloat(*e.lhs) + ", " + asFloat(*e.rhs) + ")";
        }
        return "spider::dsl::modInt(" + expr(*e.lhs) + ", " + expr(*e.rhs) + ")";
    case BinaryOp::Eq:
    case BinaryOp::Ne: {
        const bool eq = e.op == BinaryOp::Eq;
        const bool lNone = e.lhs->kind == ast::ExprKind::None || isType(l, TypeKind::None);
        const bool rNone = e.rhs->kind == ast::ExprKind::None || isType(r, TypeKind::None);
        if (lNone && rNone) return eq ? "true" : "false";
        if (lNone || rNone) {
            const ast::Expr& other = lNone ? *e.rhs : *e.lhs;
            if (isType(other.type, TypeKind::Optional)) {
                return std::string(eq ? "(!" : "(") + expr(other) + ".has_value())";
            }
            if (isType(other.type, TypeKind::Any)) {
                return std::string(eq ? "(" : "(!") + expr(other) + ".isNone())";
            }
            // Never none (the checker warned): evaluate it anyway, for its effects.
            return "(static_cast<void>(" + expr(other) + "), " + (eq ? "false" : "true") + ")";
        }
        const std::string op = eq ? " == " : " != ";
        if (isType(l, TypeKind::Any) != isType(r, TypeKind::Any)) {
            return "(" + convert(*e.lhs, isType(l, TypeKind::Any) ? l : r) + op +
                   convert(*e.rhs, isType(l, TypeKind::Any) ? l : r) + ")";
        }
        if (l->isNumeric() && r->isNumeric()) return numeric(eq ? "==" : "!=");
        return "(" + expr(*e.lhs) + op + expr(*e.rhs) + ")";
    }
    case BinaryOp::Lt:
        return numeric("<");
    case BinaryOp::Le:
        return numeric("<=");
    case BinaryOp::Gt:
        return numeric(">");
    case BinaryOp::Ge:
        return numeric(">=");
    case BinaryOp::In:
        return "spider::dsl::contains(" + expr(*e.rhs) + ", " + expr(*e.lhs) + ")";
    case BinaryOp::NotIn:
        return "(!spider::dsl::contains(" + expr(*e.rhs) + ", " + expr(*e.lhs) + "))";
    case BinaryOp::And:
    case BinaryOp::Or:
        // g++ 12 evaluates a co_await in the right operand of && and || (and in ?:) even
        // when the left one decides: a right side that awaits becomes statements.
        if (lower::containsAwait(*e.rhs)) return awaitingAndOr(e);
        if (orderEffects_ && lower::countEffects(*e.rhs) > 0) {
            // The right side's calls run only when the left side does not decide, so they
            // cannot be held before the statement: the whole `and`/`or` is, in its place.
            orderEffects_ = false;
            const std::string whole = andOr(e);
            orderEffects_ = true;
            return holdInOrder(e, whole, whole, "result");
        }
        return andOr(e);
    }
    throw std::logic_error("codegen: unknown binary operator");
}

// An await or a def call in a statement with several (emitStmt): its value is held in a
// local assigned before the statement, in source order (keyed by where the expression ends,
// so one inside another's operands is assigned first):
//     spider::HtmlResponse awaited;                 // yield {"a": (await fetch(x)).url,
//     awaited = co_await spider::dsl::fetch(...);   //        "b": (await fetch(y)).url}
//     spider::HtmlResponse awaited2;
//     awaited2 = co_await spider::dsl::fetch(...);
//     ... valueMap("a"s, std::move(awaited).url(), "b"s, std::move(awaited2).url()) ...
// Values of types without a cheap default (and none) stay where they are.
std::string Generator::holdInOrder(const ast::Expr& e, const std::string& code,
                                   const std::string& inlineCode, const char* base) {
    bool holdable = false;
    switch (e.type ? e.type->kind : TypeKind::Error) {
    case TypeKind::Bool:
    case TypeKind::Int:
    case TypeKind::Float:
    case TypeKind::Str:
    case TypeKind::Any:
    case TypeKind::List:
    case TypeKind::Map:
    case TypeKind::Optional:
    case TypeKind::Response:
    case TypeKind::Request:
    case TypeKind::SelectorList:
    case TypeKind::Headers:
    case TypeKind::Item:
        holdable = true; // default-constructible, then assigned
        break;
    default:
        break;
    }
    if (!orderEffects_ || !holdable || hoisted_ == nullptr) return inlineCode;
    const Location key{e.location.file, e.location.end, e.location.end};
    const std::string local = hoistLocal(typeOf(e.type), base, key);
    hoistCode(key, {local + " = " + code + ";"});
    return "std::move(" + local + ")";
}

std::string Generator::awaitExpr(const ast::AwaitExpr& e) {
    const std::string operand = expr(*e.operand);
    return holdInOrder(e, "co_await " + operand, "(co_await " + operand + ")", "awaited");
}

// `x and y` / `x or y` whose right side does not await.
std::string Generator::andOr(const ast::BinaryExpr& e) {
    if (e.op == ast::BinaryOp::And) {
        return "(" + condition(*e.lhs) + " && " + condition(*e.rhs) + ")";
    }
    if (isType(e.type, TypeKind::Bool)) {
        return "(" + condition(*e.lhs) + " || " + condition(*e.rhs) + ")";
    }
    return orValue(e);
}

// `x or y` with a value result: unless `y` is a literal or a variable, the value is held in
// a local declared before the statement, so `y` runs only when `x` is falsy, and `x` still
// runs where Python runs it (see OrOperand):
//     held.take(held.keep(x) || held.put(y))
std::string Generator::orValue(const ast::BinaryExpr& e) {
    const ast::Type* t = e.type;
    const ast::Type* l = e.lhs->type;
    // A literal or a variable as the default has nothing to skip: the plain helper reads
    // better (`spider::dsl::orElse(x, "none"s)`).
    switch (e.rhs->kind) {
    case ast::ExprKind::Name:
    case ast::ExprKind::Int:
    case ast::ExprKind::Float:
    case ast::ExprKind::String:
    case ast::ExprKind::Bool:
        if (isType(l, TypeKind::Optional)) {
            const ast::Type* rhsTarget = isType(t, TypeKind::Optional) ? t : l->element;
            return "spider::dsl::orElse(" + expr(*e.lhs) + ", " + convert(*e.rhs, rhsTarget) + ")";
        }
        if (isType(t, TypeKind::Float)) {
            return "spider::dsl::orElse(" + asFloat(*e.lhs) + ", " + asFloat(*e.rhs) + ")";
        }
        return "spider::dsl::orElse(" + expr(*e.lhs) + ", " + convert(*e.rhs, t) + ")";
    default:
        break;
    }
    const std::string held =
        hoistLocal("spider::dsl::OrOperand<" + typeOf(t) + ">", "lhs", e.location);
    const std::string left = expr(*e.lhs);
    const std::string right = isType(t, TypeKind::Float) ? asFloat(*e.rhs) : convert(*e.rhs, t);
    return held + ".take(" + held + ".keep(" + left + ") || " + held + ".put(" + right + "))";
}

// `x and y` / `x or y` whose right side awaits: statements before the statement that needs
// the value, which then reads a local (the right side's own hoisted code goes inside):
//     bool test = truthy(x);              spider::dsl::OrOperand<T> held;
//     if (test) {                         if (!held.keep(x)) {
//         test = truthy(co_await y);          held.put(co_await y);
//     }                                   }
std::string Generator::awaitingAndOr(const ast::BinaryExpr& e) {
    const ast::Type* t = e.type;
    const bool value = e.op == ast::BinaryOp::Or && !isType(t, TypeKind::Bool);
    // The code runs where the right side starts in the source: after the code the left
    // side hoists, before that of anything to the right.
    const Location key{e.rhs->location.file, e.rhs->location.begin, e.location.end};
    std::string local;
    std::string head;
    if (value) {
        local = hoistLocal("spider::dsl::OrOperand<" + typeOf(t) + ">", "lhs", e.location);
        head = "if (!" + local + ".keep(" + expr(*e.lhs) + ")) {";
    } else {
        local = hoistLocal("bool", "test", e.location, " = false");
        const std::string left = condition(*e.lhs);
        head = local + " = " + left + ";\n" +
               (e.op == ast::BinaryOp::And ? "if (" + local + ") {" : "if (!" + local + ") {");
    }
    std::string body;
    {
        // The right side runs in its own block, after the left side: only its own awaits
        // need ordering among themselves.
        const bool enclosingOrder = orderEffects_;
        orderEffects_ = lower::countEffects(*e.rhs) >= 2;
        HoistScope inner(hoisted_);
        std::string right;
        if (value) {
            const std::string y = isType(t, TypeKind::Float) ? asFloat(*e.rhs) : convert(*e.rhs, t);
            right = local + ".put(" + y + ");";
        } else {
            right = local + " = " + condition(*e.rhs) + ";";
        }
        body = finishHoisted(inner, right, 1);
        orderEffects_ = enclosingOrder;
    }
    std::vector<std::string> lines;
    for (const std::string& text : {head, body}) {
        std::size_t from = 0;
        while (true) {
            const std::size_t nl = text.find('\n', from);
            lines.push_back(text.substr(from, nl == std::string::npos ? std::string::npos
                                                                       : nl - from));
            if (nl == std::string::npos) break;
            from = nl + 1;
        }
    }
    lines.push_back("}");
    hoistCode(key, std::move(lines));
    return value ? local + ".take()" : local;
}

std::string Generator::index(const ast::IndexExpr& e) {
    const ast::Type* t = e.object->type;
    if (isType(t, TypeKind::Map)) return expr(*e.object) + ".at(" + expr(*e.index) + ")";
    return "spider::dsl::at(" + expr(*e.object) + ", " + expr(*e.index) + ")";
}

std::string Generator::slice(const ast::SliceExpr& e) {
    auto bound = [&](const ast::ExprPtr& b) { return b ? expr(*b) : std::string("{}"); };
    return "spider::dsl::slice(" + expr(*e.object) + ", " + bound(e.lower) + ", " +
           bound(e.upper) + ", " + bound(e.step) + ")";
}

std::string Generator::member(const ast::MemberExpr& e) {
    const std::string obj = expr(*e.object);
    if (e.itemField != nullptr) {
        const ast::Type* t = e.object->type;
        const lower::ItemPlan& item = plan_.planOf(t->item);
        for (std::size_t i = 0; i < item.item->fields.size(); ++i) {
            if (&item.item->fields[i] == e.itemField) return obj + "." + item.fieldNames[i];
        }
        throw std::logic_error("codegen: unknown item field '" + e.name + "'");
    }
    switch (e.member) {
    case Builtin::ResponseUrl:
        return obj + ".url()";
    case Builtin::ResponseStatus:
        return "std::int64_t{" + obj + ".status()}";
    case Builtin::ResponseHeaders:
        return "spider::dsl::headers(" + obj + ")";
    case Builtin::ResponseText:
        return obj + ".text()";
    case Builtin::ResponseMeta:
        return "spider::dsl::meta(" + obj + ".request())";
    case Builtin::ResponseRequest:
        return obj + ".request()";
    case Builtin::SelectorAttrib:
        return "spider::dsl::attrib(" + obj + ")";
    case Builtin::RequestUrl:
        return obj + ".url";
    case Builtin::RequestMethod:
        return obj + ".method";
    case Builtin::RequestMeta:
        return "spider::dsl::meta(" + obj + ")";
    case Builtin::FailureMessage:
    case Builtin::ErrorMessage:
        return obj + ".message()";
    case Builtin::FailureType:
    case Builtin::ErrorType:
        return obj + ".type()";
    case Builtin::FailureRequest:
        return obj + ".request()";
    case Builtin::ErrorStatus:
        return obj + ".status()";
    case Builtin::ErrorUrl:
        return obj + ".url()";
    case Builtin::ErrorResponse:
        return obj + ".response()";
    default:
        throw std::logic_error("codegen: property '" + e.name + "' is not supported");
    }
}

std::string Generator::call(const ast::CallExpr& e) {
    switch (e.calleeKind) {
    case ast::CalleeKind::Def:
        if (lower::isOrderedEffect(e)) {
            const std::string text = defCall(e);
            return holdInOrder(e, text, text, "result");
        }
        return defCall(e);
    case ast::CalleeKind::Item:
        return itemConstruction(e);
    case ast::CalleeKind::Builtin:
        return builtinCall(e);
    case ast::CalleeKind::Method:
        return methodCall(e);
    case ast::CalleeKind::Unresolved:
        break;
    }
    throw std::logic_error("codegen: an unresolved call");
}

std::string Generator::defCall(const ast::CallExpr& e) {
    const lower::DefPlan& target = plan_.planOf(e.def);
    std::string args;
    if (target.needsEnv) args = envExpr();
    for (std::size_t i = 0; i < e.def->params.size(); ++i) {
        const ast::Param& p = e.def->params[i];
        const ast::Expr* value = i < e.bound.size() ? e.bound[i] : nullptr;
        if (value == nullptr) value = p.defaultValue.get();
        if (value == nullptr) throw std::logic_error("codegen: missing argument for " + p.name);
        if (!args.empty()) args += ", ";
        args += convert(*value, p.type);
    }
    return target.cppName + "(" + args + ")";
}

// Quote(text=t, tags=ts) -> Quote{.text = t, .tags = ts}: designated initializers in
// declaration order.
std::string Generator::itemConstruction(const ast::CallExpr& e) {
    const lower::ItemPlan& item = plan_.planOf(e.item);
    std::string fields;
    for (std::size_t i = 0; i < e.item->fields.size(); ++i) {
        // Every field, absent ones as nullopt: g++ warns about designated initializers
        // that leave members out (-Wmissing-field-initializers).
        const ast::Expr* value = i < e.bound.size() ? e.bound[i] : nullptr;
        if (!fields.empty()) fields += ", ";
        fields += "." + item.fieldNames[i] + " = " +
                  (value == nullptr
                       ? std::string("std::nullopt")
                       : convertOptional(*value, e.item->fields[i].type->unwrapOptional()));
    }
    return item.cppName + "{" + fields + "}";
}

std::string Generator::requestOptions(const ast::CallExpr& e) {
    std::string out;
    auto add = [&](std::string_view field, const std::string& value) {
        out += "." + std::string(field) + "(" + value + ")";
    };
    if (e.callback != nullptr) add("callback", stringLiteral(e.callback->name));
    if (e.errback != nullptr) add("errback", stringLiteral(e.errback->name));
    if (const ast::Expr* v = e.keywordArg("method")) add("method", expr(*v));
    if (const ast::Expr* v = e.keywordArg("headers")) add("headers", expr(*v));
    if (const ast::Expr* v = e.keywordArg("body")) add("body", expr(*v));
    if (const ast::Expr* v = e.keywordArg("form")) add("form", expr(*v));
    if (const ast::Expr* v = e.keywordArg("meta")) add("meta", expr(*v));
    if (const ast::Expr* v = e.keywordArg("cb_kwargs")) {
        // Each value typed as the callback's parameter, then as a Value.
        std::string entries;
        if (v->kind == ast::ExprKind::Map) {
            const auto& m = static_cast<const ast::MapExpr&>(*v);
            const ast::DefDecl* cb = e.callback;
            for (const auto& entry : m.entries) {
                const ast::Type* paramType = nullptr;
                if (cb != nullptr && entry.key->kind == ast::ExprKind::String) {
                    const std::string& key = static_cast<const ast::StringExpr&>(*entry.key).value;
                    for (const ast::Param& p : cb->params) {
                        if (p.name == key) paramType = p.type;
                    }
                }
                entries += std::string(entries.empty() ? "" : ", ") + expr(*entry.key) + ", " +
                           convert(*entry.value, paramType);
            }
            add("cbKwargs", "spider::dsl::valueMap(" + entries + ")");
        } else {
            add("cbKwargs", "spider::dsl::toValueMap(" + expr(*v) + ")");
        }
    }
    if (const ast::Expr* v = e.keywordArg("priority")) add("priority", expr(*v));
    if (const ast::Expr* v = e.keywordArg("dont_filter")) add("dontFilter", expr(*v));
    return out;
}

std::string Generator::builtinCall(const ast::CallExpr& e) {
    auto positional = [&](std::size_t i) { return arg(e, i, ""); };
    switch (e.builtin) {
    case Builtin::Request: {
        const ast::Expr* url = arg(e, 0, "url");
        const std::string options = requestOptions(e);
        return "spider::dsl::makeRequest(" + expr(*url) +
               (options.empty() ? "" : ", spider::dsl::RequestOptions()" + options) + ")";
    }
    case Builtin::Fetch:
        return "spider::dsl::fetch(" + envExpr() + ", " + expr(*arg(e, 0, "url")) + ")";
    case Builtin::Sleep:
        return "spider::dsl::sleep(" + envExpr() + ", " + asFloat(*arg(e, 0, "seconds")) + ")";
    case Builtin::Gather: {
        std::vector<const ast::Expr*> all;
        for (const ast::Argument& a : e.args) all.push_back(a.value.get());
        if (all.size() == 1 && isType(all[0]->type, TypeKind::List)) {
            return "spider::gather(" + expr(*all[0]) + ")";
        }
        const ast::Type* result = e.type->element->element; // Deferred[list[T]] -> T
        std::string list;
        for (const ast::Expr* a : all) list += std::string(list.empty() ? "" : ", ") + expr(*a);
        return "spider::gather(spider::dsl::list<spider::Deferred<" +
               lower::cppResultType(result, plan_) + ">>(" + list + "))";
    }
    case Builtin::Len:
        return "spider::dsl::len(" + expr(*positional(0)) + ")";
    case Builtin::Range: {
        std::string args;
        for (std::size_t i = 0; const ast::Expr* a = positional(i); ++i) {
            args += std::string(args.empty() ? "" : ", ") + expr(*a);
        }
        return "spider::dsl::range(" + args + ")";
    }
    case Builtin::Str:
        return "spider::dsl::str(" + expr(*arg(e, 0, "value")) + ")";
    case Builtin::Int:
        return "spider::dsl::toInt(" + expr(*arg(e, 0, "value")) + ")";
    case Builtin::Float:
        return "spider::dsl::toFloat(" + expr(*arg(e, 0, "value")) + ")";
    case Builtin::Bool:
        return "spider::dsl::truthy(" + expr(*arg(e, 0, "value")) + ")";
    default:
        throw std::logic_error("codegen: built-in '" + std::string(ast::builtinName(e.builtin)) +
                               "' is not callable");
    }
}

std::string Generator::methodCall(const ast::CallExpr& e) {
    const auto& callee = static_cast<const ast::MemberExpr&>(*e.callee);
    const ast::Type* recvType = callee.object->type;
    auto recv = [&] { return expr(*callee.object); };
    auto a = [&](std::size_t i, std::string_view keyword) { return arg(e, i, keyword); };
    auto optionalArgs = [&](std::initializer_list<std::string_view> keywords) {
        std::string out;
        std::size_t i = 0;
        for (std::string_view k : keywords) {
            if (const ast::Expr* x = a(i++, k)) out += ", " + expr(*x);
        }
        return out;
    };
    switch (e.builtin) {
    case Builtin::LogDebug:
    case Builtin::LogInfo:
    case Builtin::LogWarning:
    case Builtin::LogError: {
        const char* level = e.builtin == Builtin::LogDebug  ? "Debug"
                            : e.builtin == Builtin::LogInfo ? "Info"
                            : e.builtin == Builtin::LogWarning ? "Warning"
                                                               : "Error";
        std::string args;
        for (const ast::Argument& x : e.args) args += ", " + expr(*x.value);
        return "spider::dsl::log(" + envExpr() + ", spider::dsl::LogLevel::" + level + args + ")";
    }
    case Builtin::ResponseCss:
    case Builtin::SelectorCss:
        return recv() + ".css(" + expr(*a(0, "query")) + ")";
    case Builtin::ResponseXpath:
    case Builtin::SelectorXpath:
        return recv() + ".xpath(" + expr(*a(0, "query")) + ")";
    case Builtin::ResponseUrljoin:
        return recv() + ".urljoin(" + expr(*a(0, "url")) + ")";
    case Builtin::ResponseFollow:
    case Builtin::ResponseFollowAll: {
        const bool all = e.builtin == Builtin::ResponseFollowAll;
        const std::string options = requestOptions(e);
        return std::string(all ? "spider::dsl::followAll(" : "spider::dsl::follow(") + recv() +
               ", " + expr(*a(0, all ? "urls" : "url")) +
               (options.empty() ? "" : ", spider::dsl::RequestOptions()" + options) + ")";
    }
    case Builtin::SelectorGet: {
        const ast::Expr* fallback = a(0, "default");
        return "spider::dsl::get(" + recv() + (fallback ? ", " + expr(*fallback) : "") + ")";
    }
    case Builtin::SelectorGetall:
        return "spider::dsl::getall(" + recv() + ")";
    case Builtin::SelectorRe:
        return recv() + ".re(" + expr(*a(0, "pattern")) + ")";
    case Builtin::SelectorReFirst: {
        const ast::Expr* fallback = a(1, "default");
        return recv() + ".reFirst(" + expr(*a(0, "pattern")) +
               (fallback ? ", " + expr(*fallback) : "") + ")";
    }
    case Builtin::HeadersGet:
        return recv() + ".get(" + expr(*a(0, "name")) + ")";
    case Builtin::HeadersGetlist:
        return recv() + ".getlist(" + expr(*a(0, "name")) + ")";
    case Builtin::StrStrip:
        return "spider::dsl::strip(" + recv() + optionalArgs({"chars"}) + ")";
    case Builtin::StrLstrip:
        return "spider::dsl::lstrip(" + recv() + optionalArgs({"chars"}) + ")";
    case Builtin::StrRstrip:
        return "spider::dsl::rstrip(" + recv() + optionalArgs({"chars"}) + ")";
    case Builtin::StrSplit: {
        const ast::Expr* sep = a(0, "sep");
        const ast::Expr* maxsplit = a(1, "maxsplit");
        if (sep == nullptr && maxsplit == nullptr) return "spider::dsl::split(" + recv() + ")";
        if (sep == nullptr) {
            return "spider::dsl::splitWhitespace(" + recv() + ", " + expr(*maxsplit) + ")";
        }
        return "spider::dsl::split(" + recv() + ", " + expr(*sep) +
               (maxsplit ? ", " + expr(*maxsplit) : "") + ")";
    }
    case Builtin::StrReplace:
        return "spider::dsl::replace(" + recv() + ", " + expr(*a(0, "old")) + ", " +
               expr(*a(1, "new")) + ")";
    case Builtin::StrLower:
        return "spider::dsl::lower(" + recv() + ")";
    case Builtin::StrUpper:
        return "spider::dsl::upper(" + recv() + ")";
    case Builtin::StrStartswith:
        return "spider::dsl::startswith(" + recv() + ", " + expr(*a(0, "prefix")) + ")";
    case Builtin::StrEndswith:
        return "spider::dsl::endswith(" + recv() + ", " + expr(*a(0, "prefix")) + ")";
    case Builtin::StrJoin:
        return "spider::dsl::join(" + recv() + ", " + expr(*a(0, "items")) + ")";
    case Builtin::StrFormat: {
        std::string args;
        for (const ast::Argument& x : e.args) args += ", " + expr(*x.value);
        return "spider::dsl::format(" + recv() + args + ")";
    }
    case Builtin::StrFind:
        return "spider::dsl::find(" + recv() + ", " + expr(*a(0, "sub")) + ")";
    case Builtin::StrIsdigit:
        return "spider::dsl::isdigit(" + recv() + ")";
    case Builtin::ListAppend:
        return recv() + ".push_back(" + convert(*a(0, "value"), recvType->element) + ")";
    case Builtin::ListExtend:
        return "spider::dsl::extend(" + recv() + ", " + convert(*a(0, "values"), recvType) + ")";
    case Builtin::ListPop:
        return "spider::dsl::pop(" + recv() + ")";
    case Builtin::ListInsert:
        return "spider::dsl::insert(" + recv() + ", " + expr(*a(0, "index")) + ", " +
               convert(*a(1, "value"), recvType->element) + ")";
    case Builtin::ListIndex:
        return "spider::dsl::index(" + recv() + ", " + expr(*a(0, "value")) + ")";
    case Builtin::ListClear:
        return recv() + ".clear()";
    case Builtin::MapGet: {
        const ast::Expr* fallback = a(1, "default");
        return recv() + ".get(" + expr(*a(0, "key")) +
               (fallback ? ", " + convert(*fallback, recvType->element) : "") + ")";
    }
    case Builtin::MapKeys:
        return recv() + ".keys()";
    case Builtin::MapValues:
        return recv() + ".values()";
    case Builtin::MapPop:
        return recv() + ".pop(" + expr(*a(0, "key")) + ")";
    default:
        throw std::logic_error("codegen: method '" + callee.name + "' is not supported");
    }
}

} // namespace spiderc::codegen
