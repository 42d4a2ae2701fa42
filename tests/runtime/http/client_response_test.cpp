#include "http/response.h"

#include <catch2/catch.hpp>

#include <string>

using spider::decodeToUtf8;
using spider::detectCharset;
using spider::Response;

TEST_CASE("the Content-Type charset wins over a meta charset") {
    CHECK(detectCharset("text/html; charset=UTF-8", "<meta charset=\"koi8-r\">") == "utf-8");
    CHECK(detectCharset("text/html; Charset=\"windows-1251\"", "") == "windows-1251");
}

TEST_CASE("a byte-order mark wins over every declaration") {
    CHECK(detectCharset("text/html; charset=iso-8859-1", "\xEF\xBB\xBFhello") == "utf-8");
    CHECK(detectCharset("", std::string("\xFF\xFEh\0", 4)) == "utf-16le");
}

TEST_CASE("meta charset, meta http-equiv and the XML declaration are found in the body") {
    CHECK(detectCharset("text/html", "<html><head><META CHARSET=Shift_JIS>") == "cp932");
    CHECK(detectCharset("text/html",
                        "<meta http-equiv='Content-Type' content='text/html;charset=gb2312'>") ==
          "gb18030");
    CHECK(detectCharset("", "<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?><r/>") == "iso-8859-2");
}

TEST_CASE("a meta charset after <body is ignored") {
    CHECK(detectCharset("", "<html><body><meta charset=koi8-r>caf\xC3\xA9") == "utf-8");
}

TEST_CASE("latin-1 and ascii declarations mean windows-1252, as in browsers and w3lib") {
    CHECK(detectCharset("text/html; charset=latin-1", "") == "windows-1252");
    CHECK(detectCharset("text/html; charset=US-ASCII", "") == "windows-1252");
    CHECK(detectCharset("text/html; charset=iso_8859_1", "") == "windows-1252");
}

TEST_CASE("an unknown declared charset is skipped") {
    CHECK(detectCharset("text/html; charset=no-such-charset", "<meta charset=koi8-r>") == "koi8-r");
    CHECK(detectCharset("text/html; charset=bogus", "plain") == "utf-8");
}

TEST_CASE("an undeclared body is utf-8 when valid, windows-1252 otherwise") {
    CHECK(detectCharset("", "caf\xC3\xA9") == "utf-8");
    CHECK(detectCharset("", "caf\xE9") == "windows-1252");
}

TEST_CASE("decoding windows-1252 maps its C1 range to the right characters") {
    // 0x80 is the euro sign in windows-1252 (it would be a control character in latin-1).
    CHECK(decodeToUtf8("\x80 caf\xE9", "windows-1252") == "\xE2\x82\xAC caf\xC3\xA9");
}

TEST_CASE("invalid bytes decode to U+FFFD instead of failing") {
    CHECK(decodeToUtf8("a\xFF"
                       "b",
                       "utf-8") == "a\xEF\xBF\xBD"
                                   "b");
    CHECK(decodeToUtf8("\xED\xA0\x80", "utf-8") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    // 0x98 is unassigned in windows-1251.
    CHECK(decodeToUtf8("a\x98"
                       "b",
                       "windows-1251") == "a\xEF\xBF\xBD"
                                          "b");
    // A truncated UTF-16 code unit at the end.
    CHECK(decodeToUtf8(std::string("h\0i", 3), "utf-16le") == "h\xEF\xBF\xBD");
}

TEST_CASE("an unknown charset decodes as utf-8") {
    CHECK(decodeToUtf8("caf\xC3\xA9", "x-unknown") == "caf\xC3\xA9");
}

TEST_CASE("a matching byte-order mark is dropped") {
    CHECK(decodeToUtf8("\xEF\xBB\xBFhi", "utf-8") == "hi");
    CHECK(decodeToUtf8(std::string("\xFF\xFEh\0i\0", 6), "utf-16") == "hi");
}

TEST_CASE("Response::text decodes the body from its detected charset") {
    Response response;
    response.headers = {{"Content-Type", "text/html; charset=koi8-r"}};
    response.body = "\xF0\xD2\xC9\xD7\xC5\xD4"; // "Привет" in KOI8-R
    CHECK(response.charset() == "koi8-r");
    CHECK(response.text() == "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
}
