#pragma once
// The checker behind sema::analyze (private to sema/). One instance per module.
// check_decl.cpp: declarations, spiders, items, settings, def signatures and roles.
// check_stmt.cpp: statements, scopes, control flow (loops, reachability, returns).
// check_expr.cpp: expressions, operators, names, members, assignability.
// check_call.cpp: calls: defs, items, built-in functions and methods, callbacks.
#include "ast/ast.h"
#include "diagnostics/diagnostic_engine.h"
#include "sema/scope.h"

#include <map>
#include <set>

namespace spiderc::sema {

class Checker {
public:
    Checker(ast::Module& module, DiagnosticEngine& diags);
    void run();

private:
    // ---- check_decl.cpp
    void declareBuiltins();
    void declareModule();
    void checkSpider(ast::SpiderDecl& spider);
    void declareSpiderMembers(ast::SpiderDecl& spider);
    void assignRoles(ast::SpiderDecl& spider);
    void resolveItemFields(ast::ItemDecl& item);
    void resolveSignature(ast::DefDecl& def);
    void checkSpiderInitializers(ast::SpiderDecl& spider);
    void checkSettings(ast::SpiderDecl& spider);
    void checkSpiderShape(ast::SpiderDecl& spider);
    void checkDefBody(ast::DefDecl& def);
    const ast::Type* resolveType(ast::TypeRef& ref);
    bool declareName(ast::Symbol* symbol, std::string_view what);
    ast::Symbol* newSymbol(ast::SymbolKind kind, std::string name, Location where,
                           const ast::Type* type);

    // ---- check_stmt.cpp
    // Returns true if the block never completes normally (return/break/continue on
    // every path), for reachability.
    bool checkBlock(ast::Block& block, bool newScope = true);
    bool checkStmt(ast::Stmt& stmt);
    void checkLet(ast::LetStmt& stmt);
    void checkAssign(ast::AssignStmt& stmt);
    void checkExprStmt(ast::ExprStmt& stmt);
    bool checkIf(ast::IfStmt& stmt);
    void checkFor(ast::ForStmt& stmt);
    bool checkWhile(ast::WhileStmt& stmt);
    void checkReturn(ast::ReturnStmt& stmt);
    void checkYield(ast::YieldStmt& stmt);
    bool checkTry(ast::TryStmt& stmt);
    void pushScope(ScopeKind kind);
    void popScope();
    bool alwaysReturns(const ast::Block& block) const;
    bool stmtAlwaysReturns(const ast::Stmt& stmt) const;
    bool containsBreak(const ast::Block& block) const;
    static bool containsYield(const ast::Block& block);

    // ---- check_expr.cpp
    // Checks `expr`, using `expected` (may be null) to type empty/literal lists and maps.
    const ast::Type* checkExpr(ast::Expr& expr, const ast::Type* expected = nullptr);
    const ast::Type* checkExprInner(ast::Expr& expr, const ast::Type* expected);
    // checkExpr + assignability, reporting "expected T for WHAT, found U".
    const ast::Type* expectType(ast::Expr& expr, const ast::Type* expected, std::string_view what);
    const ast::Type* checkName(ast::NameExpr& expr, bool asCallee);
    const ast::Type* checkMember(ast::MemberExpr& expr);
    const ast::Type* checkIndex(ast::IndexExpr& expr);
    const ast::Type* checkSlice(ast::SliceExpr& expr);
    const ast::Type* checkUnary(ast::UnaryExpr& expr);
    const ast::Type* checkBinary(ast::BinaryExpr& expr);
    const ast::Type* checkAwait(ast::AwaitExpr& expr);
    const ast::Type* checkList(ast::ListExpr& expr, const ast::Type* expected);
    const ast::Type* checkMap(ast::MapExpr& expr, const ast::Type* expected);
    const ast::Type* checkFString(ast::FStringExpr& expr);
    void checkCondition(ast::Expr& expr, std::string_view what);
    bool isTestable(const ast::Type* type) const;
    bool isPrintable(const ast::Type* type) const;
    bool assignable(const ast::Type* from, const ast::Type* to) const;
    const ast::Type* join(const ast::Type* a, const ast::Type* b) const;
    void reportMismatch(const ast::Expr& expr, const ast::Type* found, const ast::Type* expected,
                        std::string_view what);
    // Notes for common mistakes with a value of type `found` (optional, Deferred, any).
    void explainType(Diagnostic& d, const ast::Type* found);

    // ---- check_call.cpp
    const ast::Type* checkCall(ast::CallExpr& call);
    const ast::Type* checkDefCall(ast::CallExpr& call, const ast::DefDecl& def);
    const ast::Type* checkItemCall(ast::CallExpr& call, const ast::ItemDecl& item);
    const ast::Type* checkBuiltinCall(ast::CallExpr& call, ast::Builtin builtin);
    const ast::Type* checkMethodCall(ast::CallExpr& call, ast::MemberExpr& callee,
                                     const ast::Type* receiver, ast::Builtin method);
    struct ParamSpec {
        std::string_view name;
        bool required = false;
        bool keywordOnly = false;
    };
    // Matches call arguments to parameters; reports arity and keyword errors. Returns,
    // per spec, the argument expression or null. `variadic` collects extra positionals.
    std::vector<ast::Expr*> bindArgs(ast::CallExpr& call, std::string_view callee,
                                     const std::vector<ParamSpec>& specs, bool* ok,
                                     std::vector<ast::Expr*>* variadic = nullptr);
    void checkRequestOptions(ast::CallExpr& call, const std::vector<ParamSpec>& specs,
                             const std::vector<ast::Expr*>& bound, std::size_t firstOption);
    const ast::DefDecl* resolveCallbackDef(ast::Expr& expr, ast::DefRole role);
    void checkCbKwargs(ast::CallExpr& call, const ast::DefDecl* callback, ast::Expr* cbKwargs);
    void checkFormatArgs(const ast::Expr& format, std::size_t given, std::string_view what);
    void argsAnyType(ast::CallExpr& call);
    void checkUnboundArg(ast::Expr& value);

    ast::Module& module_;
    DiagnosticEngine& diags_;
    ast::TypeContext& types_;
    FileId file_;
    ScopeStack scopes_;

    // The context being checked.
    ast::SpiderDecl* spider_ = nullptr;
    ast::DefDecl* def_ = nullptr;
    bool initializer_ = false;       // checking a spider member's initializer
    int loopDepth_ = 0;
    const ast::Expr* yieldOperand_ = nullptr;
    std::vector<const ast::ReturnStmt*> valueReturns_; // in the current def
    std::vector<const ast::YieldStmt*> yields_;        // in the current def
    std::set<std::string> reportedUnknown_;            // per def: names already reported
    std::set<const ast::Symbol*> warnUnused_;          // lets and loop variables
    std::set<const ast::Symbol*> loopVariables_;
};

} // namespace spiderc::sema
