// Calls: defs, item constructors, built-in functions and methods, and the callback rules
// of request()/follow()/follow_all().
#include "sema/builtins.h"
#include "sema/checker.h"
#include "sema/wording.h"
#include "sema/suggest.h"

#include <fmt/format.h>

namespace spiderc::sema {

using ast::Builtin;
using ast::SymbolKind;
using ast::TypeKind;

namespace {

// Keyword options shared by request(), response.follow() and response.follow_all().
const std::vector<std::string_view> kRequestOptions = {
    "callback", "errback", "method",   "headers",    "body",       "form",
    "meta",     "cb_kwargs", "priority", "dont_filter",
};

} // namespace

void Checker::checkUnboundArg(ast::Expr& value) {
    // A misspelled callback= names a def: that is not a second mistake.
    if (value.kind == ast::ExprKind::Name) {
        auto& name = static_cast<ast::NameExpr&>(value);
        if (ast::Symbol* s = scopes_.lookup(name.name); s && s->kind == SymbolKind::Def) {
            s->used = true;
            name.symbol = s;
            name.type = types_.error();
            return;
        }
    }
    checkExpr(value);
}

void Checker::argsAnyType(ast::CallExpr& call) {
    for (ast::Argument& arg : call.args) {
        if (arg.value->type == nullptr) {
            checkExpr(*arg.value);
        }
    }
}

std::vector<ast::Expr*> Checker::bindArgs(ast::CallExpr& call, std::string_view callee,
                                          const std::vector<ParamSpec>& specs, bool* ok,
                                          std::vector<ast::Expr*>* variadic) {
    std::vector<ast::Expr*> bound(specs.size(), nullptr);
    std::vector<bool> byKeyword(specs.size(), false);
    std::size_t next = 0;
    std::size_t positionalParams = 0;
    for (const ParamSpec& s : specs) {
        positionalParams += s.keywordOnly ? 0 : 1;
    }
    *ok = true;
    for (ast::Argument& arg : call.args) {
        if (arg.keyword.empty()) {
            while (next < specs.size() && specs[next].keywordOnly) {
                ++next;
            }
            if (next >= specs.size()) {
                if (variadic) {
                    variadic->push_back(arg.value.get());
                    continue;
                }
                diags_.error(arg.value->location,
                             fmt::format("too many arguments to '{}': it takes {} positional "
                                         "argument{}",
                                         callee, positionalParams,
                                         positionalParams == 1 ? "" : "s"));
                checkExpr(*arg.value);
                *ok = false;
                continue;
            }
            bound[next++] = arg.value.get();
            continue;
        }
        std::size_t index = specs.size();
        for (std::size_t i = 0; i < specs.size(); ++i) {
            if (specs[i].name == arg.keyword) {
                index = i;
            }
        }
        if (index == specs.size()) {
            std::vector<std::string_view> names;
            for (const ParamSpec& s : specs) {
                names.push_back(s.name);
            }
            diags_.error(arg.keywordLocation,
                         fmt::format("'{}' has no parameter '{}'{}", callee, arg.keyword,
                                     didYouMean(arg.keyword, names)));
            checkUnboundArg(*arg.value);
            *ok = false;
            continue;
        }
        if (bound[index] != nullptr) {
            // Two keywords of one name were reported by the front end.
            if (!byKeyword[index]) {
                diags_.error(arg.keywordLocation,
                             fmt::format("argument '{}' of '{}' is given twice", arg.keyword,
                                         callee));
            }
            checkUnboundArg(*arg.value);
            *ok = false;
            continue;
        }
        bound[index] = arg.value.get();
        byKeyword[index] = true;
    }
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (specs[i].required && bound[i] == nullptr) {
            diags_.error(call.location,
                         fmt::format("missing argument '{}' in call to '{}'", specs[i].name,
                                     callee));
            *ok = false;
        }
    }
    return bound;
}

