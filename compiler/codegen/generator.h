#pragma once
// The code generator's internals, shared by codegen.cpp (module, items, spiders),
// gen_stmt.cpp (statements and control flow) and gen_expr.cpp (expressions).
#include "codegen/codegen.h"
#include "codegen/printer.h"
#include "lower/plan.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace spiderc::codegen {

// A local that one statement's expressions need before the statement (see
// Generator::hoistLocal), named only when the statement is complete.
struct HoistedLocal {
    Location key;            // the expression it serves: names follow source order
    std::string type;
    std::string base;        // the name wanted
    std::string init;        // "" or " = value"
    std::string placeholder; // stands for the name in the text until then
};

// Statements that must run before the statement that needs them (see Generator::hoistCode).
struct HoistedCode {
    Location key; // they run in source order
    std::vector<std::string> lines;
};

// Collects what one statement hoists while it is generated (nested statements and the
// right sides of `and`/`or` collect their own), restoring the enclosing collection after.
class HoistScope {
public:
    struct Contents {
        std::vector<HoistedLocal> locals;
        std::vector<HoistedCode> code;
        bool empty() const { return locals.empty() && code.empty(); }
    };
    explicit HoistScope(Contents*& slot) : slot_(slot), saved_(slot) { slot_ = &contents; }
    ~HoistScope() { slot_ = saved_; }
    HoistScope(const HoistScope&) = delete;
    HoistScope& operator=(const HoistScope&) = delete;

    Contents contents;

private:
    Contents*& slot_;
    Contents* saved_;
};

class Generator {
public:
    Generator(const ast::Module& module, const lower::ModulePlan& plan, const SourceFile& source,
              const CodegenOptions& options);
    std::string run();

private:
    // ---- module level (codegen.cpp)
    void emitPrologue();
    void emitItem(const lower::ItemPlan& item);
    void emitTopLevelDefs();
    void emitSpiderClass(const lower::SpiderPlan& spider);
    void emitSpiderMembers(const lower::SpiderPlan& spider);
    void emitMain();
    std::string returnType(const lower::DefPlan& def) const;
    std::string paramList(const lower::DefPlan& def);
    void emitDefDefinition(const lower::DefPlan& def, const std::string& qualifier);
    void emitStreamAdapter(const lower::DefPlan& def, const std::string& qualifier);
    void beginDef(const lower::DefPlan* def, const lower::SpiderPlan* spider);
    std::string argumentDefaultText(const ast::ArgDecl& arg) const;

    // ---- statements (gen_stmt.cpp)
    void emitBlock(const ast::Block& block);
    void emitStmt(const ast::Stmt& stmt);
    void emitStmtBody(const ast::Stmt& stmt);
    void emitLet(const ast::LetStmt& stmt);
    void emitAssign(const ast::AssignStmt& stmt);
    void emitIf(const ast::IfStmt& stmt);
    void emitFor(const ast::ForStmt& stmt);
    void emitWhile(const ast::WhileStmt& stmt);
    void emitTry(const ast::TryStmt& stmt);
    void emitTryCatch(const ast::TryStmt& stmt);
    void emitYield(const ast::YieldStmt& stmt);
    void yieldLine(const ast::YieldStmt& stmt);
    // break/continue/return, routed through the finally blocks they leave.
    enum class Exit { Break = 1, Continue = 2, Return = 3 };
    void emitExit(Exit exit, std::optional<std::string> value);
    void emitReturnNow(std::optional<std::string> value);
    void lineDirective(const Location& location);
    void cppLineMarker();

