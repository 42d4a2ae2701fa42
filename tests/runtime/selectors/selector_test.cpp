#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "data/utf8.h"
#include "selectors/html_document.h"
#include "selectors/python_compat.h"
#include "selectors/query_cache.h"
#include "selectors/selector.h"

using Strings = std::vector<std::string>;

namespace {

constexpr const char* kPage = R"(<html><head><title>Shop &amp; more</title></head><body>
<ul id="items">
  <li class="item first" data-id="1"><a href="/p/1">Apple</a> <span class="price">$1.50</span></li>
  <li class="item" data-id="2"><a href="/p/2?x=1&amp;y=2">Banana</a> <span class="price">$0.25</span></li>
  <li class="item sale" data-id="3"><a href="/p/3">Cherry &eacute;</a> <span class="price">$12.00</span></li>
</ul>
<p id="note">Call 555-1234 or 555-9876. &copy; 2024</p>
<img src="/logo.png" alt="Logo"><br>
</body></html>)";

spider::Selector page() { return spider::Selector::fromText(kPage); }

}  // namespace

TEST_CASE("css and xpath select elements, text and attributes", "[selectors]") {
    const spider::Selector root = page();
    CHECK(root.css("li a::text").getall() == Strings{"Apple", "Banana", "Cherry \xC3\xA9"});
    CHECK(root.xpath("//li/a/@href").getall() == Strings{"/p/1", "/p/2?x=1&y=2", "/p/3"});
    CHECK(root.css("title::text").get() == "Shop & more");
    CHECK(root.css("li.sale").size() == 1);
    CHECK(root.css("li.sale")[0].kind() == spider::Selector::Kind::Element);
    CHECK(root.css("li::attr(data-id)")[0].kind() == spider::Selector::Kind::Attribute);
    CHECK(root.css("li a::text")[0].kind() == spider::Selector::Kind::Text);
}

TEST_CASE("get serialises elements the way lxml's HTML serialiser does", "[selectors]") {
    const spider::Selector root = page();
    CHECK(root.css("li.sale a").get() == "<a href=\"/p/3\">Cherry \xC3\xA9</a>");
    CHECK(root.css("img").get() == "<img src=\"/logo.png\" alt=\"Logo\">");
    CHECK(root.css("br").get() == "<br>");
    CHECK(root.css("li[data-id='2'] a").get() == "<a href=\"/p/2?x=1&amp;y=2\">Banana</a>");
    CHECK(root.css("title").get() == "<title>Shop &amp; more</title>");
}

TEST_CASE("SelectorList get gives the first result, a default, or nothing", "[selectors]") {
    const spider::Selector root = page();
    CHECK(root.css(".price::text").get() == "$1.50");
    CHECK_FALSE(root.css(".missing::text").get().has_value());
    CHECK(root.css(".missing::text").get("n/a") == "n/a");
    CHECK(root.css(".price::text").get("n/a") == "$1.50");
    CHECK(root.css(".missing").getall().empty());
}

TEST_CASE("XPath values come back as parsel renders them", "[selectors]") {
    const spider::Selector root = page();
    CHECK(root.xpath("count(//li)").getall() == Strings{"3.0"});
    CHECK(root.xpath("count(//li) div 2").getall() == Strings{"1.5"});
    CHECK(root.xpath("boolean(//img)").getall() == Strings{"1"});
    CHECK(root.xpath("boolean(//table)").getall() == Strings{"0"});
    CHECK(root.xpath("string(//li[2]/@data-id)").getall() == Strings{"2"});
    CHECK(root.xpath("1 div 0").get() == "inf");
    CHECK(root.xpath("/").getall().empty());  // the document node is left out, like lxml
}

