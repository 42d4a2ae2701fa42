#pragma once

// spider::Value: the dynamic value of the spider language. Generated code uses it where the
// DSL is truly dynamic, and items, request meta and cb_kwargs are made of it.
//
// A Value is one of: none, bool, int (64-bit), float (double), string (bytes, normally
// UTF-8), list of Values, map of string keys to Values. Maps keep insertion order (items
// keep their field order in CSV and JSON feeds), so a ValueMap is a vector of entries with a
// linear lookup: maps here are items and kwargs with a handful of keys, where a scan of a
// contiguous vector beats any hashing.
//
// Copying a Value deep-copies it; moving is a few word copies. sizeof(Value) is 40 bytes.
// Not thread-safe beyond the usual: concurrent reads are fine, a write needs exclusivity.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <new>
#include <vector>

namespace spider {

class Value;

// Insertion-ordered map from string keys to Values. Setting an existing key replaces its
// value in place (keeps its position), as a Python dict does.
class ValueMap {
public:
    using Entry = std::pair<std::string, Value>;
    using const_iterator = std::vector<Entry>::const_iterator;
    using iterator = std::vector<Entry>::iterator;

    ValueMap() = default;
    ValueMap(std::initializer_list<Entry> entries);

    // The value for `key`, or nullptr when absent.
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    bool contains(std::string_view key) const;

    // Inserts or replaces; returns the stored value.
    Value& set(std::string key, Value value);
    // The value for `key`, inserting none at the end when absent (like operator[]).
    Value& operator[](std::string_view key);
    // Removes `key`; returns whether it was present. Keeps the order of the others.
    bool erase(std::string_view key);

    // Defined after Value: they need it complete.
    std::size_t size() const;
    bool empty() const;
    void reserve(std::size_t n);
    void clear();

    const_iterator begin() const;
    const_iterator end() const;
    iterator begin();
    iterator end();

    // Equal when the same keys map to equal values in the same order.
    friend bool operator==(const ValueMap& a, const ValueMap& b);

private:
    std::vector<Entry> entries_;
};

using ValueList = std::vector<Value>;

class Value {
public:
    enum class Type : std::uint8_t { None, Bool, Int, Float, String, List, Map };

    Value() noexcept {}
    Value(std::nullptr_t) noexcept {}
    Value(bool b) noexcept : type_(Type::Bool) { u_.b = b; }
    // Every integer type converts to Int (an unsigned value above INT64_MAX wraps: callers
    // with such values should use Float).
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, bool> && !std::is_same_v<I, char>)
    Value(I i) noexcept : type_(Type::Int) {
        u_.i = static_cast<std::int64_t>(i);
    }
    Value(double d) noexcept : type_(Type::Float) { u_.d = d; }
    Value(float d) noexcept : type_(Type::Float) { u_.d = static_cast<double>(d); }
    Value(std::string s) noexcept : type_(Type::String) { new (&u_.s) std::string(std::move(s)); }
    Value(std::string_view s) : Value(std::string(s)) {}
    Value(const char* s) : Value(std::string(s)) {}
    Value(ValueList list) noexcept : type_(Type::List) { new (&u_.l) ValueList(std::move(list)); }
    Value(ValueMap map) noexcept : type_(Type::Map) { new (&u_.m) ValueMap(std::move(map)); }

    Value(const Value& other);
    Value(Value&& other) noexcept;
    Value& operator=(const Value& other);
    Value& operator=(Value&& other) noexcept;
    ~Value() { destroy(); }

    Type type() const { return type_; }
    bool isNone() const { return type() == Type::None; }
    bool isBool() const { return type() == Type::Bool; }
    bool isInt() const { return type() == Type::Int; }
    bool isFloat() const { return type() == Type::Float; }
    bool isNumber() const { return isInt() || isFloat(); }
    bool isString() const { return type() == Type::String; }
    bool isList() const { return type() == Type::List; }
    bool isMap() const { return type() == Type::Map; }

