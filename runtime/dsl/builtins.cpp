#include "dsl/builtins.h"

#include "data/json.h"
#include "data/python_format.h"
#include "data/utf8.h"
#include "selectors/selector.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <limits>

namespace spider::dsl {
namespace {

// ---- Unicode data (Python's str semantics beyond ASCII) -------------------------------------

struct CodePointRange {
    char32_t first;
    char32_t last;
};
struct CaseRun {
    char32_t first;
    char32_t last;
    char32_t stride;
    std::int32_t delta;
};
struct CaseExpansion {
    char32_t from;
    char32_t to[3]; // unused slots are 0
};

#include "dsl/unicode_tables.inc"

template <std::size_t N>
bool inRanges(const CodePointRange (&table)[N], char32_t cp) {
    const auto* it = std::upper_bound(std::begin(table), std::end(table), cp,
                                      [](char32_t c, const CodePointRange& r) { return c < r.first; });
    return it != std::begin(table) && cp <= std::prev(it)->last;
}

// Appends the full case mapping of `cp` (one to three code points) from a run table and
// its expansions; unmapped code points are appended unchanged.
template <std::size_t R, std::size_t E>
void appendMapped(std::string& out, char32_t cp, const CaseRun (&runs)[R],
                  const CaseExpansion (&expansions)[E]) {
    const auto* run = std::upper_bound(std::begin(runs), std::end(runs), cp,
                                       [](char32_t c, const CaseRun& r) { return c < r.first; });
    if (run != std::begin(runs)) {
        const CaseRun& r = *std::prev(run);
        if (cp <= r.last && (cp - r.first) % r.stride == 0) {
            spider::detail::appendUtf8(out, static_cast<char32_t>(static_cast<std::int32_t>(cp) + r.delta));
            return;
        }
    }
    const auto* e = std::lower_bound(std::begin(expansions), std::end(expansions), cp,
                                     [](const CaseExpansion& x, char32_t c) { return x.from < c; });
    if (e != std::end(expansions) && e->from == cp) {
        for (char32_t to : e->to) {
            if (to != 0) spider::detail::appendUtf8(out, to);
        }
        return;
    }
    spider::detail::appendUtf8(out, cp);
}

bool isAsciiSpace(unsigned char c) {
    // Python's str.isspace() in ASCII includes the information separators 0x1C-0x1F.
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
}

// Whether the code point `cp` (one code point's UTF-8 bytes) is whitespace for Python.
bool isSpaceCodePoint(std::string_view cp) {
    if (cp.size() == 1) return isAsciiSpace(static_cast<unsigned char>(cp[0]));
    std::size_t pos = 0;
    const char32_t c = spider::detail::decodeUtf8(cp, pos);
    return c != spider::detail::kInvalidCodePoint && inRanges(kSpaces, c);
}

// The byte offset of every code point of `s` (plus s.size() at the end). Bytes that do
// not start a valid sequence count as one character each, so every offset is reachable.
std::vector<std::size_t> codePointOffsets(std::string_view s) {
    std::vector<std::size_t> offsets;
    offsets.reserve(s.size() + 1);
    std::size_t i = 0;
    while (i < s.size()) {
        offsets.push_back(i);
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 1;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
        }
        if (i + n > s.size()) n = 1;
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                n = 1;
                break;
            }
        }
        i += n;
    }
    offsets.push_back(s.size());
    return offsets;
}

bool isAscii(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

// Whether the code point at s[pos, pos+n) is one of `chars`' code points.
bool inChars(std::string_view cp, std::string_view chars) {
    const auto offsets = codePointOffsets(chars);
    for (std::size_t k = 0; k + 1 < offsets.size(); ++k) {
        if (chars.substr(offsets[k], offsets[k + 1] - offsets[k]) == cp) return true;
    }
    return false;
}

std::string stripImpl(std::string_view s, const std::string_view* chars, bool left, bool right) {
    const auto offsets = codePointOffsets(s);
    std::size_t first = 0;
    std::size_t last = offsets.size() - 1; // exclusive index into offsets
    auto strippable = [&](std::size_t k) {
        const std::string_view cp = s.substr(offsets[k], offsets[k + 1] - offsets[k]);
        if (chars == nullptr) return isSpaceCodePoint(cp);
        return inChars(cp, *chars);
    };
    if (left) {
        while (first < last && strippable(first)) ++first;
    }
    if (right) {
        while (last > first && strippable(last - 1)) --last;
    }
    return std::string(s.substr(offsets[first], offsets[last] - offsets[first]));
}

} // namespace

