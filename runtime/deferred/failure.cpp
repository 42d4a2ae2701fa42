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

std::string demangle(const char* name) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                               std::free);
    return status == 0 && out ? std::string(out.get()) : std::string(name);
}

} // namespace

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
    std::string out = detail::concat({typeName(), ": ", what()});
    if (!context_.empty()) {
        out.append(" (while ").append(context_).append(")");
    }
    if (where_.known()) {
        out.append(" [at ").append(where_.file).append(":").append(std::to_string(where_.line));
        if (where_.function && *where_.function) {
            out.append(" in ").append(where_.function);
        }
        out.append("]");
    }
    return out;
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
