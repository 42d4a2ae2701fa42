#pragma once
// Failure: an error travelling down a Deferred's errback chain (Twisted's Failure). It wraps
// the exception as a std::exception_ptr, so any exception type survives the trip intact and
// can be rethrown, and records where the failure entered the Deferred world: a source
// location and, optionally, a context string ("fetching http://...").
//
// Copying a Failure is cheap-ish (an exception_ptr copy); it is a slow-path object.
#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace spider {

// A source position, captured at the call site through default arguments (std::source_location
// is unusable with clang 14 + libstdc++ 12).
struct SourceLocation {
    const char* file = "";
    const char* function = "";
    unsigned line = 0;

    static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                            const char* function = __builtin_FUNCTION(),
                                            unsigned line = __builtin_LINE()) noexcept {
        return SourceLocation{file, function, line};
    }
    bool known() const noexcept { return line != 0; }
    // file relative to the root of the spiderc source tree when it lies inside it
    // ("runtime/downloader/downloader.cpp", wherever the tree was cloned), else file itself.
    // What logs print.
    std::string_view relativeFile() const noexcept;
};

class Failure {
public:
    // A null exception_ptr becomes a std::runtime_error("unknown failure").
    explicit Failure(std::exception_ptr exception,
                     SourceLocation where = SourceLocation::current());
    Failure(std::exception_ptr exception, std::string context,
            SourceLocation where = SourceLocation::current());
    // From an exception object: Failure(TimeoutError(2.0)).
    template <class E, class = std::enable_if_t<std::is_base_of_v<std::exception, std::decay_t<E>>>>
    explicit Failure(E&& exception, SourceLocation where = SourceLocation::current())
        : Failure(std::make_exception_ptr(std::forward<E>(exception)), where) {}
    template <class E, class = std::enable_if_t<std::is_base_of_v<std::exception, std::decay_t<E>>>>
    Failure(E&& exception, std::string context, SourceLocation where = SourceLocation::current())
        : Failure(std::make_exception_ptr(std::forward<E>(exception)), std::move(context), where) {}

    // The exception being handled, inside a catch block.
    static Failure fromCurrentException(std::string context = {},
                                        SourceLocation where = SourceLocation::current());

    // True if the exception is an E (or derived from one) for any of E...
    template <class... E>
    bool check() const {
        static_assert(sizeof...(E) > 0, "check<E...>() needs at least one exception type");
        return (is<E>() || ...);
    }
    // Returns the exception as an E if it is one; otherwise rethrows the original exception
    // (so an errback that traps the wrong type passes the failure on unchanged).
    template <class E>
    const E& trap() const {
        try {
            std::rethrow_exception(exception_);
        } catch (const E& e) {
            return e; // lives as long as exception_ does
        }
    }
    // Rethrows the original exception.
    [[noreturn]] void raise() const { std::rethrow_exception(exception_); }

    const std::exception_ptr& exception() const noexcept { return exception_; }
    // what() of a std::exception, or "unknown exception".
    std::string what() const;
    // The exception's dynamic type, demangled ("spider::CancelledError").
    std::string typeName() const;
    const SourceLocation& where() const noexcept { return where_; }
    const std::string& context() const noexcept { return context_; }
    // "spider::TimeoutError: Deferred timed out after 2 seconds (while fetching x) [at
    // runtime/file.cpp:12 in f]": the one-line form used in logs (the path as
    // SourceLocation::relativeFile() gives it).
    std::string describe() const;

private:
    template <class E>
    bool is() const {
        try {
            std::rethrow_exception(exception_);
        } catch (const E&) {
            return true;
        } catch (...) {
            return false;
        }
    }

    std::exception_ptr exception_;
    SourceLocation where_;
    std::string context_;
};

namespace detail {
// Joins parts into one string (also sidesteps g++ 12's -O3 -Wrestrict false positive on
// "literal" + std::string).
std::string concat(std::initializer_list<std::string_view> parts);
} // namespace detail

} // namespace spider
