#pragma once
// The spider language's built-ins on plain data, with Python's semantics, for generated
// code: string methods, len/range, str/int/float/bool conversions, floor division and
// modulo, indexing and slicing with negative indices, list methods, `in`, f-strings and
// `{}` formatting.
//
// Strings are UTF-8; len, indexing, slicing, find and iteration count code points, as
// Python counts characters. lower()/upper() use Unicode's full case mappings (with the
// final-sigma rule), isdigit() Unicode digits, split()/strip() Unicode whitespace, all as
// Python's str does (tables generated from Python by scripts/gen-dsl-unicode-tables).
#include "dsl/values.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace spider {
class HtmlResponse;
class Item;
class Selector;
class SelectorList;
struct Request;
} // namespace spider

namespace spider::dsl {

// ---- str methods ------------------------------------------------------------------------

std::string strip(std::string_view s);
std::string strip(std::string_view s, std::string_view chars);
std::string lstrip(std::string_view s);
std::string lstrip(std::string_view s, std::string_view chars);
std::string rstrip(std::string_view s);
std::string rstrip(std::string_view s, std::string_view chars);
// split() on runs of whitespace; splitWhitespace(s, n) is split(maxsplit=n): at most n
// splits (a negative n: no limit); split(sep[, maxsplit]) on `sep` (an empty one: ValueError).
std::vector<std::string> split(std::string_view s);
std::vector<std::string> splitWhitespace(std::string_view s, std::int64_t maxsplit);
std::vector<std::string> split(std::string_view s, std::string_view sep,
                               std::int64_t maxsplit = -1);
std::string replace(std::string_view s, std::string_view old, std::string_view replacement);
std::string lower(std::string_view s);
std::string upper(std::string_view s);
bool startswith(std::string_view s, std::string_view prefix);
bool endswith(std::string_view s, std::string_view suffix);
std::string join(std::string_view sep, const std::vector<std::string>& parts);
// The code-point index of the first `sub` in `s`, or -1.
std::int64_t find(std::string_view s, std::string_view sub);
bool isdigit(std::string_view s);
// The characters (code points) of `s`, each as a string.
std::vector<std::string> chars(std::string_view s);

// f-strings: the pieces in order.
std::string concatViews(const std::string_view* pieces, std::size_t count);
template <class... S>
std::string concat(const S&... pieces) {
    const std::string_view views[] = {std::string_view(pieces)...};
    return concatViews(views, sizeof...(S));
}

// ---- numbers ------------------------------------------------------------------------------

// Python's //, % and / (ZeroDivisionError is a ValueError here).
std::int64_t floorDivInt(std::int64_t a, std::int64_t b);
double floorDivFloat(double a, double b);
std::int64_t modInt(std::int64_t a, std::int64_t b);
double modFloat(double a, double b);
double divide(double a, double b);

// range(stop), range(start, stop[, step]); a zero step is a ValueError.
std::vector<std::int64_t> range(std::int64_t stop);
std::vector<std::int64_t> range(std::int64_t start, std::int64_t stop, std::int64_t step = 1);

// ---- conversions --------------------------------------------------------------------------

// Python's repr() and str() of any value the language has. Crawling values (responses,
// selectors, errors, ...) get their overloads of strOf() in dsl/crawl.h.
std::string formatFloat(double v);
std::string reprString(std::string_view s);
std::string reprValue(const Value& v);
std::string strValue(const Value& v);

// Defined in dsl/crawl.cpp: how crawling values print.
class Headers;
class Error;
class ErrbackFailure;
std::string strOf(const HtmlResponse& v);
std::string strOf(const Request& v);
std::string strOf(const Selector& v);
std::string strOf(const SelectorList& v);
std::string strOf(const Headers& v);
std::string strOf(const Error& v);
std::string strOf(const ErrbackFailure& v);
std::string strOf(const Item& v);

std::int64_t toIntFromFloat(double v);

template <class T>
std::string repr(const T& v);

template <class T>
std::string str(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        return v ? "True" : "False";
    } else if constexpr (std::is_integral_v<T>) {
        return std::to_string(v);
    } else if constexpr (std::is_floating_point_v<T>) {
        return formatFloat(static_cast<double>(v));
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
        return std::string(std::string_view(v));
    } else if constexpr (std::is_same_v<T, Value>) {
        return strValue(v);
    } else if constexpr (std::is_same_v<T, std::nullopt_t> || std::is_same_v<T, std::monostate>) {
        return "None";
    } else if constexpr (IsOptional<T>::value) {
        return v ? str(*v) : std::string("None");
    } else if constexpr (IsVector<T>::value || IsDict<T>::value) {
        return repr(v);
    } else if constexpr (requires { v.toItem(); }) {
        return strOf(v.toItem());
    } else {
        return strOf(v);
    }
}

