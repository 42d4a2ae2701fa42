#include "lower/plan.h"

#include "lower/walk.h"

#include <stdexcept>

namespace spiderc::lower {
namespace {

using ast::TypeKind;

// Whether a top-level def reaches the crawl (fetch, sleep, log) by itself.
bool usesCrawlDirectly(const ast::DefDecl& def) {
    bool uses = false;
    forEachExpr(def.body, [&](const ast::Expr& e) {
        if (e.kind != ast::ExprKind::Call) return;
        const auto& call = static_cast<const ast::CallExpr&>(e);
        switch (call.builtin) {
        case ast::Builtin::Fetch:
        case ast::Builtin::Sleep:
        case ast::Builtin::LogDebug:
        case ast::Builtin::LogInfo:
        case ast::Builtin::LogWarning:
        case ast::Builtin::LogError:
            uses = true;
            break;
        default:
            break;
        }
    });
    return uses;
}

std::vector<const ast::DefDecl*> calledDefs(const ast::DefDecl& def) {
    std::vector<const ast::DefDecl*> out;
    forEachExpr(def.body, [&](const ast::Expr& e) {
        if (e.kind != ast::ExprKind::Call) return;
        const auto& call = static_cast<const ast::CallExpr&>(e);
        if (call.calleeKind == ast::CalleeKind::Def && call.def != nullptr) out.push_back(call.def);
    });
    return out;
}

DefPlan shapeOf(const ast::DefDecl& def) {
    DefPlan p;
    p.def = &def;
    if (def.role == ast::DefRole::Start) {
        p.shape = DefShape::StartStream;
    } else if (def.isGenerator) {
        p.shape = DefShape::CallbackStream;
    } else if (def.isAsync) {
        p.shape = DefShape::Task;
    } else {
        p.shape = DefShape::Function;
    }
    p.isCallback = def.role == ast::DefRole::Callback;
    p.isErrback = def.role == ast::DefRole::Errback;
    return p;
}

} // namespace

const DefPlan& ModulePlan::planOf(const ast::DefDecl* def) const {
    for (const DefPlan& p : defs) {
        if (p.def == def) return p;
    }
    for (const SpiderPlan& s : spiders) {
        for (const DefPlan& p : s.defs) {
            if (p.def == def) return p;
        }
    }
    throw std::logic_error("lowering: no plan for def '" + def->name + "'");
}

const ItemPlan& ModulePlan::planOf(const ast::ItemDecl* item) const {
    for (const ItemPlan& p : items) {
        if (p.item == item) return p;
    }
    throw std::logic_error("lowering: no plan for item '" + item->name + "'");
}

ModulePlan planModule(const ast::Module& module) {
    ModulePlan plan;
    NameTable& names = plan.names;
    // Every DSL name first, so invented names avoid all of them.
    for (const ast::Symbol& s : module.symbols) names.addDslName(s.name);
    auto addItemNames = [&](const ast::ItemDecl& item) {
        names.addDslName(item.name);
        for (const ast::ItemField& f : item.fields) names.addDslName(f.name);
    };
    for (const auto& item : module.items) addItemNames(*item);
    for (const auto& def : module.defs) names.addDslName(def->name);
    for (const auto& spider : module.spiders) {
        names.addDslName(spider->name);
        for (const auto& item : spider->items) addItemNames(*item);
        for (const auto& def : spider->defs) {
            names.addDslName(def->name);
            for (const ast::Param& p : def->params) names.addDslName(p.name);
        }
        for (const auto& a : spider->args) names.addDslName(a.name);
        for (const auto& f : spider->fields) names.addDslName(f.name);
    }
    for (const auto& def : module.defs) {
        for (const ast::Param& p : def->params) names.addDslName(p.name);
    }

    // Spider classes first: their names are the most visible.
    for (const auto& spider : module.spiders) {
        SpiderPlan sp;
        sp.spider = spider.get();
        sp.className = names.fresh(titleCase(spider->name) + "Spider");
        plan.spiders.push_back(std::move(sp));
    }

    // Items: a top-level item keeps its name; a spider's item too unless another item
    // already has it, then it is prefixed with its spider's class.
    for (const auto& item : module.items) {
        ItemPlan ip;
        ip.item = item.get();
        ip.cppName = mangle(item->name);
        plan.items.push_back(std::move(ip));
    }
    for (std::size_t i = 0; i < module.spiders.size(); ++i) {
        for (const auto& item : module.spiders[i]->items) {
            ItemPlan ip;
            ip.item = item.get();
            std::string name = mangle(item->name);
            for (const ItemPlan& other : plan.items) {
                if (other.cppName == name) {
                    name = names.fresh(plan.spiders[i].className + titleCase(item->name));
                    break;
                }
            }
            ip.cppName = name;
            plan.items.push_back(std::move(ip));
        }
    }
    for (ItemPlan& ip : plan.items) {
        for (const ast::ItemField& f : ip.item->fields) ip.fieldNames.push_back(mangle(f.name));
    }

    // Top-level defs: the Env parameter where the def (or one it calls) reaches the crawl.
    for (const auto& def : module.defs) {
        DefPlan p = shapeOf(*def);
        p.cppName = mangle(def->name);
        p.needsEnv = usesCrawlDirectly(*def);
        plan.defs.push_back(std::move(p));
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (DefPlan& p : plan.defs) {
            if (p.needsEnv) continue;
            for (const ast::DefDecl* callee : calledDefs(*p.def)) {
                for (const DefPlan& q : plan.defs) {
                    if (q.def == callee && q.needsEnv) {
                        p.needsEnv = true;
                        changed = true;
                    }
                }
            }
        }
    }
    for (DefPlan& p : plan.defs) {
        if (p.needsEnv) p.envParam = names.fresh("env");
    }

    for (SpiderPlan& sp : plan.spiders) {
        const ast::SpiderDecl& spider = *sp.spider;
        for (const auto& def : spider.defs) {
            DefPlan p = shapeOf(*def);
            p.cppName = p.shape == DefShape::StartStream ? std::string("start") : mangle(def->name);
            // A spider def must not hide a top-level def it (or another def) calls.
            for (const DefPlan& top : plan.defs) {
                if (top.cppName == p.cppName) {
                    p.cppName = names.fresh(p.cppName + "_");
                }
            }
            if ((p.isCallback || p.isErrback) && p.shape != DefShape::CallbackStream) {
                p.streamAdapter = names.fresh(p.cppName + "Stream");
            }
            sp.defs.push_back(std::move(p));
        }
        auto member = [&](const ast::Symbol* symbol, const std::string& name) {
            if (symbol != nullptr) sp.members[symbol] = names.fresh(mangle(name) + "_");
        };
        for (const auto& a : spider.args) member(a.symbol, a.name);
        for (const auto& a : spider.attrs) member(a.symbol, a.name);
        for (const auto& f : spider.fields) member(f.symbol, f.name);
    }
    return plan;
}

std::string cppType(const ast::Type* type, const ModulePlan& plan) {
    switch (type->kind) {
    case TypeKind::Bool:
        return "bool";
    case TypeKind::Int:
        return "std::int64_t";
    case TypeKind::Float:
        return "double";
    case TypeKind::Str:
        return "std::string";
    case TypeKind::None:
        return "std::monostate";
    case TypeKind::Any:
    case TypeKind::Unknown:
    case TypeKind::Error:
        return "spider::Value";
    case TypeKind::List:
        return "std::vector<" + cppType(type->element, plan) + ">";
    case TypeKind::Map:
        return "spider::dsl::Dict<" + cppType(type->element, plan) + ">";
    case TypeKind::Optional:
        return "std::optional<" + cppType(type->element, plan) + ">";
    case TypeKind::Deferred:
        return "spider::Deferred<" + cppResultType(type->element, plan) + ">";
    case TypeKind::Response:
        return "spider::HtmlResponse";
    case TypeKind::Request:
        return "spider::Request";
    case TypeKind::Selector:
        return "spider::Selector";
    case TypeKind::SelectorList:
        return "spider::SelectorList";
    case TypeKind::Headers:
        return "spider::dsl::Headers";
    case TypeKind::Failure:
        return "spider::dsl::ErrbackFailure";
    case TypeKind::Item:
        return plan.planOf(type->item).cppName;
    case TypeKind::Exception:
        return "spider::dsl::Error";
    case TypeKind::Log:
        return "spider::dsl::Env";
    }
    return "spider::Value";
}

std::string cppResultType(const ast::Type* type, const ModulePlan& plan) {
    if (type == nullptr || type->is(TypeKind::None)) return "void";
    return cppType(type, plan);
}

} // namespace spiderc::lower