    // ---- expressions (gen_expr.cpp)
    std::string expr(const ast::Expr& e);
    // `e` converted to `to` (int -> float, T -> T?, plain data -> any, literals typed by
    // their context).
    std::string convert(const ast::Expr& e, const ast::Type* to);
    // A value for a `T?` slot (item fields): T, T? or none.
    std::string convertOptional(const ast::Expr& e, const ast::Type* element);
    std::string condition(const ast::Expr& e);
    // The same for the whole condition of an if/while (without redundant parentheses).
    std::string topCondition(const ast::Expr& e);
    std::string asFloat(const ast::Expr& e);
    std::string nameRef(const ast::Symbol* symbol);
    std::string listLiteral(const ast::ListExpr& e, const ast::Type* type);
    std::string mapLiteral(const ast::MapExpr& e, const ast::Type* type);
    std::string fstring(const ast::FStringExpr& e);
    std::string member(const ast::MemberExpr& e);
    std::string call(const ast::CallExpr& e);
    std::string defCall(const ast::CallExpr& e);
    std::string itemConstruction(const ast::CallExpr& e);
    std::string builtinCall(const ast::CallExpr& e);
    std::string methodCall(const ast::CallExpr& e);
    std::string requestOptions(const ast::CallExpr& e);
    std::string binary(const ast::BinaryExpr& e);
    std::string orValue(const ast::BinaryExpr& e);
    // `and`/`or` whose right side awaits, as statements (see gen_expr.cpp).
    std::string awaitingAndOr(const ast::BinaryExpr& e);
    std::string index(const ast::IndexExpr& e);
    std::string slice(const ast::SliceExpr& e);
    std::string envExpr() const;
    const ast::Expr* arg(const ast::CallExpr& e, std::size_t position, std::string_view keyword);
    std::string typeOf(const ast::Type* type) const { return lower::cppType(type, plan_); }
    std::string stringLiteral(std::string_view text) const;

    // ---- locals
    // A local declared (as `type name[ init];`) just before the statement being generated,
    // for values an expression must hold on to (the left side of `or`); returns a
    // placeholder for its name, replaced when the statement is complete (finishHoisted).
    // The generator's string concatenations generate sub-expressions in an order C++ leaves
    // unspecified, so names are given afterwards, in source order (`key`): the output does
    // not depend on the compiler spiderc was built with.
    std::string awaitExpr(const ast::AwaitExpr& e);
    std::string andOr(const ast::BinaryExpr& e);
    std::string holdInOrder(const ast::Expr& e, const std::string& code,
                            const std::string& inlineCode, const char* base);
    std::string hoistLocal(const std::string& type, const std::string& base, const Location& key,
                           const std::string& init = "");
    // Lines that run before the statement (and after the code hoisted for expressions
    // before `key` in the source).
    void hoistCode(const Location& key, std::vector<std::string> lines);
    // `text` (the statement, indented at `level`) preceded by the declarations and code of
    // `scope`, with every placeholder replaced by its local's name.
    // `again`: the statement's own line, repeated after the hoisted code so the statement
    // maps back to its line rather than to one past the code before it.
    std::string finishHoisted(HoistScope& scope, std::string text, int level,
                              const Location* again = nullptr);
    std::string lineDirectiveText(const Location& location) const; // "" when off
    std::string declareLocal(const ast::Symbol* symbol);
    std::string freshLocal(const std::string& base);
    std::string maybeUnused(const ast::Symbol* symbol) const;

    const ast::Module& module_;
    const lower::ModulePlan& plan_;
    const SourceFile& source_;
    const CodegenOptions& options_;
    Printer printer_;
    Printer* out_ = &printer_;
    bool inDslLines_ = false;

    // The def being generated.
    const lower::DefPlan* def_ = nullptr;
    const lower::SpiderPlan* spider_ = nullptr;
    lower::NameTable localNames_;
    std::map<const ast::Symbol*, std::string> locals_;
    std::set<std::string> usedLocalNames_;
    std::string yieldVar_;
    // What the statement being generated hoists (see hoistLocal); null outside one.
    HoistScope::Contents* hoisted_ = nullptr;
    // Whether the statement being generated holds its awaits and def calls in locals, in
    // source order (see emitStmt and holdInOrder).
    bool orderEffects_ = false;
    std::size_t nextPlaceholder_ = 0; // see hoistLocal

    struct FinallyFrame {
        std::string exitVar;
        std::string resultVar;
        std::string label;
        bool used = false;
        std::set<int> exits;
    };
    struct Frame {
        bool loop = false;
        FinallyFrame* finally = nullptr;
    };
    std::vector<Frame> frames_;
};

} // namespace spiderc::codegen
