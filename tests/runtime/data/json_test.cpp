#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "data/json.h"
#include "fixtures/python_oracle.h"

using spider::Value;
using spider::ValueList;
using spider::ValueMap;

namespace {

std::string compact(const Value& value) { return spider::toJson(value); }

std::string utf8Passthrough(const Value& value) {
    spider::JsonWriteOptions options;
    options.ensureAscii = false;
    return spider::toJson(value, options);
}

}  // namespace

TEST_CASE("the JSON writer is compact and keeps map order") {
    Value item(ValueMap{{"z", 1}, {"a", ValueList{true, false, Value()}}, {"m", ValueMap{}}});
    CHECK(compact(item) == R"({"z":1,"a":[true,false,null],"m":{}})");
    spider::JsonWriteOptions spaced;
    spaced.spaced = true;
    CHECK(spider::toJson(item, spaced) == R"({"z": 1, "a": [true, false, null], "m": {}})");
}

TEST_CASE("quotes, backslashes and control characters are escaped like json.dumps") {
    std::string text = std::string("q\"b\\n\nr\rt\tb\bf\f") + '\x01' + '\x1f' + "/" + '\x7f';
    CHECK(compact(Value(text)) == R"("q\"b\\n\nr\rt\tb\bf\f\u0001\u001f/\u007f")");
    CHECK(utf8Passthrough(Value(text)) ==
          std::string(R"("q\"b\\n\nr\rt\tb\bf\f\u0001\u001f/)") + '\x7f' + '"');
    CHECK(compact(Value(std::string("a\0b", 3))) == R"("a\u0000b")");
}

TEST_CASE("non-ASCII text is \\u-escaped by default and passes through as UTF-8 on request") {
    std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x95\xb7";  // café € 🕷
    CHECK(compact(Value(text)) == R"("caf\u00e9 \u20ac \ud83d\udd77")");
    CHECK(utf8Passthrough(Value(text)) == "\"" + text + "\"");
}

TEST_CASE("invalid UTF-8 is written as U+FFFD so the output stays valid JSON") {
    std::string text = std::string("a") + '\xff' + "b" + '\xc3' + "\xed\xa0\x80" + "\xc0\xaf";
    std::string ascii = compact(Value(text));
    CHECK(ascii == R"("a\ufffdb\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd")");
    std::string utf8 = utf8Passthrough(Value(text));
    auto parsed = spider::parseJson(utf8);
    REQUIRE(parsed);
    CHECK(parsed.value->asString().find('\xff') == std::string::npos);
}

TEST_CASE("doubles are written as Python's repr writes them") {
    CHECK(spider::formatDouble(0.1) == "0.1");
    CHECK(spider::formatDouble(1.0) == "1.0");
    CHECK(spider::formatDouble(-0.0) == "-0.0");
    CHECK(spider::formatDouble(1e16) == "1e+16");
    CHECK(spider::formatDouble(1.5e16) == "1.5e+16");
    CHECK(spider::formatDouble(1e15) == "1000000000000000.0");
    CHECK(spider::formatDouble(0.0001) == "0.0001");
    CHECK(spider::formatDouble(0.00001) == "1e-05");
    CHECK(spider::formatDouble(123.456) == "123.456");
    CHECK(spider::formatDouble(5e-324) == "5e-324");
    CHECK(spider::formatDouble(1.7976931348623157e308) == "1.7976931348623157e+308");
    CHECK(compact(Value(std::numeric_limits<double>::quiet_NaN())) == "null");
    CHECK(compact(Value(-std::numeric_limits<double>::infinity())) == "null");
}

TEST_CASE("double formatting matches Python's repr on random doubles") {
    std::mt19937_64 random(12345);
    std::vector<double> values;
    for (int i = 0; i < 300; ++i) {
        std::uint64_t bits = random();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (std::isfinite(d)) values.push_back(d);
        values.push_back(static_cast<double>(random() % 100000) / 1000.0);
        values.push_back(std::ldexp(static_cast<double>(random() % 1000), -(i % 40)));
    }
    std::vector<std::vector<std::string>> rows;
    for (double d : values) {
        char hex[64];
        std::snprintf(hex, sizeof hex, "%a", d);
        rows.push_back({hex});
    }
    auto answers = spider::testing::runPythonOracle(R"py(
for (h,) in rows():
    answer(repr(float.fromhex(h)))
)py",
                                                    rows);
    for (std::size_t i = 0; i < values.size(); ++i) {
        REQUIRE(answers[i].value);
        CHECK(spider::formatDouble(values[i]) == *answers[i].value);
    }
}