void throwKeyError(std::string_view key) { throw KeyError(reprString(key)); }

void throwValueTypeMismatch(const Value& v, std::string_view expected, std::string_view what) {
    throw ValueError("'" + std::string(what) + "' expects " + std::string(expected) + ", got " +
                     std::string(typeName(v.type())));
}

Dict<Value> fromValueMap(const ValueMap& map) {
    Dict<Value> out;
    for (const auto& e : map) out.set(e.first, e.second);
    return out;
}

// ---- str methods ------------------------------------------------------------------------

std::string strip(std::string_view s) { return stripImpl(s, nullptr, true, true); }
std::string strip(std::string_view s, std::string_view chars) {
    return stripImpl(s, &chars, true, true);
}
std::string lstrip(std::string_view s) { return stripImpl(s, nullptr, true, false); }
std::string lstrip(std::string_view s, std::string_view chars) {
    return stripImpl(s, &chars, true, false);
}
std::string rstrip(std::string_view s) { return stripImpl(s, nullptr, false, true); }
std::string rstrip(std::string_view s, std::string_view chars) {
    return stripImpl(s, &chars, false, true);
}

std::vector<std::string> split(std::string_view s) { return splitWhitespace(s, -1); }

std::vector<std::string> splitWhitespace(std::string_view s, std::int64_t maxsplit) {
    // Python: runs of whitespace separate; after `maxsplit` splits the rest, from its first
    // non-space character to the very end (trailing spaces kept), is the last element.
    const auto offsets = codePointOffsets(s);
    const std::size_t n = offsets.size() - 1;
    auto space = [&](std::size_t k) {
        return isSpaceCodePoint(s.substr(offsets[k], offsets[k + 1] - offsets[k]));
    };
    std::vector<std::string> out;
    std::size_t k = 0;
    while (true) {
        while (k < n && space(k)) ++k;
        if (k == n) break;
        if (maxsplit >= 0 && static_cast<std::int64_t>(out.size()) == maxsplit) {
            out.emplace_back(s.substr(offsets[k]));
            break;
        }
        const std::size_t start = k;
        while (k < n && !space(k)) ++k;
        out.emplace_back(s.substr(offsets[start], offsets[k] - offsets[start]));
    }
    return out;
}

std::vector<std::string> split(std::string_view s, std::string_view sep, std::int64_t maxsplit) {
    if (sep.empty()) throw ValueError("empty separator");
    std::vector<std::string> out;
    std::size_t start = 0;
    while (maxsplit < 0 || static_cast<std::int64_t>(out.size()) < maxsplit) {
        const std::size_t at = s.find(sep, start);
        if (at == std::string_view::npos) break;
        out.emplace_back(s.substr(start, at - start));
        start = at + sep.size();
    }
    out.emplace_back(s.substr(start));
    return out;
}

std::string replace(std::string_view s, std::string_view old, std::string_view replacement) {
    std::string out;
    if (old.empty()) {
        // Python inserts the replacement around every character.
        const auto offsets = codePointOffsets(s);
        out.append(replacement);
        for (std::size_t k = 0; k + 1 < offsets.size(); ++k) {
            out.append(s.substr(offsets[k], offsets[k + 1] - offsets[k]));
            out.append(replacement);
        }
        return out;
    }
    std::size_t start = 0;
    while (true) {
        const std::size_t at = s.find(old, start);
        if (at == std::string_view::npos) break;
        out.append(s.substr(start, at - start));
        out.append(replacement);
        start = at + old.size();
    }
    out.append(s.substr(start));
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    if (isAscii(s)) {
        for (char& c : out) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return out;
    }
    // Decode once: the final-sigma rule looks at the neighbours of each capital sigma.
    std::vector<char32_t> cps;
    std::vector<std::size_t> starts;
    for (std::size_t pos = 0; pos < s.size();) {
        starts.push_back(pos);
        cps.push_back(spider::detail::decodeUtf8(s, pos));
    }
    starts.push_back(s.size());
    auto ignorable = [&](std::size_t k) {
        return cps[k] != spider::detail::kInvalidCodePoint && inRanges(kCaseIgnorable, cps[k]);
    };
    auto cased = [&](std::size_t k) {
        return cps[k] != spider::detail::kInvalidCodePoint && inRanges(kCased, cps[k]);
    };
    out.clear();
    for (std::size_t k = 0; k < cps.size(); ++k) {
        const char32_t cp = cps[k];
        if (cp == spider::detail::kInvalidCodePoint) {
            out.append(s.substr(starts[k], starts[k + 1] - starts[k])); // kept as it is
        } else if (cp < 0x80) {
            out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
        } else if (cp == 0x03A3) {
            // Python's Final_Sigma: after a cased letter and not before one, skipping
            // case-ignorable characters (apostrophes, combining marks) both ways.
            std::size_t before = k;
            while (before > 0 && ignorable(before - 1)) --before;
            bool final = before > 0 && cased(before - 1);
            if (final) {
                std::size_t after = k + 1;
                while (after < cps.size() && ignorable(after)) ++after;
                final = after == cps.size() || !cased(after);
            }
            spider::detail::appendUtf8(out, final ? 0x03C2 : 0x03C3);
        } else {
            appendMapped(out, cp, kLowerRuns, kLowerExpansions);
        }
    }
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    if (isAscii(s)) {
        for (char& c : out) {
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
        return out;
    }
    out.clear();
    for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t start = pos;
        const char32_t cp = spider::detail::decodeUtf8(s, pos);
        if (cp == spider::detail::kInvalidCodePoint) {
            out.append(s.substr(start, pos - start));
        } else if (cp < 0x80) {
            out += static_cast<char>(cp >= 'a' && cp <= 'z' ? cp - 'a' + 'A' : cp);
        } else {
            appendMapped(out, cp, kUpperRuns, kUpperExpansions);
        }
    }
    return out;
}

