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
    void emitLet(const ast::LetStmt& stmt);
    void emitAssign(const ast::AssignStmt& stmt);
    void emitIf(const ast::IfStmt& stmt);
    void emitFor(const ast::ForStmt& stmt);
    void emitWhile(const ast::WhileStmt& stmt);
    void emitTry(const ast::TryStmt& stmt);
    void emitTryCatch(const ast::TryStmt& stmt);
    void emitYield(const ast::YieldStmt& stmt);
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
    std::string index(const ast::IndexExpr& e);
    std::string slice(const ast::SliceExpr& e);
    std::string envExpr() const;
    const ast::Expr* arg(const ast::CallExpr& e, std::size_t position, std::string_view keyword);
    std::string typeOf(const ast::Type* type) const { return lower::cppType(type, plan_); }
    std::string stringLiteral(std::string_view text) const;

    // ---- locals
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