TEST_CASE("nested queries are relative to the node unless absolute", "[selectors]") {
    const spider::Selector root = page();
    std::vector<std::string> names;
    std::vector<std::string> prices;
    for (const spider::Selector& item : root.css("li.item")) {
        names.push_back(item.css("a::text").get("?"));
        prices.push_back(item.xpath("./span[@class='price']/text()").get("?"));
        CHECK(item.xpath("//li").size() == 3);   // absolute: the whole document
        CHECK(item.xpath(".//li").size() == 0);  // relative: inside this li
    }
    CHECK(names == Strings{"Apple", "Banana", "Cherry \xC3\xA9"});
    CHECK(prices == Strings{"$1.50", "$0.25", "$12.00"});
    CHECK(root.css("li").css("a::attr(href)").getall() == Strings{"/p/1", "/p/2?x=1&y=2", "/p/3"});
    CHECK(root.css("li").xpath("./span/text()").size() == 3);
}

TEST_CASE("queries on text, attribute and value selectors find nothing", "[selectors]") {
    const spider::Selector root = page();
    const spider::SelectorList texts = root.css("a::text");
    CHECK(texts.xpath(".").empty());
    CHECK(texts.css("*").empty());
    CHECK(root.xpath("count(//a)")[0].css("a").empty());
    // ...but a bad CSS selector is still reported, as in parsel.
    CHECK_THROWS_AS(texts.css("a["), spider::SelectorSyntaxError);
}

TEST_CASE("re and reFirst follow parsel's group rules and replace entities", "[selectors]") {
    const spider::Selector root = page();
    const spider::SelectorList note = root.css("#note");
    CHECK(note.re(R"(\d{3}-\d{4})") == Strings{"555-1234", "555-9876"});
    CHECK(note.re(R"((\d{3})-(\d{4}))") == Strings{"555", "1234", "555", "9876"});
    CHECK(note.re(R"(555-(?P<extract>\d+))") == Strings{"1234"});
    CHECK(note.reFirst(R"(\d{4}\b)") == "1234");
    CHECK_FALSE(note.reFirst("zzz").has_value());
    CHECK(note.reFirst("zzz", "none") == "none");
    CHECK(root.css(".price::text").re(R"(\$([\d.]+))") == Strings{"1.50", "0.25", "12.00"});
    CHECK(root.css(".price::text").reFirst(R"(1\d)") == "12");
    // The serialised <p> holds "&#169;" as the character itself; markup entities are
    // decoded except &amp; and &lt;.
    CHECK(root.css("title").re("Shop.*more") == Strings{"Shop &amp; more"});
    CHECK(root.css("li[data-id='2'] a").re("x=1&amp;y=2", spider::Entities::Keep) == Strings{"x=1&amp;y=2"});
    CHECK(root.css("li.item")[0].re("Apple") == Strings{"Apple"});
    CHECK(root.css("li.item")[0].reFirst("Banana", "no") == "no");
    CHECK_THROWS_AS(note.re("("), spider::RegexError);
}

TEST_CASE("attrib maps an element's attributes and is empty for other results", "[selectors]") {
    const spider::Selector root = page();
    const std::map<std::string, std::string> expected{{"class", "item sale"}, {"data-id", "3"}};
    CHECK(root.css("li.sale").attrib() == expected);
    CHECK(root.css("li.sale")[0].attrib() == expected);
    CHECK(root.css("nothing").attrib().empty());
    CHECK(root.css("li::text").attrib().empty());
    CHECK(root.css("li.sale")[0].attribute("data-id") == "3");
    CHECK_FALSE(root.css("li.sale")[0].attribute("missing").has_value());
}

TEST_CASE("invalid XPath throws XPathError naming the expression", "[selectors]") {
    const spider::Selector root = page();
    CHECK_THROWS_AS(root.xpath("//li["), spider::XPathError);
    CHECK_THROWS_AS(root.xpath("//li[nosuch()]"), spider::XPathError);
    CHECK_THROWS_AS(root.xpath("//x:li"), spider::XPathError);
    CHECK_THROWS_AS(root.xpath("position()"), spider::XPathError);
    CHECK_THROWS_AS(root.xpath(std::string("//li\0x", 6)), spider::XPathError);
    try {
        root.xpath("//li[@class='x'");
        FAIL("no exception");
    } catch (const spider::XPathError& error) {
        CHECK(std::string(error.what()).find("//li[@class='x'") != std::string::npos);
    }
    // The document stays usable after an error.
    CHECK(root.css("li").size() == 3);
}

