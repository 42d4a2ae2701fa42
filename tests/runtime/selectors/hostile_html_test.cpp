#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "selectors/selector.h"

using Strings = std::vector<std::string>;

namespace {

// Runs f with stderr redirected to a pipe-backed temp file; returns what was written.
template <typename F>
std::string capturedStderr(F&& f) {
    std::fflush(stderr);
    FILE* sink = std::tmpfile();
    REQUIRE(sink != nullptr);
    const int saved = dup(2);
    dup2(fileno(sink), 2);
    f();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    std::string out;
    std::rewind(sink);
    for (int c; (c = std::fgetc(sink)) != EOF;) out += static_cast<char>(c);
    std::fclose(sink);
    return out;
}

}  // namespace

TEST_CASE("unclosed and misnested tags are recovered as lxml recovers them", "[selectors][hostile]") {
    const auto root = spider::Selector::fromText("<div><p>one<p>two<b>bold<i>both</b>italic</i></div><li>x");
    CHECK(root.css("p").size() == 2);
    CHECK(root.get() ==
          "<html><body><div><p>one</p><p>two<b>bold<i>both</i></b>italic</p></div><li>x</li></body></html>");
    CHECK(root.css("div p::text").getall() == Strings{"one", "two", "italic"});
    CHECK(root.css("li::text").get() == "x");
}

TEST_CASE("empty or markup-free input becomes an empty html element", "[selectors][hostile]") {
    CHECK(spider::Selector::fromText("").get() == "<html></html>");
    CHECK(spider::Selector::fromText(" \n\t ").get() == "<html></html>");
    CHECK(spider::Selector::fromText("<!-- only a comment -->").get() == "<html></html>");
    CHECK(spider::Selector::fromText("<!DOCTYPE html>").get() == "<html></html>");
    CHECK(spider::Selector::fromText("plain text").get() == "<html><body><p>plain text</p></body></html>");
}

TEST_CASE("a huge attribute value is kept whole", "[selectors][hostile]") {
    const std::string value(20 * 1024 * 1024, 'v');
    const auto root = spider::Selector::fromText("<a href=\"" + value + "\">x</a>");
    const auto href = root.css("a::attr(href)").get();
    REQUIRE(href.has_value());
    CHECK(href->size() == value.size());
}

TEST_CASE("100,000 levels of nesting parse, query and serialise without crashing", "[selectors][hostile]") {
    constexpr int kDepth = 100000;
    std::string html;
    html.reserve(kDepth * 11 + 16);
    for (int i = 0; i < kDepth; ++i) html += "<div>";
    html += "deep";
    for (int i = 0; i < kDepth; ++i) html += "</div>";
    const auto root = spider::Selector::fromText(html);
    // libxml2 with huge-tree keeps every level (lxml gives the same counts).
    CHECK(root.xpath("count(//div)").get() == "100000.0");
    CHECK(root.xpath("//text()").get() == "deep");
    CHECK(root.xpath("string(//div[1])").get() == "deep");
    const spider::SelectorList divs = root.css("div");
    REQUIRE(divs.size() == kDepth);
    CHECK(divs[0].get().size() == html.size());
    CHECK(root.css("div > div > div::text").getall() == Strings{"deep"});
}

TEST_CASE("NUL bytes are dropped and invalid UTF-8 becomes U+FFFD", "[selectors][hostile]") {
    const char raw[] = "<p>a\0b</p><p>bad \xFF\xC3 end</p>";
    const std::string html(raw, sizeof raw - 1);
    const auto root = spider::Selector::fromText(html);
    CHECK(root.css("p::text").getall() == Strings{"ab", "bad \xEF\xBF\xBD\xEF\xBF\xBD end"});
}

TEST_CASE("a meta charset does not re-decode text that is already UTF-8", "[selectors][hostile]") {
    const auto root = spider::Selector::fromText(
        "<html><head><meta charset=\"iso-8859-1\"></head><body><p>caf\xC3\xA9</p></body></html>");
    CHECK(root.css("p::text").get() == "caf\xC3\xA9");
}

TEST_CASE("garbage markup produces no libxml2 output on stderr", "[selectors][hostile]") {
    const std::string written = capturedStderr([] {
        const auto root = spider::Selector::fromText("<<<>>><a href='x\"<b></c></d>&bogus;&#xFFFFFFFF;<?pi ");
        CHECK_NOTHROW(root.css("a").getall());
        CHECK_THROWS(root.xpath("//a[nosuch()]"));
        CHECK_THROWS(root.xpath("///"));
    });
    CHECK(written.empty());
}

TEST_CASE("binary junk parses into something queryable", "[selectors][hostile]") {
    std::string junk;
    for (int i = 0; i < 100000; ++i) junk += static_cast<char>((i * 7919) % 256);
    const auto root = spider::Selector::fromText(junk);
    CHECK_NOTHROW(root.css("*").getall());
    CHECK_NOTHROW(root.xpath("//text()").getall());
}
