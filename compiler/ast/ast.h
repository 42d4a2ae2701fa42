#pragma once
// The spider language's syntax tree: the contract between the front end and the lowering.
//
// Built by frontend/ from the ANTLR parse tree (ANTLR types never appear here); annotated
// in place by sema/. Every node carries its source Location. After a successful sema run
// (no errors) the following hold, and the lowering may rely on them:
//   - every Expr has a non-null `type` that is not Error or Unknown, except that empty
//     list/map literals whose element type came from context carry that context type;
//   - every NameExpr has a non-null `symbol` (see Symbol for what it can denote);
//   - every CallExpr has `callee` set (CalleeKind) and, for defs and item constructors,
//     `bound` holds the argument expression of each parameter/field in declaration order
//     (nullptr where a default or "missing field" applies);
//   - every MemberExpr has `member` set (a builtin property or method, or an item field);
//   - every DefDecl knows whether it is async, a generator, its role and cb_kwargs params.
// Nodes are owned by their parents through unique_ptr; the Module owns the rest.
#include "ast/type.h"
#include "diagnostics/source.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spiderc::ast {

struct DefDecl;
struct SpiderDecl;
struct ItemDecl;
struct ItemField;
struct Param;
struct ArgDecl;
struct FieldDecl;
struct AttrDecl;

// ---------------------------------------------------------------------------------------
// Symbols: what a name resolves to.

enum class SymbolKind : std::uint8_t {
    Local,       // `let` in a def, a `for` variable or a `catch` variable
    Param,       // a def's parameter
    Arg,         // a spider's `arg` (read-only)
    SpiderField, // a spider's `let` field, or a built-in attribute (start_urls, ...)
    Def,         // a def (top-level or in the spider); only callable, or a callback=
    Item,        // an item declaration; callable as a constructor
    Builtin,     // a built-in function (request, fetch, len, ...) or `log`
};

enum class Builtin : std::uint8_t {
    None,
    // free functions
    Request, Fetch, Sleep, Gather, Len, Range, Str, Int, Float, Bool, Log,
    // log.*
    LogDebug, LogInfo, LogWarning, LogError,
    // Response
    ResponseUrl, ResponseStatus, ResponseHeaders, ResponseText, ResponseMeta, ResponseRequest,
    ResponseCss, ResponseXpath, ResponseUrljoin, ResponseFollow, ResponseFollowAll,
    // Selector and SelectorList (the same names work on both)
    SelectorCss, SelectorXpath, SelectorGet, SelectorGetall, SelectorRe, SelectorReFirst,
    SelectorAttrib,
    // Headers
    HeadersGet, HeadersGetlist,
    // Request
    RequestUrl, RequestMethod, RequestMeta,
    // Failure
    FailureMessage, FailureType, FailureRequest,
    // exceptions
    ErrorMessage, ErrorType, ErrorStatus, ErrorUrl, ErrorResponse,
    // str
    StrStrip, StrLstrip, StrRstrip, StrSplit, StrReplace, StrLower, StrUpper, StrStartswith,
    StrEndswith, StrJoin, StrFormat, StrFind, StrIsdigit,
    // list[T]
    ListAppend, ListExtend, ListPop, ListInsert, ListIndex, ListClear,
    // map[str, T]
    MapGet, MapKeys, MapValues, MapPop,
};

std::string_view builtinName(Builtin builtin);

struct Symbol {
    SymbolKind kind = SymbolKind::Local;
    std::string name;
    Location location;               // the declaring name (invalid for builtins)
    const Type* type = nullptr;      // Local/Param/Arg/SpiderField; Item: the item type
    const DefDecl* def = nullptr;    // Def
    const ItemDecl* item = nullptr;  // Item
    const SpiderDecl* spider = nullptr; // Arg/SpiderField/Def in a spider
    Builtin builtin = Builtin::None; // Builtin
    bool mutableBinding = true;      // false for args and built-in spider attributes
    bool used = false;               // read somewhere (for unused-variable warnings)
};

// ---------------------------------------------------------------------------------------
// Type annotations as written: `str`, `list[str]`, `map[str, int]`, `Quote?`.

struct TypeRef {
    Location location;
    std::string name;
    Location nameLocation;
    std::vector<std::unique_ptr<TypeRef>> args;
    bool optional = false;
    const Type* resolved = nullptr; // sema
};

// ---------------------------------------------------------------------------------------
// Expressions.

enum class ExprKind : std::uint8_t {
    Name, Int, Float, String, FString, Bool, None, List, Map, Member, Call, Index, Slice,
    Unary, Binary, Await, Error,
};