TEST_CASE("has-class matches whole class names like parsel's extension", "[selectors]") {
    const spider::Selector root = page();
    CHECK(root.xpath("//li[has-class('item')]").size() == 3);
    CHECK(root.xpath("//li[has-class('item', 'sale')]/@data-id").getall() == Strings{"3"});
    CHECK(root.xpath("//li[has-class('ite')]").empty());
    CHECK_THROWS_AS(root.xpath("//li[has-class()]"), spider::XPathError);
    CHECK_THROWS_AS(root.xpath("//li[has-class(1)]"), spider::XPathError);
}

TEST_CASE("selectors keep their document alive after the root is gone", "[selectors]") {
    spider::SelectorList links;
    {
        links = spider::Selector::fromText(kPage).css("li a");
    }
    CHECK(links.getall().size() == 3);
    CHECK(links[2].css("::text").get() == "Cherry \xC3\xA9");
}

TEST_CASE("one QueryCache serves many documents and compiles each query once", "[selectors]") {
    auto cache = std::make_shared<spider::QueryCache>();
    for (int i = 0; i < 20; ++i) {
        const spider::Selector root = spider::Selector::fromText(kPage, {}, cache);
        CHECK(root.css("li.item a::text").size() == 3);
        CHECK(root.xpath("//p[@id='note']/text()").size() == 1);
        CHECK(root.css("#note").re(R"(\d{4})").size() == 3);
    }
    // Per page: two CSS translations, three XPath compilations and one regex: six
    // lookups that miss on the first page only.
    CHECK(cache->stats().misses == 6);
    CHECK(cache->stats().hits == 6 * 19);
}

TEST_CASE("a full QueryCache starts over instead of growing", "[selectors]") {
    auto cache = std::make_shared<spider::QueryCache>(4);
    const spider::Selector root = spider::Selector::fromText(kPage, {}, cache);
    for (int i = 0; i < 50; ++i) {
        CHECK(root.xpath("count(//li) + " + std::to_string(i)).get() == std::to_string(3 + i) + ".0");
    }
    CHECK(root.xpath("count(//li) + 49").get() == "52.0");
}

TEST_CASE("XML documents keep case and serialise namespaces like lxml", "[selectors]") {
    spider::ParseOptions xml;
    xml.type = spider::DocumentType::Xml;
    const spider::Selector root = spider::Selector::fromText(
        R"(<r xmlns="urn:a" xmlns:b="urn:b"><b:c x="1">&#233;<![CDATA[<z>]]></b:c><D/></r>)", xml);
    CHECK(root.get() == R"(<r xmlns="urn:a" xmlns:b="urn:b"><b:c x="1">)"
                        "\xC3\xA9"
                        R"(&lt;z&gt;</b:c><D/></r>)");
    CHECK(root.xpath("/*/*").getall() ==
          Strings{"<b:c xmlns:b=\"urn:b\" xmlns=\"urn:a\" x=\"1\">\xC3\xA9&lt;z&gt;</b:c>",
                  "<D xmlns=\"urn:a\" xmlns:b=\"urn:b\"/>"});
    CHECK(root.xpath("//*[local-name()='D']").size() == 1);
    CHECK(root.xpath("//*[local-name()='d']").empty());
    CHECK(root.xpath("//@x").get() == "1");
}

