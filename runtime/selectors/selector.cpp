#include "selectors/selector.h"

#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "selectors/python_compat.h"
#include "selectors/query_cache.h"
#include "selectors/regex.h"
#include "selectors/xml_errors.h"

namespace spider {
namespace {

const char* chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

Selector::Kind kindOf(const xmlNode* node) {
    switch (node->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE: return Selector::Kind::Text;
    case XML_ATTRIBUTE_NODE: return Selector::Kind::Attribute;
    case XML_COMMENT_NODE: return Selector::Kind::Comment;
    case XML_PI_NODE: return Selector::Kind::ProcessingInstruction;
    default: return Selector::Kind::Element;
    }
}

bool isTreeNode(Selector::Kind kind) {
    return kind == Selector::Kind::Element || kind == Selector::Kind::Comment ||
           kind == Selector::Kind::ProcessingInstruction;
}

std::string attributeValue(const xmlAttr* attr) {
    const xmlNode* child = attr->children;
    if (child == nullptr) return {};
    if (child->next == nullptr && child->type == XML_TEXT_NODE) {
        return child->content ? chars(child->content) : "";
    }
    xmlChar* value = xmlNodeGetContent(reinterpret_cast<const xmlNode*>(attr));
    std::string out = value ? chars(value) : "";
    xmlFree(value);
    return out;
}

struct OutputBufferDeleter {
    void operator()(xmlOutputBuffer* buffer) const noexcept { xmlOutputBufferClose(buffer); }
};

// lxml's tostring(node, method=..., encoding="unicode", with_tail=False): the same libxml2
// serialiser calls, so entity escaping, void elements, attribute quoting and URI-escaping
// of href/src values come out byte-identical.
std::string serialize(const HtmlDocument& document, xmlNode* node) {
    std::unique_ptr<xmlOutputBuffer, OutputBufferDeleter> buffer(xmlAllocOutputBuffer(nullptr));
    if (!buffer) throw SelectorError("libxml2 could not allocate an output buffer");
    xmlDoc* doc = document.xmlDocument();
    if (document.type() == DocumentType::Html) {
        htmlNodeDumpFormatOutput(buffer.get(), doc, node, nullptr, 0);
    } else if (node->parent != nullptr && node->parent->type == XML_DOCUMENT_NODE) {
        xmlNodeDumpOutput(buffer.get(), doc, node, 0, 0, "UTF-8");
    } else {
        // Like lxml: serialise a shallow copy that declares every namespace in scope, so
        // the fragment stands alone, with the original children borrowed for the dump.
        xmlNode* copy = xmlCopyNode(node, 2);
        if (copy == nullptr) throw SelectorError("libxml2 could not copy a node");
        for (xmlNode* parent = node->parent;
             parent != nullptr && (parent->type == XML_ELEMENT_NODE || parent->type == XML_DOCUMENT_NODE);
             parent = parent->parent) {
            if (parent->type != XML_ELEMENT_NODE) continue;
            for (xmlNs* ns = parent->nsDef; ns != nullptr; ns = ns->next) xmlNewNs(copy, ns->href, ns->prefix);
        }
        copy->parent = node->parent;
        copy->children = node->children;
        copy->last = node->last;
        xmlNodeDumpOutput(buffer.get(), doc, copy, 0, 0, "UTF-8");
        copy->children = nullptr;
        copy->last = nullptr;
        copy->parent = nullptr;
        xmlFreeNode(copy);
    }
    xmlOutputBufferFlush(buffer.get());
    return std::string(chars(xmlOutputBufferGetContent(buffer.get())), xmlOutputBufferGetSize(buffer.get()));
}

struct XPathObjectDeleter {
    void operator()(xmlXPathObject* object) const noexcept { xmlXPathFreeObject(object); }
};

SelectorList evaluate(const std::shared_ptr<const HtmlDocument>& document, xmlNode* contextNode,
                      std::string_view query) {
    xmlXPathCompExpr* compiled = document->cache().compileXPath(query);
    xmlXPathContext* context = document->xpathContext();
    context->node = contextNode;
    context->contextSize = -1;
    context->proximityPosition = -1;
    std::unique_ptr<xmlXPathObject, XPathObjectDeleter> result;
    {
        detail::XPathErrorCapture capture(context);
        result.reset(xmlXPathCompiledEval(compiled, context));
        if (!result) {
            throw XPathError("XPath error: " + capture.message("Invalid expression") + " in " +
                             std::string(query));
        }
    }
    std::vector<Selector> items;
    switch (result->type) {
    case XPATH_NODESET: {
        const xmlNodeSet* nodes = result->nodesetval;
        if (nodes == nullptr) break;
        items.reserve(static_cast<std::size_t>(nodes->nodeNr));
        for (int i = 0; i < nodes->nodeNr; ++i) {
            xmlNode* node = nodes->nodeTab[i];
            switch (node->type) {
            case XML_DOCUMENT_NODE:
            case XML_HTML_DOCUMENT_NODE:
                break;  // lxml leaves the document node out of results
            case XML_NAMESPACE_DECL: {
                // lxml gives a (prefix, uri) tuple, which parsel renders with str().
                const auto* ns = reinterpret_cast<const xmlNs*>(node);
                std::string value = "(";
                if (ns->prefix) {  // appends, not "'" + std::string: g++ 12 -O3 -Wrestrict
                    value.append("'").append(chars(ns->prefix)).append("'");
                } else {
                    value += "None";
                }
                value += ", '";
                value += ns->href ? chars(ns->href) : "";
                value += "')";
                items.emplace_back(document, std::move(value));
                break;
            }
            case XML_ELEMENT_NODE:
            case XML_ATTRIBUTE_NODE:
            case XML_TEXT_NODE:
            case XML_CDATA_SECTION_NODE:
            case XML_ENTITY_REF_NODE:
            case XML_PI_NODE:
            case XML_COMMENT_NODE:
                items.emplace_back(document, node);
                break;
            default:
                break;  // DTD and declaration nodes: not something a selector returns
            }
        }
        break;
    }
    case XPATH_BOOLEAN: items.emplace_back(document, std::string(result->boolval ? "1" : "0")); break;
    case XPATH_NUMBER: items.emplace_back(document, detail::pythonFloatRepr(result->floatval)); break;
    case XPATH_STRING:
        items.emplace_back(document, std::string(result->stringval ? chars(result->stringval) : ""));
        break;
    default: throw XPathError("XPath error: unsupported result type in " + std::string(query));
    }
    return SelectorList(std::move(items));
}

std::vector<std::string> applyRegex(const Regex& regex, std::string_view text, Entities entities) {
    std::vector<std::string> matches = regex.extract(text);
    if (entities == Entities::Replace) {
        for (std::string& match : matches) {
            if (match.find('&') != std::string::npos) match = replaceEntities(match);
        }
    }
    return matches;
}

const Regex& compileRegex(const HtmlDocument* document, std::string_view pattern,
                          std::unique_ptr<Regex>& uncached) {
    if (document != nullptr) return document->cache().regex(pattern);
    uncached = std::make_unique<Regex>(pattern);
    return *uncached;
}

}  // namespace

Selector Selector::fromText(std::string_view text, const ParseOptions& options, std::shared_ptr<QueryCache> cache) {
    return HtmlDocument::parse(text, options, std::move(cache))->root();
}

Selector::Selector(std::shared_ptr<const HtmlDocument> document, _xmlNode* node)
    : document_(std::move(document)), node_(node), kind_(kindOf(node)) {}

Selector::Selector(std::shared_ptr<const HtmlDocument> document, std::string value)
    : document_(std::move(document)), kind_(Kind::Value), value_(std::move(value)) {}

SelectorList Selector::xpath(std::string_view query) const {
    if (!isTreeNode(kind_) || !document_) return {};
    return evaluate(document_, node_, query);
}

SelectorList Selector::css(std::string_view query) const {
    if (!document_) {
        cssToXPath(query);  // still reports a bad selector
        return {};
    }
    const CssDialect dialect = document_->type() == DocumentType::Html ? CssDialect::Html : CssDialect::Xml;
    const std::string& translated = document_->cache().cssToXPath(query, dialect);
    return xpath(translated);
}

std::string Selector::get() const {
    switch (kind_) {
    case Kind::Value: return value_;
    case Kind::Text: return node_->content ? chars(node_->content) : "";
    case Kind::Attribute: return attributeValue(reinterpret_cast<const xmlAttr*>(node_));
    default: return serialize(*document_, node_);
    }
}

std::vector<std::string> Selector::re(std::string_view pattern, Entities entities) const {
    std::unique_ptr<Regex> uncached;
    const Regex& regex = compileRegex(document_.get(), pattern, uncached);
    return applyRegex(regex, get(), entities);
}

std::optional<std::string> Selector::reFirst(std::string_view pattern, Entities entities) const {
    std::vector<std::string> matches = re(pattern, entities);
    if (matches.empty()) return std::nullopt;
    return std::move(matches.front());
}

std::string Selector::reFirst(std::string_view pattern, std::string_view defaultValue, Entities entities) const {
    auto first = reFirst(pattern, entities);
    return first ? std::move(*first) : std::string(defaultValue);
}

std::map<std::string, std::string> Selector::attrib() const {
    std::map<std::string, std::string> out;
    if (kind_ != Kind::Element || node_->type != XML_ELEMENT_NODE) return out;
    for (const xmlAttr* attr = node_->properties; attr != nullptr; attr = attr->next) {
        std::string name;
        if (attr->ns != nullptr && attr->ns->href != nullptr) {
            name.append("{").append(chars(attr->ns->href)).append("}");  // see -Wrestrict above
        }
        name += chars(attr->name);
        out.emplace(std::move(name), attributeValue(attr));
    }
    return out;
}

std::optional<std::string> Selector::attribute(std::string_view name) const {
    if (kind_ != Kind::Element || node_->type != XML_ELEMENT_NODE) return std::nullopt;
    const std::string key(name);
    const xmlAttr* attr = xmlHasNsProp(node_, reinterpret_cast<const xmlChar*>(key.c_str()), nullptr);
    if (attr == nullptr) return std::nullopt;
    return attributeValue(attr);
}

SelectorList SelectorList::xpath(std::string_view query) const {
    std::vector<Selector> out;
    for (const Selector& item : items_) {
        SelectorList part = item.xpath(query);
        out.insert(out.end(), part.begin(), part.end());
    }
    return SelectorList(std::move(out));
}

SelectorList SelectorList::css(std::string_view query) const {
    std::vector<Selector> out;
    for (const Selector& item : items_) {
        SelectorList part = item.css(query);
        out.insert(out.end(), part.begin(), part.end());
    }
    return SelectorList(std::move(out));
}

std::optional<std::string> SelectorList::get() const {
    if (items_.empty()) return std::nullopt;
    return items_.front().get();
}

std::string SelectorList::get(std::string_view defaultValue) const {
    return items_.empty() ? std::string(defaultValue) : items_.front().get();
}

std::vector<std::string> SelectorList::getall() const {
    std::vector<std::string> out;
    out.reserve(items_.size());
    for (const Selector& item : items_) out.push_back(item.get());
    return out;
}

std::vector<std::string> SelectorList::re(std::string_view pattern, Entities entities) const {
    std::vector<std::string> out;
    for (const Selector& item : items_) {
        std::vector<std::string> part = item.re(pattern, entities);
        out.insert(out.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
    return out;
}

std::optional<std::string> SelectorList::reFirst(std::string_view pattern, Entities entities) const {
    for (const Selector& item : items_) {
        std::vector<std::string> part = item.re(pattern, entities);
        if (!part.empty()) return std::move(part.front());
    }
    return std::nullopt;
}

std::string SelectorList::reFirst(std::string_view pattern, std::string_view defaultValue, Entities entities) const {
    auto first = reFirst(pattern, entities);
    return first ? std::move(*first) : std::string(defaultValue);
}

std::map<std::string, std::string> SelectorList::attrib() const {
    return items_.empty() ? std::map<std::string, std::string>{} : items_.front().attrib();
}

}  // namespace spider