struct Expr {
    explicit Expr(ExprKind k, Location loc) : kind(k), location(loc) {}
    virtual ~Expr() = default;
    Expr(const Expr&) = delete;
    Expr& operator=(const Expr&) = delete;

    ExprKind kind;
    Location location;
    bool parenthesized = false;   // written inside ( ), for "comparisons cannot be chained"
    const Type* type = nullptr;   // sema
};
using ExprPtr = std::unique_ptr<Expr>;

struct NameExpr : Expr {
    NameExpr(Location loc, std::string n) : Expr(ExprKind::Name, loc), name(std::move(n)) {}
    std::string name;
    const Symbol* symbol = nullptr; // sema
};

struct IntExpr : Expr {
    IntExpr(Location loc, std::int64_t v) : Expr(ExprKind::Int, loc), value(v) {}
    std::int64_t value;
};

struct FloatExpr : Expr {
    FloatExpr(Location loc, double v) : Expr(ExprKind::Float, loc), value(v) {}
    double value;
};

// A string literal, decoded (escapes applied; raw strings verbatim). UTF-8, may hold NUL.
struct StringExpr : Expr {
    StringExpr(Location loc, std::string v) : Expr(ExprKind::String, loc), value(std::move(v)) {}
    std::string value;
    bool raw = false;
};

// f"text {expr} text": alternating literal text and fields; `{{`/`}}` already decoded.
struct FStringExpr : Expr {
    explicit FStringExpr(Location loc) : Expr(ExprKind::FString, loc) {}
    struct Part {
        std::string text;   // literal text when `field` is null
        ExprPtr field;
    };
    std::vector<Part> parts;
};

struct BoolExpr : Expr {
    BoolExpr(Location loc, bool v) : Expr(ExprKind::Bool, loc), value(v) {}
    bool value;
};

struct NoneExpr : Expr {
    explicit NoneExpr(Location loc) : Expr(ExprKind::None, loc) {}
};

struct ListExpr : Expr {
    explicit ListExpr(Location loc) : Expr(ExprKind::List, loc) {}
    std::vector<ExprPtr> elements;
};

struct MapExpr : Expr {
    explicit MapExpr(Location loc) : Expr(ExprKind::Map, loc) {}
    struct Entry {
        ExprPtr key;
        ExprPtr value;
    };
    std::vector<Entry> entries;
};

// object.name: a property (response.url), a method (when it is a call's callee) or an
// item field.
struct MemberExpr : Expr {
    MemberExpr(Location loc, ExprPtr obj, std::string n, Location nameLoc)
        : Expr(ExprKind::Member, loc), object(std::move(obj)), name(std::move(n)),
          nameLocation(nameLoc) {}
    ExprPtr object;
    std::string name;
    Location nameLocation;
    Builtin member = Builtin::None;        // sema: builtin property/method
    const ItemField* itemField = nullptr;  // sema: item field access
};

struct Argument {
    std::string keyword; // empty for a positional argument
    Location keywordLocation;
    ExprPtr value;
};

enum class CalleeKind : std::uint8_t { Unresolved, Def, Item, Builtin, Method };

struct CallExpr : Expr {
    CallExpr(Location loc, ExprPtr c) : Expr(ExprKind::Call, loc), callee(std::move(c)) {}
    ExprPtr callee;                     // NameExpr for functions, MemberExpr for methods
    std::vector<Argument> args;         // as written
    // sema:
    CalleeKind calleeKind = CalleeKind::Unresolved;
    const DefDecl* def = nullptr;       // Def
    const ItemDecl* item = nullptr;     // Item
    Builtin builtin = Builtin::None;    // Builtin or Method
    std::vector<const Expr*> bound;     // Def: per param; Item: per field (nullptr = absent)
    const DefDecl* callback = nullptr;  // request/follow/follow_all: resolved callback=
    const DefDecl* errback = nullptr;   // request/follow/follow_all: resolved errback=

    const Expr* keywordArg(std::string_view name) const;
};

struct IndexExpr : Expr {
    IndexExpr(Location loc, ExprPtr obj, ExprPtr idx)
        : Expr(ExprKind::Index, loc), object(std::move(obj)), index(std::move(idx)) {}
    ExprPtr object;
    ExprPtr index;
};

struct SliceExpr : Expr {
    SliceExpr(Location loc, ExprPtr obj) : Expr(ExprKind::Slice, loc), object(std::move(obj)) {}
    ExprPtr object;
    ExprPtr lower; // each may be null
    ExprPtr upper;
    ExprPtr step;
};