TEST_CASE("document text is prepared exactly as parsel prepares it", "[selectors]") {
    std::string storage;
    CHECK(spider::detail::prepareDocumentText("  <p>x</p>\n\t", storage) == "<p>x</p>");
    CHECK(spider::detail::prepareDocumentText("\xC2\xA0\xE3\x80\x80<p>\xE2\x80\xA8", storage) == "<p>");
    CHECK(spider::detail::prepareDocumentText(std::string("\0 <p>a\0b</p>", 12), storage) == " <p>ab</p>");
    CHECK(spider::detail::prepareDocumentText("a\xFF" "b\xE2\x82" "c\xED\xA0\x80", storage) ==
          "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(spider::detail::prepareDocumentText("\xEF\xBB\xBFx", storage) == "\xEF\xBB\xBFx");  // BOM is not space
}

TEST_CASE("UTF-8 validation accepts exactly the well-formed sequences", "[selectors]") {
    using spider::detail::isValidUtf8;
    CHECK(isValidUtf8(""));
    CHECK(isValidUtf8("plain ascii text longer than one eight-byte word"));
    CHECK(isValidUtf8("\xE2\x80\x9CQuoted\xE2\x80\x9D caf\xC3\xA9 \xF0\x9F\x98\x80 end"));
    CHECK(isValidUtf8(std::string("NUL \0 is valid UTF-8", 20)));
    // Bad bytes in every position of a word: before, inside and after the ASCII runs.
    for (std::size_t at : {0u, 3u, 7u, 8u, 13u, 20u}) {
        std::string text(21, 'a');
        text[at] = '\xFF';
        CHECK_FALSE(isValidUtf8(text));
    }
    CHECK_FALSE(isValidUtf8("abc\xC3"));                // truncated at the end
    CHECK_FALSE(isValidUtf8("\xC0\xAF"));               // overlong
    CHECK_FALSE(isValidUtf8("\xED\xA0\x80 surrogate"));  // UTF-16 surrogate
    CHECK_FALSE(isValidUtf8("\xF4\x90\x80\x80"));       // above U+10FFFF
    CHECK_FALSE(isValidUtf8("\xE2\x28\xA1 bad continuation"));
}

TEST_CASE("documents sharing a cache are queried through one XPath context without mixing up",
          "[selectors]") {
    auto cache = std::make_shared<spider::QueryCache>();
    auto first = spider::HtmlDocument::parse(R"(<p class="a b">one</p><p id="x">1</p>)", {}, cache);
    auto second = spider::HtmlDocument::parse(R"(<p class="b">two</p><i id="x">2</i>)", {}, cache);
    CHECK(first->xpathContext() == second->xpathContext());
    spider::Selector a = first->root();
    spider::Selector b = second->root();
    for (int round = 0; round < 2; ++round) {
        CHECK(a.xpath("//p[has-class('b')]/text()").getall() == Strings{"one"});
        CHECK(b.xpath("//p[has-class('b')]/text()").getall() == Strings{"two"});
        CHECK(a.xpath("/html/body/*[last()]/text()").get() == "1");  // the root is the document's
        CHECK(b.xpath("/html/body/*[last()]/text()").get() == "2");
        CHECK(b.xpath("count(//p)").get() == "1.0");
    }
    // A selector outliving the other document still answers from its own.
    second.reset();
    b = spider::Selector::fromText("<b>three</b>", {}, cache);
    CHECK(a.css("p.a::text").getall() == Strings{"one"});
    CHECK(b.css("b::text").getall() == Strings{"three"});
    CHECK_THROWS_AS(a.xpath("//p[has-class(1)]"), spider::XPathError);
    CHECK(a.xpath("//p[has-class('a')]/text()").getall() == Strings{"one"});
}

TEST_CASE("XPath numbers print like Python floats", "[selectors]") {
    using spider::detail::pythonFloatRepr;
    CHECK(pythonFloatRepr(3) == "3.0");
    CHECK(pythonFloatRepr(0.1) == "0.1");
    CHECK(pythonFloatRepr(-0.0) == "-0.0");
    CHECK(pythonFloatRepr(1e16) == "1e+16");
    CHECK(pythonFloatRepr(1234567890123456.0) == "1234567890123456.0");
    CHECK(pythonFloatRepr(12345678901234567.0) == "1.2345678901234568e+16");
    CHECK(pythonFloatRepr(0.0001) == "0.0001");
    CHECK(pythonFloatRepr(0.00001) == "1e-05");
    CHECK(pythonFloatRepr(1.5e-300) == "1.5e-300");
    CHECK(pythonFloatRepr(1.0 / 3) == "0.3333333333333333");
}

TEST_CASE("a tree parsed on another thread is adopted and queried like a parsed page") {
    spider::HtmlDocument::initializeParser();
    spider::ParsedTree tree;
    std::thread parser([&tree] { tree = spider::HtmlDocument::parseTree(kPage); });
    parser.join();
    REQUIRE(tree);
    auto doc = spider::HtmlDocument::adopt(std::move(tree));
    CHECK_FALSE(tree);
    CHECK(doc->root().css("li a::text").getall() == Strings{"Apple", "Banana", "Cherry é"});
    CHECK(doc->root().css("li a::text").getall() == page().css("li a::text").getall());
    CHECK_THROWS_AS(spider::HtmlDocument::adopt(spider::ParsedTree()), std::invalid_argument);
}

TEST_CASE("a dying document hands its tree to its disposer") {
    int disposed = 0;
    {
        auto doc = spider::HtmlDocument::adopt(spider::HtmlDocument::parseTree(kPage), nullptr,
                                               [&disposed](spider::ParsedTree tree) {
                                                   disposed += tree ? 1 : 0;
                                               });
        spider::Selector title = doc->root().css("title")[0];
        doc.reset();
        CHECK(disposed == 0); // a selector still holds the document
        CHECK(title.css("::text").get() == "Shop & more");
    }
    CHECK(disposed == 1);
    // A disposer that throws does not escape the destructor, and the tree is still freed
    // (the ASan build would report the leak).
    {
        auto doc = spider::HtmlDocument::adopt(spider::HtmlDocument::parseTree(kPage), nullptr,
                                               [](spider::ParsedTree) {
                                                   throw std::runtime_error("no thread left");
                                               });
    }
}

TEST_CASE("class tests evaluate exactly as cssselect's XPath text does") {
    // Whitespace XPath collapses (space, tab, CR, LF) and whitespace it does not (form
    // feed), edge spaces, a missing or empty attribute, and words containing spaces.
    const std::string html =
        "<html><body>"
        "<p id='1' class='quote'>a</p>"
        "<p id='2' class='  quote\tlarge\n'>b</p>"
        "<p id='3' class='quotes'>c</p>"
        "<p id='4' class='quote\flarge'>d</p>"
        "<p id='5' class=''>e</p>"
        "<p id='6'>f</p>"
        "<p id='7' class='a b  c' title='x  y z'>g</p>"
        "<p id='8' class='\r\nlarge quote'>h</p>"
        "</body></html>";
    spider::Selector doc = spider::Selector::fromText(html);
    for (const char* css : {".quote", ".large", "p.quote.large", ".quotes", ".a\\ b", ".b\\ c",
                            "[title~=y]", "[title~='x  y']", "[class~=large]", ":not(.quote)",
                            ".quote, .large", "p:not(.a)"}) {
        INFO(css);
        const std::string parselText = spider::cssToXPath(css);
        const std::string evaluated = spider::cssToXPath(css, spider::CssDialect::Html,
                                                         spider::CssOutput::Evaluation);
        CHECK(evaluated.find("concat(") == std::string::npos);
        CHECK(doc.css(std::string(css) + "::attr(id)").getall() ==
              doc.xpath(parselText + "/@id").getall());
    }
    CHECK(doc.css(".quote::attr(id)").getall() == Strings{"1", "2", "8"});
    CHECK(doc.css(".large::attr(id)").getall() == Strings{"2", "8"});
    // cssselect never matches a word containing whitespace (its condition is "0").
    CHECK(doc.css(".a\\ b::attr(id)").getall().empty());
}
