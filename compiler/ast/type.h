#pragma once
// The types of the spider language (docs/language.md, "Types").
//
// Types are interned in a TypeContext owned by the ast::Module, so two types are equal iff
// their pointers are equal and a `const Type*` stays valid as long as the module lives.
// Sema annotates every expression with one; the lowering maps them to C++ types.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <tuple>

namespace spiderc::ast {

struct ItemDecl;

enum class TypeKind : std::uint8_t {
    Error,        // an expression that already produced a diagnostic; never reported again
    Unknown,      // element type of an empty [] or {} literal: fits any list/map
    None,         // the type of `none` and of calls that return nothing
    Bool,
    Int,
    Float,
    Str,
    Any,          // a dynamic value (mixed map literals, meta values); convert to use
    List,         // list[T]
    Map,          // map[str, T] (keys are always str)
    Optional,     // T? : a T or none (never nested, never of none)
    Deferred,     // Deferred[T]: what fetch/sleep/gather and async defs return; await it
    Response,
    Request,
    Selector,
    SelectorList,
    Headers,
    Failure,      // what an errback receives
    Item,         // an instance of an item declaration
    Exception,    // a catchable error; see ExceptionKind
    Log,          // the `log` namespace object
};

// Catchable errors. Every kind except Error itself derives directly from Error.
enum class ExceptionKind : std::uint8_t {
    Error,
    HttpError,       // status: int, url: str, response: Response
    TimeoutError,    // url: str
    ConnectionError, // url: str
    CancelledError,
    ValueError,      // int("x"), float("x")
    KeyError,        // m["missing"]
    IndexError,      // list index out of range
};

std::string_view exceptionName(ExceptionKind kind);

struct Type {
    TypeKind kind;
    const Type* element = nullptr;     // List, Map (value), Optional, Deferred
    const ItemDecl* item = nullptr;    // Item
    ExceptionKind exception = ExceptionKind::Error;

    bool is(TypeKind k) const { return kind == k; }
    bool isError() const { return kind == TypeKind::Error; }
    bool isNumeric() const { return kind == TypeKind::Int || kind == TypeKind::Float; }
    bool isScalar() const {
        return kind == TypeKind::Bool || kind == TypeKind::Int || kind == TypeKind::Float ||
               kind == TypeKind::Str;
    }
    // Plain data: scalars, none, any, and lists/maps/optionals of plain data. Only plain
    // data fits into `any`, item maps and meta.
    bool isPlainData() const;
    // The type without its `?`.
    const Type* unwrapOptional() const { return kind == TypeKind::Optional ? element : this; }
};

// How a type is written in the language and in diagnostics: "list[str]", "str?", "Quote".
std::string typeName(const Type* type);

class TypeContext {
public:
    TypeContext();
    TypeContext(const TypeContext&) = delete;
    TypeContext& operator=(const TypeContext&) = delete;

    const Type* error() const { return error_; }
    const Type* unknown() const { return unknown_; }
    const Type* none() const { return none_; }
    const Type* boolean() const { return bool_; }
    const Type* integer() const { return int_; }
    const Type* floating() const { return float_; }
    const Type* str() const { return str_; }
    const Type* any() const { return any_; }
    const Type* response() const { return response_; }
    const Type* request() const { return request_; }
    const Type* selector() const { return selector_; }
    const Type* selectorList() const { return selectorList_; }
    const Type* headers() const { return headers_; }
    const Type* failure() const { return failure_; }
    const Type* log() const { return log_; }

    const Type* list(const Type* element);
    const Type* map(const Type* value);
    // T? ; optional(T?) is T?, optional(none) is none, optional(error) is error.
    const Type* optional(const Type* element);
    const Type* deferred(const Type* result);
    const Type* item(const ItemDecl* decl);
    const Type* exception(ExceptionKind kind);

private:
    const Type* make(Type type);
    const Type* intern(TypeKind kind, const Type* element);

    std::deque<Type> storage_;
    std::map<std::tuple<TypeKind, const Type*, const ItemDecl*, ExceptionKind>, const Type*>
        interned_;
    const Type* error_;
    const Type* unknown_;
    const Type* none_;
    const Type* bool_;
    const Type* int_;
    const Type* float_;
    const Type* str_;
    const Type* any_;
    const Type* response_;
    const Type* request_;
    const Type* selector_;
    const Type* selectorList_;
    const Type* headers_;
    const Type* failure_;
    const Type* log_;
};

} // namespace spiderc::ast
