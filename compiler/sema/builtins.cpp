#include "sema/builtins.h"

#include <span>

namespace spiderc::sema {
namespace {

using ast::Builtin;
using ast::ExceptionKind;
using ast::TypeKind;

struct MemberEntry {
    TypeKind receiver;
    std::string_view name;
    Builtin id;
    bool method;
};

// Exceptions are handled separately: their members depend on the kind.
constexpr MemberEntry kMembers[] = {
    {TypeKind::Response, "url", Builtin::ResponseUrl, false},
    {TypeKind::Response, "status", Builtin::ResponseStatus, false},
    {TypeKind::Response, "headers", Builtin::ResponseHeaders, false},
    {TypeKind::Response, "text", Builtin::ResponseText, false},
    {TypeKind::Response, "meta", Builtin::ResponseMeta, false},
    {TypeKind::Response, "request", Builtin::ResponseRequest, false},
    {TypeKind::Response, "css", Builtin::ResponseCss, true},
    {TypeKind::Response, "xpath", Builtin::ResponseXpath, true},
    {TypeKind::Response, "urljoin", Builtin::ResponseUrljoin, true},
    {TypeKind::Response, "follow", Builtin::ResponseFollow, true},
    {TypeKind::Response, "follow_all", Builtin::ResponseFollowAll, true},
    {TypeKind::Selector, "css", Builtin::SelectorCss, true},
    {TypeKind::Selector, "xpath", Builtin::SelectorXpath, true},
    {TypeKind::Selector, "get", Builtin::SelectorGet, true},
    {TypeKind::Selector, "getall", Builtin::SelectorGetall, true},
    {TypeKind::Selector, "re", Builtin::SelectorRe, true},
    {TypeKind::Selector, "re_first", Builtin::SelectorReFirst, true},
    {TypeKind::Selector, "attrib", Builtin::SelectorAttrib, false},
    {TypeKind::SelectorList, "css", Builtin::SelectorCss, true},
    {TypeKind::SelectorList, "xpath", Builtin::SelectorXpath, true},
    {TypeKind::SelectorList, "get", Builtin::SelectorGet, true},
    {TypeKind::SelectorList, "getall", Builtin::SelectorGetall, true},
    {TypeKind::SelectorList, "re", Builtin::SelectorRe, true},
    {TypeKind::SelectorList, "re_first", Builtin::SelectorReFirst, true},
    {TypeKind::SelectorList, "attrib", Builtin::SelectorAttrib, false},
    {TypeKind::Headers, "get", Builtin::HeadersGet, true},
    {TypeKind::Headers, "getlist", Builtin::HeadersGetlist, true},
    {TypeKind::Request, "url", Builtin::RequestUrl, false},
    {TypeKind::Request, "method", Builtin::RequestMethod, false},
    {TypeKind::Request, "meta", Builtin::RequestMeta, false},
    {TypeKind::Failure, "message", Builtin::FailureMessage, false},
    {TypeKind::Failure, "type", Builtin::FailureType, false},
    {TypeKind::Failure, "request", Builtin::FailureRequest, false},
    {TypeKind::Str, "strip", Builtin::StrStrip, true},
    {TypeKind::Str, "lstrip", Builtin::StrLstrip, true},
    {TypeKind::Str, "rstrip", Builtin::StrRstrip, true},
    {TypeKind::Str, "split", Builtin::StrSplit, true},
    {TypeKind::Str, "replace", Builtin::StrReplace, true},
    {TypeKind::Str, "lower", Builtin::StrLower, true},
    {TypeKind::Str, "upper", Builtin::StrUpper, true},
    {TypeKind::Str, "startswith", Builtin::StrStartswith, true},
    {TypeKind::Str, "endswith", Builtin::StrEndswith, true},
    {TypeKind::Str, "join", Builtin::StrJoin, true},
    {TypeKind::Str, "format", Builtin::StrFormat, true},
    {TypeKind::Str, "find", Builtin::StrFind, true},
    {TypeKind::Str, "isdigit", Builtin::StrIsdigit, true},
    {TypeKind::List, "append", Builtin::ListAppend, true},
    {TypeKind::List, "extend", Builtin::ListExtend, true},
    {TypeKind::List, "pop", Builtin::ListPop, true},
    {TypeKind::List, "insert", Builtin::ListInsert, true},
    {TypeKind::List, "index", Builtin::ListIndex, true},
    {TypeKind::List, "clear", Builtin::ListClear, true},
    {TypeKind::Map, "get", Builtin::MapGet, true},
    {TypeKind::Map, "keys", Builtin::MapKeys, true},
    {TypeKind::Map, "values", Builtin::MapValues, true},
    {TypeKind::Map, "pop", Builtin::MapPop, true},
    {TypeKind::Log, "debug", Builtin::LogDebug, true},
    {TypeKind::Log, "info", Builtin::LogInfo, true},
    {TypeKind::Log, "warning", Builtin::LogWarning, true},
    {TypeKind::Log, "error", Builtin::LogError, true},
};

struct ExceptionMember {
    std::string_view name;
    Builtin id;
    bool (*has)(ExceptionKind);
};

bool always(ExceptionKind) { return true; }
bool httpOnly(ExceptionKind k) { return k == ExceptionKind::HttpError; }
bool hasUrl(ExceptionKind k) {
    return k == ExceptionKind::HttpError || k == ExceptionKind::TimeoutError ||
           k == ExceptionKind::ConnectionError;
}

constexpr ExceptionMember kExceptionMembers[] = {
    {"message", Builtin::ErrorMessage, always},
    {"type", Builtin::ErrorType, always},
    {"status", Builtin::ErrorStatus, httpOnly},
    {"url", Builtin::ErrorUrl, hasUrl},
    {"response", Builtin::ErrorResponse, httpOnly},
};

constexpr BuiltinFunction kFunctions[] = {
    {"request", Builtin::Request}, {"fetch", Builtin::Fetch}, {"sleep", Builtin::Sleep},
    {"gather", Builtin::Gather},   {"len", Builtin::Len},     {"range", Builtin::Range},
    {"str", Builtin::Str},         {"int", Builtin::Int},     {"float", Builtin::Float},
    {"bool", Builtin::Bool},       {"log", Builtin::Log},
};

} // namespace

std::optional<MemberInfo> lookupMember(const ast::Type* type, std::string_view name) {
    if (type->kind == TypeKind::Exception) {
        for (const ExceptionMember& m : kExceptionMembers) {
            if (m.name == name && m.has(type->exception)) {
                return MemberInfo{m.id, false};
            }
        }
        return std::nullopt;
    }
    for (const MemberEntry& m : kMembers) {
        if (m.receiver == type->kind && m.name == name) {
            return MemberInfo{m.id, m.method};
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> memberNames(const ast::Type* type) {
    std::vector<std::string_view> names;
    if (type->kind == TypeKind::Exception) {
        for (const ExceptionMember& m : kExceptionMembers) {
            if (m.has(type->exception)) {
                names.push_back(m.name);
            }
        }
        return names;
    }
    for (const MemberEntry& m : kMembers) {
        if (m.receiver == type->kind) {
            names.push_back(m.name);
        }
    }
    return names;
}

std::span<const BuiltinFunction> builtinFunctions() { return kFunctions; }

std::vector<std::string_view> builtinTypeNames() {
    return {"str",      "int",       "float",       "bool",          "any",
            "none",     "list",      "map",         "Deferred",      "Response",
            "Request",  "Selector",  "SelectorList", "Headers",      "Failure",
            "Error",    "HttpError", "TimeoutError", "ConnectionError", "CancelledError",
            "ValueError", "KeyError", "IndexError"};
}

} // namespace spiderc::sema
