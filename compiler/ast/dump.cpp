#include "ast/dump.h"

#include <fmt/format.h>

namespace spiderc::ast {
namespace {

std::string_view symbolKindName(SymbolKind kind) {
    switch (kind) {
    case SymbolKind::Local: return "local";
    case SymbolKind::Param: return "param";
    case SymbolKind::Arg: return "arg";
    case SymbolKind::SpiderField: return "spider field";
    case SymbolKind::Def: return "def";
    case SymbolKind::Item: return "item";
    case SymbolKind::Builtin: return "builtin";
    }
    return "?";
}

std::string_view roleName(DefRole role) {
    switch (role) {
    case DefRole::Helper: return "helper";
    case DefRole::Callback: return "callback";
    case DefRole::Errback: return "errback";
    case DefRole::Start: return "start";
    }
    return "?";
}

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case '\0': out += "\\0"; break;
        default: out += c;
        }
    }
    return out + "\"";
}

class Dumper {
public:
    explicit Dumper(const SourceFile& source) : source_(source) {}

    std::string run(const Module& module) {
        line(0, "Module", {});
        for (const auto& item : module.items) {
            dumpItem(1, *item);
        }
        for (const auto& def : module.defs) {
            dumpDef(1, *def);
        }
        for (const auto& spider : module.spiders) {
            dumpSpider(1, *spider);
        }
        return std::move(out_);
    }

private:
    void line(int depth, std::string_view text, Location where) {
        out_.append(static_cast<std::size_t>(depth) * 2, ' ');
        out_ += text;
        if (where.valid()) {
            const LineColumn at = source_.lineColumn(where.begin);
            out_ += fmt::format(" @{}:{}", at.line, at.column);
        }
        out_ += '\n';
    }

    static std::string typeSuffix(const Type* type) {
        return type ? " : " + typeName(type) : std::string();
    }

    static std::string typeRefText(const TypeRef* ref) {
        if (ref == nullptr) {
            return "<inferred>";
        }
        std::string text = ref->name;
        if (!ref->args.empty()) {
            text += '[';
            for (std::size_t i = 0; i < ref->args.size(); ++i) {
                text += (i ? ", " : "") + typeRefText(ref->args[i].get());
            }
            text += ']';
        }
        return ref->optional ? text + "?" : text;
    }

    void dumpItem(int depth, const ItemDecl& item) {
        line(depth, "Item " + item.name, item.location);
        for (const ItemField& f : item.fields) {
            line(depth + 1, fmt::format("Field {}: {}", f.name, typeRefText(f.typeRef.get())),
                 f.location);
        }
    }

    void dumpSpider(int depth, const SpiderDecl& spider) {
        line(depth, "Spider " + spider.name, spider.location);
        for (const ArgDecl& a : spider.args) {
            line(depth + 1, fmt::format("Arg {}: {}{}", a.name, typeRefText(a.typeRef.get()),
                                        typeSuffix(a.type)),
                 a.location);
            if (a.defaultValue) {
                dumpExpr(depth + 2, *a.defaultValue);
            }
        }
        for (const AttrDecl& a : spider.attrs) {
            line(depth + 1, "Attr " + a.name, a.location);
            dumpExpr(depth + 2, *a.value);
        }
        for (const FieldDecl& f : spider.fields) {
            line(depth + 1, fmt::format("Field {}: {}{}", f.name, typeRefText(f.typeRef.get()),
                                        typeSuffix(f.type)),
                 f.location);
            if (f.init) {
                dumpExpr(depth + 2, *f.init);
            }
        }
        for (const SettingEntry& s : spider.settings) {
            line(depth + 1, "Setting " + s.key, s.location);
            dumpExpr(depth + 2, *s.value);
        }
        for (const auto& item : spider.items) {
            dumpItem(depth + 1, *item);
        }
        for (const auto& def : spider.defs) {
            dumpDef(depth + 1, *def);
        }
    }

    void dumpDef(int depth, const DefDecl& def) {
        std::string head = def.isAsync ? "Def async " : "Def ";
        head += def.name + "(";
        for (std::size_t i = 0; i < def.params.size(); ++i) {
            const Param& p = def.params[i];
            head += (i ? ", " : "") + p.name + ": " +
                    (p.type ? typeName(p.type) : typeRefText(p.declaredType.get()));
        }
        head += ")";
        if (def.returnType) {
            head += " -> " + typeName(def.returnType);
        } else if (def.returnTypeRef) {
            head += " -> " + typeRefText(def.returnTypeRef.get());
        }
        if (def.symbol) {
            head += fmt::format(" role={}", roleName(def.role));
            if (def.isGenerator) {
                head += " generator";
            }
            if (!def.cbKwargsParams.empty()) {
                head += " cb_kwargs=[";
                for (std::size_t i = 0; i < def.cbKwargsParams.size(); ++i) {
                    head += (i ? ", " : "") + def.params[def.cbKwargsParams[i]].name;
                }
                head += "]";
            }
        }
        line(depth, head, def.location);
        for (const Param& p : def.params) {
            if (p.defaultValue) {
                line(depth + 1, "Default " + p.name, p.location);
                dumpExpr(depth + 2, *p.defaultValue);
            }
        }
        dumpBlock(depth + 1, def.body);
    }

