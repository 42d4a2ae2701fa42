#include "ast/type.h"

#include "ast/ast.h"

namespace spiderc::ast {

std::string_view exceptionName(ExceptionKind kind) {
    switch (kind) {
    case ExceptionKind::Error:
        return "Error";
    case ExceptionKind::HttpError:
        return "HttpError";
    case ExceptionKind::TimeoutError:
        return "TimeoutError";
    case ExceptionKind::ConnectionError:
        return "ConnectionError";
    case ExceptionKind::CancelledError:
        return "CancelledError";
    case ExceptionKind::ValueError:
        return "ValueError";
    case ExceptionKind::KeyError:
        return "KeyError";
    case ExceptionKind::IndexError:
        return "IndexError";
    }
    return "Error";
}

bool Type::isPlainData() const {
    switch (kind) {
    case TypeKind::Error:
    case TypeKind::Unknown:
    case TypeKind::None:
    case TypeKind::Bool:
    case TypeKind::Int:
    case TypeKind::Float:
    case TypeKind::Str:
    case TypeKind::Any:
        return true;
    case TypeKind::List:
    case TypeKind::Map:
    case TypeKind::Optional:
        return element->isPlainData();
    default:
        return false;
    }
}

std::string typeName(const Type* type) {
    if (type == nullptr) {
        return "<untyped>";
    }
    switch (type->kind) {
    case TypeKind::Error:
        return "<error>";
    case TypeKind::Unknown:
        return "<unknown>";
    case TypeKind::None:
        return "none";
    case TypeKind::Bool:
        return "bool";
    case TypeKind::Int:
        return "int";
    case TypeKind::Float:
        return "float";
    case TypeKind::Str:
        return "str";
    case TypeKind::Any:
        return "any";
    case TypeKind::List:
        return "list[" + typeName(type->element) + "]";
    case TypeKind::Map:
        return "map[str, " + typeName(type->element) + "]";
    case TypeKind::Optional:
        return typeName(type->element) + "?";
    case TypeKind::Deferred:
        return "Deferred[" + typeName(type->element) + "]";
    case TypeKind::Response:
        return "Response";
    case TypeKind::Request:
        return "Request";
    case TypeKind::Selector:
        return "Selector";
    case TypeKind::SelectorList:
        return "SelectorList";
    case TypeKind::Headers:
        return "Headers";
    case TypeKind::Failure:
        return "Failure";
    case TypeKind::Item:
        return type->item ? type->item->name : "<item>";
    case TypeKind::Exception:
        return std::string(exceptionName(type->exception));
    case TypeKind::Log:
        return "log";
    }
    return "<type>";
}

TypeContext::TypeContext() {
    error_ = make({TypeKind::Error});
    unknown_ = make({TypeKind::Unknown});
    none_ = make({TypeKind::None});
    bool_ = make({TypeKind::Bool});
    int_ = make({TypeKind::Int});
    float_ = make({TypeKind::Float});
    str_ = make({TypeKind::Str});
    any_ = make({TypeKind::Any});
    response_ = make({TypeKind::Response});
    request_ = make({TypeKind::Request});
    selector_ = make({TypeKind::Selector});
    selectorList_ = make({TypeKind::SelectorList});
    headers_ = make({TypeKind::Headers});
    failure_ = make({TypeKind::Failure});
    log_ = make({TypeKind::Log});
}

const Type* TypeContext::make(Type type) { return &storage_.emplace_back(type); }

const Type* TypeContext::intern(TypeKind kind, const Type* element) {
    auto key = std::make_tuple(kind, element, static_cast<const ItemDecl*>(nullptr),
                               ExceptionKind::Error);
    auto it = interned_.find(key);
    if (it != interned_.end()) {
        return it->second;
    }
    Type type{kind};
    type.element = element;
    const Type* result = make(type);
    interned_.emplace(key, result);
    return result;
}

const Type* TypeContext::list(const Type* element) {
    return element->isError() ? error_ : intern(TypeKind::List, element);
}

const Type* TypeContext::map(const Type* value) {
    return value->isError() ? error_ : intern(TypeKind::Map, value);
}

const Type* TypeContext::optional(const Type* element) {
    if (element->isError() || element->kind == TypeKind::None ||
        element->kind == TypeKind::Optional || element->kind == TypeKind::Any) {
        return element;
    }
    return intern(TypeKind::Optional, element);
}

const Type* TypeContext::deferred(const Type* result) {
    return result->isError() ? error_ : intern(TypeKind::Deferred, result);
}

const Type* TypeContext::item(const ItemDecl* decl) {
    auto key = std::make_tuple(TypeKind::Item, static_cast<const Type*>(nullptr), decl,
                               ExceptionKind::Error);
    auto it = interned_.find(key);
    if (it != interned_.end()) {
        return it->second;
    }
    Type type{TypeKind::Item};
    type.item = decl;
    const Type* result = make(type);
    interned_.emplace(key, result);
    return result;
}

const Type* TypeContext::exception(ExceptionKind kind) {
    auto key = std::make_tuple(TypeKind::Exception, static_cast<const Type*>(nullptr),
                               static_cast<const ItemDecl*>(nullptr), kind);
    auto it = interned_.find(key);
    if (it != interned_.end()) {
        return it->second;
    }
    Type type{TypeKind::Exception};
    type.exception = kind;
    const Type* result = make(type);
    interned_.emplace(key, result);
    return result;
}

} // namespace spiderc::ast