enum class UnaryOp : std::uint8_t { Neg, Plus, Not };
enum class BinaryOp : std::uint8_t {
    Add, Sub, Mul, Div, FloorDiv, Mod, Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, And, Or,
};
std::string_view unaryOpText(UnaryOp op);
std::string_view binaryOpText(BinaryOp op);
bool isComparison(BinaryOp op);

struct UnaryExpr : Expr {
    UnaryExpr(Location loc, UnaryOp o, ExprPtr e)
        : Expr(ExprKind::Unary, loc), op(o), operand(std::move(e)) {}
    UnaryOp op;
    ExprPtr operand;
};

struct BinaryExpr : Expr {
    BinaryExpr(Location loc, BinaryOp o, Location opLoc, ExprPtr l, ExprPtr r)
        : Expr(ExprKind::Binary, loc), op(o), opLocation(opLoc), lhs(std::move(l)),
          rhs(std::move(r)) {}
    BinaryOp op;
    Location opLocation;
    ExprPtr lhs;
    ExprPtr rhs;
};

struct AwaitExpr : Expr {
    AwaitExpr(Location loc, ExprPtr e) : Expr(ExprKind::Await, loc), operand(std::move(e)) {}
    ExprPtr operand;
};

// Stands in for an expression the front end could not build (already diagnosed).
struct ErrorExpr : Expr {
    explicit ErrorExpr(Location loc) : Expr(ExprKind::Error, loc) {}
};

// ---------------------------------------------------------------------------------------
// Statements.

enum class StmtKind : std::uint8_t {
    Let, Assign, Expr, If, For, While, Break, Continue, Return, Yield, Try,
};

struct Stmt {
    explicit Stmt(StmtKind k, Location loc) : kind(k), location(loc) {}
    virtual ~Stmt() = default;
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    StmtKind kind;
    Location location;
};
using StmtPtr = std::unique_ptr<Stmt>;

struct Block {
    Location location;
    std::vector<StmtPtr> statements;
};

struct LetStmt : Stmt {
    explicit LetStmt(Location loc) : Stmt(StmtKind::Let, loc) {}
    std::string name;
    Location nameLocation;
    std::unique_ptr<TypeRef> declaredType; // may be null
    ExprPtr init;                          // null only after a diagnostic
    const Symbol* symbol = nullptr;        // sema
};

enum class AssignOp : std::uint8_t { Assign, AddAssign, SubAssign, MulAssign, DivAssign };
std::string_view assignOpText(AssignOp op);

// target = value, target += value. Targets: a name, object.field (items) or a[i].
struct AssignStmt : Stmt {
    explicit AssignStmt(Location loc) : Stmt(StmtKind::Assign, loc) {}
    AssignOp op = AssignOp::Assign;
    Location opLocation;
    ExprPtr target;
    ExprPtr value;
};

struct ExprStmt : Stmt {
    ExprStmt(Location loc, ExprPtr e) : Stmt(StmtKind::Expr, loc), expr(std::move(e)) {}
    ExprPtr expr;
};

struct IfStmt : Stmt {
    explicit IfStmt(Location loc) : Stmt(StmtKind::If, loc) {}
    struct Branch {
        ExprPtr condition; // null for the final else
        Block body;
    };
    std::vector<Branch> branches; // if, elif..., optional else
};

// for x in xs { } / for i, x in list { } / for k, v in map { }
struct ForStmt : Stmt {
    explicit ForStmt(Location loc) : Stmt(StmtKind::For, loc) {}
    std::string first;
    Location firstLocation;
    std::optional<std::string> second;
    Location secondLocation;
    ExprPtr iterable;
    Block body;
    const Symbol* firstSymbol = nullptr;  // sema: the element, or index/key with `second`
    const Symbol* secondSymbol = nullptr; // sema: the element/value
};

struct WhileStmt : Stmt {
    explicit WhileStmt(Location loc) : Stmt(StmtKind::While, loc) {}
    ExprPtr condition;
    Block body;
};

struct BreakStmt : Stmt {
    explicit BreakStmt(Location loc) : Stmt(StmtKind::Break, loc) {}
};

struct ContinueStmt : Stmt {
    explicit ContinueStmt(Location loc) : Stmt(StmtKind::Continue, loc) {}
};

struct ReturnStmt : Stmt {
    explicit ReturnStmt(Location loc) : Stmt(StmtKind::Return, loc) {}
    ExprPtr value; // may be null
};

struct YieldStmt : Stmt {
    explicit YieldStmt(Location loc) : Stmt(StmtKind::Yield, loc) {}
    ExprPtr value;
};

