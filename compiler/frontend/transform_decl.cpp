// Declarations: the program, spiders and their members, items, defs, type annotations.
#include "frontend/transform.h"

#include <fmt/format.h>

namespace spiderc::frontend {

Transformer::Transformer(FileId file, std::string_view fileText,
                         const std::vector<Location>& locations, DiagnosticEngine& diags,
                         FieldParser fieldParser, int baseDepth)
    : file_(file), text_(fileText), locations_(locations), diags_(diags),
      fieldParser_(std::move(fieldParser)), depth_(baseDepth) {}

Location Transformer::loc(antlr4::Token* token) const {
    const std::size_t index = token->getTokenIndex();
    if (index >= locations_.size()) {
        return locations_.empty() ? Location{file_, 0, 0} : locations_.back();
    }
    return locations_[index];
}

Location Transformer::loc(antlr4::ParserRuleContext* ctx) const {
    Location begin = loc(ctx->getStart());
    antlr4::Token* stop = ctx->getStop();
    if (stop == nullptr || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) {
        return {begin.file, begin.begin, begin.begin};
    }
    return begin.to(loc(stop));
}

std::string Transformer::nameOf(P::NameContext* ctx) { return ctx->getStart()->getText(); }

bool Transformer::tooDeep(Location where) {
    if (depth_ <= kMaxTreeDepth) {
        return false;
    }
    if (!reportedDepth_) {
        reportedDepth_ = true;
        diags_.error(where, fmt::format("expression nesting too deep (limit {})", kMaxTreeDepth))
            .note("split it into smaller pieces, e.g. with 'let'");
    }
    return true;
}

void Transformer::program(P::ProgramContext* ctx, ast::Module& module) {
    for (P::TopDeclContext* decl : ctx->topDecl()) {
        if (auto* s = decl->spiderDecl()) {
            module.spiders.push_back(spider(s));
        } else if (auto* i = decl->itemDecl()) {
            module.items.push_back(item(i));
        } else if (auto* d = decl->defDecl()) {
            module.defs.push_back(def(d));
        }
    }
}

std::unique_ptr<ast::SpiderDecl> Transformer::spider(P::SpiderDeclContext* ctx) {
    auto spider = std::make_unique<ast::SpiderDecl>();
    spider->location = loc(ctx);
    spider->name = nameOf(ctx->name());
    spider->nameLocation = loc(ctx->name());
    for (P::SpiderMemberContext* member : ctx->spiderMember()) {
        if (auto* a = member->argDecl()) {
            ast::ArgDecl arg;
            arg.name = nameOf(a->name());
            arg.location = loc(a->name());
            if (a->typeRef()) {
                arg.typeRef = typeRef(a->typeRef());
            }
            if (a->expr()) {
                arg.defaultValue = expr(a->expr());
            }
            spider->args.push_back(std::move(arg));
        } else if (auto* f = member->fieldDecl()) {
            ast::FieldDecl field;
            field.name = nameOf(f->name());
            field.location = loc(f->name());
            if (f->typeRef()) {
                field.typeRef = typeRef(f->typeRef());
            }
            if (f->expr()) {
                field.init = expr(f->expr());
            }
            spider->fields.push_back(std::move(field));
        } else if (auto* at = member->attrAssign()) {
            ast::AttrDecl attr;
            attr.name = nameOf(at->name());
            attr.location = loc(at->name());
            attr.value = expr(at->expr());
            spider->attrs.push_back(std::move(attr));
        } else if (auto* sb = member->settingsBlock()) {
            for (P::SettingContext* s : sb->setting()) {
                ast::SettingEntry entry;
                entry.key = nameOf(s->name());
                entry.location = loc(s->name());
                entry.value = expr(s->expr());
                spider->settings.push_back(std::move(entry));
            }
        } else if (auto* i = member->itemDecl()) {
            auto decl = item(i);
            decl->spider = spider.get();
            spider->items.push_back(std::move(decl));
        } else if (auto* d = member->defDecl()) {
            auto decl = def(d);
            decl->spider = spider.get();
            spider->defs.push_back(std::move(decl));
        }
    }
    return spider;
}

std::unique_ptr<ast::ItemDecl> Transformer::item(P::ItemDeclContext* ctx) {
    auto item = std::make_unique<ast::ItemDecl>();
    item->location = loc(ctx);
    item->name = nameOf(ctx->name());
    item->nameLocation = loc(ctx->name());
    for (P::ItemFieldContext* f : ctx->itemField()) {
        ast::ItemField field;
        field.name = nameOf(f->name());
        field.location = loc(f->name());
        field.typeRef = typeRef(f->typeRef());
        item->fields.push_back(std::move(field));
    }
    return item;
}

std::unique_ptr<ast::DefDecl> Transformer::def(P::DefDeclContext* ctx) {
    auto def = std::make_unique<ast::DefDecl>();
    def->location = loc(ctx);
    def->name = nameOf(ctx->name());
    def->nameLocation = loc(ctx->name());
    if (ctx->ASYNC()) {
        def->isAsync = true;
        def->asyncLocation = loc(ctx->ASYNC());
    }
    for (P::ParamContext* p : ctx->param()) {
        ast::Param param;
        param.name = nameOf(p->name());
        param.location = loc(p->name());
        if (p->typeRef()) {
            param.declaredType = typeRef(p->typeRef());
        }
        if (p->expr()) {
            param.defaultValue = expr(p->expr());
        }
        def->params.push_back(std::move(param));
    }
    if (ctx->typeRef()) {
        def->returnTypeRef = typeRef(ctx->typeRef());
    }
    def->body = block(ctx->block());
    return def;
}

std::unique_ptr<ast::TypeRef> Transformer::typeRef(P::TypeRefContext* ctx) {
    auto ref = std::make_unique<ast::TypeRef>();
    ref->location = loc(ctx);
    DepthGuard guard(*this);
    if (tooDeep(ref->location)) {
        ref->name = "<error>";
        return ref;
    }
    if (ctx->name()) {
        ref->name = nameOf(ctx->name());
        ref->nameLocation = loc(ctx->name());
    } else {
        ref->name = "none";
        ref->nameLocation = loc(ctx->NONE());
    }
    for (P::TypeRefContext* arg : ctx->typeRef()) {
        ref->args.push_back(typeRef(arg));
    }
    ref->optional = ctx->QUESTION() != nullptr;
    return ref;
}

} // namespace spiderc::frontend