template <class T>
std::string repr(const T& v) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
        return reprString(std::string_view(v));
    } else if constexpr (std::is_same_v<T, Value>) {
        return reprValue(v);
    } else if constexpr (IsOptional<T>::value) {
        return v ? repr(*v) : std::string("None");
    } else if constexpr (IsVector<T>::value) {
        std::string out = "[";
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i > 0) out += ", ";
            out += repr(v[i]);
        }
        return out + "]";
    } else if constexpr (IsDict<T>::value) {
        std::string out = "{";
        bool first = true;
        for (const auto& e : v) {
            if (!first) out += ", ";
            first = false;
            out += reprString(e.first) + ": " + repr(e.second);
        }
        return out + "}";
    } else {
        return str(v);
    }
}

// int(x): Python's int() of a str (surrounding whitespace, a sign, digits with single
// underscores between them), a float (truncated), a bool or an any. Bad input: ValueError.
std::int64_t toInt(std::string_view s);
std::int64_t toInt(const Value& v);
template <class T>
std::int64_t toInt(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        return v ? 1 : 0;
    } else if constexpr (std::is_integral_v<T>) {
        return static_cast<std::int64_t>(v);
    } else if constexpr (std::is_floating_point_v<T>) {
        return toIntFromFloat(static_cast<double>(v));
    } else {
        return toInt(std::string_view(v));
    }
}
// float(x): a str ("1.5", " 1e3 ", "inf", "nan"), a number, a bool or an any.
double toFloat(std::string_view s);
double toFloat(const Value& v);
template <class T>
double toFloat(const T& v) {
    if constexpr (std::is_arithmetic_v<T>) {
        return static_cast<double>(v);
    } else {
        return toFloat(std::string_view(v));
    }
}

// Python's truthiness: false for none, false, 0, "", empty lists/maps/SelectorLists.
bool truthySelectors(const SelectorList& v);
template <class T>
bool truthy(const T& v) {
    if constexpr (std::is_arithmetic_v<T>) {
        return v != 0;
    } else if constexpr (std::is_same_v<T, Value>) {
        return v.truthy();
    } else if constexpr (IsOptional<T>::value) {
        return v.has_value() && truthy(*v);
    } else if constexpr (std::is_same_v<T, SelectorList>) {
        return truthySelectors(v);
    } else {
        return !v.empty();
    }
}

// `x or y` where the result is a value (not a bool) and y is a literal or a variable
// (nothing to skip): x when truthy, else y.
template <class T, class U>
auto orElse(const std::optional<T>& x, U&& y) {
    if constexpr (IsOptional<std::decay_t<U>>::value) {
        return truthy(x) ? x : std::optional<T>(std::forward<U>(y));
    } else {
        return truthy(x) ? *x : T(std::forward<U>(y));
    }
}
template <class T, class U>
T orElse(const T& x, U&& y) {
    return truthy(x) ? x : T(std::forward<U>(y));
}

// `x or y` where the result is a value (not a bool), in general: y is evaluated only when
// x is falsy (it may have effects or be an `await`). Generated code
// declares one OrOperand<R> (R: the result type) before the statement and writes
//     held.take(held.keep(x) || held.put(y))
// so x is evaluated where Python evaluates it, without a lambda (which must not appear in
// co_await/co_yield operands on g++ 12). When y awaits, g++ 12 would evaluate it even if
// x is truthy (and a `?:` instead frees its result twice), so the generator then writes
//     if (!held.keep(x)) { held.put(co_await y); }
// before the statement, which reads held.take(). keep() and put() may be called again (a
// loop condition).
template <class R>
class OrOperand {
public:
    // Holds x, as an R (a truthy optional's value, an int as a float), when it is truthy.
    template <class U>
    bool keep(U&& x) {
        if (!truthy(x)) return false;
        if constexpr (IsOptional<std::decay_t<U>>::value && !IsOptional<R>::value) {
            value_.emplace(*std::forward<U>(x));
        } else {
            value_.emplace(std::forward<U>(x));
        }
        return true;
    }
    // Holds y.
    template <class U>
    bool put(U&& y) {
        value_.emplace(std::forward<U>(y));
        return true;
    }
    // The value held, moved out; its argument (keep(x) || put(y)) runs first.
    R&& take(bool = true) { return std::move(*value_); }

private:
    std::optional<R> value_;
};