bool startswith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool endswith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string join(std::string_view sep, const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out.append(sep);
        out.append(parts[i]);
    }
    return out;
}

std::int64_t find(std::string_view s, std::string_view sub) {
    const std::size_t at = s.find(sub);
    if (at == std::string_view::npos) return -1;
    return len(s.substr(0, at));
}

bool isdigit(std::string_view s) {
    if (s.empty()) return false;
    for (std::size_t pos = 0; pos < s.size();) {
        const char32_t cp = spider::detail::decodeUtf8(s, pos);
        if (cp >= '0' && cp <= '9') continue;
        if (cp < 0x80 || cp == spider::detail::kInvalidCodePoint || !inRanges(kDigits, cp)) return false;
    }
    return true;
}

std::vector<std::string> chars(std::string_view s) {
    const auto offsets = codePointOffsets(s);
    std::vector<std::string> out;
    out.reserve(offsets.size() - 1);
    for (std::size_t k = 0; k + 1 < offsets.size(); ++k) {
        out.emplace_back(s.substr(offsets[k], offsets[k + 1] - offsets[k]));
    }
    return out;
}

std::string concatViews(const std::string_view* pieces, std::size_t count) {
    std::size_t size = 0;
    for (std::size_t i = 0; i < count; ++i) size += pieces[i].size();
    std::string out;
    out.reserve(size);
    for (std::size_t i = 0; i < count; ++i) out.append(pieces[i]);
    return out;
}

// ---- numbers ------------------------------------------------------------------------------

