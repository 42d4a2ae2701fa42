#include "selectors/html_document.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <climits>
#include <string>
#include <vector>

#include "selectors/python_compat.h"
#include "selectors/query_cache.h"
#include "selectors/selector.h"
#include "selectors/selector_errors.h"
#include "selectors/xml_errors.h"

namespace spider {
namespace {

bool isHtml5Space(xmlChar c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// parsel's has-class(name, ...): true when the context element's class attribute, split
// on HTML whitespace, contains every argument. Arguments must be strings.
void hasClassFunction(xmlXPathParserContext* ctxt, int nargs) {
    if (nargs < 1) {
        xmlXPathErr(ctxt, XPATH_INVALID_ARITY);
        return;
    }
    std::vector<xmlXPathObject*> args;
    args.reserve(static_cast<std::size_t>(nargs));
    for (int i = 0; i < nargs; ++i) args.push_back(valuePop(ctxt));
    bool allStrings = true;
    for (xmlXPathObject* arg : args) allStrings = allStrings && arg != nullptr && arg->type == XPATH_STRING;
    bool result = false;
    if (allStrings) {
        xmlNode* node = ctxt->context->node;
        xmlChar* cls = (node != nullptr && node->type == XML_ELEMENT_NODE)
                           ? xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>("class"))
                           : nullptr;
        if (cls != nullptr) {
            // " " + class + " " with every run of whitespace collapsed to one space.
            std::string normalized = " ";
            bool lastSpace = true;
            for (const xmlChar* p = cls; *p; ++p) {
                if (isHtml5Space(*p)) {
                    if (!lastSpace) normalized += ' ';
                    lastSpace = true;
                } else {
                    normalized += static_cast<char>(*p);
                    lastSpace = false;
                }
            }
            if (!lastSpace) normalized += ' ';
            xmlFree(cls);
            result = true;
            for (xmlXPathObject* arg : args) {
                std::string needle = " ";
                needle += reinterpret_cast<const char*>(arg->stringval);
                needle += ' ';
                if (normalized.find(needle) == std::string::npos) result = false;
            }
        }
    }
    for (xmlXPathObject* arg : args) xmlXPathFreeObject(arg);
    if (!allStrings) {
        xmlXPathErr(ctxt, XPATH_INVALID_TYPE);
        return;
    }
    valuePush(ctxt, xmlXPathNewBoolean(result ? 1 : 0));
}

xmlDoc* parseBytes(std::string_view body, const ParseOptions& options) {
    const int size = static_cast<int>(body.size());
    if (options.type == DocumentType::Html) {
        // lxml.html.HTMLParser's defaults (recover, no network, compact) plus huge_tree,
        // with diagnostics switched off instead of collected.
        int flags = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_NOERROR |
                    HTML_PARSE_NOWARNING;
        if (options.hugeTree) flags |= XML_PARSE_HUGE;
        // TODO(perf): reuse one parser context per thread (lxml does) instead of one per page.
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

std::shared_ptr<HtmlDocument> HtmlDocument::parse(std::string_view text, const ParseOptions& options,
                                                  std::shared_ptr<QueryCache> cache) {
    if (!cache) cache = std::make_shared<QueryCache>();
    std::string storage;
    std::string_view body = detail::prepareDocumentText(text, storage);
    if (body.size() > static_cast<std::size_t>(INT_MAX)) {
        throw SelectorError("document too large to parse (" + std::to_string(body.size()) + " bytes)");
    }
    constexpr std::string_view kEmptyDocument = "<html/>";
    if (body.empty()) body = kEmptyDocument;

    xmlInitParser();
    detail::QuietLibxml quiet;
    xmlDoc* doc = parseBytes(body, options);
    if (doc == nullptr || xmlDocGetRootElement(doc) == nullptr) {
        // Nothing but comments, a doctype or garbage: parsel falls back to "<html/>".
        if (doc != nullptr) xmlFreeDoc(doc);
        doc = parseBytes(kEmptyDocument, options);
    }
    if (doc == nullptr) throw SelectorError("libxml2 could not allocate a document");
    return std::shared_ptr<HtmlDocument>(new HtmlDocument(doc, options.type, std::move(cache)));
}

HtmlDocument::HtmlDocument(xmlDoc* doc, DocumentType type, std::shared_ptr<QueryCache> cache)
    : doc_(doc), type_(type), cache_(std::move(cache)) {}

HtmlDocument::~HtmlDocument() {
    if (xpathContext_ != nullptr) xmlXPathFreeContext(xpathContext_);
    xmlFreeDoc(doc_);
}

xmlNode* HtmlDocument::rootNode() const noexcept { return xmlDocGetRootElement(doc_); }

xmlXPathContext* HtmlDocument::xpathContext() const {
    if (xpathContext_ == nullptr) {
        xpathContext_ = xmlXPathNewContext(doc_);
        if (xpathContext_ == nullptr) throw SelectorError("libxml2 could not allocate an XPath context");
        xmlXPathRegisterFunc(xpathContext_, reinterpret_cast<const xmlChar*>("has-class"), &hasClassFunction);
    }
    return xpathContext_;
}

Selector HtmlDocument::root() const { return Selector(shared_from_this(), rootNode()); }

}  // namespace spider
