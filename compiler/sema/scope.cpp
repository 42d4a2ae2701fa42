#include "sema/scope.h"

#include <algorithm>

namespace spiderc::sema {

void ScopeStack::push(ScopeKind kind) { frames_.push_back(Frame{kind, {}, {}}); }

std::vector<ast::Symbol*> ScopeStack::pop() {
    std::vector<ast::Symbol*> declared = std::move(frames_.back().declared);
    frames_.pop_back();
    return declared;
}

ast::Symbol* ScopeStack::declare(ast::Symbol* symbol) {
    Frame& frame = frames_.back();
    auto [it, inserted] = frame.names.emplace(symbol->name, symbol);
    if (!inserted) {
        return it->second;
    }
    frame.declared.push_back(symbol);
    return nullptr;
}

ast::Symbol* ScopeStack::lookup(std::string_view name) const {
    const std::string key(name);
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
        auto found = it->names.find(key);
        if (found != it->names.end()) {
            return found->second;
        }
    }
    return nullptr;
}

const ScopeStack::Frame* ScopeStack::frameOf(std::string_view name) const {
    const std::string key(name);
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
        if (it->names.count(key)) {
            return &*it;
        }
    }
    return nullptr;
}

std::vector<std::string_view> ScopeStack::visibleNames() const {
    std::vector<std::string_view> names;
    for (const Frame& frame : frames_) {
        for (const auto& [name, symbol] : frame.names) {
            names.push_back(name);
        }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

} // namespace spiderc::sema