const ast::Type* Checker::checkCall(ast::CallExpr& call) {
    ast::Expr& callee = *call.callee;
    if (callee.kind == ast::ExprKind::Name) {
        auto& name = static_cast<ast::NameExpr&>(callee);
        const ast::Type* calleeType = checkName(name, true);
        callee.type = calleeType;
        const ast::Symbol* symbol = name.symbol;
        if (symbol == nullptr || calleeType->isError()) {
            argsAnyType(call);
            return types_.error();
        }
        switch (symbol->kind) {
        case SymbolKind::Def:
            return checkDefCall(call, *symbol->def);
        case SymbolKind::Item:
            return checkItemCall(call, *symbol->item);
        case SymbolKind::Builtin:
            if (symbol->builtin == Builtin::Log) {
                diags_.error(callee.location, "'log' is not a function")
                    .note("use log.debug(...), log.info(...), log.warning(...) or log.error(...)");
                argsAnyType(call);
                return types_.error();
            }
            return checkBuiltinCall(call, symbol->builtin);
        default:
            diags_.error(callee.location,
                         fmt::format("'{}' is {}, not a function", name.name,
                                     aTypeName(calleeType)));
            argsAnyType(call);
            return types_.error();
        }
    }
    if (callee.kind == ast::ExprKind::Member) {
        auto& member = static_cast<ast::MemberExpr&>(callee);
        const ast::Type* object = checkExpr(*member.object);
        if (object->isError()) {
            argsAnyType(call);
            return types_.error();
        }
        auto info = object->is(TypeKind::Item) ? std::nullopt : lookupMember(object, member.name);
        if (!info) {
            member.object->type = nullptr; // checkMember re-checks the object and reports
            checkExpr(member);
            argsAnyType(call);
            return types_.error();
        }
        if (!info->method) {
            diags_.error(member.nameLocation,
                         fmt::format("'{}' is a property, not a method; remove the '()'",
                                     member.name))
                .fixIt({call.location.file, member.location.end, call.location.end}, "");
            argsAnyType(call);
            return types_.error();
        }
        member.member = info->id;
        member.type = types_.none();
        call.calleeKind = ast::CalleeKind::Method;
        call.builtin = info->id;
        return checkMethodCall(call, member, object, info->id);
    }
    checkExpr(callee);
    diags_.error(callee.location, "this expression cannot be called");
    argsAnyType(call);
    return types_.error();
}

const ast::Type* Checker::checkDefCall(ast::CallExpr& call, const ast::DefDecl& def) {
    call.calleeKind = ast::CalleeKind::Def;
    call.def = &def;
    if (def.isGenerator) {
        diags_.error(call.callee->location,
                     fmt::format("'{}' yields, so it cannot be called directly", def.name))
            .note(def.nameLocation, "it runs as a callback: pass it as callback= in a request");
        argsAnyType(call);
        return types_.error();
    }
    std::vector<ParamSpec> specs;
    for (const ast::Param& p : def.params) {
        specs.push_back({p.name, !p.defaultValue, false});
    }
    bool ok = true;
    std::vector<ast::Expr*> bound = bindArgs(call, def.name, specs, &ok);
    call.bound.assign(bound.begin(), bound.end());
    for (std::size_t i = 0; i < bound.size(); ++i) {
        if (bound[i]) {
            expectType(*bound[i], def.params[i].type ? def.params[i].type : types_.error(),
                       fmt::format("parameter '{}' of '{}'", def.params[i].name, def.name));
        }
    }
    if (!ok) {
        return types_.error();
    }
    const ast::Type* result = def.returnType ? def.returnType : types_.none();
    return def.isAsync ? types_.deferred(result) : result;
}

const ast::Type* Checker::checkItemCall(ast::CallExpr& call, const ast::ItemDecl& item) {
    call.calleeKind = ast::CalleeKind::Item;
    call.item = &item;
    call.bound.assign(item.fields.size(), nullptr);
    std::vector<std::string_view> names;
    for (const ast::ItemField& f : item.fields) {
        names.push_back(f.name);
    }
    for (ast::Argument& arg : call.args) {
        if (arg.keyword.empty()) {
            diags_.error(arg.value->location,
                         fmt::format("item '{}' takes keyword arguments only, e.g. {}({}=...)",
                                     item.name, item.name,
                                     item.fields.empty() ? "field" : item.fields[0].name));
            checkExpr(*arg.value);
            continue;
        }
        std::size_t index = item.fields.size();
        for (std::size_t i = 0; i < item.fields.size(); ++i) {
            if (item.fields[i].name == arg.keyword) {
                index = i;
            }
        }
        if (index == item.fields.size()) {
            diags_.error(arg.keywordLocation,
                         fmt::format("item '{}' has no field '{}'{}", item.name, arg.keyword,
                                     didYouMean(arg.keyword, names)))
                .note(item.nameLocation, fmt::format("'{}' is declared here", item.name));
            checkExpr(*arg.value);
            continue;
        }
        const ast::ItemField& field = item.fields[index];
        call.bound[index] = arg.value.get();
        // A field accepts its type or none (missing values are exported as null).
        const ast::Type* fieldType = field.type ? field.type : types_.error();
        const ast::Type* found = checkExpr(*arg.value, fieldType);
        if (!assignable(found, types_.optional(fieldType))) {
            reportMismatch(*arg.value, found, fieldType, fmt::format("field '{}'", field.name));
        }
    }
    return types_.item(&item);
}

