// Declarations: module and spider scopes, items, def signatures and roles, spider
// members, settings, and the rules about a spider's overall shape.
#include "sema/builtins.h"
#include "sema/checker.h"
#include "sema/wording.h"
#include "sema/settings.h"
#include "sema/suggest.h"

#include <algorithm>
#include <fmt/format.h>

namespace spiderc::sema {
namespace {

using ast::SymbolKind;
using ast::TypeKind;

// Built-in spider attributes: name = value at spider level.
constexpr std::string_view kSpiderAttrs[] = {"start_urls", "allowed_domains"};

// Calls everywhere in a block/expression tree (bounded by the AST depth limit).
template <typename Fn>
void forEachCall(const ast::Expr& expr, Fn& fn);

template <typename Fn>
void forEachCallIn(const ast::Block& block, Fn& fn) {
    for (const ast::StmtPtr& s : block.statements) {
        switch (s->kind) {
        case ast::StmtKind::Let: {
            const auto& st = static_cast<const ast::LetStmt&>(*s);
            if (st.init) {
                forEachCall(*st.init, fn);
            }
            break;
        }
        case ast::StmtKind::Assign: {
            const auto& st = static_cast<const ast::AssignStmt&>(*s);
            forEachCall(*st.target, fn);
            forEachCall(*st.value, fn);
            break;
        }
        case ast::StmtKind::Expr:
            forEachCall(*static_cast<const ast::ExprStmt&>(*s).expr, fn);
            break;
        case ast::StmtKind::If:
            for (const auto& b : static_cast<const ast::IfStmt&>(*s).branches) {
                if (b.condition) {
                    forEachCall(*b.condition, fn);
                }
                forEachCallIn(b.body, fn);
            }
            break;
        case ast::StmtKind::For: {
            const auto& st = static_cast<const ast::ForStmt&>(*s);
            forEachCall(*st.iterable, fn);
            forEachCallIn(st.body, fn);
            break;
        }
        case ast::StmtKind::While: {
            const auto& st = static_cast<const ast::WhileStmt&>(*s);
            forEachCall(*st.condition, fn);
            forEachCallIn(st.body, fn);
            break;
        }
        case ast::StmtKind::Return: {
            const auto& st = static_cast<const ast::ReturnStmt&>(*s);
            if (st.value) {
                forEachCall(*st.value, fn);
            }
            break;
        }
        case ast::StmtKind::Yield:
            forEachCall(*static_cast<const ast::YieldStmt&>(*s).value, fn);
            break;
        case ast::StmtKind::Try: {
            const auto& st = static_cast<const ast::TryStmt&>(*s);
            forEachCallIn(st.body, fn);
            for (const auto& c : st.catches) {
                forEachCallIn(c.body, fn);
            }
            if (st.finallyBlock) {
                forEachCallIn(*st.finallyBlock, fn);
            }
            break;
        }
        case ast::StmtKind::Break:
        case ast::StmtKind::Continue:
            break;
        }
    }
}

template <typename Fn>
void forEachCall(const ast::Expr& expr, Fn& fn) {
    switch (expr.kind) {
    case ast::ExprKind::Call: {
        const auto& e = static_cast<const ast::CallExpr&>(expr);
        fn(e);
        forEachCall(*e.callee, fn);
        for (const auto& a : e.args) {
            forEachCall(*a.value, fn);
        }
        break;
    }
    case ast::ExprKind::FString:
        for (const auto& p : static_cast<const ast::FStringExpr&>(expr).parts) {
            if (p.field) {
                forEachCall(*p.field, fn);
            }
        }
        break;
    case ast::ExprKind::List:
        for (const auto& e : static_cast<const ast::ListExpr&>(expr).elements) {
            forEachCall(*e, fn);
        }
        break;
    case ast::ExprKind::Map:
        for (const auto& e : static_cast<const ast::MapExpr&>(expr).entries) {
            forEachCall(*e.key, fn);
            forEachCall(*e.value, fn);
        }
        break;
    case ast::ExprKind::Member:
        forEachCall(*static_cast<const ast::MemberExpr&>(expr).object, fn);
        break;
    case ast::ExprKind::Index: {
        const auto& e = static_cast<const ast::IndexExpr&>(expr);
        forEachCall(*e.object, fn);
        forEachCall(*e.index, fn);
        break;
    }
    case ast::ExprKind::Slice: {
        const auto& e = static_cast<const ast::SliceExpr&>(expr);
        forEachCall(*e.object, fn);
        for (const ast::ExprPtr* p : {&e.lower, &e.upper, &e.step}) {
            if (*p) {
                forEachCall(**p, fn);
            }
        }
        break;
    }
    case ast::ExprKind::Unary:
        forEachCall(*static_cast<const ast::UnaryExpr&>(expr).operand, fn);
        break;
    case ast::ExprKind::Binary: {
        const auto& e = static_cast<const ast::BinaryExpr&>(expr);
        forEachCall(*e.lhs, fn);
        forEachCall(*e.rhs, fn);
        break;
    }
    case ast::ExprKind::Await:
        forEachCall(*static_cast<const ast::AwaitExpr&>(expr).operand, fn);
        break;
    default:
        break;
    }
}

bool isLiteral(const ast::Expr& e) {
    switch (e.kind) {
    case ast::ExprKind::Int:
    case ast::ExprKind::Float:
    case ast::ExprKind::String:
    case ast::ExprKind::Bool:
    case ast::ExprKind::None:
        return true;
    default:
        return false;
    }
}

} // namespace

Checker::Checker(ast::Module& module, DiagnosticEngine& diags)
    : module_(module), diags_(diags), types_(module.types), file_(module.file) {}

ast::Symbol* Checker::newSymbol(ast::SymbolKind kind, std::string name, Location where,
                                const ast::Type* type) {
    ast::Symbol symbol;
    symbol.kind = kind;
    symbol.name = std::move(name);
    symbol.location = where;
    symbol.type = type;
    return &module_.newSymbol(std::move(symbol));
}

bool Checker::declareName(ast::Symbol* symbol, std::string_view what) {
    if (symbol->kind == SymbolKind::Def || symbol->kind == SymbolKind::Item) {
        ast::Symbol* builtin = scopes_.lookup(symbol->name);
        if (builtin && builtin->kind == SymbolKind::Builtin) {
            diags_.error(symbol->location,
                         fmt::format("'{}' is a built-in function and cannot be redefined",
                                     symbol->name));
            return false;
        }
    }
    if (ast::Symbol* previous = scopes_.declare(symbol)) {
        diags_.error(symbol->location, fmt::format("{} '{}' is already declared", what,
                                                   symbol->name))
            .note(previous->location, "previous declaration is here");
        return false;
    }
    return true;
}

void Checker::run() {
    if (module_.spiders.empty()) {
        diags_.error({file_, 0, 0}, "this file declares no spider")
            .note("a spider file describes at least one 'spider name { ... }'");
    }
    declareBuiltins();
    declareModule();
    for (auto& spider : module_.spiders) {
        checkSpider(*spider);
    }
    for (auto& def : module_.defs) {
        checkDefBody(*def);
    }
}

void Checker::declareBuiltins() {
    scopes_.push(ScopeKind::Builtins);
    for (const BuiltinFunction& f : builtinFunctions()) {
        ast::Symbol* s = newSymbol(SymbolKind::Builtin, std::string(f.name), {}, nullptr);
        s->builtin = f.id;
        s->mutableBinding = false;
        if (f.id == ast::Builtin::Log) {
            s->type = types_.log();
        }
        scopes_.declare(s);
    }
}

void Checker::declareModule() {
    scopes_.push(ScopeKind::Module);
    // Spiders have their own namespace.
    std::map<std::string, const ast::SpiderDecl*> spiders;
    for (auto& spider : module_.spiders) {
        auto [it, inserted] = spiders.emplace(spider->name, spider.get());
        if (!inserted) {
            diags_.error(spider->nameLocation,
                         fmt::format("spider '{}' is already declared", spider->name))
                .note(it->second->nameLocation, "previous declaration is here");
        }
    }
    const std::vector<std::string_view> typeNames = builtinTypeNames();
    for (auto& item : module_.items) {
        if (std::find(typeNames.begin(), typeNames.end(), item->name) != typeNames.end()) {
            diags_.error(item->nameLocation,
                         fmt::format("'{}' is a built-in type name; choose another item name",
                                     item->name));
        }
        ast::Symbol* s = newSymbol(SymbolKind::Item, item->name, item->nameLocation,
                                   types_.item(item.get()));
        s->item = item.get();
        s->mutableBinding = false;
        item->symbol = s;
        declareName(s, "item");
    }
    for (auto& def : module_.defs) {
        ast::Symbol* s = newSymbol(SymbolKind::Def, def->name, def->nameLocation, nullptr);
        s->def = def.get();
        s->mutableBinding = false;
        def->symbol = s;
        def->isGenerator = containsYield(def->body);
        declareName(s, "def");
    }
    for (auto& item : module_.items) {
        resolveItemFields(*item);
    }
    for (auto& def : module_.defs) {
        resolveSignature(*def);
    }
}

void Checker::resolveItemFields(ast::ItemDecl& item) {
    std::map<std::string, const ast::ItemField*> seen;
    for (ast::ItemField& field : item.fields) {
        auto [it, inserted] = seen.emplace(field.name, &field);
        if (!inserted) {
            diags_.error(field.location,
                         fmt::format("field '{}' is already declared in item '{}'", field.name,
                                     item.name))
                .note(it->second->location, "previous declaration is here");
        }
        field.type = resolveType(*field.typeRef);
        const ast::Type* base = field.type->unwrapOptional();
        const bool ok = base->isError() || base->isScalar() ||
                        (base->is(TypeKind::List) && base->element->isScalar());
        if (!ok) {
            diags_.error(field.typeRef->location,
                         fmt::format("item field '{}' has type '{}'; item fields must be str, "
                                     "int, float, bool or a list of those",
                                     field.name, ast::typeName(field.type)))
                .note("items are exported as JSON, JSON Lines and CSV rows");
            field.type = types_.error();
        }
    }
    if (item.fields.empty()) {
        diags_.warning(item.nameLocation, fmt::format("item '{}' has no fields", item.name));
    }
}

const ast::Type* Checker::resolveType(ast::TypeRef& ref) {
    const ast::Type* result = nullptr;
    const std::string& n = ref.name;
    auto wantArgs = [&](std::size_t count, std::string_view usage) {
        if (ref.args.size() != count) {
            diags_.error(ref.location, fmt::format("'{}' takes {} type argument{}: {}", n, count,
                                                   count == 1 ? "" : "s", usage));
            return false;
        }
        return true;
    };
    auto noArgs = [&] {
        if (!ref.args.empty()) {
            diags_.error(ref.location, fmt::format("type '{}' takes no type arguments", n));
            return false;
        }
        return true;
    };
    if (n == "<error>") {
        result = types_.error();
    } else if (n == "list") {
        result = wantArgs(1, "list[T]") ? types_.list(resolveType(*ref.args[0])) : types_.error();
    } else if (n == "map") {
        if (wantArgs(2, "map[str, T]")) {
            const ast::Type* key = resolveType(*ref.args[0]);
            if (!key->isError() && !key->is(TypeKind::Str)) {
                diags_.error(ref.args[0]->location, "map keys must be str");
            }
            result = types_.map(resolveType(*ref.args[1]));
        } else {
            result = types_.error();
        }
    } else if (n == "Deferred") {
        result = wantArgs(1, "Deferred[T]") ? types_.deferred(resolveType(*ref.args[0]))
                                            : types_.error();
    } else {
        if (n == "str") {
            result = types_.str();
        } else if (n == "int") {
            result = types_.integer();
        } else if (n == "float") {
            result = types_.floating();
        } else if (n == "bool") {
            result = types_.boolean();
        } else if (n == "any") {
            result = types_.any();
        } else if (n == "none") {
            result = types_.none();
        } else if (n == "Response") {
            result = types_.response();
        } else if (n == "Request") {
            result = types_.request();
        } else if (n == "Selector") {
            result = types_.selector();
        } else if (n == "SelectorList") {
            result = types_.selectorList();
        } else if (n == "Headers") {
            result = types_.headers();
        } else if (n == "Failure") {
            result = types_.failure();
        }
        for (auto kind : {ast::ExceptionKind::Error, ast::ExceptionKind::HttpError,
                          ast::ExceptionKind::TimeoutError, ast::ExceptionKind::ConnectionError,
                          ast::ExceptionKind::CancelledError, ast::ExceptionKind::ValueError,
                          ast::ExceptionKind::KeyError, ast::ExceptionKind::IndexError}) {
            if (n == ast::exceptionName(kind)) {
                result = types_.exception(kind);
            }
        }
        if (result == nullptr) {
            if (ast::Symbol* s = scopes_.lookup(n); s && s->kind == SymbolKind::Item) {
                result = s->type;
            }
        }
        if (result == nullptr) {
            static const std::map<std::string_view, std::string_view> kAliases = {
                {"string", "str"},   {"String", "str"},    {"integer", "int"}, {"double", "float"},
                {"boolean", "bool"}, {"dict", "map"},      {"List", "list"},   {"Dict", "map"},
                {"None", "none"},    {"Exception", "Error"}, {"Map", "map"},
            };
            std::vector<std::string_view> candidates = builtinTypeNames();
            std::vector<std::string> itemNames;
            for (const auto& item : module_.items) {
                itemNames.push_back(item->name);
            }
            if (spider_) {
                for (const auto& item : spider_->items) {
                    itemNames.push_back(item->name);
                }
            }
            for (const std::string& name : itemNames) {
                candidates.push_back(name);
            }
            std::string hint;
            if (auto alias = kAliases.find(n); alias != kAliases.end()) {
                hint = fmt::format("; did you mean '{}'?", alias->second);
            } else {
                hint = didYouMean(n, candidates);
            }
            diags_.error(ref.nameLocation, fmt::format("unknown type '{}'{}", n, hint));
            result = types_.error();
        } else {
            noArgs();
        }
    }
    if (ref.optional) {
        result = types_.optional(result);
    }
    ref.resolved = result;
    return result;
}

void Checker::resolveSignature(ast::DefDecl& def) {
    std::map<std::string, const ast::Param*> seen;
    bool sawDefault = false;
    for (std::size_t i = 0; i < def.params.size(); ++i) {
        ast::Param& p = def.params[i];
        auto [it, inserted] = seen.emplace(p.name, &p);
        if (!inserted) {
            diags_.error(p.location, fmt::format("duplicate parameter '{}'", p.name))
                .note(it->second->location, "first declared here");
        }
        if (p.declaredType) {
            p.type = resolveType(*p.declaredType);
        } else if (def.spider != nullptr && i == 0) {
            p.type = def.role == ast::DefRole::Errback ? types_.failure() : types_.response();
        } else {
            diags_.error(p.location,
                         fmt::format("parameter '{}' needs a type, e.g. '{}: str'", p.name, p.name))
                .note(def.spider ? "only the first parameter of a spider def may omit its type "
                                   "(it receives the Response, or the Failure in an errback)"
                                 : "parameters of top-level defs always have types");
            p.type = types_.error();
        }
        if (p.defaultValue) {
            sawDefault = true;
            const bool saved = initializer_;
            initializer_ = true;
            expectType(*p.defaultValue, p.type, fmt::format("the default of '{}'", p.name));
            initializer_ = saved;
            if (!isLiteral(*p.defaultValue) && p.defaultValue->kind != ast::ExprKind::List &&
                p.defaultValue->kind != ast::ExprKind::Map) {
                diags_.error(p.defaultValue->location, "parameter defaults must be literals");
            }
        } else if (sawDefault) {
            diags_.error(p.location,
                         fmt::format("parameter '{}' without a default follows one with a default",
                                     p.name));
        }
    }
    def.returnType = def.returnTypeRef ? resolveType(*def.returnTypeRef) : types_.none();
    if (def.role != ast::DefRole::Helper && def.returnTypeRef) {
        diags_.error(def.returnTypeRef->location,
                     fmt::format("{} '{}' cannot declare a return type",
                                 def.role == ast::DefRole::Start ? "'start'" : "callback",
                                 def.name))
            .note("callbacks and 'start' yield items and requests instead of returning them");
    }
    if (def.role == ast::DefRole::Callback) {
        for (std::size_t i = 1; i < def.params.size(); ++i) {
            def.cbKwargsParams.push_back(i);
        }
        if (def.params.empty()) {
            diags_.error(def.nameLocation,
                         fmt::format("callback '{}' must take the response as its first parameter",
                                     def.name))
                .fixIt({def.nameLocation.file, def.nameLocation.end + 1, def.nameLocation.end + 1},
                       "response");
        } else if (!def.params[0].type->isError() &&
                   !def.params[0].type->is(TypeKind::Response)) {
            diags_.error(def.params[0].location,
                         fmt::format("the first parameter of callback '{}' receives the Response, "
                                     "but is declared '{}'",
                                     def.name, ast::typeName(def.params[0].type)));
        }
    } else if (def.role == ast::DefRole::Errback) {
        if (def.params.size() != 1) {
            diags_.error(def.nameLocation,
                         fmt::format("errback '{}' must take exactly one parameter, the Failure",
                                     def.name));
        } else if (!def.params[0].type->isError() && !def.params[0].type->is(TypeKind::Failure)) {
            diags_.error(def.params[0].location,
                         fmt::format("the parameter of errback '{}' receives the Failure, but is "
                                     "declared '{}'",
                                     def.name, ast::typeName(def.params[0].type)));
        }
    } else if (def.role == ast::DefRole::Start && !def.params.empty()) {
        diags_.error(def.params[0].location, "'start' takes no parameters");
    }
}

void Checker::assignRoles(ast::SpiderDecl& spider) {
    std::map<std::string, ast::DefDecl*> defs;
    for (auto& def : spider.defs) {
        defs.emplace(def->name, def.get());
        if (def->name == "start") {
            def->role = ast::DefRole::Start;
        } else if (def->name == "parse") {
            def->role = ast::DefRole::Callback;
        }
    }
    // Which defs are named by callback= / errback= anywhere in the spider.
    std::map<ast::DefDecl*, Location> errbackUse;
    auto visit = [&](const ast::CallExpr& call) {
        for (const ast::Argument& arg : call.args) {
            if ((arg.keyword != "callback" && arg.keyword != "errback") ||
                arg.value->kind != ast::ExprKind::Name) {
                continue;
            }
            auto it = defs.find(static_cast<const ast::NameExpr&>(*arg.value).name);
            if (it == defs.end() || it->second->role == ast::DefRole::Start) {
                continue;
            }
            ast::DefDecl* def = it->second;
            const auto role =
                arg.keyword == "callback" ? ast::DefRole::Callback : ast::DefRole::Errback;
            if (def->role != ast::DefRole::Helper && def->role != role) {
                diags_.error(arg.value->location,
                             fmt::format("'{}' is used both as a callback and as an errback",
                                         def->name))
                    .note("a callback receives the Response, an errback the Failure; write two "
                          "defs");
                continue;
            }
            def->role = role;
        }
    };
    for (auto& def : spider.defs) {
        forEachCallIn(def->body, visit);
    }
    for (auto& field : spider.fields) {
        if (field.init) {
            forEachCall(*field.init, visit);
        }
    }
}

void Checker::checkSpider(ast::SpiderDecl& spider) {
    spider_ = &spider;
    scopes_.push(ScopeKind::Spider);
    for (auto& item : spider.items) {
        ast::Symbol* s = newSymbol(SymbolKind::Item, item->name, item->nameLocation,
                                   types_.item(item.get()));
        s->item = item.get();
        s->spider = &spider;
        s->mutableBinding = false;
        item->symbol = s;
        declareName(s, "item");
    }
    for (auto& item : spider.items) {
        resolveItemFields(*item);
    }
    assignRoles(spider);
    for (auto& def : spider.defs) {
        ast::Symbol* s = newSymbol(SymbolKind::Def, def->name, def->nameLocation, nullptr);
        s->def = def.get();
        s->spider = &spider;
        s->mutableBinding = false;
        def->symbol = s;
        def->isGenerator = containsYield(def->body);
        declareName(s, "def");
        if (def->name == "start") {
            spider.start = def.get();
        } else if (def->name == "parse") {
            spider.parse = def.get();
        }
    }
    for (auto& def : spider.defs) {
        resolveSignature(*def);
    }
    checkSpiderInitializers(spider);
    checkSettings(spider);
    for (auto& def : spider.defs) {
        checkDefBody(*def);
    }
    checkSpiderShape(spider);
    scopes_.pop();
    spider_ = nullptr;
}

void Checker::checkSpiderInitializers(ast::SpiderDecl& spider) {
    initializer_ = true;
    for (ast::ArgDecl& arg : spider.args) {
        const ast::Type* declared = arg.typeRef ? resolveType(*arg.typeRef) : nullptr;
        if (declared && !declared->isError() && !declared->isScalar()) {
            diags_.error(arg.typeRef->location,
                         fmt::format("spider argument '{}' has type '{}'; arguments are str, int, "
                                     "float or bool",
                                     arg.name, ast::typeName(declared)))
                .note("they are given on the command line: -a name=value");
            declared = types_.error();
        }
        if (!arg.defaultValue) {
            diags_.error(arg.location,
                         fmt::format("spider argument '{}' needs a default value", arg.name))
                .note(fmt::format("e.g. 'arg {}: {} = {}'", arg.name,
                                  declared ? ast::typeName(declared) : "str",
                                  declared && declared->isNumeric() ? "0" : "\"\""));
            arg.type = declared ? declared : types_.error();
        } else {
            const ast::Type* t = declared ? expectType(*arg.defaultValue, declared,
                                                       fmt::format("argument '{}'", arg.name))
                                          : checkExpr(*arg.defaultValue);
            if (!isLiteral(*arg.defaultValue)) {
                diags_.error(arg.defaultValue->location,
                             "spider argument defaults must be literals");
            } else if (!declared && t->is(TypeKind::None)) {
                diags_.error(arg.defaultValue->location,
                             fmt::format("cannot infer the type of argument '{}' from 'none'; "
                                         "write 'arg {}: str = \"\"'",
                                         arg.name, arg.name));
                t = types_.error();
            }
            arg.type = declared ? declared : t;
        }
        ast::Symbol* s = newSymbol(SymbolKind::Arg, arg.name, arg.location, arg.type);
        s->spider = &spider;
        s->mutableBinding = false;
        arg.symbol = s;
        declareName(s, "argument");
    }
    // Attributes and fields, in source order, each seeing the ones before it.
    struct Member {
        std::uint32_t offset;
        ast::AttrDecl* attr;
        ast::FieldDecl* field;
    };
    std::vector<Member> members;
    for (ast::AttrDecl& a : spider.attrs) {
        members.push_back({a.location.begin, &a, nullptr});
    }
    for (ast::FieldDecl& f : spider.fields) {
        members.push_back({f.location.begin, nullptr, &f});
    }
    std::sort(members.begin(), members.end(),
              [](const Member& a, const Member& b) { return a.offset < b.offset; });
    const ast::Type* listOfStr = types_.list(types_.str());
    for (const Member& m : members) {
        if (ast::AttrDecl* attr = m.attr) {
            const bool known = std::find(std::begin(kSpiderAttrs), std::end(kSpiderAttrs),
                                         attr->name) != std::end(kSpiderAttrs);
            if (!known) {
                std::vector<std::string_view> names(std::begin(kSpiderAttrs),
                                                    std::end(kSpiderAttrs));
                auto& d = diags_.error(attr->location,
                                       fmt::format("unknown spider attribute '{}'{}", attr->name,
                                                   didYouMean(attr->name, names)));
                if (attr->name == "custom_settings") {
                    d.note("settings go in a 'settings { name = value }' block");
                } else if (attr->name == "name") {
                    d.note("the spider's name is the one after 'spider'");
                } else {
                    d.note(fmt::format("to declare a field of your own, write 'let {} = ...'",
                                       attr->name));
                }
                checkExpr(*attr->value);
                continue;
            }
            expectType(*attr->value, listOfStr, fmt::format("'{}'", attr->name));
            if (attr->value->kind == ast::ExprKind::List) {
                for (const auto& e : static_cast<ast::ListExpr&>(*attr->value).elements) {
                    if (e->kind != ast::ExprKind::String) {
                        continue;
                    }
                    const std::string& v = static_cast<const ast::StringExpr&>(*e).value;
                    if (attr->name == "allowed_domains" &&
                        (v.find("://") != std::string::npos || v.find('/') != std::string::npos)) {
                        diags_.warning(e->location,
                                       "allowed_domains takes domain names, not URLs")
                            .note("e.g. \"example.com\"; requests to other domains are dropped");
                    } else if (attr->name == "start_urls" &&
                               v.find("://") == std::string::npos) {
                        diags_.warning(e->location, "start URL has no scheme")
                            .note("start URLs are absolute, e.g. \"http://example.com/\"");
                    }
                }
            }
            ast::Symbol* s = newSymbol(SymbolKind::SpiderField, attr->name, attr->location,
                                       listOfStr);
            s->spider = &spider;
            s->mutableBinding = false;
            attr->symbol = s;
            declareName(s, "attribute");
            continue;
        }
        ast::FieldDecl& field = *m.field;
        const ast::Type* declared = field.typeRef ? resolveType(*field.typeRef) : nullptr;
        const ast::Type* t = declared;
        if (!field.init) {
            diags_.error(field.location,
                         fmt::format("spider field '{}' needs an initial value", field.name));
            t = declared ? declared : types_.error();
        } else if (declared) {
            expectType(*field.init, declared, fmt::format("field '{}'", field.name));
        } else {
            t = checkExpr(*field.init);
            if (t->is(TypeKind::None)) {
                diags_.error(field.init->location,
                             fmt::format("cannot infer the type of '{}' from 'none'; write "
                                         "'let {}: T? = none'",
                                         field.name, field.name));
                t = types_.error();
            } else if ((t->is(TypeKind::List) || t->is(TypeKind::Map)) &&
                       t->element->is(TypeKind::Unknown)) {
                diags_.error(field.init->location,
                             fmt::format("cannot infer the element type of an empty literal; "
                                         "write 'let {}: {}'",
                                         field.name,
                                         t->is(TypeKind::List) ? "list[T] = []" : "map[str, T] = {}"));
                t = types_.error();
            }
        }
        field.type = t;
        ast::Symbol* s = newSymbol(SymbolKind::SpiderField, field.name, field.location, t);
        s->spider = &spider;
        field.symbol = s;
        declareName(s, "field");
    }
    initializer_ = false;
}

void Checker::checkSettings(ast::SpiderDecl& spider) {
    std::map<std::string, const ast::SettingEntry*> seen;
    std::vector<std::string_view> names;
    for (const SettingInfo& info : allSettings()) {
        names.push_back(info.name);
    }
    for (ast::SettingEntry& entry : spider.settings) {
        auto [it, inserted] = seen.emplace(entry.key, &entry);
        if (!inserted) {
            diags_.error(entry.location, fmt::format("setting '{}' is set twice", entry.key))
                .note(it->second->location, "first set here");
            continue;
        }
        const int index = findSetting(entry.key);
        if (index < 0) {
            std::string lower = entry.key;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            auto& d = diags_.error(entry.location,
                                   fmt::format("unknown setting '{}'{}", entry.key,
                                               lower != entry.key && findSetting(lower) >= 0
                                                   ? fmt::format("; did you mean '{}'?", lower)
                                                   : didYouMean(entry.key, names)));
            if (lower != entry.key && findSetting(lower) >= 0) {
                d.fixIt(entry.location, lower);
            }
            continue;
        }
        entry.settingIndex = index;
        const SettingInfo& info = allSettings()[static_cast<std::size_t>(index)];
        ast::Expr& value = *entry.value;
        auto fail = [&] {
            diags_.error(value.location,
                         fmt::format("setting '{}' takes {} literal", entry.key,
                                     withArticle(std::string(settingTypeName(info.type)))))
                .note(std::string(info.doc));
        };
        auto scalarOk = [&](const ast::Expr& e, SettingType type) {
            switch (type) {
            case SettingType::Int:
            case SettingType::ListInt:
                return e.kind == ast::ExprKind::Int;
            case SettingType::Float:
                return e.kind == ast::ExprKind::Int || e.kind == ast::ExprKind::Float;
            case SettingType::Bool:
                return e.kind == ast::ExprKind::Bool;
            case SettingType::Str:
            case SettingType::ListStr:
                return e.kind == ast::ExprKind::String;
            }
            return false;
        };
        if (info.type == SettingType::ListInt || info.type == SettingType::ListStr) {
            if (value.kind != ast::ExprKind::List) {
                fail();
                continue;
            }
            bool ok = true;
            for (const auto& e : static_cast<ast::ListExpr&>(value).elements) {
                ok = ok && scalarOk(*e, info.type);
            }
            if (!ok) {
                fail();
                continue;
            }
        } else if (!scalarOk(value, info.type)) {
            fail();
            continue;
        }
        checkExpr(value, info.type == SettingType::ListInt
                             ? types_.list(types_.integer())
                             : info.type == SettingType::ListStr ? types_.list(types_.str())
                                                                 : nullptr);
        // Value constraints the type alone does not express.
        if (value.kind == ast::ExprKind::Int || value.kind == ast::ExprKind::Float) {
            const double v = value.kind == ast::ExprKind::Int
                                 ? static_cast<double>(static_cast<ast::IntExpr&>(value).value)
                                 : static_cast<ast::FloatExpr&>(value).value;
            if (v < 0 && entry.key != "depth_priority") {
                diags_.error(value.location,
                             fmt::format("setting '{}' cannot be negative", entry.key));
            } else if (v == 0 && (entry.key == "concurrent_requests" ||
                                  entry.key == "concurrent_requests_per_domain")) {
                diags_.error(value.location, fmt::format("setting '{}' must be at least 1",
                                                         entry.key));
            } else if (v > 64 && entry.key == "parse_threads") {
                // The runtime's bound (kMaxParseThreads in runtime/engine/settings.h).
                diags_.error(value.location, "setting 'parse_threads' must be at most 64");
            }
        }
        if (value.kind == ast::ExprKind::String) {
            const std::string& v = static_cast<ast::StringExpr&>(value).value;
            std::vector<std::string_view> allowed;
            if (entry.key == "log_level") {
                allowed = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};
            } else if (entry.key == "scheduler_order") {
                allowed = {"lifo", "fifo"};
            }
            if (!allowed.empty() &&
                std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
                std::string list;
                for (std::string_view a : allowed) {
                    list += (list.empty() ? "" : ", ") + std::string(a);
                }
                diags_.error(value.location,
                             fmt::format("invalid value \"{}\" for setting '{}'{}", v, entry.key,
                                         didYouMean(v, allowed)))
                    .note("valid values: " + list);
            }
        }
    }
}

