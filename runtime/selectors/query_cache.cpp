#include "selectors/query_cache.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "selectors/regex.h"
#include "selectors/selector_errors.h"
#include "selectors/xml_errors.h"

namespace spider {
namespace {

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct CompiledXPathDeleter {
    void operator()(xmlXPathCompExpr* comp) const noexcept { xmlXPathFreeCompExpr(comp); }
};
using CompiledXPath = std::unique_ptr<xmlXPathCompExpr, CompiledXPathDeleter>;

struct XPathContextDeleter {
    void operator()(xmlXPathContext* ctxt) const noexcept { xmlXPathFreeContext(ctxt); }
};

bool isHtml5Space(xmlChar c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool isXPathSpace(xmlChar c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// " " + text + " " with every run of `isSpace` characters collapsed to one space, so a
// word w is in the text exactly when " w " is in the result.
std::string spacedWords(const xmlChar* text, bool (*isSpace)(xmlChar)) {
    std::string spaced = " ";
    bool lastSpace = true;
    for (const xmlChar* p = text; p != nullptr && *p; ++p) {
        if (isSpace(*p)) {
            if (!lastSpace) spaced += ' ';
            lastSpace = true;
        } else {
            spaced += static_cast<char>(*p);
            lastSpace = false;
        }
    }
    if (!lastSpace) spaced += ' ';
    return spaced;
}

// spiderc-includes(nodes, needle), what CssOutput::Evaluation writes for a class test:
// true when `nodes` is not empty and ' ' + normalize-space(string(nodes)) + ' ' contains
// `needle` (cssselect's `nodes and contains(concat(' ', normalize-space(nodes), ' '),
// needle)`, with XPath's whitespace). Reads an attribute's text in place when it is one
// text node, as it is in parsed HTML.
void includesFunction(xmlXPathParserContext* ctxt, int nargs) {
    if (nargs != 2) {
        xmlXPathErr(ctxt, XPATH_INVALID_ARITY);
        return;
    }
    xmlXPathObject* needle = valuePop(ctxt);
    xmlXPathObject* nodes = valuePop(ctxt);
    const bool typed = needle != nullptr && nodes != nullptr && needle->type == XPATH_STRING &&
                       nodes->type == XPATH_NODESET;
    bool result = false;
    if (typed && nodes->nodesetval != nullptr && nodes->nodesetval->nodeNr > 0) {
        xmlNode* first = nodes->nodesetval->nodeTab[0];
        xmlChar* owned = nullptr;
        const xmlChar* text = nullptr;
        if (first->type == XML_ATTRIBUTE_NODE && first->children != nullptr &&
            first->children->next == nullptr && first->children->type == XML_TEXT_NODE) {
            text = first->children->content;
        } else {
            owned = xmlXPathCastNodeToString(first);
            text = owned;
        }
        std::string normalized = spacedWords(text, &isXPathSpace);
        if (owned != nullptr) xmlFree(owned);
        const char* word = reinterpret_cast<const char*>(needle->stringval);
        result = normalized.find(word != nullptr ? word : "") != std::string::npos;
    }
    xmlXPathFreeObject(needle);
    xmlXPathFreeObject(nodes);
    if (!typed) {
        xmlXPathErr(ctxt, XPATH_INVALID_TYPE);
        return;
    }
    valuePush(ctxt, xmlXPathNewBoolean(result ? 1 : 0));
}

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
            std::string normalized = spacedWords(cls, &isHtml5Space);
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

}  // namespace

struct QueryCache::Impl {
    std::size_t capacity;
    StringMap<std::string> htmlCss;
    StringMap<std::string> xmlCss;
    StringMap<CompiledXPath> xpaths;
    StringMap<Regex> regexes;
    Stats stats;
    // Expressions are compiled against a context of their own with no dictionary, so the
    // compiled form refers to no document and can be evaluated against any of them.
    std::unique_ptr<xmlXPathContext, XPathContextDeleter> compileContext;
    // Evaluations point it at their document. Its object cache only ever holds emptied
    // node sets, so nothing in it refers to a document once an evaluation has finished.
    std::unique_ptr<xmlXPathContext, XPathContextDeleter> evalContext;
    std::string lastError;

    template <typename V, typename Make>
    V& lookup(StringMap<V>& map, std::string_view key, Make&& make) {
        if (auto it = map.find(key); it != map.end()) {
            ++stats.hits;
            return it->second;
        }
        ++stats.misses;
        V value = make();
        if (map.size() >= capacity) map.clear();
        return map.emplace(std::string(key), std::move(value)).first->second;
    }
};

void registerXPathExtensions(xmlXPathContext* context) {
    xmlXPathRegisterFunc(context, reinterpret_cast<const xmlChar*>("has-class"), &hasClassFunction);
    xmlXPathRegisterFunc(context, reinterpret_cast<const xmlChar*>(kIncludesFunction),
                         &includesFunction);
}

QueryCache::QueryCache(std::size_t capacity) : impl_(std::make_unique<Impl>()) {
    impl_->capacity = capacity == 0 ? 1 : capacity;
}

QueryCache::~QueryCache() = default;

const std::string& QueryCache::cssToXPath(std::string_view css, CssDialect dialect) {
    auto& map = dialect == CssDialect::Html ? impl_->htmlCss : impl_->xmlCss;
    return impl_->lookup(map, css,
                         [&] { return spider::cssToXPath(css, dialect, CssOutput::Evaluation); });
}

_xmlXPathCompExpr* QueryCache::compileXPath(std::string_view expression) {
    return impl_->lookup(impl_->xpaths, expression, [&] {
        if (expression.find('\0') != std::string_view::npos) {
            throw XPathError("XPath error: NUL character in expression");
        }
        if (!impl_->compileContext) {
            xmlInitParser();
            impl_->compileContext.reset(xmlXPathNewContext(nullptr));
            if (!impl_->compileContext) throw XPathError("XPath error: out of memory");
            impl_->compileContext->dict = nullptr;
        }
        const std::string text(expression);
        detail::XPathErrorCapture capture(impl_->compileContext.get());
        xmlXPathCompExpr* comp =
            xmlXPathCtxtCompile(impl_->compileContext.get(), reinterpret_cast<const xmlChar*>(text.c_str()));
        if (comp == nullptr) {
            throw XPathError("XPath error: " + capture.message("Invalid expression") + " in " + text);
        }
        return CompiledXPath(comp);
    }).get();
}

xmlXPathContext* QueryCache::xpathContextFor(xmlDoc* document) {
    if (!impl_->evalContext) {
        xmlInitParser();
        impl_->evalContext.reset(xmlXPathNewContext(nullptr));
        if (!impl_->evalContext) throw SelectorError("libxml2 could not allocate an XPath context");
        // Reuse XPath result objects (node sets, strings, numbers) across evaluations instead
        // of allocating each: a class test alone builds several per element it looks at.
        // The cache keeps at most 100 objects of each kind (libxml2's default).
        xmlXPathContextSetCache(impl_->evalContext.get(), 1, -1, 0);
        registerXPathExtensions(impl_->evalContext.get());
    }
    impl_->evalContext->doc = document;
    return impl_->evalContext.get();
}

const Regex& QueryCache::regex(std::string_view pattern) {
    return impl_->lookup(impl_->regexes, pattern, [&] { return Regex(pattern); });
}

QueryCache::Stats QueryCache::stats() const { return impl_->stats; }

}  // namespace spider