const ast::DefDecl* Checker::resolveCallbackDef(ast::Expr& expr, ast::DefRole role) {
    const std::string_view what = role == ast::DefRole::Errback ? "errback" : "callback";
    if (expr.kind != ast::ExprKind::Name) {
        checkExpr(expr);
        auto& d = diags_.error(expr.location,
                               fmt::format("{}= takes the name of a def of the spider", what));
        if (expr.kind == ast::ExprKind::String) {
            const std::string& v = static_cast<ast::StringExpr&>(expr).value;
            d.note(fmt::format("write {}={} without quotes", what, v)).fixIt(expr.location, v);
        }
        return nullptr;
    }
    auto& name = static_cast<ast::NameExpr&>(expr);
    ast::Symbol* symbol = scopes_.lookup(name.name);
    if (spider_ == nullptr) {
        diags_.error(expr.location,
                     fmt::format("{}= is only available in a spider's defs", what));
        return nullptr;
    }
    if (symbol == nullptr || symbol->kind != SymbolKind::Def) {
        std::vector<std::string_view> defs;
        for (const auto& d : spider_->defs) {
            if (d->name != "start") {
                defs.push_back(d->name);
            }
        }
        if (symbol == nullptr) {
            diags_.error(expr.location,
                         fmt::format("unknown {} '{}'{}", what, name.name,
                                     didYouMean(name.name, defs)))
                .note(fmt::format("{}= names a def of spider '{}'", what, spider_->name));
        } else {
            symbol->used = true;
            diags_.error(expr.location,
                         fmt::format("{}= must name a def of the spider, but '{}' is not a def",
                                     what, name.name));
        }
        expr.type = types_.error();
        return nullptr;
    }
    symbol->used = true;
    name.symbol = symbol;
    name.type = types_.none();
    const ast::DefDecl* def = symbol->def;
    if (def->spider != spider_) {
        diags_.error(expr.location,
                     fmt::format("'{}' is a top-level def; a {} must be a def of spider '{}'",
                                 def->name, what, spider_->name))
            .note(def->nameLocation, "declared here");
        return nullptr;
    }
    if (def->role == ast::DefRole::Start) {
        diags_.error(expr.location, fmt::format("'start' cannot be used as a {}", what));
        return nullptr;
    }
    if (def->role != role) {
        return nullptr; // the conflicting roles were reported by assignRoles
    }
    return def;
}