std::int64_t floorDivInt(std::int64_t a, std::int64_t b) {
    if (b == 0) throw ValueError("integer division or modulo by zero");
    if (a == std::numeric_limits<std::int64_t>::min() && b == -1) {
        throw ValueError("integer overflow in floor division");
    }
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

double floorDivFloat(double a, double b) {
    if (b == 0) throw ValueError("float floor division by zero");
    return std::floor(a / b);
}

std::int64_t modInt(std::int64_t a, std::int64_t b) {
    if (b == 0) throw ValueError("integer division or modulo by zero");
    if (b == -1) return 0;
    std::int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

double modFloat(double a, double b) {
    if (b == 0) throw ValueError("float modulo");
    double r = std::fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

double divide(double a, double b) {
    if (b == 0) throw ValueError("division by zero");
    return a / b;
}

std::vector<std::int64_t> range(std::int64_t stop) { return range(0, stop, 1); }

std::vector<std::int64_t> range(std::int64_t start, std::int64_t stop, std::int64_t step) {
    if (step == 0) throw ValueError("range() arg 3 must not be zero");
    std::vector<std::int64_t> out;
    if (step > 0) {
        for (std::int64_t i = start; i < stop; i += step) {
            out.push_back(i);
            if (i > std::numeric_limits<std::int64_t>::max() - step) break;
        }
    } else {
        for (std::int64_t i = start; i > stop; i += step) {
            out.push_back(i);
            if (i < std::numeric_limits<std::int64_t>::min() - step) break;
        }
    }
    return out;
}

// ---- conversions --------------------------------------------------------------------------

std::string formatFloat(double v) { return formatDouble(v); }
std::string reprString(std::string_view s) { return pythonStringRepr(s); }
std::string reprValue(const Value& v) { return pythonRepr(v); }
std::string strValue(const Value& v) { return pythonStr(v); }

std::int64_t toInt(std::string_view text) {
    std::string_view s = text;
    while (!s.empty() && isAsciiSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && isAsciiSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    std::string digits;
    std::size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        negative = s[i] == '-';
        ++i;
    }
    bool ok = i < s.size();
    bool lastUnderscore = true; // no leading underscore
    for (; i < s.size() && ok; ++i) {
        if (s[i] >= '0' && s[i] <= '9') {
            digits += s[i];
            lastUnderscore = false;
        } else if (s[i] == '_' && !lastUnderscore) {
            lastUnderscore = true;
        } else {
            ok = false;
        }
    }
    if (!ok || digits.empty() || lastUnderscore) {
        throw ValueError("invalid literal for int() with base 10: " + reprString(text));
    }
    errno = 0;
    const std::string number = (negative ? "-" : "") + digits;
    char* end = nullptr;
    const long long value = std::strtoll(number.c_str(), &end, 10);
    if (errno == ERANGE) throw ValueError("int() value out of range: " + reprString(text));
    return static_cast<std::int64_t>(value);
}

std::int64_t toIntFromFloat(double v) {
    if (std::isnan(v)) throw ValueError("cannot convert float NaN to integer");
    if (std::isinf(v)) throw ValueError("cannot convert float infinity to integer");
    const double t = std::trunc(v);
    if (t >= 9223372036854775808.0 || t < -9223372036854775808.0) {
        throw ValueError("int() value out of range: " + formatFloat(v));
    }
    return static_cast<std::int64_t>(t);
}

std::int64_t toInt(const Value& v) {
    switch (v.type()) {
    case Value::Type::Bool:
        return v.asBool() ? 1 : 0;
    case Value::Type::Int:
        return v.asInt();
    case Value::Type::Float:
        return toIntFromFloat(v.asFloat());
    case Value::Type::String:
        return toInt(std::string_view(v.asString()));
    default:
        throw ValueError("int() argument must be a string or a number, not '" +
                         std::string(typeName(v.type())) + "'");
    }
}

double toFloat(std::string_view text) {
    std::string_view s = text;
    while (!s.empty() && isAsciiSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && isAsciiSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    // Python allows single underscores between digits ("1_000.5").
    std::string cleaned;
    bool ok = !s.empty();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '_') {
            const bool between = i > 0 && i + 1 < s.size() && s[i - 1] >= '0' &&
                                 s[i - 1] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '9';
            if (!between) ok = false;
            continue;
        }
        cleaned += s[i];
    }
    // strtod also takes hex floats and "nan(...)": only Python's forms pass.
    const std::string low = lower(cleaned);
    std::string_view body = low;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
    const bool special = body == "inf" || body == "infinity" || body == "nan";
    if (!special) {
        for (char c : body) {
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == '+' || c == '-')) {
                ok = false;
            }
        }
    }
    if (ok) {
        char* end = nullptr;
        const double value = std::strtod(cleaned.c_str(), &end);
        if (end == cleaned.c_str() + cleaned.size()) return value;
    }
    throw ValueError("could not convert string to float: " + reprString(text));
}

double toFloat(const Value& v) {
    switch (v.type()) {
    case Value::Type::Bool:
        return v.asBool() ? 1.0 : 0.0;
    case Value::Type::Int:
    case Value::Type::Float:
        return v.asFloat();
    case Value::Type::String:
        return toFloat(std::string_view(v.asString()));
    default:
        throw ValueError("float() argument must be a string or a number, not '" +
                         std::string(typeName(v.type())) + "'");
    }
}

bool truthySelectors(const SelectorList& v) { return !v.empty(); }

// ---- len, in, indexing, slicing -------------------------------------------------------------

