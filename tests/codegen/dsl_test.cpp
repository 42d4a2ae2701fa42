// The spider language's built-ins (runtime/dsl): Python's semantics where generated code
// relies on them.
#include "dsl/dsl.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using namespace spider::dsl;
using Strings = std::vector<std::string>;
using namespace std::literals;

TEST_CASE("string methods behave like Python's") {
    CHECK(strip("  a b \n") == "a b");
    CHECK(strip("xxhixx", "x") == "hi");
    CHECK(lstrip("..hi", ".") == "hi");
    CHECK(rstrip("hi..", ".") == "hi");
    CHECK(strip("\u201cq\u201d", "\u201c\u201d") == "q");
    CHECK(split("  a  b c ") == Strings{"a", "b", "c"});
    CHECK(split("a,b,,c", ",") == Strings{"a", "b", "", "c"});
    CHECK(split("a b c", " ", 1) == Strings{"a", "b c"});
    CHECK_THROWS_AS(split("abc", ""), ValueError);
    CHECK(replace("aXbXc", "X", "--") == "a--b--c");
    CHECK(replace("ab", "", "-") == "-a-b-");
    CHECK(lower("AbC") == "abc");
    CHECK(upper("AbC") == "ABC");
    CHECK(startswith("abc", "ab"));
    CHECK(endswith("abc", "bc"));
    CHECK_FALSE(endswith("c", "bc"));
    CHECK(join(", ", {"a", "b"}) == "a, b");
    CHECK(find("h\u00e9llo", "l") == 2);
    CHECK(find("abc", "z") == -1);
    CHECK(isdigit("0123"));
    CHECK_FALSE(isdigit(""));
    CHECK_FALSE(isdigit("1a"));
}

TEST_CASE("len, indexing and slicing count characters, with negative indices") {
    CHECK(len("caf\u00e9") == 4);
    CHECK(at("caf\u00e9", -1) == "\u00e9");
    CHECK(slice("abcdef", Bound(), Bound(), Bound(-1)) == "fedcba");
    CHECK(slice("abcdef", Bound(-3), Bound(), Bound()) == "def");
    CHECK(slice("abcdef", Bound(1), Bound(5), Bound(2)) == "bd");
    CHECK(slice("page.html", Bound(), Bound(-5), Bound()) == "page");
    const std::vector<std::int64_t> xs{1, 2, 3};
    CHECK(at(xs, -1) == 3);
    CHECK_THROWS_AS(at(xs, 3), IndexError);
    CHECK(slice(xs, Bound(), Bound(2), Bound()) == std::vector<std::int64_t>{1, 2});
    CHECK(slice(xs, Bound(10), Bound(), Bound()).empty());
    CHECK_THROWS_AS(slice(xs, Bound(), Bound(), Bound(0)), ValueError);
}

TEST_CASE("floor division and modulo round toward negative infinity") {
    CHECK(floorDivInt(7, -2) == -4);
    CHECK(modInt(7, -2) == -1);
    CHECK(floorDivInt(-7, 2) == -4);
    CHECK(modInt(-7, 2) == 1);
    CHECK(floorDivFloat(2.5, 2) == 1.0);
    CHECK(modFloat(-2.5, 2) == 1.5);
    CHECK(divide(7, 2) == 3.5);
    CHECK_THROWS_AS(floorDivInt(1, 0), ValueError);
    CHECK_THROWS_AS(divide(1, 0), ValueError);
    CHECK(range(3) == std::vector<std::int64_t>{0, 1, 2});
    CHECK(range(5, 0, -2) == std::vector<std::int64_t>{5, 3, 1});
    CHECK_THROWS_AS(range(0, 5, 0), ValueError);
}

TEST_CASE("str, int and float convert like Python") {
    CHECK(str(42) == "42");
    CHECK(str(2.0) == "2.0");
    CHECK(str(0.1) == "0.1");
    CHECK(str(true) == "True");
    CHECK(str(std::optional<std::string>()) == "None");
    CHECK(str(std::vector<std::string>{"a", "b"}) == "['a', 'b']");
    CHECK(str(dict<std::int64_t>("k"s, 1)) == "{'k': 1}");
    CHECK(toInt(" -1_000 ") == -1000);
    CHECK(toInt(3.9) == 3);
    CHECK(toInt(true) == 1);
    CHECK_THROWS_AS(toInt("x"), ValueError);
    CHECK_THROWS_AS(toInt("1__0"), ValueError);
    CHECK_THROWS_AS(toInt(std::nan("")), ValueError);
    CHECK(toFloat(" 1.5 ") == 1.5);
    CHECK(std::isinf(toFloat("-inf")));
    CHECK_THROWS_AS(toFloat("0x10"), ValueError);
    CHECK(toInt(spider::Value("12")) == 12);
    CHECK(toFloat(spider::Value(2)) == 2.0);
}

