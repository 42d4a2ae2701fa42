#include "selectors/html_document.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <climits>
#include <stdexcept>
#include <string>
#include <utility>

#include "selectors/python_compat.h"
#include "selectors/query_cache.h"
#include "selectors/selector.h"
#include "selectors/selector_errors.h"
#include "selectors/xml_errors.h"

namespace spider {
namespace {

xmlDoc* parseBytes(std::string_view body, const ParseOptions& options) {
    const int size = static_cast<int>(body.size());
    if (options.type == DocumentType::Html) {
        // lxml.html.HTMLParser's defaults (recover, no network, compact) plus huge_tree,
        // with diagnostics switched off instead of collected.
        int flags = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_NOERROR |
                    HTML_PARSE_NOWARNING;
        if (options.hugeTree) flags |= XML_PARSE_HUGE;
        // A context per page, not one reused per thread as lxml does: with libxml2 2.9.14,
        // reusing it (htmlCtxtReset + a shared name dictionary) measured the same to within
        // 0.3% of a quotes page's parse, in instructions (callgrind) and in CPU time, and
        // the shared dictionary would need bounding against hostile pages.
        htmlParserCtxt* ctxt = htmlNewParserCtxt();
        if (ctxt == nullptr) return nullptr;
        xmlDoc* doc = htmlCtxtReadMemory(ctxt, body.data(), size, nullptr, "UTF-8", flags);
        htmlFreeParserCtxt(ctxt);
        return doc;
    }
    // parsel's SafeXMLParser: lxml's XMLParser defaults with resolve_entities=False.
    int flags = XML_PARSE_RECOVER | XML_PARSE_NOCDATA | XML_PARSE_NONET | XML_PARSE_COMPACT |
                XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    if (options.hugeTree) flags |= XML_PARSE_HUGE;
    xmlParserCtxt* ctxt = xmlNewParserCtxt();
    if (ctxt == nullptr) return nullptr;
    xmlDoc* doc = xmlCtxtReadMemory(ctxt, body.data(), size, nullptr, "UTF-8", flags);
    xmlFreeParserCtxt(ctxt);
    return doc;
}

}  // namespace

ParsedTree& ParsedTree::operator=(ParsedTree&& other) noexcept {
    if (this != &other) {
        if (doc_ != nullptr) xmlFreeDoc(doc_);
        doc_ = other.doc_;
        type_ = other.type_;
        other.doc_ = nullptr;
    }
    return *this;
}

ParsedTree::~ParsedTree() {
    if (doc_ != nullptr) xmlFreeDoc(doc_);
}

void HtmlDocument::initializeParser() { xmlInitParser(); }

ParsedTree HtmlDocument::parseTree(std::string_view text, const ParseOptions& options) {
    std::string storage;
    std::string_view body = detail::prepareDocumentText(text, storage);
    if (body.size() > static_cast<std::size_t>(INT_MAX)) {
        throw SelectorError("document too large to parse (" + std::to_string(body.size()) + " bytes)");
    }
    constexpr std::string_view kEmptyDocument = "<html/>";
    if (body.empty()) body = kEmptyDocument;

    detail::QuietLibxml quiet;
    xmlDoc* doc = parseBytes(body, options);
    if (doc == nullptr || xmlDocGetRootElement(doc) == nullptr) {
        // Nothing but comments, a doctype or garbage: parsel falls back to "<html/>".
        if (doc != nullptr) xmlFreeDoc(doc);
        doc = parseBytes(kEmptyDocument, options);
    }
    if (doc == nullptr) throw SelectorError("libxml2 could not allocate a document");
    return ParsedTree(doc, options.type);
}

std::shared_ptr<HtmlDocument> HtmlDocument::adopt(ParsedTree tree, std::shared_ptr<QueryCache> cache,
                                                  TreeDisposer dispose) {
    if (!tree) throw std::invalid_argument("HtmlDocument::adopt: the tree is empty");
    if (!cache) cache = std::make_shared<QueryCache>();
    auto document = std::shared_ptr<HtmlDocument>(
        new HtmlDocument(tree.doc_, tree.type_, std::move(cache), std::move(dispose)));
    tree.doc_ = nullptr; // the document owns it now
    return document;
}

std::shared_ptr<HtmlDocument> HtmlDocument::parse(std::string_view text, const ParseOptions& options,
                                                  std::shared_ptr<QueryCache> cache) {
    initializeParser();
    return adopt(parseTree(text, options), std::move(cache), {});
}

HtmlDocument::HtmlDocument(xmlDoc* doc, DocumentType type, std::shared_ptr<QueryCache> cache,
                           TreeDisposer dispose)
    : doc_(doc), type_(type), cache_(std::move(cache)), dispose_(std::move(dispose)) {}

HtmlDocument::~HtmlDocument() {
    // The cache's XPath context may still point at this tree: it is repointed before every
    // query (xpathContextFor), so handing the tree away here is safe.
    if (!dispose_) {
        xmlFreeDoc(doc_);
        return;
    }
    try {
        dispose_(ParsedTree(doc_, type_));
    } catch (...) {
        // The tree was freed by the ParsedTree's destructor if the disposer had not taken it.
    }
}

xmlNode* HtmlDocument::rootNode() const noexcept { return xmlDocGetRootElement(doc_); }

xmlXPathContext* HtmlDocument::xpathContext() const { return cache_->xpathContextFor(doc_); }

Selector HtmlDocument::root() const { return Selector(shared_from_this(), rootNode()); }

}  // namespace spider
