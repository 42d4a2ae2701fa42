#pragma once
// The lowering: a checked ast::Module -> the plan the code generator follows. It decides
// the C++ shape of every def (plain function, Task, CallbackStream, the start override),
// which top-level defs need the crawl's Env, the C++ names of items, spiders, members and
// generated helpers, and how each language type is spelled in C++.
//
// Input: a module sema accepted without errors (see the contract in ast/ast.h).
#include "ast/ast.h"
#include "lower/names.h"

#include <map>
#include <string>
#include <vector>

namespace spiderc::lower {

enum class DefShape : std::uint8_t {
    Function,       // a def that neither awaits nor yields: a plain C++ function
    Task,           // an async def that does not yield: spider::Task<T>
    CallbackStream, // a def that yields (a callback or errback): spider::CallbackStream
    StartStream,    // the spider's `start`: the spider::StartStream start() override
};

struct DefPlan {
    const ast::DefDecl* def = nullptr;
    DefShape shape = DefShape::Function;
    std::string cppName;
    // Top-level defs that fetch, sleep or log (or call one that does) take the crawl's
    // spider::dsl::Env as a first parameter named `envParam`. Spider defs use dslEnv().
    bool needsEnv = false;
    std::string envParam;
    // A callback/errback that does not yield keeps its plain shape (it may also be called
    // directly); the engine reaches it through a CallbackStream wrapper of this name.
    std::string streamAdapter;
    bool isCallback = false; // named by callback= (or parse with start_urls)
    bool isErrback = false;  // named by errback=
};

struct ItemPlan {
    const ast::ItemDecl* item = nullptr;
    std::string cppName;
    std::vector<std::string> fieldNames; // C++ member names, in declaration order
};

struct SpiderPlan {
    const ast::SpiderDecl* spider = nullptr;
    std::string className; // quotes -> QuotesSpider
    // args, fields and built-in attributes -> C++ data members (base -> base_)
    std::map<const ast::Symbol*, std::string> members;
    std::vector<DefPlan> defs; // in source order
};

struct ModulePlan {
    std::vector<ItemPlan> items; // top-level items, then each spider's, in source order
    std::vector<DefPlan> defs;   // top-level defs
    std::vector<SpiderPlan> spiders;
    NameTable names; // every DSL name of the module plus the names invented so far

    const DefPlan& planOf(const ast::DefDecl* def) const;
    const ItemPlan& planOf(const ast::ItemDecl* item) const;
};

ModulePlan planModule(const ast::Module& module);

// The C++ type of a language type: str -> std::string, int -> std::int64_t, list[T] ->
// std::vector<T>, map[str, T] -> spider::dsl::Dict<T>, T? -> std::optional<T>, any ->
// spider::Value, Deferred[T] -> spider::Deferred<T>, items -> their struct, ...
// `none` is `void` as a result and std::monostate inside containers.
std::string cppType(const ast::Type* type, const ModulePlan& plan);
std::string cppResultType(const ast::Type* type, const ModulePlan& plan);

} // namespace spiderc::lower
