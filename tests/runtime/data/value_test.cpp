#include <catch2/catch.hpp>

#include "data/item.h"
#include "data/value.h"

using spider::Value;
using spider::ValueList;
using spider::ValueMap;

TEST_CASE("a value holds each dynamic type and reports it") {
    CHECK(Value().isNone());
    CHECK(Value(nullptr).isNone());
    CHECK(Value(true).asBool());
    CHECK(Value(42).asInt() == 42);
    CHECK(Value(std::int64_t{-7}).asInt() == -7);
    CHECK(Value(2.5).asFloat() == 2.5);
    CHECK(Value("text").asString() == "text");
    CHECK(Value(ValueList{1, "a"}).asList().size() == 2);
    CHECK(Value(ValueMap{{"k", 1}}).asMap().size() == 1);
    CHECK(Value(3).asFloat() == 3.0);
}

TEST_CASE("a checked accessor of the wrong type throws a message naming both types") {
    Value v("text");
    try {
        (void)v.asInt();
        FAIL("asInt on a string did not throw");
    } catch (const spider::ValueTypeError& e) {
        CHECK(std::string(e.what()) == "expected an int, got string");
    }
    CHECK_THROWS_AS(Value(1.5).asInt(), spider::ValueTypeError);
    CHECK_THROWS_AS(Value().asList(), spider::ValueTypeError);
}

TEST_CASE("a value map keeps insertion order and replaces values in place") {
    ValueMap map;
    map.set("b", 1);
    map.set("a", 2);
    map.set("c", 3);
    map.set("a", 20);
    std::vector<std::string> keys;
    for (const auto& entry : map) keys.push_back(entry.first);
    CHECK(keys == std::vector<std::string>{"b", "a", "c"});
    CHECK(map.find("a")->asInt() == 20);
    CHECK(map.find("zz") == nullptr);
    CHECK(map.erase("b"));
    CHECK_FALSE(map.erase("b"));
    CHECK(map.begin()->first == "a");
    map["d"] = "new";
    CHECK((map.end() - 1)->first == "d");
}

TEST_CASE("values compare structurally and numbers compare across int and float") {
    CHECK(Value(1) == Value(1.0));
    CHECK_FALSE(Value(1) == Value("1"));
    CHECK(Value(ValueMap{{"a", ValueList{1, 2}}}) == Value(ValueMap{{"a", ValueList{1, 2}}}));
    CHECK_FALSE(Value(ValueMap{{"a", 1}, {"b", 2}}) == Value(ValueMap{{"b", 2}, {"a", 1}}));
}

TEST_CASE("truthiness follows Python") {
    CHECK_FALSE(Value().truthy());
    CHECK_FALSE(Value(0).truthy());
    CHECK_FALSE(Value(0.0).truthy());
    CHECK_FALSE(Value("").truthy());
    CHECK_FALSE(Value(ValueList{}).truthy());
    CHECK(Value(" ").truthy());
    CHECK(Value(ValueList{Value()}).truthy());
}

TEST_CASE("a moved-from value is cheap to move and the value stays small") {
    STATIC_REQUIRE(sizeof(Value) <= 40);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<Value>);
    Value big(std::string(1000, 'x'));
    const char* data = big.asString().data();
    Value moved(std::move(big));
    CHECK(moved.asString().data() == data);
}

TEST_CASE("a typed item lists its declared fields and an untyped one its keys") {
    auto type = std::make_shared<const spider::ItemType>(
        spider::ItemType{"Quote", {"text", "author", "tags"}});
    spider::Item typed(type, ValueMap{{"author", "A"}});
    CHECK(typed.typeName() == "Quote");
    CHECK(typed.fieldNames() == std::vector<std::string>{"text", "author", "tags"});
    spider::Item plain(ValueMap{{"x", 1}, {"y", 2}});
    CHECK(plain.typeName() == "dict");
    CHECK(plain.fieldNames() == std::vector<std::string>{"x", "y"});
    CHECK(plain.get("x")->asInt() == 1);
}
