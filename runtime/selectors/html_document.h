#pragma once

// A parsed HTML (or XML) document, shared by every Selector taken from it.

#include <functional>
#include <memory>
#include <string_view>

struct _xmlDoc;
struct _xmlNode;
struct _xmlXPathContext;

namespace spider {

class QueryCache;
class Selector;

enum class DocumentType { Html, Xml };

struct ParseOptions {
    DocumentType type = DocumentType::Html;
    // Lift libxml2's safety limits (tree depth, single text node size, name length) the
    // way parsel does by default (huge_tree=True). Input size is bounded upstream by the
    // HTTP layer's maximum response size; documents over 2 GiB are refused.
    bool hugeTree = true;
};

// A parsed tree not yet bound to a QueryCache: what parsing on a worker thread produces
// (HtmlDocument::parseTree), handed to the thread that will query it (HtmlDocument::adopt).
// Move-only; frees the tree if it is never adopted.
class ParsedTree {
public:
    ParsedTree() = default;
    ParsedTree(ParsedTree&& other) noexcept : doc_(other.doc_), type_(other.type_) { other.doc_ = nullptr; }
    ParsedTree& operator=(ParsedTree&& other) noexcept;
    ParsedTree(const ParsedTree&) = delete;
    ParsedTree& operator=(const ParsedTree&) = delete;
    ~ParsedTree();

    explicit operator bool() const noexcept { return doc_ != nullptr; }
    DocumentType type() const noexcept { return type_; }

private:
    friend class HtmlDocument;
    ParsedTree(_xmlDoc* doc, DocumentType type) noexcept : doc_(doc), type_(type) {}

    _xmlDoc* doc_ = nullptr;
    DocumentType type_ = DocumentType::Html;
};

// Where a document's tree goes when the document dies (the last Selector on it is gone).
// Empty: freed there and then. The engine hands trees to its parse threads, which free them
// while the reactor thread goes on. Called from a destructor: an exception it lets escape
// is swallowed (and a tree it did not take is freed on the spot).
using TreeDisposer = std::function<void(ParsedTree)>;

// An immutable parsed document. Parsing matches parsel's Selector(text=...) on lxml: the
// same preprocessing (strip, NULs removed, invalid UTF-8 replaced), the same libxml2
// parser options (recover, no network, compact, huge tree; for XML also no CDATA nodes
// and no entity expansion), UTF-8 forced (a <meta charset> does not re-decode the text),
// and an empty or rootless document replaced by "<html/>". Parsing never fails on bad
// markup: libxml2 recovers, and its diagnostics are not printed.
//
// Not thread-safe (XPath evaluation reuses one context): use it on one thread at a time.
class HtmlDocument : public std::enable_shared_from_this<HtmlDocument> {
public:
    // `cache` holds compiled queries shared across documents; a private one is made when
    // none is given. Throws SelectorError only if libxml2 cannot allocate the document.
    static std::shared_ptr<HtmlDocument> parse(std::string_view text, const ParseOptions& options = {},
                                               std::shared_ptr<QueryCache> cache = nullptr);

    // The parse alone, with no cache: safe to call on any thread, concurrently, once
    // initializeParser() has run (on the main thread, before any other thread parses).
    // Same preprocessing, options and fallbacks as parse(). Throws SelectorError like parse().
    static ParsedTree parseTree(std::string_view text, const ParseOptions& options = {});
    // Binds a tree parsed by parseTree() to `cache` (a private one when null), on the thread
    // that will query the document; `dispose` takes the tree when the document dies.
    // `tree` must hold a tree (std::invalid_argument if not).
    static std::shared_ptr<HtmlDocument> adopt(ParsedTree tree, std::shared_ptr<QueryCache> cache = nullptr,
                                               TreeDisposer dispose = {});
    // libxml2's one-time global set-up (xmlInitParser), which is not safe to race: call it on
    // the main thread before parsing on worker threads. parse() calls it itself.
    static void initializeParser();

    ~HtmlDocument();
    HtmlDocument(const HtmlDocument&) = delete;
    HtmlDocument& operator=(const HtmlDocument&) = delete;

    DocumentType type() const noexcept { return type_; }
    QueryCache& cache() const noexcept { return *cache_; }

    // A Selector on the root element (what parsel's Selector(text=...) is).
    Selector root() const;

    // For the selectors layer itself.
    _xmlDoc* xmlDocument() const noexcept { return doc_; }
    _xmlNode* rootNode() const noexcept;
    // The cache's XPath context pointed at this document (QueryCache::xpathContextFor):
    // valid until the next call for any document of the same cache.
    _xmlXPathContext* xpathContext() const;

private:
    HtmlDocument(_xmlDoc* doc, DocumentType type, std::shared_ptr<QueryCache> cache, TreeDisposer dispose);

    _xmlDoc* doc_;
    DocumentType type_;
    std::shared_ptr<QueryCache> cache_;
    TreeDisposer dispose_;
};

}  // namespace spider