    // Checked accessors: throw spider::ValueTypeError ("expected a string, got int") when
    // the Value holds another type. asFloat() also accepts an Int.
    bool asBool() const;
    std::int64_t asInt() const;
    double asFloat() const;
    const std::string& asString() const;
    std::string& asString();
    const ValueList& asList() const;
    ValueList& asList();
    const ValueMap& asMap() const;
    ValueMap& asMap();

    // Unchecked views for hot paths that already switched on type(); nullptr on mismatch.
    const std::string* getString() const { return isString() ? &u_.s : nullptr; }
    const ValueList* getList() const { return isList() ? &u_.l : nullptr; }
    const ValueMap* getMap() const { return isMap() ? &u_.m : nullptr; }

    // Python's truthiness: none, false, 0, 0.0, "" and empty containers are false.
    bool truthy() const;

    // Structural equality; Int and Float compare by value (1 == 1.0), as in Python.
    friend bool operator==(const Value& a, const Value& b);

private:
    // A hand-rolled tagged union rather than std::variant: GCC 12 reports false
    // -Wmaybe-uninitialized warnings through std::variant's storage at -O2 in code that
    // merely moves Values, and generated code must compile warning-free.
    union Storage {
        Storage() noexcept {}
        ~Storage() {}
        bool b;
        std::int64_t i;
        double d;
        std::string s;
        ValueList l;
        ValueMap m;
    };

    void destroy() noexcept;
    void copyFrom(const Value& other);
    void moveFrom(Value&& other) noexcept;

    Type type_ = Type::None;
    Storage u_;
};

// The name of a type as messages show it: "none", "bool", "int", "float", "string", "list",
// "map".
std::string_view typeName(Value::Type type);

// Thrown by Value's checked accessors.
class ValueTypeError : public std::exception {
public:
    explicit ValueTypeError(std::string message) : message_(std::move(message)) {}
    const char* what() const noexcept override { return message_.c_str(); }

private:
    std::string message_;
};

// ---- ValueMap members that need a complete Value ----

inline ValueMap::ValueMap(std::initializer_list<Entry> entries) {
    entries_.reserve(entries.size());
    for (const auto& entry : entries) set(entry.first, entry.second);
}

inline const Value* ValueMap::find(std::string_view key) const {
    for (const auto& entry : entries_) {
        if (entry.first == key) return &entry.second;
    }
    return nullptr;
}

inline Value* ValueMap::find(std::string_view key) {
    for (auto& entry : entries_) {
        if (entry.first == key) return &entry.second;
    }
    return nullptr;
}

inline Value& ValueMap::set(std::string key, Value value) {
    if (Value* existing = find(key)) {
        *existing = std::move(value);
        return *existing;
    }
    entries_.emplace_back(std::move(key), std::move(value));
    return entries_.back().second;
}

inline Value& ValueMap::operator[](std::string_view key) {
    if (Value* existing = find(key)) return *existing;
    entries_.emplace_back(std::string(key), Value());
    return entries_.back().second;
}

inline bool operator==(const ValueMap& a, const ValueMap& b) { return a.entries_ == b.entries_; }

inline bool ValueMap::contains(std::string_view key) const { return find(key) != nullptr; }
inline std::size_t ValueMap::size() const { return entries_.size(); }
inline bool ValueMap::empty() const { return entries_.empty(); }
inline void ValueMap::reserve(std::size_t n) { entries_.reserve(n); }
inline void ValueMap::clear() { entries_.clear(); }
inline ValueMap::const_iterator ValueMap::begin() const { return entries_.begin(); }
inline ValueMap::const_iterator ValueMap::end() const { return entries_.end(); }
inline ValueMap::iterator ValueMap::begin() { return entries_.begin(); }
inline ValueMap::iterator ValueMap::end() { return entries_.end(); }

}  // namespace spider
