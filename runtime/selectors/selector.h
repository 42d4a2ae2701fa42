#pragma once

// Selector and SelectorList: parsel's API (the one Scrapy callbacks use) over libxml2.
//
//   auto page = spider::Selector::fromText(html);
//   for (const auto& quote : page.css("div.quote")) {
//       auto text = quote.css("span.text::text").get();           // std::optional
//       auto author = quote.xpath(".//small/text()").get("?");    // with a default
//       auto tags = quote.css("a.tag::text").getall();
//   }
//   auto year = page.css("footer").reFirst(R"((\d{4}))");
//
// Results are what parsel returns for the same document and query, byte for byte:
// elements serialise as lxml's tostring(method="html") does, text and attribute nodes
// give their text, XPath numbers read like Python floats ("3.0"), booleans "1"/"0".

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "selectors/html_document.h"
#include "selectors/selector_errors.h"

namespace spider {

class SelectorList;

// Whether re()/reFirst() turn character references in matches into characters (parsel's
// replace_entities=True, the default; &lt; and &amp; are always kept).
enum class Entities { Replace, Keep };

class Selector {
public:
    enum class Kind {
        Element,                // also entity references, as in lxml
        Text,                   // text() and ::text results
        Attribute,              // @x and ::attr(x) results
        Comment,
        ProcessingInstruction,
        Value,                  // a string, number or boolean XPath result
    };

    // Parses a page and returns its root element, like parsel.Selector(text=...,
    // type="html"|"xml"). Never fails on bad markup.
    static Selector fromText(std::string_view text, const ParseOptions& options = {},
                             std::shared_ptr<QueryCache> cache = nullptr);

    // A selector on `node` of `document` (Kind from the node's type).
    Selector(std::shared_ptr<const HtmlDocument> document, _xmlNode* node);
    // A string result (Kind::Value) of a query on `document`.
    Selector(std::shared_ptr<const HtmlDocument> document, std::string value);

    // XPath 1.0 relative to this node ("./a", ".//a"; "//a" searches the whole document).
    // Empty on text/attribute/value selectors, like parsel. Throws XPathError.
    SelectorList xpath(std::string_view query) const;
    // CSS (translated to XPath, cached), relative to this node. Throws SelectorSyntaxError.
    SelectorList css(std::string_view query) const;

    // The serialised node, text, attribute value or result value.
    std::string get() const;
    std::vector<std::string> getall() const { return {get()}; }

    // parsel's re(): every match of a Python-syntax regex in get() (a group named
    // "extract": its first match only; one group: that group; several: all of them,
    // flattened). Throws RegexError.
    std::vector<std::string> re(std::string_view pattern, Entities entities = Entities::Replace) const;
    std::optional<std::string> reFirst(std::string_view pattern, Entities entities = Entities::Replace) const;
    std::string reFirst(std::string_view pattern, std::string_view defaultValue,
                        Entities entities = Entities::Replace) const;

    // The element's attributes (namespaced ones as "{uri}name", like lxml); empty for
    // anything but an element.
    std::map<std::string, std::string> attrib() const;
    // One attribute of an element, without building the map.
    std::optional<std::string> attribute(std::string_view name) const;

    Kind kind() const noexcept { return kind_; }
    const std::shared_ptr<const HtmlDocument>& document() const noexcept { return document_; }
    _xmlNode* node() const noexcept { return node_; }

private:
    std::shared_ptr<const HtmlDocument> document_;
    _xmlNode* node_ = nullptr;
    Kind kind_ = Kind::Value;
    std::string value_;
};

// The result of a query: a list of Selectors, with parsel's SelectorList helpers.
class SelectorList {
public:
    using value_type = Selector;
    using const_iterator = std::vector<Selector>::const_iterator;
    using iterator = const_iterator;

    SelectorList() = default;
    explicit SelectorList(std::vector<Selector> items) : items_(std::move(items)) {}

    // The query applied to every item, results concatenated in order.
    SelectorList xpath(std::string_view query) const;
    SelectorList css(std::string_view query) const;

    // The first item's get(), or nullopt / defaultValue when the list is empty.
    std::optional<std::string> get() const;
    std::string get(std::string_view defaultValue) const;
    std::vector<std::string> getall() const;

    std::vector<std::string> re(std::string_view pattern, Entities entities = Entities::Replace) const;
    // The first match over the items in order (nullopt / defaultValue when none).
    std::optional<std::string> reFirst(std::string_view pattern, Entities entities = Entities::Replace) const;
    std::string reFirst(std::string_view pattern, std::string_view defaultValue,
                        Entities entities = Entities::Replace) const;

    // The first item's attributes, or an empty map.
    std::map<std::string, std::string> attrib() const;

    std::size_t size() const noexcept { return items_.size(); }
    bool empty() const noexcept { return items_.empty(); }
    const Selector& operator[](std::size_t i) const { return items_[i]; }
    const_iterator begin() const noexcept { return items_.begin(); }
    const_iterator end() const noexcept { return items_.end(); }
    const std::vector<Selector>& items() const noexcept { return items_; }

private:
    std::vector<Selector> items_;
};

}  // namespace spider