struct CatchClause {
    Location location;
    std::string name;               // empty for `catch { }`
    Location nameLocation;
    std::unique_ptr<TypeRef> type;  // null: catches Error
    Block body;
    const Type* caught = nullptr;   // sema: the exception type
    const Symbol* symbol = nullptr; // sema: the bound variable, if named
};

struct TryStmt : Stmt {
    explicit TryStmt(Location loc) : Stmt(StmtKind::Try, loc) {}
    Block body;
    std::vector<CatchClause> catches;
    std::optional<Block> finallyBlock;
};

// ---------------------------------------------------------------------------------------
// Declarations.

struct Param {
    std::string name;
    Location location;
    std::unique_ptr<TypeRef> declaredType; // null: inferred (Response/Failure, see DefDecl)
    ExprPtr defaultValue;                  // may be null
    const Type* type = nullptr;            // sema
    const Symbol* symbol = nullptr;        // sema
};

enum class DefRole : std::uint8_t {
    Helper,   // called from code; may return a value
    Callback, // receives a Response (named by callback=, or parse for start_urls)
    Errback,  // receives a Failure (named by errback=)
    Start,    // the spider's `start`: generator of start requests
};

struct DefDecl {
    Location location;       // the whole def
    std::string name;
    Location nameLocation;
    bool isAsync = false;
    Location asyncLocation;  // valid when isAsync
    std::vector<Param> params;
    std::unique_ptr<TypeRef> returnTypeRef; // may be null
    Block body;
    const SpiderDecl* spider = nullptr; // null for top-level defs
    // sema:
    bool isGenerator = false;           // contains `yield`
    DefRole role = DefRole::Helper;
    const Type* returnType = nullptr;   // declared type, or none
    std::vector<std::size_t> cbKwargsParams; // callbacks: indices of params fed by cb_kwargs
    const Symbol* symbol = nullptr;
};

struct ItemField {
    std::string name;
    Location location;
    std::unique_ptr<TypeRef> typeRef;
    const Type* type = nullptr; // sema
};

struct ItemDecl {
    Location location;
    std::string name;
    Location nameLocation;
    std::vector<ItemField> fields;
    const SpiderDecl* spider = nullptr; // null for top-level items
    const Symbol* symbol = nullptr;     // sema
    const ItemField* field(std::string_view fieldName) const;
};

// arg name: type = default
struct ArgDecl {
    std::string name;
    Location location;
    std::unique_ptr<TypeRef> typeRef; // may be null (then the default's type)
    ExprPtr defaultValue;             // required by sema
    const Type* type = nullptr;       // sema
    const Symbol* symbol = nullptr;
};

// let name: type = value (a spider field, mutable from defs)
struct FieldDecl {
    std::string name;
    Location location;
    std::unique_ptr<TypeRef> typeRef;
    ExprPtr init;
    const Type* type = nullptr;
    const Symbol* symbol = nullptr;
};

// start_urls = [...], allowed_domains = [...]: a built-in spider attribute.
struct AttrDecl {
    std::string name;
    Location location;
    ExprPtr value;
    const Symbol* symbol = nullptr;
};

// settings { key = value }. `value` is a literal; sema checks it against settings.def.
struct SettingEntry {
    std::string key;
    Location location;
    ExprPtr value;
    int settingIndex = -1; // sema: index into the settings.def table (sema/settings.h)
};

struct SpiderDecl {
    Location location;
    std::string name;
    Location nameLocation;
    std::vector<ArgDecl> args;
    std::vector<FieldDecl> fields;
    std::vector<AttrDecl> attrs;
    std::vector<SettingEntry> settings;
    std::vector<std::unique_ptr<ItemDecl>> items;
    std::vector<std::unique_ptr<DefDecl>> defs;
    // sema:
    const DefDecl* start = nullptr; // the `start` def, if any
    const DefDecl* parse = nullptr; // the `parse` def, if any
    const AttrDecl* attr(std::string_view attrName) const;
};

struct Module {
    FileId file = kNoFile;
    std::vector<std::unique_ptr<ItemDecl>> items;     // top-level, in source order
    std::vector<std::unique_ptr<DefDecl>> defs;       // top-level, in source order
    std::vector<std::unique_ptr<SpiderDecl>> spiders; // in source order
    TypeContext types;
    std::deque<Symbol> symbols; // arena for every Symbol sema creates

    Symbol& newSymbol(Symbol symbol) { return symbols.emplace_back(std::move(symbol)); }
};

} // namespace spiderc::ast