std::int64_t len(std::string_view s) {
    if (isAscii(s)) return static_cast<std::int64_t>(s.size());
    return static_cast<std::int64_t>(codePointOffsets(s).size() - 1);
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

std::size_t checkedIndex(std::int64_t i, std::size_t size) {
    const auto n = static_cast<std::int64_t>(size);
    const std::int64_t at = i < 0 ? i + n : i;
    if (at < 0 || at >= n) throw IndexError("index " + std::to_string(i) + " out of range");
    return static_cast<std::size_t>(at);
}

const Selector& at(const SelectorList& list, std::int64_t i) {
    return list[checkedIndex(i, list.size())];
}

std::string at(std::string_view s, std::int64_t i) {
    if (isAscii(s)) return std::string(1, s[checkedIndex(i, s.size())]);
    const auto offsets = codePointOffsets(s);
    const std::size_t k = checkedIndex(i, offsets.size() - 1);
    return std::string(s.substr(offsets[k], offsets[k + 1] - offsets[k]));
}

std::vector<std::size_t> sliceIndices(std::size_t size, Bound lo, Bound hi, Bound step) {
    const std::int64_t st = step.present ? step.value : 1;
    if (st == 0) throw ValueError("slice step cannot be zero");
    const auto n = static_cast<std::int64_t>(size);
    auto clamp = [&](Bound b, std::int64_t fallback) {
        if (!b.present) return fallback;
        std::int64_t v = b.value;
        if (v < 0) {
            v += n;
            if (v < 0) v = st < 0 ? -1 : 0;
        } else if (v >= n) {
            v = st < 0 ? n - 1 : n;
        }
        return v;
    };
    const std::int64_t start = clamp(lo, st < 0 ? n - 1 : 0);
    const std::int64_t stop = clamp(hi, st < 0 ? -1 : n);
    std::vector<std::size_t> out;
    if (st > 0) {
        for (std::int64_t i = start; i < stop; i += st) out.push_back(static_cast<std::size_t>(i));
    } else {
        for (std::int64_t i = start; i > stop; i += st) out.push_back(static_cast<std::size_t>(i));
    }
    return out;
}

SelectorList slice(const SelectorList& list, Bound lo, Bound hi, Bound step) {
    std::vector<Selector> out;
    for (std::size_t i : sliceIndices(list.size(), lo, hi, step)) out.push_back(list[i]);
    return SelectorList(std::move(out));
}

std::string slice(std::string_view s, Bound lo, Bound hi, Bound step) {
    std::string out;
    if (isAscii(s)) {
        for (std::size_t i : sliceIndices(s.size(), lo, hi, step)) out += s[i];
        return out;
    }
    const auto offsets = codePointOffsets(s);
    for (std::size_t k : sliceIndices(offsets.size() - 1, lo, hi, step)) {
        out.append(s.substr(offsets[k], offsets[k + 1] - offsets[k]));
    }
    return out;
}

// ---- formatting -------------------------------------------------------------------------------

std::string formatStrings(std::string_view format, const std::vector<std::string>& args) {
    std::string out;
    std::size_t next = 0;
    bool numbered = false;
    bool automatic = false;
    for (std::size_t i = 0; i < format.size(); ++i) {
        const char c = format[i];
        if (c == '{') {
            if (i + 1 < format.size() && format[i + 1] == '{') {
                out += '{';
                ++i;
                continue;
            }
            const std::size_t close = format.find('}', i);
            if (close == std::string_view::npos) {
                throw ValueError("single '{' encountered in format string");
            }
            const std::string_view field = format.substr(i + 1, close - i - 1);
            std::size_t index = 0;
            if (field.empty()) {
                if (numbered) {
                    throw ValueError(
                        "cannot switch from manual field specification to automatic numbering");
                }
                automatic = true;
                index = next++;
            } else {
                if (automatic) {
                    throw ValueError(
                        "cannot switch from automatic field numbering to manual specification");
                }
                numbered = true;
                for (char d : field) {
                    if (d < '0' || d > '9') {
                        throw ValueError("unsupported format field '{" + std::string(field) +
                                         "}'");
                    }
                    index = index * 10 + static_cast<std::size_t>(d - '0');
                    if (index > args.size()) break;
                }
            }
            if (index >= args.size()) {
                throw ValueError("format field " + std::to_string(index) + " has no argument (" +
                                 std::to_string(args.size()) + " given)");
            }
            out += args[index];
            i = close;
        } else if (c == '}') {
            if (i + 1 < format.size() && format[i + 1] == '}') {
                out += '}';
                ++i;
                continue;
            }
            throw ValueError("single '}' encountered in format string");
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace spider::dsl

namespace spider::dsl {

void fellOffEnd(std::string_view def) {
    throw std::logic_error("def '" + std::string(def) + "' ended without returning a value");
}

std::vector<std::pair<std::int64_t, Selector>> enumerate(const SelectorList& list) {
    std::vector<std::pair<std::int64_t, Selector>> out;
    out.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        out.emplace_back(static_cast<std::int64_t>(i), list[i]);
    }
    return out;
}

std::vector<std::pair<std::int64_t, std::string>> enumerate(std::string_view s) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    std::int64_t i = 0;
    for (std::string& c : chars(s)) out.emplace_back(i++, std::move(c));
    return out;
}

} // namespace spider::dsl
