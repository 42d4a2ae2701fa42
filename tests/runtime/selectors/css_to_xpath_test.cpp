#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "selectors/css_to_xpath.h"
#include "selectors/selector_errors.h"

// Expected strings are cssselect 1.2's output (through parsel's translator), so these
// tests pin the translation, not just the nodes it selects (parsel_diff_test does that).

namespace {

using Case = std::pair<const char*, const char*>;

const std::vector<Case> kHtmlCases{
    // type, universal, class and id selectors
    {R"(div)", R"(descendant-or-self::div)"},
    {R"(*)", R"(descendant-or-self::*)"},
    {R"(DIV)", R"(descendant-or-self::div)"},
    {R"(.a)", R"(descendant-or-self::*[@class and contains(concat(' ', normalize-space(@class), ' '), ' a ')])"},
    {R"(div.a.b)", R"(descendant-or-self::div[(@class and contains(concat(' ', normalize-space(@class), ' '), ' a ')) and (@class and contains(concat(' ', normalize-space(@class), ' '), ' b '))])"},
    {R"(#main)", R"(descendant-or-self::*[@id = 'main'])"},
    {R"(p#x.y)", R"(descendant-or-self::p[(@id = 'x') and (@class and contains(concat(' ', normalize-space(@class), ' '), ' y '))])"},
    {R"(custom-element)", R"(descendant-or-self::custom-element)"},
    {R"(ns|p)", R"(descendant-or-self::ns:p)"},
    {R"(*|*)", R"(descendant-or-self::*)"},
    {R"(.\74 ag)", R"(descendant-or-self::*[@class and contains(concat(' ', normalize-space(@class), ' '), ' tag ')])"},
    {R"(#\31 23)", R"(descendant-or-self::*[@id = '123'])"},
    // attribute selectors
    {R"([href])", R"(descendant-or-self::*[@href])"},
    {R"([href=x])", R"(descendant-or-self::*[@href = 'x'])"},
    {R"([title='a b'])", R"(descendant-or-self::*[@title = 'a b'])"},
    {R"([class~=a])", R"(descendant-or-self::*[@class and contains(concat(' ', normalize-space(@class), ' '), ' a ')])"},
    {R"([lang|=en])", R"(descendant-or-self::*[@lang and (@lang = 'en' or starts-with(@lang, 'en-'))])"},
    {R"([href^='/tag/'])", R"(descendant-or-self::*[@href and starts-with(@href, '/tag/')])"},
    {R"([href$='.png'])", R"(descendant-or-self::*[@href and substring(@href, string-length(@href)-3) = '.png'])"},
    {R"([href*=x])", R"(descendant-or-self::*[@href and contains(@href, 'x')])"},
    {R"([a!=b])", R"(descendant-or-self::*[not(@a) or @a != 'b'])"},
    {R"([a!=''])", R"(descendant-or-self::*[@a != ''])"},
    {R"([x^=''])", R"(descendant-or-self::*[0])"},
    {R"([class~=''])", R"(descendant-or-self::*[0])"},
    {R"([class~='a b'])", R"(descendant-or-self::*[0])"},
    {R"([HREF])", R"(descendant-or-self::*[@href])"},
    {R"([data-ünï])", R"(descendant-or-self::*[attribute::*[name() = 'data-ünï']])"},
    {R"([q="it's"])", R"(descendant-or-self::*[@q = "it's"])"},
    {R"([q='both \' and "'])", R"(descendant-or-self::*[@q = concat('both ',"'",' and "')])"},
    // combinators
    {R"(div p)", R"(descendant-or-self::div/descendant-or-self::*/p)"},
    {R"(div > p)", R"(descendant-or-self::div/p)"},
    {R"(h1 + p)", R"(descendant-or-self::h1/following-sibling::*[(name() = 'p') and (position() = 1)])"},
    {R"(h1 ~ p)", R"(descendant-or-self::h1/following-sibling::p)"},
    {R"(ul > li.x + li)", R"(descendant-or-self::ul/li[@class and contains(concat(' ', normalize-space(@class), ' '), ' x ')]/following-sibling::*[(name() = 'li') and (position() = 1)])"},
    {R"(a b > c ~ d + e)", R"(descendant-or-self::a/descendant-or-self::*/b/c/following-sibling::d/following-sibling::*[(name() = 'e') and (position() = 1)])"},
    // nth-child and friends
    {R"(:nth-child(2))", R"(descendant-or-self::*[count(preceding-sibling::*) = 1])"},
    {R"(li:nth-child(odd))", R"(descendant-or-self::li[count(preceding-sibling::*) mod 2 = 0])"},
    {R"(li:nth-child(even))", R"(descendant-or-self::li[(count(preceding-sibling::*) +1) mod 2 = 0])"},
    {R"(li:nth-child(3n+1))", R"(descendant-or-self::li[count(preceding-sibling::*) mod 3 = 0])"},
    {R"(li:nth-child(-n+3))", R"(descendant-or-self::li[count(preceding-sibling::*) <= 2])"},
    {R"(li:nth-child(n+8))", R"(descendant-or-self::li[count(preceding-sibling::*) >= 7])"},
    {R"(li:nth-child(2n-1))", R"(descendant-or-self::li[count(preceding-sibling::*) mod 2 = 0])"},
    {R"(li:nth-child(0n+5))", R"(descendant-or-self::li[count(preceding-sibling::*) = 4])"},
    {R"(li:nth-child(-2n+7))", R"(descendant-or-self::li[(count(preceding-sibling::*) <= 6) and (count(preceding-sibling::*) mod -2 = 0)])"},
    {R"(li:nth-child(n))", R"(descendant-or-self::li)"},
    {R"(li:nth-child(-n-1))", R"(descendant-or-self::li[0])"},
    {R"(li:nth-last-child(2))", R"(descendant-or-self::li[count(following-sibling::*) = 1])"},
    {R"(p:nth-of-type(2))", R"(descendant-or-self::p[count(preceding-sibling::p) = 1])"},
    {R"(p:nth-last-of-type(3n))", R"(descendant-or-self::p[(count(following-sibling::p) +1) mod 3 = 0])"},
    {R"(li:nth-child( 2n + 1 ))", R"(descendant-or-self::li[count(preceding-sibling::*) mod 2 = 0])"},
    // other structural pseudo-classes
    {R"(:first-child)", R"(descendant-or-self::*[count(preceding-sibling::*) = 0])"},
    {R"(li:last-child)", R"(descendant-or-self::li[count(following-sibling::*) = 0])"},
    {R"(p:first-of-type)", R"(descendant-or-self::p[count(preceding-sibling::p) = 0])"},
    {R"(p:last-of-type)", R"(descendant-or-self::p[count(following-sibling::p) = 0])"},
    {R"(b:only-child)", R"(descendant-or-self::b[count(parent::*/child::*) = 1])"},
    {R"(span:only-of-type)", R"(descendant-or-self::span[count(parent::*/child::span) = 1])"},
    {R"(td:empty)", R"(descendant-or-self::td[not(*) and not(string-length())])"},
    {R"(:root)", R"(descendant-or-self::*[not(parent::*)])"},
    {R"(:scope > div)", R"(descendant-or-self::*[1]/div)"},
    {R"(p:scope)", R"(descendant-or-self::p[1])"},
    // negation, matching and relations
    {R"(li:not(.x))", R"(descendant-or-self::li[not(@class and contains(concat(' ', normalize-space(@class), ' '), ' x '))])"},
    {R"(a:not([href]))", R"(descendant-or-self::a[not(@href)])"},
    {R"(*:not(*))", R"(descendant-or-self::*[0])"},
    {R"(:is(h1, h2))", R"(descendant-or-self::*[(name() = 'h1') or (name() = 'h2')])"},
    {R"(p:where(.a, .b))", R"(descendant-or-self::p[(@class and contains(concat(' ', normalize-space(@class), ' '), ' a ')) or (@class and contains(concat(' ', normalize-space(@class), ' '), ' b '))])"},
    {R"(div:has(> a))", R"(descendant-or-self::div[./a])"},
    {R"(div:has(a.tag))", R"(descendant-or-self::div[descendant::a[@class and contains(concat(' ', normalize-space(@class), ' '), ' tag ')]])"},
    {R"(div:has(+ p))", R"(descendant-or-self::div[following-sibling::*[(name() = 'p') and (position() = 1)]])"},
    {R"(div:has(~ p))", R"(descendant-or-self::div[following-sibling::p])"},
    {R"(li:contains(t))", R"(descendant-or-self::li[contains(., 't')])"},
    {R"(p:contains('Item'))", R"(descendant-or-self::p[contains(., 'Item')])"},
    // HTML pseudo-classes
    {R"(:checked)", R"(descendant-or-self::*[(@selected and name(.) = 'option') or (@checked and (name(.) = 'input' or name(.) = 'command')and (@type = 'checkbox' or @type = 'radio'))])"},
    {R"(a:link)", R"(descendant-or-self::a[@href and (name(.) = 'a' or name(.) = 'link' or name(.) = 'area')])"},
    {R"(:hover)", R"(descendant-or-self::*[0])"},
    {R"(p:lang(de))", R"(descendant-or-self::p[ancestor-or-self::*[@lang][1][starts-with(concat(translate(@lang, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '-'), 'de-')]])"},
    // parsel pseudo-elements
    {R"(::text)", R"(descendant-or-self::text())"},
    {R"(*::text)", R"(descendant-or-self::text())"},
    {R"(p::text)", R"(descendant-or-self::p/text())"},
    {R"(p *::text)", R"(descendant-or-self::p/descendant-or-self::text())"},
    {R"(a::attr(href))", R"(descendant-or-self::a/@href)"},
    {R"(p *::attr(x))", R"(descendant-or-self::p/descendant-or-self::*/@x)"},
    {R"(a::ATTR(href))", R"(descendant-or-self::a/@href)"},
    {R"(p::TEXT)", R"(descendant-or-self::p/text())"},
    {R"(a::attr('data-x'))", R"(descendant-or-self::a/@data-x)"},
    {R"(h1, h2::text)", R"(descendant-or-self::h1 | descendant-or-self::h2/text())"},
};

const std::vector<Case> kXmlCases{
    {R"(DIV)", R"(descendant-or-self::DIV)"},
    {R"([HREF])", R"(descendant-or-self::*[@HREF])"},
    {R"(:checked)", R"(descendant-or-self::*[0])"},
    {R"(p:lang(de))", R"(descendant-or-self::p[lang('de')])"},
    {R"(a:link)", R"(descendant-or-self::a[0])"},
    {R"(item::text)", R"(descendant-or-self::item/text())"},
};

std::size_t syntaxErrorPosition(const char* css) {
    try {
        spider::cssToXPath(css);
    } catch (const spider::SelectorSyntaxError& error) {
        return error.position();
    }
    FAIL("no SelectorSyntaxError for " << css);
    return 0;
}

}  // namespace

TEST_CASE("every CSS feature translates to the XPath cssselect produces for HTML", "[selectors][css]") {
    for (const auto& [css, xpath] : kHtmlCases) {
        INFO("css: " << css);
        CHECK(spider::cssToXPath(css) == xpath);
    }
}

TEST_CASE("the XML dialect keeps case and has no HTML-specific pseudo-classes", "[selectors][css]") {
    for (const auto& [css, xpath] : kXmlCases) {
        INFO("css: " << css);
        CHECK(spider::cssToXPath(css, spider::CssDialect::Xml) == xpath);
    }
}

TEST_CASE(":disabled and :enabled use the HTML form-control rules", "[selectors][css]") {
    const std::string disabled = spider::cssToXPath(":disabled");
    CHECK(disabled.find("ancestor::fieldset[@disabled]") != std::string::npos);
    CHECK(disabled.find("name(.) = 'optgroup'") != std::string::npos);
    const std::string enabled = spider::cssToXPath(":enabled");
    CHECK(enabled.find("not(@disabled or ancestor::optgroup[@disabled])") != std::string::npos);
    CHECK(spider::cssToXPath(":disabled", spider::CssDialect::Xml) == "descendant-or-self::*[0]");
}

TEST_CASE("xpathLiteral picks a quote the string does not contain, or concat()", "[selectors][css]") {
    CHECK(spider::xpathLiteral("abc") == "'abc'");
    CHECK(spider::xpathLiteral("it's") == "\"it's\"");
    CHECK(spider::xpathLiteral("a'b\"c") == "concat('a',\"'\",'b\"c')");
    CHECK(spider::xpathLiteral("''x") == "\"''x\"");
    CHECK(spider::xpathLiteral("''x\"") == "concat(\"''\",'x\"')");
}

TEST_CASE("invalid selectors throw SelectorSyntaxError with the position of the problem", "[selectors][css]") {
    CHECK(syntaxErrorPosition("div[") == 4);
    CHECK(syntaxErrorPosition("a:unknown") == 1);
    CHECK(syntaxErrorPosition("p::text::text") == 7);
    CHECK(syntaxErrorPosition("'unclosed") == 0);
    CHECK(syntaxErrorPosition("a > > b") == 4);
    CHECK(syntaxErrorPosition(":is(p,a)") == 7);    // cssselect needs a space after the comma
    CHECK(syntaxErrorPosition("a:not(.x )") == 8);  // ...and none before ')'
    CHECK(syntaxErrorPosition(":nth-child(x)") == 0);
    CHECK(syntaxErrorPosition("*:first-of-type") == 1);
    CHECK(syntaxErrorPosition("::before") == 0);
    CHECK(syntaxErrorPosition("a::attr(x, y)") == 9);  // arguments take no commas
    CHECK(syntaxErrorPosition("div :scope") == 4);
    CHECK(syntaxErrorPosition("") == 0);
    CHECK(syntaxErrorPosition(",") == 0);
}

TEST_CASE("a CSS error message names the selector and the offending token", "[selectors][css]") {
    try {
        spider::cssToXPath("div > [");
        FAIL("no exception");
    } catch (const spider::SelectorError& error) {
        const std::string message = error.what();
        CHECK(message.find("div > [") != std::string::npos);
        CHECK(message.find("<EOF at 7>") != std::string::npos);
    }
}

TEST_CASE("hostile CSS input fails cleanly instead of crashing", "[selectors][css]") {
    const std::string deep(5000, '[');
    CHECK_THROWS_AS(spider::cssToXPath(deep), spider::SelectorSyntaxError);
    CHECK_THROWS_AS(spider::cssToXPath(std::string("a\0b", 3)), spider::SelectorSyntaxError);
    // Not UTF-8: translated as an (unsafe) element name, tested with name() = '...'.
    CHECK(spider::cssToXPath("\xff\xfe") == "descendant-or-self::*[name() = '\xff\xfe']");
    CHECK_THROWS_AS(spider::cssToXPath("li:nth-child(99999999999999999999999n)"), spider::SelectorSyntaxError);
    CHECK_NOTHROW(spider::cssToXPath("/* comment */ a /* unclosed"));
    // An escaped code point beyond Unicode and an escaped NUL both become U+FFFD.
    CHECK(spider::cssToXPath(R"(#\110000 )") == "descendant-or-self::*[@id = '\xEF\xBF\xBD']");
    CHECK(spider::cssToXPath(R"(#\0 )") == "descendant-or-self::*[@id = '\xEF\xBF\xBD']");
}