// ---- len, in, indexing, slicing -------------------------------------------------------------

std::int64_t len(std::string_view s);
template <class T>
std::int64_t len(const T& v) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
        return len(std::string_view(v));
    } else {
        return static_cast<std::int64_t>(v.size());
    }
}

bool contains(std::string_view haystack, std::string_view needle);
template <class T, class U>
bool contains(const std::vector<T>& list, const U& element) {
    for (const T& e : list) {
        if (e == element) return true;
    }
    return false;
}
template <class T>
bool contains(const Dict<T>& map, std::string_view key) {
    return map.contains(key);
}

// The position `i` (negative counts from the end) in a container of `size`; IndexError
// when out of range.
std::size_t checkedIndex(std::int64_t i, std::size_t size);

template <class T>
T& at(std::vector<T>& list, std::int64_t i) {
    return list[checkedIndex(i, list.size())];
}
template <class T>
const T& at(const std::vector<T>& list, std::int64_t i) {
    return list[checkedIndex(i, list.size())];
}
const Selector& at(const SelectorList& list, std::int64_t i);
std::string at(std::string_view s, std::int64_t i);

// A slice bound: absent ({}) or a value.
struct Bound {
    Bound() = default;
    Bound(std::int64_t v) : present(true), value(v) {}
    bool present = false;
    std::int64_t value = 0;
};
// The indices s[lo:hi:step] selects from a sequence of `size` (Python's slice.indices);
// a zero step is a ValueError.
std::vector<std::size_t> sliceIndices(std::size_t size, Bound lo, Bound hi, Bound step);

template <class T>
std::vector<T> slice(const std::vector<T>& list, Bound lo, Bound hi, Bound step) {
    std::vector<T> out;
    for (std::size_t i : sliceIndices(list.size(), lo, hi, step)) out.push_back(list[i]);
    return out;
}
SelectorList slice(const SelectorList& list, Bound lo, Bound hi, Bound step);
std::string slice(std::string_view s, Bound lo, Bound hi, Bound step);

// ---- list methods -----------------------------------------------------------------------------

template <class T>
T pop(std::vector<T>& list) {
    if (list.empty()) throw IndexError("pop from empty list");
    T v = std::move(list.back());
    list.pop_back();
    return v;
}
template <class T, class U>
void insert(std::vector<T>& list, std::int64_t i, U&& v) {
    const auto size = static_cast<std::int64_t>(list.size());
    if (i < 0) i = std::max<std::int64_t>(0, i + size);
    i = std::min(i, size);
    list.insert(list.begin() + i, T(std::forward<U>(v)));
}
template <class T, class U>
std::int64_t index(const std::vector<T>& list, const U& v) {
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i] == v) return static_cast<std::int64_t>(i);
    }
    throw ValueError(repr(v) + " is not in list");
}
template <class T>
void extend(std::vector<T>& list, const std::vector<T>& more) {
    list.insert(list.end(), more.begin(), more.end());
}
template <class T>
std::vector<T> plus(const std::vector<T>& a, const std::vector<T>& b) {
    std::vector<T> out;
    out.reserve(a.size() + b.size());
    out.insert(out.end(), a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// Reached only if a def with a return type ends without returning, which the checker
// rules out: a std::logic_error naming the def.
[[noreturn]] void fellOffEnd(std::string_view def);

template <class T>
T pop(std::vector<T>&& list) {
    return pop(list);
}
// A copy to iterate over, so the loop body may change the original (as in Python, where
// that is merely surprising, while in C++ it would invalidate the iterators).
template <class T>
T copy(const T& v) {
    return v;
}
// for i, x in list/SelectorList/str: (index, element) pairs.
template <class T>
std::vector<std::pair<std::int64_t, T>> enumerate(const std::vector<T>& list) {
    std::vector<std::pair<std::int64_t, T>> out;
    out.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        out.emplace_back(static_cast<std::int64_t>(i), list[i]);
    }
    return out;
}
std::vector<std::pair<std::int64_t, Selector>> enumerate(const SelectorList& list);
std::vector<std::pair<std::int64_t, std::string>> enumerate(std::string_view s);

// ---- formatting -------------------------------------------------------------------------------

// Python's str.format with `{}` and `{N}` fields and `{{`/`}}`; ValueError on a bad format
// or a missing argument.
std::string formatStrings(std::string_view format, const std::vector<std::string>& args);
template <class... A>
std::string format(std::string_view fmt, const A&... args) {
    return formatStrings(fmt, std::vector<std::string>{str(args)...});
}

} // namespace spider::dsl
