#pragma once
// Lexical scopes for name resolution: a stack of frames, innermost last.
#include "ast/ast.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace spiderc::sema {

enum class ScopeKind { Builtins, Module, Spider, Function, Block };

class ScopeStack {
public:
    struct Frame {
        ScopeKind kind;
        std::unordered_map<std::string, ast::Symbol*> names;
        std::vector<ast::Symbol*> declared; // in declaration order, for unused warnings
    };

    void push(ScopeKind kind);
    // Returns the symbols declared in the popped frame, in order.
    std::vector<ast::Symbol*> pop();

    // Declares in the innermost frame; returns the previous symbol of that name in the
    // same frame (a redeclaration) or null.
    ast::Symbol* declare(ast::Symbol* symbol);
    ast::Symbol* lookup(std::string_view name) const;
    // The innermost frame holding `name`, or null.
    const Frame* frameOf(std::string_view name) const;
    // Every visible name, for did-you-mean.
    std::vector<std::string_view> visibleNames() const;
    std::size_t depth() const { return frames_.size(); }

private:
    std::vector<Frame> frames_;
};

} // namespace spiderc::sema
