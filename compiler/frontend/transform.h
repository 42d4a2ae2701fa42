#pragma once
// Parse tree -> AST. The ANTLR contexts stop here: nothing after the front end sees them.
// One source file per grammar area (transform_decl/stmt/expr/literal.cpp), as in kuzu's
// src/parser/transform/.
//
// Runs only on a tree without syntax errors. It still reports what the grammar lets
// through on purpose: bad escapes and f-string fields, out-of-range numbers, invalid
// assignment targets, misplaced keyword arguments, and trees deeper than kMaxTreeDepth
// (long operator or call chains the bracket check cannot see).
#include "ast/ast.h"
#include "diagnostics/diagnostic_engine.h"
#include "frontend/lexer.h"

#include "SpiderParser.h"

#include <functional>

namespace spiderc::frontend {

// The deepest expression/statement nesting the AST may have, so that every recursive
// pass over it (sema, dump, lowering) stays far from the stack limit.
inline constexpr int kMaxTreeDepth = 2 * kMaxNesting;

class Transformer {
public:
    // Parses the text of one f-string field at byte `offset` of the file, at nesting
    // `depth`; returns an ErrorExpr after reporting if it is not an expression.
    using FieldParser =
        std::function<ast::ExprPtr(std::uint32_t offset, std::string_view text, int depth)>;

    Transformer(FileId file, std::string_view fileText, const std::vector<Location>& locations,
                DiagnosticEngine& diags, FieldParser fieldParser, int baseDepth);

    void program(grammar::SpiderParser::ProgramContext* ctx, ast::Module& module);
    ast::ExprPtr fstringField(grammar::SpiderParser::FstringFieldContext* ctx);

private:
    using P = grammar::SpiderParser;

    // RAII depth counter for the recursive parts.
    class DepthGuard {
    public:
        explicit DepthGuard(Transformer& t) : t_(t) { ++t_.depth_; }
        ~DepthGuard() { --t_.depth_; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;

    private:
        Transformer& t_;
    };
    bool tooDeep(Location where);

    Location loc(antlr4::ParserRuleContext* ctx) const;
    Location loc(antlr4::Token* token) const;
    Location loc(antlr4::tree::TerminalNode* node) const { return loc(node->getSymbol()); }
    static std::string nameOf(P::NameContext* ctx);

    // transform_decl.cpp
    std::unique_ptr<ast::SpiderDecl> spider(P::SpiderDeclContext* ctx);
    std::unique_ptr<ast::ItemDecl> item(P::ItemDeclContext* ctx);
    std::unique_ptr<ast::DefDecl> def(P::DefDeclContext* ctx);
    std::unique_ptr<ast::TypeRef> typeRef(P::TypeRefContext* ctx);

    // transform_stmt.cpp
    ast::Block block(P::BlockContext* ctx);
    ast::StmtPtr statement(P::StatementContext* ctx);
    ast::StmtPtr exprStatement(P::ExprStmtContext* ctx);
    bool checkAssignTarget(const ast::Expr& target);

    // transform_expr.cpp
    ast::ExprPtr expr(P::ExprContext* ctx);
    ast::ExprPtr exprInner(P::ExprContext* ctx);
    ast::ExprPtr primary(P::PrimaryContext* ctx);
    ast::ExprPtr call(P::CallExprContext* ctx);

    // transform_literal.cpp
    ast::ExprPtr intLiteral(antlr4::Token* token);
    ast::ExprPtr floatLiteral(antlr4::Token* token);
    ast::ExprPtr stringLiteral(antlr4::Token* token, bool raw);
    ast::ExprPtr fstringLiteral(antlr4::Token* token);
    // Decodes escapes of text[begin, end) (file offsets) into `out`; false after an error.
    bool decodeEscapes(std::uint32_t begin, std::uint32_t end, std::string& out);

    FileId file_;
    std::string_view text_;
    const std::vector<Location>& locations_;
    DiagnosticEngine& diags_;
    FieldParser fieldParser_;
    int depth_;
    bool reportedDepth_ = false;
};

} // namespace spiderc::frontend