void Checker::checkSpiderShape(ast::SpiderDecl& spider) {
    const ast::AttrDecl* startUrls = spider.attr("start_urls");
    if (!startUrls && !spider.start) {
        diags_.error(spider.nameLocation,
                     fmt::format("spider '{}' has nothing to crawl", spider.name))
            .note("add 'start_urls = [...]' or an 'async def start()' that yields requests");
    }
    if (startUrls && spider.start) {
        diags_.warning(startUrls->location,
                       "'start_urls' is ignored because the spider defines 'start'")
            .note(spider.start->nameLocation, "'start' is defined here");
    }
    if (startUrls && !spider.start) {
        if (!spider.parse) {
            diags_.error(startUrls->location,
                         fmt::format("'start_urls' needs a 'parse' def to handle its responses, "
                                     "but spider '{}' has none",
                                     spider.name));
        } else {
            for (std::size_t i = 1; i < spider.parse->params.size(); ++i) {
                const ast::Param& p = spider.parse->params[i];
                if (!p.defaultValue) {
                    diags_.error(p.location,
                                 fmt::format("'parse' handles start_urls responses, which carry no "
                                             "cb_kwargs, so parameter '{}' needs a default",
                                             p.name));
                }
            }
        }
    }
}

void Checker::checkDefBody(ast::DefDecl& def) {
    def_ = &def;
    loopDepth_ = 0;
    valueReturns_.clear();
    yields_.clear();
    reportedUnknown_.clear();
    pushScope(ScopeKind::Function);
    for (ast::Param& p : def.params) {
        ast::Symbol* s = newSymbol(SymbolKind::Param, p.name, p.location, p.type);
        s->spider = def.spider;
        p.symbol = s;
        scopes_.declare(s); // duplicates were reported with the signature
    }
    checkBlock(def.body, false);
    def.isGenerator = !yields_.empty();
    if (def.role == ast::DefRole::Start && !def.isGenerator) {
        diags_.error(def.nameLocation, "'start' must yield the spider's first requests")
            .note("e.g. 'yield request(url, callback=parse)'");
    }
    if (def.isGenerator) {
        for (const ast::ReturnStmt* r : valueReturns_) {
            diags_.error(r->value->location,
                         fmt::format("'return' with a value in '{}', which is a generator",
                                     def.name))
                .note(yields_.front()->location, "it is a generator because of this 'yield'");
        }
        if (def.returnTypeRef && def.role == ast::DefRole::Helper) {
            diags_.error(def.returnTypeRef->location,
                         fmt::format("'{}' yields, so it cannot declare a return type", def.name));
        }
    } else if (def.returnType && !def.returnType->isError() &&
               !def.returnType->is(TypeKind::None) && !alwaysReturns(def.body)) {
        const Location end{file_, def.body.location.end - 1, def.body.location.end};
        diags_.error(end, fmt::format("'{}' can reach its end without returning {}", def.name,
                                      aTypeName(def.returnType)))
            .note(def.returnTypeRef->location, "the return type is declared here");
    }
    popScope();
    def_ = nullptr;
}

} // namespace spiderc::sema
