// What sema records in the AST for the lowering (the contract in compiler/ast/ast.h).
#include "test_support.h"

#include <catch2/catch.hpp>

#include <functional>

using namespace spiderc;
using spiderc::test::check;

namespace {

const char* kProgram = R"(def clean(s: str, chars: str = " ") -> str {
    return s.strip(chars)
}

spider demo {
    arg base: str = "http://127.0.0.1:8089"
    start_urls = [base + "/p/0.html"]
    let pages = 0

    settings {
        download_delay = 0.5
    }

    item Quote {
        text: str
        tags: list[str]
    }

    async def parse(response) {
        pages += 1
        for q in response.css("div.quote") {
            yield Quote(tags=q.css("a.tag::text").getall(), text=clean(q.css("span::text").get() or ""))
        }
        yield request(response.urljoin("/next"), callback=page, errback=failed, cb_kwargs={"n": 2})
        let m = {"a": 1, "b": "x"}
        yield m
    }

    async def page(response, n: int) {
        let r = await fetch(response.url)
        yield {"n": n, "s": r.status}
    }

    def failed(failure) {
        log.warning("failed: {}", failure.message)
    }
}
)";

const ast::DefDecl& defNamed(const ast::SpiderDecl& spider, std::string_view name) {
    for (const auto& d : spider.defs) {
        if (d->name == name) {
            return *d;
        }
    }
    FAIL("no def " << name);
    throw;
}

// Every expression below `e`, including e.
void walk(const ast::Expr& e, const std::function<void(const ast::Expr&)>& fn);

void walkBlock(const ast::Block& b, const std::function<void(const ast::Expr&)>& fn) {
    for (const auto& s : b.statements) {
        switch (s->kind) {
        case ast::StmtKind::Let:
            walk(*static_cast<const ast::LetStmt&>(*s).init, fn);
            break;
        case ast::StmtKind::Assign:
            walk(*static_cast<const ast::AssignStmt&>(*s).target, fn);
            walk(*static_cast<const ast::AssignStmt&>(*s).value, fn);
            break;
        case ast::StmtKind::Expr:
            walk(*static_cast<const ast::ExprStmt&>(*s).expr, fn);
            break;
        case ast::StmtKind::Yield:
            walk(*static_cast<const ast::YieldStmt&>(*s).value, fn);
            break;
        case ast::StmtKind::Return:
            if (const auto& v = static_cast<const ast::ReturnStmt&>(*s).value) {
                walk(*v, fn);
            }
            break;
        case ast::StmtKind::For:
            walk(*static_cast<const ast::ForStmt&>(*s).iterable, fn);
            walkBlock(static_cast<const ast::ForStmt&>(*s).body, fn);
            break;
        default:
            break;
        }
    }
}

void walk(const ast::Expr& e, const std::function<void(const ast::Expr&)>& fn) {
    fn(e);
    switch (e.kind) {
    case ast::ExprKind::Call: {
        const auto& c = static_cast<const ast::CallExpr&>(e);
        walk(*c.callee, fn);
        for (const auto& a : c.args) {
            walk(*a.value, fn);
        }
        break;
    }
    case ast::ExprKind::Member:
        walk(*static_cast<const ast::MemberExpr&>(e).object, fn);
        break;
    case ast::ExprKind::Binary:
        walk(*static_cast<const ast::BinaryExpr&>(e).lhs, fn);
        walk(*static_cast<const ast::BinaryExpr&>(e).rhs, fn);
        break;
    case ast::ExprKind::Await:
        walk(*static_cast<const ast::AwaitExpr&>(e).operand, fn);
        break;
    case ast::ExprKind::List:
        for (const auto& x : static_cast<const ast::ListExpr&>(e).elements) {
            walk(*x, fn);
        }
        break;
    case ast::ExprKind::Map:
        for (const auto& x : static_cast<const ast::MapExpr&>(e).entries) {
            walk(*x.key, fn);
            walk(*x.value, fn);
        }
        break;
    default:
        break;
    }
}

} // namespace

TEST_CASE("a checked program has a type on every expression and a symbol on every name") {
    auto r = check(kProgram);
    REQUIRE(r->text() == "");
    const auto& spider = *r->module->spiders.at(0);
    std::size_t names = 0;
    for (const auto& def : spider.defs) {
        walkBlock(def->body, [&](const ast::Expr& e) {
            INFO("expression at byte " << e.location.begin);
            CHECK(e.type != nullptr);
            CHECK_FALSE(e.type->isError());
            if (e.kind == ast::ExprKind::Name) {
                ++names;
                CHECK(static_cast<const ast::NameExpr&>(e).symbol != nullptr);
            }
        });
    }
    CHECK(names > 10);
}

TEST_CASE("defs record async, generator, role and cb_kwargs parameters") {
    auto r = check(kProgram);
    const auto& spider = *r->module->spiders.at(0);
    const auto& parse = defNamed(spider, "parse");
    CHECK(parse.isAsync);
    CHECK(parse.isGenerator);
    CHECK(parse.role == ast::DefRole::Callback);
    CHECK(parse.params[0].type->is(ast::TypeKind::Response));
    const auto& page = defNamed(spider, "page");
    CHECK(page.role == ast::DefRole::Callback);
    CHECK(page.cbKwargsParams == std::vector<std::size_t>{1});
    const auto& failed = defNamed(spider, "failed");
    CHECK_FALSE(failed.isAsync);
    CHECK_FALSE(failed.isGenerator);
    CHECK(failed.role == ast::DefRole::Errback);
    CHECK(failed.params[0].type->is(ast::TypeKind::Failure));
    CHECK(spider.parse == &parse);
    CHECK(spider.start == nullptr);
}