TEST_CASE("Python's json module reads back what the writer writes, even from bad bytes") {
    std::vector<std::string> strings = {
        "plain", "quote\"back\\slash", std::string("ctl\x01\x02\x1f\x7f", 7),
        "caf\xc3\xa9", "\xf0\x9f\x95\xb7", std::string("bad\xff\xfe", 5), "\xe2\x82",
        "\xed\xa0\x80", "line\u2028sep", "",
    };
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : strings) {
        rows.push_back({compact(Value(s)), utf8Passthrough(Value(s))});
    }
    auto answers = spider::testing::runPythonOracle(R"py(
import json
for (a, u) in rows():
    x = json.loads(a)
    y = json.loads(u)
    assert x == y, (x, y)
    answer(x)
)py",
                                                    rows);
    for (std::size_t i = 0; i < strings.size(); ++i) {
        INFO("string " << i);
        REQUIRE(answers[i].value);
        auto ours = spider::parseJson(compact(Value(strings[i])));
        REQUIRE(ours);
        CHECK(ours.value->asString() == *answers[i].value);
    }
    CHECK(*answers[0].value == "plain");
    CHECK(*answers[3].value == "caf\xc3\xa9");
    CHECK(*answers[5].value == "bad\xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("a value written to JSON and parsed back is equal to the original") {
    Value original(ValueMap{
        {"int", -9007199254740993},
        {"float", 0.30000000000000004},
        {"big", 1e300},
        {"text", "caf\xc3\xa9 \xf0\x9f\x95\xb7 \"\\\n"},
        {"list", ValueList{Value(), true, ValueList{ValueMap{{"deep", 1}}}}},
    });
    auto parsed = spider::parseJson(compact(original));
    REQUIRE(parsed);
    CHECK(*parsed.value == original);
    CHECK(parsed.value->asMap().find("float")->isFloat());
    CHECK(parsed.value->asMap().find("int")->isInt());
    auto parsedUtf8 = spider::parseJson(utf8Passthrough(original));
    REQUIRE(parsedUtf8);
    CHECK(*parsedUtf8.value == original);
}

TEST_CASE("the JSON parser accepts the RFC's grammar") {
    auto parse = [](std::string_view text) {
        auto result = spider::parseJson(text);
        INFO(text << " -> " << result.error.describe());
        REQUIRE(result);
        return *result.value;
    };
    CHECK(parse(" [1, -0, 2.5e3, 1E-2, 0.5] ") ==
          Value(ValueList{1, 0, 2500.0, 0.01, 0.5}));
    CHECK(parse("\"\\u00e9\\ud83d\\udd77\\/\"").asString() == "\xc3\xa9\xf0\x9f\x95\xb7/");
    CHECK(parse("\"\\ud800x\"").asString() == "\xef\xbf\xbdx");
    CHECK(parse("{\"a\":1,\"b\":2,\"a\":3}") == Value(ValueMap{{"a", 3}, {"b", 2}}));
    CHECK(parse("18446744073709551616").isFloat());
    CHECK(parse("-9223372036854775808").asInt() == std::numeric_limits<std::int64_t>::min());
    CHECK(std::isinf(parse("1e400").asFloat()));
    CHECK(parse("1e-400").asFloat() == 0.0);
}

TEST_CASE("bad JSON is rejected with a message and the position of the fault") {
    struct Case {
        std::string text;
        std::size_t offset;
        std::string message;
    };
    std::vector<Case> cases = {
        {"", 0, "expected a value, got end of input"},
        {"[1,]", 3, "expected a value, got ']'"},
        {"{\"a\" 1}", 5, "expected ':' after an object key, got '1'"},
        {"{\"a\":1", 6, "expected ',' or '}' in an object, got end of input"},
        {"[1 2]", 3, "expected ',' or ']' in an array, got '2'"},
        {"\"abc", 4, "unterminated string"},
        {"\"a\nb\"", 2, "control character in a string (it must be escaped)"},
        {"\"\\x\"", 1, "invalid escape '\\x' in a string"},
        {"\"\\u12g4\"", 5, "invalid hex digit in a \\u escape"},
        {"01", 1, "a number cannot have a leading zero"},
        {"1.", 2, "expected a digit after '.', got end of input"},
        {"-", 1, "expected a digit, got end of input"},
        {"tru", 0, "invalid literal, expected 'true'"},
        {"1 2", 2, "unexpected text after the JSON value"},
        {std::string("\"a\xff\""), 2, "invalid UTF-8 in a string"},
        {"\xef\xbb\xbf{}", 0, "expected a value, got byte 0xef"},
        {"{1:2}", 1, "expected a string key, got '1'"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto result = spider::parseJson(c.text);
        REQUIRE_FALSE(result);
        CHECK(result.error.message == c.message);
        CHECK(result.error.offset == c.offset);
    }
    auto multiline = spider::parseJson("{\n  \"a\": [1,\n   x]}");
    REQUIRE_FALSE(multiline);
    CHECK(multiline.error.line == 3);
    CHECK(multiline.error.column == 4);
    CHECK(multiline.error.describe() ==
          "line 3, column 4 (offset 16): expected a value, got 'x'");
}

TEST_CASE("deeply nested JSON is an error, not a stack overflow") {
    std::string deep(100000, '[');
    auto result = spider::parseJson(deep);
    REQUIRE_FALSE(result);
    CHECK(result.error.message == "nesting deeper than 512 levels");
    CHECK(result.error.offset == 512);
    std::string ok = std::string(512, '[') + std::string(512, ']');
    CHECK(spider::parseJson(ok));
}

TEST_CASE("random bytes never crash the JSON parser") {
    std::mt19937 random(7);
    std::string alphabet = "[]{}\":,0123456789-+.eEtrufalsn \\u\n\xff\xc3";
    for (int i = 0; i < 20000; ++i) {
        std::string text;
        int length = static_cast<int>(random() % 24);
        for (int j = 0; j < length; ++j) text += alphabet[random() % alphabet.size()];
        auto result = spider::parseJson(text);
        if (!result) CHECK(result.error.offset <= text.size());
    }
}
