#include "ast/ast.h"

namespace spiderc::ast {

std::string_view builtinName(Builtin builtin) {
    switch (builtin) {
    case Builtin::None: return "<none>";
    case Builtin::Request: return "request";
    case Builtin::Fetch: return "fetch";
    case Builtin::Sleep: return "sleep";
    case Builtin::Gather: return "gather";
    case Builtin::Len: return "len";
    case Builtin::Range: return "range";
    case Builtin::Str: return "str";
    case Builtin::Int: return "int";
    case Builtin::Float: return "float";
    case Builtin::Bool: return "bool";
    case Builtin::Log: return "log";
    case Builtin::LogDebug: return "log.debug";
    case Builtin::LogInfo: return "log.info";
    case Builtin::LogWarning: return "log.warning";
    case Builtin::LogError: return "log.error";
    case Builtin::ResponseUrl: return "Response.url";
    case Builtin::ResponseStatus: return "Response.status";
    case Builtin::ResponseHeaders: return "Response.headers";
    case Builtin::ResponseText: return "Response.text";
    case Builtin::ResponseMeta: return "Response.meta";
    case Builtin::ResponseRequest: return "Response.request";
    case Builtin::ResponseCss: return "Response.css";
    case Builtin::ResponseXpath: return "Response.xpath";
    case Builtin::ResponseUrljoin: return "Response.urljoin";
    case Builtin::ResponseFollow: return "Response.follow";
    case Builtin::ResponseFollowAll: return "Response.follow_all";
    case Builtin::SelectorCss: return "Selector.css";
    case Builtin::SelectorXpath: return "Selector.xpath";
    case Builtin::SelectorGet: return "Selector.get";
    case Builtin::SelectorGetall: return "Selector.getall";
    case Builtin::SelectorRe: return "Selector.re";
    case Builtin::SelectorReFirst: return "Selector.re_first";
    case Builtin::SelectorAttrib: return "Selector.attrib";
    case Builtin::HeadersGet: return "Headers.get";
    case Builtin::HeadersGetlist: return "Headers.getlist";
    case Builtin::RequestUrl: return "Request.url";
    case Builtin::RequestMethod: return "Request.method";
    case Builtin::RequestMeta: return "Request.meta";
    case Builtin::FailureMessage: return "Failure.message";
    case Builtin::FailureType: return "Failure.type";
    case Builtin::FailureRequest: return "Failure.request";
    case Builtin::ErrorMessage: return "Error.message";
    case Builtin::ErrorType: return "Error.type";
    case Builtin::ErrorStatus: return "HttpError.status";
    case Builtin::ErrorUrl: return "Error.url";
    case Builtin::ErrorResponse: return "HttpError.response";
    case Builtin::StrStrip: return "str.strip";
    case Builtin::StrLstrip: return "str.lstrip";
    case Builtin::StrRstrip: return "str.rstrip";
    case Builtin::StrSplit: return "str.split";
    case Builtin::StrReplace: return "str.replace";
    case Builtin::StrLower: return "str.lower";
    case Builtin::StrUpper: return "str.upper";
    case Builtin::StrStartswith: return "str.startswith";
    case Builtin::StrEndswith: return "str.endswith";
    case Builtin::StrJoin: return "str.join";
    case Builtin::StrFormat: return "str.format";
    case Builtin::StrFind: return "str.find";
    case Builtin::StrIsdigit: return "str.isdigit";
    case Builtin::ListAppend: return "list.append";
    case Builtin::ListExtend: return "list.extend";
    case Builtin::ListPop: return "list.pop";
    case Builtin::ListInsert: return "list.insert";
    case Builtin::ListIndex: return "list.index";
    case Builtin::ListClear: return "list.clear";
    case Builtin::MapGet: return "map.get";
    case Builtin::MapKeys: return "map.keys";
    case Builtin::MapValues: return "map.values";
    case Builtin::MapPop: return "map.pop";
    }
    return "<builtin>";
}

std::string_view unaryOpText(UnaryOp op) {
    switch (op) {
    case UnaryOp::Neg: return "-";
    case UnaryOp::Plus: return "+";
    case UnaryOp::Not: return "not";
    }
    return "?";
}

std::string_view binaryOpText(BinaryOp op) {
    switch (op) {
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::FloorDiv: return "//";
    case BinaryOp::Mod: return "%";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::In: return "in";
    case BinaryOp::NotIn: return "not in";
    case BinaryOp::And: return "and";
    case BinaryOp::Or: return "or";
    }
    return "?";
}

bool isComparison(BinaryOp op) {
    switch (op) {
    case BinaryOp::Eq:
    case BinaryOp::Ne:
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge:
    case BinaryOp::In:
    case BinaryOp::NotIn:
        return true;
    default:
        return false;
    }
}

std::string_view assignOpText(AssignOp op) {
    switch (op) {
    case AssignOp::Assign: return "=";
    case AssignOp::AddAssign: return "+=";
    case AssignOp::SubAssign: return "-=";
    case AssignOp::MulAssign: return "*=";
    case AssignOp::DivAssign: return "/=";
    }
    return "=";
}

const Expr* CallExpr::keywordArg(std::string_view name) const {
    for (const Argument& arg : args) {
        if (arg.keyword == name) {
            return arg.value.get();
        }
    }
    return nullptr;
}

const ItemField* ItemDecl::field(std::string_view fieldName) const {
    for (const ItemField& f : fields) {
        if (f.name == fieldName) {
            return &f;
        }
    }
    return nullptr;
}

const AttrDecl* SpiderDecl::attr(std::string_view attrName) const {
    for (const AttrDecl& a : attrs) {
        if (a.name == attrName) {
            return &a;
        }
    }
    return nullptr;
}

} // namespace spiderc::ast
