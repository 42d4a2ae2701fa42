#pragma once

// Compiled-query caches shared by every document a crawl thread parses.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "selectors/css_to_xpath.h"

struct _xmlDoc;
struct _xmlXPathCompExpr;
struct _xmlXPathContext;

namespace spider {

class Regex;

// Registers the XPath functions the runtime's queries may call on `context`: parsel's
// has-class() and spiderc-includes() (what CssOutput::Evaluation writes for class tests).
// QueryCache does it for its own context; a program evaluating those queries on a context
// of its own (bench/crawl's parse limit) calls this.
void registerXPathExtensions(_xmlXPathContext* context);

// Caches CSS->XPath translations, compiled XPath expressions and compiled regular
// expressions, each keyed by the query text, and holds the one XPath context queries are
// evaluated with. A spider runs the same few dozen queries on thousands of pages, so each
// is translated/compiled once per thread, not once per page. Each kind holds at most
// `capacity` entries and is emptied when full (hostile or generated queries cannot grow it
// without bound). Not thread-safe: one per thread, passed to the documents that thread
// parses (HtmlDocument::parse).
class QueryCache {
public:
    explicit QueryCache(std::size_t capacity = 1024);
    ~QueryCache();
    QueryCache(const QueryCache&) = delete;
    QueryCache& operator=(const QueryCache&) = delete;

    // cssToXPath(css, dialect), cached. Throws SelectorSyntaxError. The reference stays
    // valid until the next cssToXPath call.
    const std::string& cssToXPath(std::string_view css, CssDialect dialect);

    // The compiled form of an XPath 1.0 expression, owned by the cache, valid until the
    // next compileXPath call. Throws XPathError when libxml2 rejects it.
    _xmlXPathCompExpr* compileXPath(std::string_view expression);

    // A compiled Python-syntax regex, valid until the next regex call. Throws RegexError.
    const Regex& regex(std::string_view pattern);

    // The XPath context that evaluates queries on `document` (parsel's has-class()
    // registered): one per cache, pointed at the document on each call, instead of one
    // made and freed per document, which cost ~2.5% of a quotes page's crawl in callgrind.
    // Valid until the next call; the caller sets the context node (and size/position).
    // Throws SelectorError when libxml2 cannot allocate it.
    _xmlXPathContext* xpathContextFor(_xmlDoc* document);

    struct Stats {
        std::size_t hits = 0;
        std::size_t misses = 0;
    };
    Stats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace spider