void Checker::checkCbKwargs(ast::CallExpr& call, const ast::DefDecl* callback,
                            ast::Expr* cbKwargs) {
    std::set<std::string> given;
    bool unknownKey = false;
    // The required parameters no key names: the likely target of a misspelled key.
    std::vector<std::string_view> missing;
    if (callback != nullptr && cbKwargs != nullptr && cbKwargs->kind == ast::ExprKind::Map) {
        std::set<std::string> keys;
        for (const auto& entry : static_cast<ast::MapExpr&>(*cbKwargs).entries) {
            if (entry.key->kind == ast::ExprKind::String) {
                keys.insert(static_cast<ast::StringExpr&>(*entry.key).value);
            }
        }
        for (std::size_t i = 1; i < callback->params.size(); ++i) {
            if (!callback->params[i].defaultValue && !keys.count(callback->params[i].name)) {
                missing.push_back(callback->params[i].name);
            }
        }
    }
    if (cbKwargs != nullptr) {
        if (cbKwargs->kind != ast::ExprKind::Map) {
            checkExpr(*cbKwargs);
            diags_.error(cbKwargs->location,
                         "cb_kwargs must be a map literal, so its keys can be checked against "
                         "the callback's parameters")
                .note("e.g. cb_kwargs={\"page\": n}");
            return;
        }
        auto& map = static_cast<ast::MapExpr&>(*cbKwargs);
        for (auto& entry : map.entries) {
            if (entry.key->kind != ast::ExprKind::String) {
                checkExpr(*entry.key);
                checkExpr(*entry.value);
                diags_.error(entry.key->location,
                             "cb_kwargs keys must be string literals naming the callback's "
                             "parameters");
                continue;
            }
            entry.key->type = types_.str();
            const std::string& key = static_cast<ast::StringExpr&>(*entry.key).value;
            if (!given.insert(key).second) {
                checkExpr(*entry.value);
                diags_.error(entry.key->location, fmt::format("duplicate cb_kwargs key \"{}\"",
                                                              key));
                continue;
            }
            if (callback == nullptr) {
                checkExpr(*entry.value);
                continue;
            }
            const ast::Param* param = nullptr;
            std::vector<std::string_view> names;
            for (std::size_t i = 1; i < callback->params.size(); ++i) {
                names.push_back(callback->params[i].name);
                if (callback->params[i].name == key) {
                    param = &callback->params[i];
                }
            }
            if (param == nullptr) {
                checkExpr(*entry.value);
                unknownKey = true;
                std::string hint = didYouMean(key, names);
                if (hint.empty() && missing.size() == 1) {
                    hint = fmt::format("; did you mean '{}'?", missing[0]);
                }
                diags_.error(entry.key->location,
                             fmt::format("callback '{}' has no parameter '{}'{}", callback->name,
                                         key, hint))
                    .note(callback->nameLocation,
                          fmt::format("'{}' is declared here", callback->name));
                continue;
            }
            expectType(*entry.value, param->type ? param->type : types_.error(),
                       fmt::format("cb_kwargs \"{}\"", key));
        }
        cbKwargs->type = types_.map(types_.any());
    }
    if (callback == nullptr || unknownKey) {
        return;
    }
    for (std::size_t i = 1; i < callback->params.size(); ++i) {
        const ast::Param& p = callback->params[i];
        if (!p.defaultValue && !given.count(p.name)) {
            diags_.error(cbKwargs ? cbKwargs->location : call.callee->location,
                         fmt::format("callback '{}' needs cb_kwargs \"{}\"", callback->name,
                                     p.name))
                .note(p.location, "parameter declared here");
        }
    }
}

void Checker::checkRequestOptions(ast::CallExpr& call, const std::vector<ParamSpec>& specs,
                                  const std::vector<ast::Expr*>& bound, std::size_t firstOption) {
    ast::Expr* callbackExpr = nullptr;
    ast::Expr* cbKwargs = nullptr;
    ast::Expr* body = nullptr;
    ast::Expr* form = nullptr;
    for (std::size_t i = firstOption; i < specs.size(); ++i) {
        ast::Expr* e = bound[i];
        if (e == nullptr) {
            continue;
        }
        const std::string_view name = specs[i].name;
        if (name == "callback") {
            callbackExpr = e;
            call.callback = resolveCallbackDef(*e, ast::DefRole::Callback);
        } else if (name == "errback") {
            call.errback = resolveCallbackDef(*e, ast::DefRole::Errback);
        } else if (name == "method" || name == "body") {
            expectType(*e, types_.str(), fmt::format("'{}'", name));
            if (name == "body") {
                body = e;
            }
        } else if (name == "headers" || name == "form") {
            expectType(*e, types_.map(types_.str()), fmt::format("'{}'", name));
            if (name == "form") {
                form = e;
            }
        } else if (name == "meta") {
            expectType(*e, types_.map(types_.any()), "'meta'");
        } else if (name == "priority") {
            expectType(*e, types_.integer(), "'priority'");
        } else if (name == "dont_filter") {
            expectType(*e, types_.boolean(), "'dont_filter'");
        } else if (name == "cb_kwargs") {
            cbKwargs = e;
        }
    }
    if (body && form) {
        diags_.error(form->location, "pass either body= or form=, not both")
            .note("form= encodes the map as the request body (and makes it a POST)");
    }
    const ast::DefDecl* callback = call.callback;
    if (callbackExpr == nullptr && spider_ != nullptr) {
        callback = spider_->parse;
        if (callback == nullptr && yieldOperand_ == &call) {
            diags_.error(call.callee->location,
                         fmt::format("this request has no callback= and spider '{}' has no "
                                     "'parse' def",
                                     spider_->name))
                .note("add callback=some_def, or define 'async def parse(response)'");
        }
    }
    if (callbackExpr != nullptr && callback == nullptr) {
        if (cbKwargs) {
            checkCbKwargs(call, nullptr, cbKwargs);
        }
        return;
    }
    checkCbKwargs(call, callback, cbKwargs);
}

