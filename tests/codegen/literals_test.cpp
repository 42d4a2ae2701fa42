#include "codegen/literals.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

using namespace spiderc::codegen;

TEST_CASE("string literals escape quotes, backslashes, question marks and control bytes") {
    CHECK(cppStringLiteral("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(cppStringLiteral("?\?=") == "\"\\?\\?=\"");
    CHECK(cppStringLiteral("*/ // /*") == "\"*/ // /*\"");
    CHECK(cppStringLiteral("line\nnext\ttab\r") == "\"line\\nnext\\ttab\\r\"");
    CHECK(cppStringLiteral(std::string("a\0" "1", 3)) == "\"a\\0001\"");
    CHECK(cppStringLiteral("\x01\x7f") == "\"\\001\\177\"");
}

TEST_CASE("string literals spell non-ASCII as universal character names, bad UTF-8 as octal") {
    CHECK(cppStringLiteral("\xe2\x80\x9cq\xe2\x80\x9d") == "\"\\u201Cq\\u201D\"");
    CHECK(cppStringLiteral("\xf0\x9f\x95\xb7") == "\"\\U0001F577\"");
    CHECK(cppStringLiteral("\xff") == "\"\\377\"");
}

TEST_CASE("numbers become literals that read back to the same value") {
    CHECK(cppIntLiteral(42) == "42");
    CHECK(cppIntLiteral(std::numeric_limits<std::int64_t>::min()) == "(-9223372036854775807 - 1)");
    CHECK(cppFloatLiteral(0.5) == "0.5");
    CHECK(cppFloatLiteral(2.0) == "2.0");
    CHECK(cppFloatLiteral(1e300) == "1e+300");
    CHECK(cppFloatLiteral(0.1) == "0.1");
}

TEST_CASE("comment and #line text cannot break out of its line or quotes") {
    CHECK(commentText("a\nb") == "a?b");
    CHECK(lineDirectiveFile("dir/q\"x\\.spider") == "dir/q\\\"x\\\\.spider");
}
