#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "selectors/regex.h"
#include "selectors/selector_errors.h"

using Strings = std::vector<std::string>;

TEST_CASE("findAll returns whole matches, one group, or every group flattened like re.findall", "[selectors][regex]") {
    CHECK(spider::Regex(R"(\d+)").findAll("a1b22c333") == Strings{"1", "22", "333"});
    CHECK(spider::Regex(R"(x(\d))").findAll("x1 x2 y3") == Strings{"1", "2"});
    CHECK(spider::Regex(R"((\w)=(\d)?)").findAll("a=1 b=") == Strings{"a", "1", "b", ""});
    CHECK(spider::Regex(R"((?:a)(b)|(c))").findAll("ab c") == Strings{"b", "", "", "c"});
    CHECK(spider::Regex("z").findAll("abc").empty());
}

TEST_CASE("empty matches advance the way Python 3.7+ does", "[selectors][regex]") {
    CHECK(spider::Regex("a*").findAll("baa") == Strings{"", "aa", ""});
    CHECK(spider::Regex(R"(\b)").findAll("ab cd") == Strings{"", "", "", ""});
    CHECK(spider::Regex("x*").findAll("") == Strings{""});
    CHECK(spider::Regex(R"(\w*)").findAll("ab c") == Strings{"ab", "", "c", ""});
}

TEST_CASE("a group named extract yields only its first match", "[selectors][regex]") {
    CHECK(spider::Regex(R"(id=(?P<extract>\d+))").extract("id=1 id=2") == Strings{"1"});
    CHECK(spider::Regex(R"((?P<extract>x)?y)").extract("y").empty());
    CHECK(spider::Regex(R"((?P<extract>x))").extract("none").empty());
    CHECK(spider::Regex(R"((\d))").extract("1 2") == Strings{"1", "2"});
}

TEST_CASE("Python-only pattern spellings mean what they mean in Python", "[selectors][regex]") {
    CHECK(spider::Regex(R"(\w+\Z)").findAll("one two\n") == Strings{});  // \Z is the very end
    CHECK(spider::Regex(R"(\w+$)").findAll("one two\n") == Strings{"two"});
    CHECK(spider::Regex(R"(\u00e9)").findAll("caf\xC3\xA9") == Strings{"\xC3\xA9"});
    CHECK(spider::Regex(R"(\U0001F577)").findAll("\xF0\x9F\x95\xB7") == Strings{"\xF0\x9F\x95\xB7"});
    CHECK(spider::Regex(R"(\d{,2})").findAll("123") == Strings{"12", "3", ""});
    CHECK(spider::Regex(R"([{,2}])").findAll("{") == Strings{"{"});  // inside a class: literal
    CHECK(spider::Regex(R"((?P<y>\d{4})-(?P=y))").findAll("2024-2024") == Strings{"2024"});
}

TEST_CASE("character classes are Unicode-aware like Python's str patterns", "[selectors][regex]") {
    CHECK(spider::Regex(R"(\w+)").findAll("na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC") ==
          Strings{"na\xC3\xAFve", "\xE6\x97\xA5\xE6\x9C\xAC"});
    CHECK(spider::Regex(R"(\d)").findAll("\xD9\xA3") == Strings{"\xD9\xA3"});  // ARABIC-INDIC THREE
    CHECK(spider::Regex("(?i)stra\xC3\x9F" "e").findAll("STRA\xC3\x9F" "E") == Strings{"STRA\xC3\x9F" "E"});
    CHECK(spider::Regex(".").findAll("\xF0\x9F\x98\x80") == Strings{"\xF0\x9F\x98\x80"});  // one code point
}

TEST_CASE("a bad pattern throws RegexError naming the pattern", "[selectors][regex]") {
    try {
        spider::Regex("(unclosed");
        FAIL("no exception");
    } catch (const spider::RegexError& error) {
        CHECK(std::string(error.what()).find("(unclosed") != std::string::npos);
    }
    CHECK_THROWS_AS(spider::Regex("a{2,1}"), spider::RegexError);
    CHECK_THROWS_AS(spider::Regex("\xff"), spider::RegexError);
}

TEST_CASE("catastrophic backtracking ends in RegexError, not a hang", "[selectors][regex]") {
    const std::string subject = std::string(40, 'a') + "!";
    CHECK_THROWS_AS(spider::Regex("(a+)+$").findAll(std::string(5000, 'a') + "!" + subject), spider::RegexError);
}

TEST_CASE("replaceEntities decodes references like w3lib but keeps &lt; and &amp;", "[selectors][regex]") {
    CHECK(spider::replaceEntities("a &amp; b &lt; c &gt; d") == "a &amp; b &lt; c > d");
    CHECK(spider::replaceEntities("&eacute;&Eacute;&EACUTE;") == "\xC3\xA9\xC3\x89\xC3\xA9");
    CHECK(spider::replaceEntities("&#169;&#xA9;&#XA9") == "\xC2\xA9\xC2\xA9\xC2\xA9");
    CHECK(spider::replaceEntities("&#150;&#x80;") == "\xE2\x80\x93\xE2\x82\xAC");  // Windows-1252
    CHECK(spider::replaceEntities("&#x81;x") == "x");                              // undefined there
    CHECK(spider::replaceEntities("&bogus; &bogus &copy2020") == " &bogus &copy2020");
    CHECK(spider::replaceEntities("&#1114112; &#99999999999999999999;") == " ");
    CHECK(spider::replaceEntities("&AMP;&Lt") == "&AMP;&Lt");
    CHECK(spider::replaceEntities("& &# &#x; &;") == "& &# &#x; &;");
    CHECK(spider::replaceEntities("&#xD800;") == "\xEF\xBF\xBD");
}