void Checker::checkFormatArgs(const ast::Expr& format, std::size_t given, std::string_view what) {
    if (format.kind != ast::ExprKind::String) {
        return;
    }
    const std::string& text = static_cast<const ast::StringExpr&>(format).value;
    std::size_t placeholders = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{') {
            if (i + 1 < text.size() && text[i + 1] == '{') {
                ++i;
            } else if (i + 1 < text.size() && text[i + 1] == '}') {
                ++placeholders;
                ++i;
            } else {
                diags_.error(format.location,
                             fmt::format("{} supports only '{{}}' placeholders", what))
                    .note("write '{{' for a literal '{'");
                return;
            }
        } else if (text[i] == '}') {
            if (i + 1 < text.size() && text[i + 1] == '}') {
                ++i;
            } else {
                diags_.error(format.location, fmt::format("single '}}' in {}", what))
                    .note("write '}}' for a literal '}'");
                return;
            }
        }
    }
    if (placeholders != given) {
        diags_.error(format.location,
                     fmt::format("{} has {} '{{}}' placeholder{} but {} argument{} given", what,
                                 placeholders, placeholders == 1 ? "" : "s", given,
                                 given == 1 ? " is" : "s are"));
    }
}

const ast::Type* Checker::checkBuiltinCall(ast::CallExpr& call, Builtin builtin) {
    call.calleeKind = ast::CalleeKind::Builtin;
    call.builtin = builtin;
    const std::string name(ast::builtinName(builtin));
    bool ok = true;
    switch (builtin) {
    case Builtin::Request: {
        std::vector<ParamSpec> specs{{"url", true, false}};
        for (std::string_view o : kRequestOptions) {
            specs.push_back({o, false, true});
        }
        auto bound = bindArgs(call, name, specs, &ok);
        if (bound[0]) {
            expectType(*bound[0], types_.str(), "the url of 'request'");
        }
        checkRequestOptions(call, specs, bound, 1);
        return types_.request();
    }
    case Builtin::Fetch: {
        auto bound = bindArgs(call, name, {{"url", true, false}}, &ok);
        if (bound[0]) {
            const ast::Type* t = checkExpr(*bound[0]);
            if (!t->isError() && !t->is(TypeKind::Str) && !t->is(TypeKind::Request)) {
                auto& d = diags_.error(bound[0]->location,
                                       fmt::format("fetch takes a str URL or a Request, found {}",
                                                   ast::typeName(t)));
                explainType(d, t);
            }
        }
        return types_.deferred(types_.response());
    }
    case Builtin::Sleep: {
        auto bound = bindArgs(call, name, {{"seconds", true, false}}, &ok);
        if (bound[0]) {
            expectType(*bound[0], types_.floating(), "the seconds of 'sleep'");
        }
        return types_.deferred(types_.none());
    }
    case Builtin::Gather: {
        std::vector<ast::Expr*> rest;
        bindArgs(call, name, {}, &ok, &rest);
        if (!ok) {
            return types_.error();
        }
        if (rest.empty()) {
            diags_.error(call.location, "gather needs at least one Deferred")
                .note("e.g. gather(fetch(a), fetch(b))");
            return types_.error();
        }
        const ast::Type* element = nullptr;
        bool failed = false;
        if (rest.size() == 1) {
            const ast::Type* t = checkExpr(*rest[0]);
            if (t->isError()) {
                return types_.error();
            }
            if (t->is(TypeKind::List) && t->element->is(TypeKind::Deferred)) {
                return types_.deferred(types_.list(t->element->element));
            }
            if (t->is(TypeKind::Deferred)) {
                return types_.deferred(types_.list(t->element));
            }
            diags_.error(rest[0]->location,
                         fmt::format("gather takes Deferreds or a list of Deferreds, found {}",
                                     ast::typeName(t)));
            return types_.error();
        }
        for (ast::Expr* e : rest) {
            const ast::Type* t = checkExpr(*e);
            if (t->isError()) {
                failed = true;
                continue;
            }
            if (!t->is(TypeKind::Deferred)) {
                diags_.error(e->location, fmt::format("gather takes Deferreds, found {}",
                                                      ast::typeName(t)))
                    .note("pass what fetch(), sleep() or an async def returns, without 'await'");
                failed = true;
                continue;
            }
            if (element == nullptr) {
                element = t->element;
            } else if (element != t->element) {
                diags_.error(e->location,
                             fmt::format("gather's Deferreds must have one result type: {} and {}",
                                         ast::typeName(element), ast::typeName(t->element)));
                failed = true;
            }
        }
        if (failed || element == nullptr) {
            return types_.error();
        }
        return types_.deferred(types_.list(element));
    }
    case Builtin::Len: {
        auto bound = bindArgs(call, name, {{"value", true, false}}, &ok);
        if (bound[0]) {
            const ast::Type* t = checkExpr(*bound[0]);
            if (!t->isError() && !t->is(TypeKind::Str) && !t->is(TypeKind::List) &&
                !t->is(TypeKind::Map) && !t->is(TypeKind::SelectorList)) {
                auto& d = diags_.error(bound[0]->location,
                                       fmt::format("len takes a str, list, map or SelectorList, "
                                                   "found {}",
                                                   ast::typeName(t)));
                explainType(d, t);
            }
        }
        return types_.integer();
    }
    case Builtin::Range: {
        auto bound = bindArgs(call, name,
                              {{"start", true, false}, {"stop", false, false},
                               {"step", false, false}},
                              &ok);
        for (ast::Expr* e : bound) {
            if (e) {
                expectType(*e, types_.integer(), "an argument of 'range'");
            }
        }
        if (bound[2] && bound[2]->kind == ast::ExprKind::Int &&
            static_cast<ast::IntExpr*>(bound[2])->value == 0) {
            diags_.error(bound[2]->location, "range step cannot be zero");
        }
        return types_.list(types_.integer());
    }
    case Builtin::Str:
    case Builtin::Int:
    case Builtin::Float:
    case Builtin::Bool: {
        auto bound = bindArgs(call, name, {{"value", true, false}}, &ok);
        const ast::Type* result = builtin == Builtin::Str     ? types_.str()
                                  : builtin == Builtin::Int   ? types_.integer()
                                  : builtin == Builtin::Float ? types_.floating()
                                                              : types_.boolean();
        if (!bound[0]) {
            return result;
        }
        const ast::Type* t = checkExpr(*bound[0]);
        if (t->isError()) {
            return result;
        }
        bool fits = false;
        switch (builtin) {
        case Builtin::Str:
            fits = isPrintable(t);
            break;
        case Builtin::Int:
        case Builtin::Float:
            fits = t->isScalar() || t->is(TypeKind::Any);
            break;
        default:
            fits = isTestable(t);
            break;
        }
        if (!fits) {
            auto& d = diags_.error(bound[0]->location,
                                   fmt::format("cannot convert {} with {}()", aTypeName(t),
                                               name));
            explainType(d, t);
        }
        return result;
    }
    default:
        argsAnyType(call);
        return types_.error();
    }
}

