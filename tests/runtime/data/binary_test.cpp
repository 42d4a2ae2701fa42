#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "data/binary.h"

using spider::Value;
using spider::ValueList;
using spider::ValueMap;

namespace {

Value roundTrip(const Value& value) {
    std::string bytes;
    spider::encodeValue(bytes, value);
    std::string_view in = bytes;
    Value out;
    REQUIRE(spider::decodeValue(in, out));
    CHECK(in.empty());
    return out;
}

}  // namespace

TEST_CASE("every value type survives the binary encoding") {
    Value nested(ValueMap{
        {"none", Value()},
        {"t", true},
        {"f", false},
        {"min", std::numeric_limits<std::int64_t>::min()},
        {"max", std::numeric_limits<std::int64_t>::max()},
        {"neg", -1},
        {"pi", 3.141592653589793},
        {"s", std::string("a\0b", 3)},
        {"list", ValueList{1, "two", ValueList{}, ValueMap{}}},
    });
    CHECK(roundTrip(nested) == nested);
    Value negativeZero(-0.0);
    CHECK(std::signbit(roundTrip(negativeZero).asFloat()));
}

TEST_CASE("varints use one byte below 128 and zigzag keeps small negatives small") {
    std::string out;
    spider::appendVarint(out, 127);
    CHECK(out.size() == 1);
    out.clear();
    spider::appendZigzag(out, -1);
    CHECK(out.size() == 1);
    std::string_view in = out;
    std::int64_t back;
    REQUIRE(spider::readZigzag(in, back));
    CHECK(back == -1);
}

TEST_CASE("a truncated or corrupt binary value is rejected, never read past its end") {
    std::string bytes;
    spider::encodeValue(bytes, Value(ValueMap{{"key", ValueList{"abc", 1.5, 7}}}));
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        std::string truncated = bytes.substr(0, cut);
        std::string_view in = truncated;
        Value out;
        CHECK_FALSE(spider::decodeValue(in, out));
    }
    std::string badTag = "\x42";
    std::string_view in = badTag;
    Value out;
    CHECK_FALSE(spider::decodeValue(in, out));
    // A list claiming 2^62 elements must fail fast, not try to allocate them.
    std::string hugeCount = "\x06";
    spider::appendVarint(hugeCount, std::uint64_t{1} << 62);
    in = hugeCount;
    CHECK_FALSE(spider::decodeValue(in, out));
}

TEST_CASE("binary values nested beyond the depth limit are rejected") {
    std::string bytes;
    for (std::size_t i = 0; i < spider::kMaxBinaryDepth + 10; ++i) bytes += "\x06\x01";
    bytes += '\x00';
    std::string_view in = bytes;
    Value out;
    CHECK_FALSE(spider::decodeValue(in, out));
}
