#pragma once
// The spider language's plain data in C++, as generated code uses it: `map[str, T]` is a
// Dict<T> (insertion-ordered, like a Python dict), `list[T]` a std::vector<T>, `T?` a
// std::optional<T>, `any` a spider::Value. toValue()/fromValue() convert typed values to
// and from Values for items, meta and cb_kwargs.
//
// The language's errors that plain data raises: ValueError (int("x")), KeyError (m["no"]),
// IndexError ([][0]). Each is what `catch (e: ValueError)` and friends catch.
#include "data/value.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace spider::dsl {

class ValueError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class KeyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class IndexError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

[[noreturn]] void throwKeyError(std::string_view key);

// `T?` of a type that may already be optional (the language never nests optionals).
template <class T>
struct OptionalOfImpl {
    using type = std::optional<T>;
};
template <class T>
struct OptionalOfImpl<std::optional<T>> {
    using type = std::optional<T>;
};
template <class T>
using OptionalOf = typename OptionalOfImpl<T>::type;

// map[str, T]: string keys in insertion order; setting an existing key keeps its place.
// Lookups scan: maps in spiders hold a handful of keys, or counters of a few hundred.
template <class T>
class Dict {
public:
    using Entry = std::pair<std::string, T>;
    using iterator = typename std::vector<Entry>::iterator;
    using const_iterator = typename std::vector<Entry>::const_iterator;

    Dict() = default;
    Dict(std::initializer_list<Entry> entries) {
        entries_.reserve(entries.size());
        for (const Entry& e : entries) set(e.first, e.second);
    }

    const T* find(std::string_view key) const {
        for (const Entry& e : entries_) {
            if (e.first == key) return &e.second;
        }
        return nullptr;
    }
    T* find(std::string_view key) {
        for (Entry& e : entries_) {
            if (e.first == key) return &e.second;
        }
        return nullptr;
    }
    bool contains(std::string_view key) const { return find(key) != nullptr; }

    // m[key] for reading: KeyError when absent.
    const T& at(std::string_view key) const {
        if (const T* v = find(key)) return *v;
        throwKeyError(key);
    }
    T& at(std::string_view key) {
        if (T* v = find(key)) return *v;
        throwKeyError(key);
    }
    // m[key] = value
    T& set(std::string key, T value) {
        if (T* v = find(key)) {
            *v = std::move(value);
            return *v;
        }
        entries_.emplace_back(std::move(key), std::move(value));
        return entries_.back().second;
    }

    OptionalOf<T> get(std::string_view key) const {
        if (const T* v = find(key)) return *v;
        return std::nullopt;
    }
    T get(std::string_view key, T fallback) const {
        if (const T* v = find(key)) return *v;
        return fallback;
    }
    OptionalOf<T> pop(std::string_view key) {
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (it->first == key) {
                T value = std::move(it->second);
                entries_.erase(it);
                return value;
            }
        }
        return std::nullopt;
    }
    std::vector<std::string> keys() const {
        std::vector<std::string> out;
        out.reserve(entries_.size());
        for (const Entry& e : entries_) out.push_back(e.first);
        return out;
    }
    std::vector<T> values() const {
        std::vector<T> out;
        out.reserve(entries_.size());
        for (const Entry& e : entries_) out.push_back(e.second);
        return out;
    }

    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    const_iterator begin() const { return entries_.begin(); }
    const_iterator end() const { return entries_.end(); }
    iterator begin() { return entries_.begin(); }
    iterator end() { return entries_.end(); }

    friend bool operator==(const Dict& a, const Dict& b) { return a.entries_ == b.entries_; }

private:
    std::vector<Entry> entries_;
};

// ---- typed values -> Value ------------------------------------------------------------

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
template <class T>
struct IsDict : std::false_type {};
template <class T>
struct IsDict<Dict<T>> : std::true_type {};

// Any plain data as a Value (int literals included: one template, no overload ambiguity).
template <class T>
Value toValue(const T& v) {
    if constexpr (std::is_same_v<T, Value>) {
        return v;
    } else if constexpr (std::is_same_v<T, bool>) {
        return Value(v);
    } else if constexpr (std::is_integral_v<T>) {
        return Value(static_cast<std::int64_t>(v));
    } else if constexpr (std::is_floating_point_v<T>) {
        return Value(static_cast<double>(v));
    } else if constexpr (std::is_same_v<T, std::nullopt_t> || std::is_same_v<T, std::monostate>) {
        return Value();
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
        return Value(std::string(std::string_view(v)));
    } else if constexpr (IsOptional<T>::value) {
        return v ? toValue(*v) : Value();
    } else if constexpr (IsVector<T>::value) {
        ValueList list;
        list.reserve(v.size());
        for (const auto& e : v) list.push_back(toValue(e));
        return Value(std::move(list));
    } else {
        static_assert(IsDict<T>::value, "toValue: not plain data");
        ValueMap map;
        map.reserve(v.size());
        for (const auto& e : v) map.set(e.first, toValue(e.second));
        return Value(std::move(map));
    }
}
inline Value toValue(Value&& v) { return std::move(v); }
inline Value toValue(std::string&& v) { return Value(std::move(v)); }