    void dumpBlock(int depth, const Block& block) {
        for (const StmtPtr& s : block.statements) {
            dumpStmt(depth, *s);
        }
    }

    void dumpStmt(int depth, const Stmt& stmt) {
        switch (stmt.kind) {
        case StmtKind::Let: {
            const auto& s = static_cast<const LetStmt&>(stmt);
            line(depth, fmt::format("Let {}{}", s.name,
                                    s.symbol ? typeSuffix(s.symbol->type) : std::string()),
                 stmt.location);
            if (s.init) {
                dumpExpr(depth + 1, *s.init);
            }
            return;
        }
        case StmtKind::Assign: {
            const auto& s = static_cast<const AssignStmt&>(stmt);
            line(depth, fmt::format("Assign {}", assignOpText(s.op)), stmt.location);
            dumpExpr(depth + 1, *s.target);
            dumpExpr(depth + 1, *s.value);
            return;
        }
        case StmtKind::Expr:
            line(depth, "ExprStmt", stmt.location);
            dumpExpr(depth + 1, *static_cast<const ExprStmt&>(stmt).expr);
            return;
        case StmtKind::If: {
            const auto& s = static_cast<const IfStmt&>(stmt);
            line(depth, "If", stmt.location);
            for (const IfStmt::Branch& b : s.branches) {
                if (b.condition) {
                    line(depth + 1, "Condition", {});
                    dumpExpr(depth + 2, *b.condition);
                    line(depth + 1, "Then", {});
                } else {
                    line(depth + 1, "Else", {});
                }
                dumpBlock(depth + 2, b.body);
            }
            return;
        }
        case StmtKind::For: {
            const auto& s = static_cast<const ForStmt&>(stmt);
            std::string head = "For " + s.first;
            if (s.firstSymbol) {
                head += typeSuffix(s.firstSymbol->type);
            }
            if (s.second) {
                head += ", " + *s.second;
                if (s.secondSymbol) {
                    head += typeSuffix(s.secondSymbol->type);
                }
            }
            line(depth, head, stmt.location);
            dumpExpr(depth + 1, *s.iterable);
            dumpBlock(depth + 1, s.body);
            return;
        }
        case StmtKind::While: {
            const auto& s = static_cast<const WhileStmt&>(stmt);
            line(depth, "While", stmt.location);
            dumpExpr(depth + 1, *s.condition);
            dumpBlock(depth + 1, s.body);
            return;
        }
        case StmtKind::Break:
            line(depth, "Break", stmt.location);
            return;
        case StmtKind::Continue:
            line(depth, "Continue", stmt.location);
            return;
        case StmtKind::Return: {
            const auto& s = static_cast<const ReturnStmt&>(stmt);
            line(depth, "Return", stmt.location);
            if (s.value) {
                dumpExpr(depth + 1, *s.value);
            }
            return;
        }
        case StmtKind::Yield:
            line(depth, "Yield", stmt.location);
            dumpExpr(depth + 1, *static_cast<const YieldStmt&>(stmt).value);
            return;
        case StmtKind::Try: {
            const auto& s = static_cast<const TryStmt&>(stmt);
            line(depth, "Try", stmt.location);
            dumpBlock(depth + 1, s.body);
            for (const CatchClause& c : s.catches) {
                line(depth + 1,
                     fmt::format("Catch {}{}", c.name.empty() ? "_" : c.name,
                                 c.caught ? typeSuffix(c.caught)
                                          : ": " + typeRefText(c.type.get())),
                     c.location);
                dumpBlock(depth + 2, c.body);
            }
            if (s.finallyBlock) {
                line(depth + 1, "Finally", s.finallyBlock->location);
                dumpBlock(depth + 2, *s.finallyBlock);
            }
            return;
        }
        }
    }

