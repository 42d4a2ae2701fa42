#include "deferred/failure.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <typeinfo>

namespace spider {

namespace {

std::exception_ptr nonNull(std::exception_ptr e) {
    if (e) {
        return e;
    }
    return std::make_exception_ptr(std::runtime_error("unknown failure"));
}

// The root of the source tree: this file's own path as the compiler was given it, minus its
// place in the tree. Empty when the compiler was given just that relative path.
constexpr std::string_view sourceRoot() noexcept {
    constexpr std::string_view self = __FILE__;
    constexpr std::string_view inTree = "runtime/deferred/failure.cpp";
    if (self.size() >= inTree.size() && self.substr(self.size() - inTree.size()) == inTree) {
        return self.substr(0, self.size() - inTree.size());
    }
    return {};
}

std::string demangle(const char* name) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                               std::free);
    return status == 0 && out ? std::string(out.get()) : std::string(name);
}

} // namespace

std::string_view SourceLocation::relativeFile() const noexcept {
    std::string_view path = file ? file : "";
    constexpr std::string_view root = sourceRoot();
    if (!root.empty() && path.size() > root.size() && path.substr(0, root.size()) == root) {
        path.remove_prefix(root.size());
    }
    return path;
}

Failure::Failure(std::exception_ptr exception, SourceLocation where)
    : exception_(nonNull(std::move(exception)))
    , where_(where) {}

Failure::Failure(std::exception_ptr exception, std::string context, SourceLocation where)
    : exception_(nonNull(std::move(exception)))
    , where_(where)
    , context_(std::move(context)) {}

Failure Failure::fromCurrentException(std::string context, SourceLocation where) {
    return Failure(std::current_exception(), std::move(context), where);
}

std::string Failure::what() const {
    try {
        std::rethrow_exception(exception_);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

std::string Failure::typeName() const {
    try {
        std::rethrow_exception(exception_);
    } catch (const std::exception& e) {
        return demangle(typeid(e).name());
    } catch (...) {
        // Not a std::exception: the ABI still knows the thrown type.
        if (const std::type_info* t = abi::__cxa_current_exception_type()) {
            return demangle(t->name());
        }
        return "unknown exception type";
    }
}

std::string Failure::describe() const {
    // One concat of views (one allocation, no chained appends: those tripped a g++ 12 -O3
    // -Wrestrict false positive here).
    const std::string type = typeName();
    const std::string message = what();
    const bool hasContext = !context_.empty();
    const bool hasWhere = where_.known();
    const bool hasFunction = hasWhere && where_.function && *where_.function;
    const std::string line = hasWhere ? std::to_string(where_.line) : std::string();
    return detail::concat(
        {type, ": ", message, hasContext ? " (while " : "", context_, hasContext ? ")" : "",
         hasWhere ? " [at " : "", hasWhere ? where_.relativeFile() : "", hasWhere ? ":" : "", line,
         hasFunction ? " in " : "", hasFunction ? where_.function : "", hasWhere ? "]" : ""});
}

namespace detail {

std::string concat(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (std::string_view p : parts) {
        size += p.size();
    }
    std::string out;
    out.reserve(size);
    for (std::string_view p : parts) {
        out.append(p);
    }
    return out;
}

} // namespace detail

} // namespace spider