template <class T>
ValueMap toValueMap(const Dict<T>& v) {
    ValueMap map;
    map.reserve(v.size());
    for (const auto& e : v) map.set(e.first, toValue(e.second));
    return map;
}
Dict<Value> fromValueMap(const ValueMap& map);

// ---- literals ------------------------------------------------------------------------------
// Generated code builds list and map literals with these variadic helpers, never with
// braced initializer lists: g++ 12 rejects an initializer_list inside a co_await
// expression ("array used as initializer").

// [a, b, c] as a list[T].
template <class T, class... A>
std::vector<T> list(A&&... elements) {
    std::vector<T> out;
    out.reserve(sizeof...(A));
    (out.push_back(T(std::forward<A>(elements))), ...);
    return out;
}

namespace detail {
template <class T>
void addEntries(Dict<T>&) {}
template <class T, class K, class V, class... R>
void addEntries(Dict<T>& map, K&& key, V&& value, R&&... rest) {
    map.set(std::string(std::forward<K>(key)), T(std::forward<V>(value)));
    addEntries(map, std::forward<R>(rest)...);
}
inline void addValues(ValueMap&) {}
template <class K, class V, class... R>
void addValues(ValueMap& map, K&& key, V&& value, R&&... rest) {
    map.set(std::string(std::forward<K>(key)), toValue(value));
    addValues(map, std::forward<R>(rest)...);
}
} // namespace detail

// {k1: v1, k2: v2} as a map[str, T]: keys and values alternate.
template <class T, class... A>
Dict<T> dict(A&&... keysAndValues) {
    static_assert(sizeof...(A) % 2 == 0, "dict: a value for every key");
    Dict<T> out;
    detail::addEntries(out, std::forward<A>(keysAndValues)...);
    return out;
}

// {k1: v1, ...} with each value converted by toValue() (items from maps, cb_kwargs).
template <class... A>
ValueMap valueMap(A&&... keysAndValues) {
    static_assert(sizeof...(A) % 2 == 0, "valueMap: a value for every key");
    ValueMap out;
    out.reserve(sizeof...(A) / 2);
    detail::addValues(out, std::forward<A>(keysAndValues)...);
    return out;
}

// ---- Value -> typed values (cb_kwargs, meta) -------------------------------------------
// Strict: the Value must hold the type (an Int is accepted for a float); otherwise a
// ValueError naming `what` ("cb_kwargs 'index' expects int, got string").

template <class T>
struct FromValue;

template <class T>
T fromValue(const Value& v, std::string_view what) {
    return FromValue<T>::convert(v, what);
}

[[noreturn]] void throwValueTypeMismatch(const Value& v, std::string_view expected,
                                         std::string_view what);

template <>
struct FromValue<Value> {
    static Value convert(const Value& v, std::string_view) { return v; }
};
template <>
struct FromValue<bool> {
    static bool convert(const Value& v, std::string_view what) {
        if (!v.isBool()) throwValueTypeMismatch(v, "bool", what);
        return v.asBool();
    }
};
template <>
struct FromValue<std::int64_t> {
    static std::int64_t convert(const Value& v, std::string_view what) {
        if (!v.isInt()) throwValueTypeMismatch(v, "int", what);
        return v.asInt();
    }
};
template <>
struct FromValue<double> {
    static double convert(const Value& v, std::string_view what) {
        if (!v.isNumber()) throwValueTypeMismatch(v, "float", what);
        return v.asFloat();
    }
};
template <>
struct FromValue<std::string> {
    static std::string convert(const Value& v, std::string_view what) {
        if (!v.isString()) throwValueTypeMismatch(v, "str", what);
        return v.asString();
    }
};
template <class T>
struct FromValue<std::optional<T>> {
    static std::optional<T> convert(const Value& v, std::string_view what) {
        if (v.isNone()) return std::nullopt;
        return fromValue<T>(v, what);
    }
};
template <class T>
struct FromValue<std::vector<T>> {
    static std::vector<T> convert(const Value& v, std::string_view what) {
        if (!v.isList()) throwValueTypeMismatch(v, "list", what);
        std::vector<T> out;
        out.reserve(v.asList().size());
        for (const Value& e : v.asList()) out.push_back(fromValue<T>(e, what));
        return out;
    }
};
template <class T>
struct FromValue<Dict<T>> {
    static Dict<T> convert(const Value& v, std::string_view what) {
        if (!v.isMap()) throwValueTypeMismatch(v, "map", what);
        Dict<T> out;
        for (const auto& e : v.asMap()) out.set(e.first, fromValue<T>(e.second, what));
        return out;
    }
};

// A cb_kwargs entry for callback parameter `name`: the converted value, or `fallback`
// when the request did not carry it.
template <class T>
T kwarg(const ValueMap& kwargs, std::string_view name, T fallback) {
    if (const Value* v = kwargs.find(name)) return fromValue<T>(*v, name);
    return fallback;
}
// The same for a parameter without a default: a missing entry is a ValueError.
template <class T>
T kwarg(const ValueMap& kwargs, std::string_view name) {
    if (const Value* v = kwargs.find(name)) return fromValue<T>(*v, name);
    throw ValueError("missing cb_kwargs entry '" + std::string(name) + "'");
}

} // namespace spider::dsl
