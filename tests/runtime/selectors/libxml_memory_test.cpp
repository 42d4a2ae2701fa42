// libxml2 on the runtime's allocator (selectors/libxml_memory.h). Its own executable: the
// allocator is process-wide and must be installed before anything uses libxml2, so every
// test case here installs it first (a second install is a no-op) and no other test shares
// the process.
#include "selectors/html_document.h"
#include "selectors/libxml_memory.h"
#include "selectors/selector.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

// A page with small nodes (pooled blocks), a text node and an attribute far larger than
// the pool's biggest size class (malloc'd blocks, grown by realloc while parsing), and
// entities that make libxml2 grow its buffers.
std::string mixedPage(int items) {
    std::string page = "<html><body><ul>";
    for (int i = 0; i < items; ++i) {
        page += "<li class=\"item n" + std::to_string(i) + "\"><a href=\"/p/" + std::to_string(i) +
                "\">Item &amp; " + std::to_string(i) + "</a></li>";
    }
    page += "</ul><p id=\"big\" title=\"" + std::string(5000, 't') + "\">" +
            std::string(100000, 'x') + "&lt;end&gt;</p></body></html>";
    return page;
}

} // namespace

TEST_CASE("libxml2 parses and queries on the runtime allocator, large blocks included") {
    REQUIRE(spider::installLibxmlAllocator());
    REQUIRE(spider::installLibxmlAllocator()); // idempotent
    for (int round = 0; round < 3; ++round) { // later rounds reuse the freelists
        spider::Selector page = spider::Selector::fromText(mixedPage(500));
        std::vector<std::string> links = page.css("li.item a::attr(href)").getall();
        REQUIRE(links.size() == 500);
        CHECK(links[499] == "/p/499");
        CHECK(page.css("li.n7 a::text").get() == "Item & 7");
        std::string big = page.css("#big::text").get().value_or("");
        CHECK(big.size() == 100000 + 5);
        CHECK(big.substr(big.size() - 5) == "<end>");
        CHECK(page.css("#big::attr(title)").get().value_or("").size() == 5000);
    }
}

TEST_CASE("trees parsed on one thread are queried and freed on another") {
    REQUIRE(spider::installLibxmlAllocator());
    spider::HtmlDocument::initializeParser();
    std::vector<spider::ParsedTree> trees(8);
    std::thread parser([&trees] {
        for (std::size_t i = 0; i < trees.size(); ++i)
            trees[i] = spider::HtmlDocument::parseTree(mixedPage(50 + static_cast<int>(i)));
    });
    parser.join();
    for (std::size_t i = 0; i < trees.size(); ++i) {
        auto document = spider::HtmlDocument::adopt(std::move(trees[i]));
        CHECK(document->root().css("li").size() == 50 + i);
    } // each document is freed here, on this thread, into this thread's freelists
    // And the other way round: parsed here, freed on a thread that then exits.
    auto document = spider::HtmlDocument::adopt(spider::HtmlDocument::parseTree(mixedPage(20)));
    std::thread freer([doc = std::move(document)]() mutable {
        CHECK(doc->root().css("li").size() == 20);
        doc.reset();
    });
    freer.join();
}