TEST_CASE("names resolve to the kind of symbol they denote") {
    auto r = check(kProgram);
    const auto& spider = *r->module->spiders.at(0);
    std::map<std::string, ast::SymbolKind> kinds;
    for (const auto& def : spider.defs) {
        walkBlock(def->body, [&](const ast::Expr& e) {
            if (e.kind == ast::ExprKind::Name) {
                const auto& n = static_cast<const ast::NameExpr&>(e);
                kinds[n.name] = n.symbol->kind;
            }
        });
    }
    CHECK(kinds.at("response") == ast::SymbolKind::Param);
    CHECK(kinds.at("q") == ast::SymbolKind::Local);
    CHECK(kinds.at("pages") == ast::SymbolKind::SpiderField);
    CHECK(kinds.at("clean") == ast::SymbolKind::Def);
    CHECK(kinds.at("Quote") == ast::SymbolKind::Item);
    CHECK(kinds.at("request") == ast::SymbolKind::Builtin);
    CHECK(kinds.at("log") == ast::SymbolKind::Builtin);
    const auto& start = *spider.attrs.at(0).value;
    walk(start, [&](const ast::Expr& e) {
        if (e.kind == ast::ExprKind::Name) {
            CHECK(static_cast<const ast::NameExpr&>(e).symbol->kind == ast::SymbolKind::Arg);
        }
    });
}

TEST_CASE("calls record their callee and bind arguments in declaration order") {
    auto r = check(kProgram);
    const auto& spider = *r->module->spiders.at(0);
    std::vector<const ast::CallExpr*> calls;
    walkBlock(defNamed(spider, "parse").body, [&](const ast::Expr& e) {
        if (e.kind == ast::ExprKind::Call) {
            calls.push_back(static_cast<const ast::CallExpr*>(&e));
        }
    });
    const ast::CallExpr* item = nullptr;
    const ast::CallExpr* clean = nullptr;
    const ast::CallExpr* request = nullptr;
    for (const auto* c : calls) {
        if (c->calleeKind == ast::CalleeKind::Item) {
            item = c;
        } else if (c->calleeKind == ast::CalleeKind::Def) {
            clean = c;
        } else if (c->builtin == ast::Builtin::Request) {
            request = c;
        }
    }
    REQUIRE(item);
    REQUIRE(item->bound.size() == 2);
    // Written tags= first, bound in field order: text, tags.
    CHECK(item->bound[0] == item->args[1].value.get());
    CHECK(item->bound[1] == item->args[0].value.get());
    REQUIRE(clean);
    CHECK(clean->bound.size() == 2);
    CHECK(clean->bound[1] == nullptr); // the default applies
    CHECK(clean->type->is(ast::TypeKind::Str));
    REQUIRE(request);
    CHECK(request->callback == &defNamed(spider, "page"));
    CHECK(request->errback == &defNamed(spider, "failed"));
}

TEST_CASE("types follow the language's rules for optionals, awaits and mixed maps") {
    auto r = check(kProgram);
    const auto& spider = *r->module->spiders.at(0);
    std::map<std::string, std::string> letTypes;
    for (const auto& def : spider.defs) {
        for (const auto& s : def->body.statements) {
            if (s->kind == ast::StmtKind::Let) {
                const auto& let = static_cast<const ast::LetStmt&>(*s);
                letTypes[let.name] = ast::typeName(let.symbol->type);
            }
        }
    }
    CHECK(letTypes.at("m") == "map[str, any]");
    CHECK(letTypes.at("r") == "Response");
    CHECK(spider.fields.at(0).type->is(ast::TypeKind::Int));
    CHECK(spider.args.at(0).type->is(ast::TypeKind::Str));
    CHECK(spider.settings.at(0).settingIndex >= 0);
}

TEST_CASE("sema reports nothing twice for one unknown name") {
    auto r = check("spider s {\n  start_urls = [\"http://x/\"]\n  async def parse(response) {\n"
                   "    yield {\"a\": nope, \"b\": nope.x, \"c\": nope + 1}\n  }\n}\n");
    CHECK(r->diags->errorCount() == 1);
}

TEST_CASE("an expression statement that calls something is not flagged as having no effect") {
    const std::string head =
        "spider s {\n  start_urls = [\"http://x/\"]\n  let calls = 0\n"
        "  def count(label: str) -> str {\n    calls += 1\n    return label\n  }\n"
        "  async def parse(response) {\n    let n = 0\n";
    const std::string tail = "    yield {\"n\": n}\n  }\n}\n";
    auto acting = check(head + "    count(\"s\") or count(\"t\")\n    n + len(count(\"u\"))\n" + tail);
    CHECK(acting->diags->errorCount() == 0);
    CHECK(acting->diags->warningCount() == 0);
    auto idle = check(head + "    n == 1\n    n + 2 or n\n" + tail);
    CHECK(idle->diags->errorCount() == 0);
    CHECK(idle->diags->warningCount() == 2);
}