    void dumpExpr(int depth, const Expr& expr) {
        const std::string type = typeSuffix(expr.type);
        switch (expr.kind) {
        case ExprKind::Name: {
            const auto& e = static_cast<const NameExpr&>(expr);
            std::string text = "Name " + e.name;
            if (e.symbol) {
                text += fmt::format(" -> {}", symbolKindName(e.symbol->kind));
            }
            line(depth, text + type, expr.location);
            return;
        }
        case ExprKind::Int:
            line(depth, fmt::format("Int {}{}", static_cast<const IntExpr&>(expr).value, type),
                 expr.location);
            return;
        case ExprKind::Float:
            line(depth,
                 fmt::format("Float {}{}", static_cast<const FloatExpr&>(expr).value, type),
                 expr.location);
            return;
        case ExprKind::String:
            line(depth, "String " + quoted(static_cast<const StringExpr&>(expr).value) + type,
                 expr.location);
            return;
        case ExprKind::FString: {
            line(depth, "FString" + type, expr.location);
            for (const auto& part : static_cast<const FStringExpr&>(expr).parts) {
                if (part.field) {
                    dumpExpr(depth + 1, *part.field);
                } else {
                    line(depth + 1, "Text " + quoted(part.text), {});
                }
            }
            return;
        }
        case ExprKind::Bool:
            line(depth,
                 std::string(static_cast<const BoolExpr&>(expr).value ? "True" : "False") + type,
                 expr.location);
            return;
        case ExprKind::None:
            line(depth, "None" + type, expr.location);
            return;
        case ExprKind::List:
            line(depth, "List" + type, expr.location);
            for (const auto& e : static_cast<const ListExpr&>(expr).elements) {
                dumpExpr(depth + 1, *e);
            }
            return;
        case ExprKind::Map:
            line(depth, "Map" + type, expr.location);
            for (const auto& entry : static_cast<const MapExpr&>(expr).entries) {
                dumpExpr(depth + 1, *entry.key);
                dumpExpr(depth + 2, *entry.value);
            }
            return;
        case ExprKind::Member: {
            const auto& e = static_cast<const MemberExpr&>(expr);
            std::string text = "Member " + e.name;
            if (e.member != Builtin::None) {
                text += fmt::format(" [{}]", builtinName(e.member));
            } else if (e.itemField) {
                text += " [item field]";
            }
            line(depth, text + type, expr.location);
            dumpExpr(depth + 1, *e.object);
            return;
        }
        case ExprKind::Call: {
            const auto& e = static_cast<const CallExpr&>(expr);
            std::string text = "Call";
            switch (e.calleeKind) {
            case CalleeKind::Def:
                text += " def " + e.def->name;
                break;
            case CalleeKind::Item:
                text += " item " + e.item->name;
                break;
            case CalleeKind::Builtin:
            case CalleeKind::Method:
                text += fmt::format(" [{}]", builtinName(e.builtin));
                break;
            case CalleeKind::Unresolved:
                break;
            }
            if (e.callback) {
                text += " callback=" + e.callback->name;
            }
            if (e.errback) {
                text += " errback=" + e.errback->name;
            }
            line(depth, text + type, expr.location);
            dumpExpr(depth + 1, *e.callee);
            for (const Argument& a : e.args) {
                if (!a.keyword.empty()) {
                    line(depth + 1, "Keyword " + a.keyword, a.keywordLocation);
                    dumpExpr(depth + 2, *a.value);
                } else {
                    dumpExpr(depth + 1, *a.value);
                }
            }
            return;
        }
        case ExprKind::Index: {
            const auto& e = static_cast<const IndexExpr&>(expr);
            line(depth, "Index" + type, expr.location);
            dumpExpr(depth + 1, *e.object);
            dumpExpr(depth + 1, *e.index);
            return;
        }
        case ExprKind::Slice: {
            const auto& e = static_cast<const SliceExpr&>(expr);
            line(depth, "Slice" + type, expr.location);
            dumpExpr(depth + 1, *e.object);
            for (const ExprPtr* part : {&e.lower, &e.upper, &e.step}) {
                if (*part) {
                    dumpExpr(depth + 1, **part);
                } else {
                    line(depth + 1, "Omitted", {});
                }
            }
            return;
        }
        case ExprKind::Unary: {
            const auto& e = static_cast<const UnaryExpr&>(expr);
            line(depth, fmt::format("Unary {}{}", unaryOpText(e.op), type), expr.location);
            dumpExpr(depth + 1, *e.operand);
            return;
        }
        case ExprKind::Binary: {
            const auto& e = static_cast<const BinaryExpr&>(expr);
            line(depth, fmt::format("Binary {}{}", binaryOpText(e.op), type), expr.location);
            dumpExpr(depth + 1, *e.lhs);
            dumpExpr(depth + 1, *e.rhs);
            return;
        }
        case ExprKind::Await:
            line(depth, "Await" + type, expr.location);
            dumpExpr(depth + 1, *static_cast<const AwaitExpr&>(expr).operand);
            return;
        case ExprKind::Error:
            line(depth, "Error", expr.location);
            return;
        }
    }

    const SourceFile& source_;
    std::string out_;
};

} // namespace

std::string dumpModule(const Module& module, const SourceFile& source) {
    return Dumper(source).run(module);
}

} // namespace spiderc::ast