TEST_CASE("truthiness and `or` follow Python") {
    CHECK_FALSE(truthy(std::optional<std::string>("")));
    CHECK(truthy(std::optional<std::string>("x")));
    CHECK_FALSE(truthy(std::vector<int>{}));
    CHECK(orElse(std::optional<std::string>(), "d"s) == "d");
    CHECK(orElse(std::optional<std::string>("v"), "d"s) == "v");
    CHECK(orElse(0.0, 3.0) == 3.0);
    // `x or y` as generated: held.take(held.keep(x) || held.put(y)), y evaluated only when
    // x is falsy.
    OrOperand<std::string> held;
    int fallbacks = 0;
    auto fallback = [&] {
        ++fallbacks;
        return "d"s;
    };
    CHECK(held.take(held.keep(std::optional<std::string>()) || held.put(fallback())) == "d");
    CHECK(held.take(held.keep(std::optional<std::string>("")) || held.put(fallback())) == "d");
    CHECK(held.take(held.keep(std::optional<std::string>("v")) || held.put(fallback())) == "v");
    CHECK(fallbacks == 2);
    OrOperand<double> number;
    CHECK(number.take(number.keep(std::int64_t{0}) || number.put(3.0)) == 3.0);
    CHECK(number.take(number.keep(std::int64_t{-2}) || number.put(3.0)) == -2.0);
    OrOperand<std::optional<std::string>> optional;
    CHECK(optional.take(optional.keep(std::optional<std::string>()) ||
                        optional.put(std::optional<std::string>())) == std::nullopt);
}

TEST_CASE("split with maxsplit and no separator splits on whitespace like Python") {
    CHECK(splitWhitespace("  a  b  c  ", 1) == Strings{"a", "b  c  "});
    CHECK(splitWhitespace("  a b  ", 0) == Strings{"a b  "});
    CHECK(splitWhitespace(" a ", 1) == Strings{"a"});
    CHECK(splitWhitespace("a b", 5) == Strings{"a", "b"});
    CHECK(splitWhitespace("a b c", -1) == Strings{"a", "b", "c"});
    CHECK(splitWhitespace("", 0).empty());
    CHECK(splitWhitespace("   ", 0).empty());
    CHECK(splitWhitespace(" a\u00a0b\u00a0 c ", 1) == Strings{"a", "b\u00a0 c "});
}

TEST_CASE("whitespace for split and strip is Python's Unicode whitespace") {
    CHECK(split("\u00a0a\u2003b\x1c") == Strings{"a", "b"});
    CHECK(strip("\u00a0x\u3000") == "x");
    CHECK(lstrip("\u2028 x ") == "x ");
    CHECK(strip("\u00e9x\u00e9") == "\u00e9x\u00e9");
}

TEST_CASE("lower and upper use Unicode's full case mappings like Python") {
    // Latin-1 Supplement, Latin Extended-A (with a one-to-two mapping), ASCII untouched.
    CHECK(lower("\u00c3\u00e9 \u0178 \u00df") == "\u00e3\u00e9 \u00ff \u00df");
    CHECK(upper("\u00c3\u00e9 \u0178 \u00df") == "\u00c3\u00c9 \u0178 SS");
    CHECK(lower("\u0141\u00f3d\u017a \u014a \u0149") == "\u0142\u00f3d\u017a \u014b \u0149");
    CHECK(upper("\u0141\u00f3d\u017a \u014a \u0149") == "\u0141\u00d3D\u0179 \u014a \u02bcN");
    // Cyrillic.
    CHECK(lower("\u041f\u0420\u0418\u0412\u0415\u0422 \u0401") == "\u043f\u0440\u0438\u0432\u0435\u0442 \u0451");
    CHECK(upper("\u043c\u0438\u0440") == "\u041c\u0418\u0420");
    // Greek, with final sigma at the end of a word only (an apostrophe is skipped).
    CHECK(lower("\u039f\u0394\u039f\u03a3 \u03a3\u0391 \u03a3") ==
          "\u03bf\u03b4\u03bf\u03c2 \u03c3\u03b1 \u03c3");
    CHECK(lower("\u0391\u03a3'\u03a3") == "\u03b1\u03c3'\u03c2");
    CHECK(lower("\u038c\u03a3\u039f\u03a3.") == "\u03cc\u03c3\u03bf\u03c2.");
    CHECK(upper("\u0390") == "\u0399\u0308\u0301"); // one code point to three
    CHECK(upper("\u0390").size() == 6);
    // Titlecase digraphs, ligatures, outside the BMP.
    CHECK(lower("\u0130") == "i\u0307");
    CHECK(lower("\u01c5") == "\u01c6");
    CHECK(upper("\u01c5") == "\u01c4");
    CHECK(upper("\ufb01") == "FI");
    CHECK(lower("\U00010400") == "\U00010428");
    // Invalid UTF-8 bytes pass through unchanged.
    CHECK(upper("a\xff" "b") == "A\xff" "B");
    CHECK(lower("\xc3(\u00c9") == "\xc3(\u00e9");
}