const ast::Type* Checker::checkMethodCall(ast::CallExpr& call, ast::MemberExpr& callee,
                                          const ast::Type* receiver, Builtin method) {
    const std::string name = callee.name;
    bool ok = true;
    auto strArg = [&](ast::Expr* e, std::string_view what) {
        if (e) {
            expectType(*e, types_.str(), what);
        }
    };
    switch (method) {
    case Builtin::ResponseCss:
    case Builtin::ResponseXpath:
    case Builtin::SelectorCss:
    case Builtin::SelectorXpath: {
        auto bound = bindArgs(call, name, {{"query", true, false}}, &ok);
        strArg(bound[0], fmt::format("the query of '{}'", name));
        return types_.selectorList();
    }
    case Builtin::ResponseUrljoin: {
        auto bound = bindArgs(call, name, {{"url", true, false}}, &ok);
        strArg(bound[0], "the url of 'urljoin'");
        return types_.str();
    }
    case Builtin::ResponseFollow:
    case Builtin::ResponseFollowAll: {
        const bool all = method == Builtin::ResponseFollowAll;
        std::vector<ParamSpec> specs{{all ? "urls" : "url", true, false}};
        for (std::string_view o : kRequestOptions) {
            specs.push_back({o, false, true});
        }
        auto bound = bindArgs(call, name, specs, &ok);
        if (bound[0]) {
            const ast::Type* t = checkExpr(*bound[0]);
            const bool fits = all ? (t->is(TypeKind::SelectorList) ||
                                     (t->is(TypeKind::List) && t->element->is(TypeKind::Str)))
                                  : (t->is(TypeKind::Str) || t->is(TypeKind::Selector));
            if (!t->isError() && !fits) {
                auto& d = diags_.error(bound[0]->location,
                                       fmt::format("'{}' takes {}, found {}", name,
                                                   all ? "a list[str] or a SelectorList"
                                                       : "a str or a Selector",
                                                   ast::typeName(t)));
                explainType(d, t);
            }
        }
        checkRequestOptions(call, specs, bound, 1);
        return all ? types_.list(types_.request()) : types_.request();
    }
    case Builtin::SelectorGet: {
        auto bound = bindArgs(call, name, {{"default", false, false}}, &ok);
        strArg(bound[0], "the default of 'get'");
        return bound[0] ? types_.str() : types_.optional(types_.str());
    }
    case Builtin::SelectorGetall:
        bindArgs(call, name, {}, &ok);
        return types_.list(types_.str());
    case Builtin::SelectorRe: {
        auto bound = bindArgs(call, name, {{"pattern", true, false}}, &ok);
        strArg(bound[0], "the pattern of 're'");
        return types_.list(types_.str());
    }
    case Builtin::SelectorReFirst: {
        auto bound = bindArgs(call, name, {{"pattern", true, false}, {"default", false, false}},
                              &ok);
        strArg(bound[0], "the pattern of 're_first'");
        strArg(bound[1], "the default of 're_first'");
        return bound[1] ? types_.str() : types_.optional(types_.str());
    }
    case Builtin::HeadersGet:
    case Builtin::HeadersGetlist: {
        auto bound = bindArgs(call, name, {{"name", true, false}}, &ok);
        strArg(bound[0], "the header name");
        return method == Builtin::HeadersGet ? types_.optional(types_.str())
                                             : types_.list(types_.str());
    }
    case Builtin::StrStrip:
    case Builtin::StrLstrip:
    case Builtin::StrRstrip: {
        auto bound = bindArgs(call, name, {{"chars", false, false}}, &ok);
        strArg(bound[0], fmt::format("the chars of '{}'", name));
        return types_.str();
    }
    case Builtin::StrSplit: {
        auto bound = bindArgs(call, name, {{"sep", false, false}, {"maxsplit", false, false}},
                              &ok);
        strArg(bound[0], "the separator of 'split'");
        if (bound[1]) {
            expectType(*bound[1], types_.integer(), "the maxsplit of 'split'");
        }
        return types_.list(types_.str());
    }
    case Builtin::StrReplace: {
        auto bound = bindArgs(call, name, {{"old", true, false}, {"new", true, false}}, &ok);
        strArg(bound[0], "the first argument of 'replace'");
        strArg(bound[1], "the second argument of 'replace'");
        return types_.str();
    }
    case Builtin::StrLower:
    case Builtin::StrUpper:
        bindArgs(call, name, {}, &ok);
        return types_.str();
    case Builtin::StrIsdigit:
        bindArgs(call, name, {}, &ok);
        return types_.boolean();
    case Builtin::StrStartswith:
    case Builtin::StrEndswith: {
        auto bound = bindArgs(call, name, {{"prefix", true, false}}, &ok);
        strArg(bound[0], fmt::format("the argument of '{}'", name));
        return types_.boolean();
    }
    case Builtin::StrFind: {
        auto bound = bindArgs(call, name, {{"sub", true, false}}, &ok);
        strArg(bound[0], "the argument of 'find'");
        return types_.integer();
    }
    case Builtin::StrJoin: {
        auto bound = bindArgs(call, name, {{"items", true, false}}, &ok);
        if (bound[0]) {
            const ast::Type* t = checkExpr(*bound[0], types_.list(types_.str()));
            if (!assignable(t, types_.list(types_.str()))) {
                auto& d = diags_.error(bound[0]->location,
                                       fmt::format("'join' takes a list[str], found {}",
                                                   ast::typeName(t)));
                if (t->is(TypeKind::SelectorList)) {
                    d.note("take the strings first: .getall()");
                }
            }
        }
        return types_.str();
    }
    case Builtin::StrFormat:
    case Builtin::LogDebug:
    case Builtin::LogInfo:
    case Builtin::LogWarning:
    case Builtin::LogError: {
        const bool isLog = method != Builtin::StrFormat;
        std::vector<ast::Expr*> rest;
        std::vector<ParamSpec> specs;
        if (isLog) {
            specs.push_back({"message", true, false});
        }
        auto bound = bindArgs(call, name, specs, &ok, &rest);
        if (isLog && bound[0]) {
            strArg(bound[0], "the log message");
        }
        for (ast::Expr* e : rest) {
            const ast::Type* t = checkExpr(*e);
            if (!t->isError() && !isPrintable(t)) {
                auto& d = diags_.error(e->location,
                                       fmt::format("{} cannot be formatted", aTypeName(t)));
                explainType(d, t);
            }
        }
        if (isLog && bound[0]) {
            checkFormatArgs(*bound[0], rest.size(), "the log message");
        } else if (!isLog) {
            checkFormatArgs(*callee.object, rest.size(), "the format string");
        }
        return isLog ? types_.none() : types_.str();
    }
    case Builtin::ListAppend:
    case Builtin::ListIndex: {
        auto bound = bindArgs(call, name, {{"value", true, false}}, &ok);
        if (bound[0]) {
            expectType(*bound[0], receiver->element, fmt::format("the argument of '{}'", name));
        }
        return method == Builtin::ListAppend ? types_.none() : types_.integer();
    }
    case Builtin::ListExtend: {
        auto bound = bindArgs(call, name, {{"values", true, false}}, &ok);
        if (bound[0]) {
            expectType(*bound[0], receiver, "the argument of 'extend'");
        }
        return types_.none();
    }
    case Builtin::ListInsert: {
        auto bound = bindArgs(call, name, {{"index", true, false}, {"value", true, false}}, &ok);
        if (bound[0]) {
            expectType(*bound[0], types_.integer(), "the index of 'insert'");
        }
        if (bound[1]) {
            expectType(*bound[1], receiver->element, "the value of 'insert'");
        }
        return types_.none();
    }
    case Builtin::ListPop:
        bindArgs(call, name, {}, &ok);
        return receiver->element->is(TypeKind::Unknown) ? types_.error() : receiver->element;
    case Builtin::ListClear:
        bindArgs(call, name, {}, &ok);
        return types_.none();
    case Builtin::MapGet: {
        auto bound = bindArgs(call, name, {{"key", true, false}, {"default", false, false}}, &ok);
        strArg(bound[0], "the key of 'get'");
        if (bound[1]) {
            expectType(*bound[1], receiver->element, "the default of 'get'");
            return receiver->element;
        }
        return types_.optional(receiver->element);
    }
    case Builtin::MapPop: {
        auto bound = bindArgs(call, name, {{"key", true, false}}, &ok);
        strArg(bound[0], "the key of 'pop'");
        return types_.optional(receiver->element);
    }
    case Builtin::MapKeys:
        bindArgs(call, name, {}, &ok);
        return types_.list(types_.str());
    case Builtin::MapValues:
        bindArgs(call, name, {}, &ok);
        return types_.list(receiver->element);
    default:
        argsAnyType(call);
        return types_.error();
    }
}

} // namespace spiderc::sema
