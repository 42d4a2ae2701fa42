#include "data/value.h"

namespace spider {

std::string_view typeName(Value::Type type) {
    switch (type) {
        case Value::Type::None: return "none";
        case Value::Type::Bool: return "bool";
        case Value::Type::Int: return "int";
        case Value::Type::Float: return "float";
        case Value::Type::String: return "string";
        case Value::Type::List: return "list";
        case Value::Type::Map: return "map";
    }
    return "?";
}

namespace {

[[noreturn]] void throwTypeError(std::string_view expected, Value::Type actual) {
    throw ValueTypeError("expected " + std::string(expected) + ", got " +
                         std::string(typeName(actual)));
}

}  // namespace

Value::Value(const Value& other) { copyFrom(other); }

Value::Value(Value&& other) noexcept { moveFrom(std::move(other)); }

Value& Value::operator=(const Value& other) {
    if (this != &other) {
        Value copy(other);
        destroy();
        moveFrom(std::move(copy));
    }
    return *this;
}

Value& Value::operator=(Value&& other) noexcept {
    if (this != &other) {
        destroy();
        moveFrom(std::move(other));
    }
    return *this;
}

void Value::destroy() noexcept {
    switch (type_) {
        case Type::String: u_.s.~basic_string(); break;
        case Type::List: u_.l.~vector(); break;
        case Type::Map: u_.m.~ValueMap(); break;
        default: break;
    }
    type_ = Type::None;
}

void Value::copyFrom(const Value& other) {
    switch (other.type_) {
        case Type::None: break;
        case Type::Bool: u_.b = other.u_.b; break;
        case Type::Int: u_.i = other.u_.i; break;
        case Type::Float: u_.d = other.u_.d; break;
        case Type::String: new (&u_.s) std::string(other.u_.s); break;
        case Type::List: new (&u_.l) ValueList(other.u_.l); break;
        case Type::Map: new (&u_.m) ValueMap(other.u_.m); break;
    }
    type_ = other.type_;
}

// Leaves `other` holding none, so a moved-from Value is in a known state.
void Value::moveFrom(Value&& other) noexcept {
    switch (other.type_) {
        case Type::None: break;
        case Type::Bool: u_.b = other.u_.b; break;
        case Type::Int: u_.i = other.u_.i; break;
        case Type::Float: u_.d = other.u_.d; break;
        case Type::String: new (&u_.s) std::string(std::move(other.u_.s)); break;
        case Type::List: new (&u_.l) ValueList(std::move(other.u_.l)); break;
        case Type::Map: new (&u_.m) ValueMap(std::move(other.u_.m)); break;
    }
    type_ = other.type_;
    other.destroy();
}

bool Value::asBool() const {
    if (isBool()) return u_.b;
    throwTypeError("a bool", type());
}

std::int64_t Value::asInt() const {
    if (isInt()) return u_.i;
    throwTypeError("an int", type());
}

double Value::asFloat() const {
    if (isFloat()) return u_.d;
    if (isInt()) return static_cast<double>(u_.i);
    throwTypeError("a number", type());
}

const std::string& Value::asString() const {
    if (isString()) return u_.s;
    throwTypeError("a string", type());
}

std::string& Value::asString() {
    if (isString()) return u_.s;
    throwTypeError("a string", type());
}

const ValueList& Value::asList() const {
    if (isList()) return u_.l;
    throwTypeError("a list", type());
}

ValueList& Value::asList() {
    if (isList()) return u_.l;
    throwTypeError("a list", type());
}

const ValueMap& Value::asMap() const {
    if (isMap()) return u_.m;
    throwTypeError("a map", type());
}

ValueMap& Value::asMap() {
    if (isMap()) return u_.m;
    throwTypeError("a map", type());
}

bool Value::truthy() const {
    switch (type()) {
        case Type::None: return false;
        case Type::Bool: return u_.b;
        case Type::Int: return u_.i != 0;
        case Type::Float: return u_.d != 0.0;
        case Type::String: return !u_.s.empty();
        case Type::List: return !u_.l.empty();
        case Type::Map: return !u_.m.empty();
    }
    return false;
}

bool operator==(const Value& a, const Value& b) {
    if (a.isNumber() && b.isNumber() && a.type() != b.type()) {
        return a.asFloat() == b.asFloat();
    }
    if (a.type_ != b.type_) return false;
    switch (a.type_) {
        case Value::Type::None: return true;
        case Value::Type::Bool: return a.u_.b == b.u_.b;
        case Value::Type::Int: return a.u_.i == b.u_.i;
        case Value::Type::Float: return a.u_.d == b.u_.d;
        case Value::Type::String: return a.u_.s == b.u_.s;
        case Value::Type::List: return a.u_.l == b.u_.l;
        case Value::Type::Map: return a.u_.m == b.u_.m;
    }
    return false;
}

bool ValueMap::erase(std::string_view key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->first == key) {
            entries_.erase(it);
            return true;
        }
    }
    return false;
}

}  // namespace spider