TEST_CASE("isdigit accepts Unicode digits like Python") {
    CHECK(isdigit("\u0663\u0664"));
    CHECK(isdigit("\u00b2"));
    CHECK_FALSE(isdigit("\u00bd"));
    CHECK_FALSE(isdigit("1\xff"));
}

TEST_CASE("format and log templates take {} and {N} fields and escaped braces") {
    CHECK(format("{} of {}", 1, 2) == "1 of 2");
    CHECK(format("{1}-{0}", "a"s, "b"s) == "b-a");
    CHECK(format("{{x}} {}", true) == "{x} True");
    CHECK_THROWS_AS(format("{} {}", 1), ValueError);
    CHECK_THROWS_AS(format("{", 1), ValueError);
    CHECK(concat("a"sv, str(1), "b"sv) == "a1b");
}

TEST_CASE("maps keep insertion order and raise KeyError for a missing key") {
    Dict<std::int64_t> m = dict<std::int64_t>("b"s, 1, "a"s, 2);
    m.set("b", 3);
    CHECK(m.keys() == Strings{"b", "a"});
    CHECK(m.at("b") == 3);
    CHECK_THROWS_AS(m.at("zz"), KeyError);
    CHECK(m.get("zz", 7) == 7);
    CHECK_FALSE(m.get("zz").has_value());
    CHECK(m.pop("a") == 2);
    CHECK(contains(m, "b"));
}

TEST_CASE("typed values round-trip through Value for items and cb_kwargs") {
    const spider::Value v = toValue(list<std::optional<std::string>>("a"s, std::nullopt));
    CHECK(fromValue<std::vector<std::optional<std::string>>>(v, "x") ==
          std::vector<std::optional<std::string>>{"a", std::nullopt});
    CHECK(fromValue<double>(spider::Value(2), "w") == 2.0);
    CHECK_THROWS_AS(fromValue<std::int64_t>(spider::Value("2"), "index"), ValueError);
    const spider::ValueMap kwargs = valueMap("index"s, 3);
    CHECK(kwarg<std::int64_t>(kwargs, "index") == 3);
    CHECK(kwarg<std::string>(kwargs, "label", "none") == "none");
    CHECK_THROWS_AS(kwarg<std::int64_t>(kwargs, "missing"), ValueError);
}

TEST_CASE("caught exceptions are classified into the language's error kinds") {
    auto kindOf = [](auto exception) {
        return Error::from(std::make_exception_ptr(exception)).type();
    };
    CHECK(kindOf(ValueError("v")) == "ValueError");
    CHECK(kindOf(KeyError("k")) == "KeyError");
    CHECK(kindOf(IndexError("i")) == "IndexError");
    CHECK(kindOf(spider::CancelledError()) == "CancelledError");
    CHECK(kindOf(std::runtime_error("x")) == "Error");
    const Error e = Error::from(std::make_exception_ptr(ValueError("bad")));
    CHECK(e.is(ErrorKind::Error));
    CHECK(e.is(ErrorKind::ValueError));
    CHECK_FALSE(e.is(ErrorKind::HttpError));
    CHECK(e.message() == "bad");
}

TEST_CASE("requests carry the options of request() and form bodies are url-encoded") {
    spider::Request r = makeRequest(
        "http://h/login", RequestOptions()
                              .callback("after")
                              .form(dict<std::string>("user"s, "a b&c"s))
                              .priority(3)
                              .dontFilter(true)
                              .cbKwargs(valueMap("n"s, 1)));
    CHECK(r.method == "POST");
    CHECK(r.body == "user=a+b%26c");
    CHECK(r.callback == "after");
    CHECK(r.priority == 3);
    CHECK(r.dontFilter);
    CHECK(r.cbKwargs.find("n")->asInt() == 1);
}
